"""Script conversion and width folding, with offsets mapped back to the original.

Analysis runs on a normalised copy of each article: Simplified script
(OpenCC ``tw2s`` character conversion) with Taiwan/HK phrases replaced from
``core/data/tw_phrases.tsv`` (晶片→芯片, 奈米→纳米, 記憶體→内存), full-width
digits, letters and punctuation folded to ASCII. We do not use OpenCC's
``tw2sp`` phrase table: it also rewrites ordinary words (核心→内核 in any
text). Phrase replacement changes the length of the text, so every character
of the normalised copy keeps the span of original characters it came from;
evidence found in the copy is highlighted where it stands in the original.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import opencc

from core.lexicon import read_rows

# Full-width ASCII block (！..～) folds onto ASCII; the ideographic space onto a space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Chinese punctuation that carries number syntax (decimal point, range dash, ratio).
_PUNCT = {
    ord("－"): "-", ord("—"): "-", ord("–"): "-", ord("～"): "~", ord("〜"): "~",
    ord("﹪"): "%", ord("％"): "%", ord("．"): ".",
}
# Variant characters OpenCC leaves unconverted (美國國立衞生研究院).
_VARIANTS = {ord("衞"): "卫", ord("歳"): "岁", ord("緖"): "绪"}
_FOLD = {**{k: chr(v) for k, v in _FULLWIDTH.items()}, **_PUNCT, **_VARIANTS}


class Translation:
    """``str.translate`` with ``table`` for texts where few characters change.

    ``str.translate`` looks every character of a non-ASCII text up in the table; this finds the runs
    of characters the table holds with one regular-expression scan and translates those alone
    (a Chinese article of 1,500 characters: about five times faster). Same result as ``translate``.
    """

    def __init__(self, table: dict[int, int | str]) -> None:
        self.table = table
        held = "".join(re.escape(chr(cp)) for cp in sorted(table))
        self._runs = re.compile(f"[{held}]+" if held else "(?!)")

    def __call__(self, text: str) -> str:
        # An ASCII text has its own fast path in ``str.translate``; a short name costs less than starting a scan.
        if len(text) < 8 or text.isascii():
            return text.translate(self.table)
        return self._runs.sub(self._translated, text)

    def _translated(self, m: re.Match[str]) -> str:
        return m.group().translate(self.table)


_fold = Translation(_FOLD)


def offsets(values: Iterable[int]) -> Sequence[int]:
    """Offsets as the maps keep them: a ``range`` stays one (a run of characters taken one for one costs
    nothing), anything else becomes a packed array of 8-byte integers, not a tuple of Python ints (a 5 MiB
    article would otherwise hold ~36 bytes a character in each map)."""
    if isinstance(values, range | array):
        return values
    return array("q", values)


@dataclass(frozen=True, eq=False)
class MappedText:
    """A derived text whose every character remembers its span in an original.

    ``starts[i]``/``ends[i]`` are the original offsets of the characters that
    produced ``text[i]``; a converted phrase maps each of its characters to the
    whole original phrase. The maps are ``range`` objects or packed arrays (:func:`offsets`).
    """

    text: str
    original: str
    starts: Sequence[int]
    ends: Sequence[int]

    def __post_init__(self) -> None:
        object.__setattr__(self, "starts", offsets(self.starts))
        object.__setattr__(self, "ends", offsets(self.ends))

    @classmethod
    def identity(cls, text: str) -> MappedText:
        return cls(text, text, range(len(text)), range(1, len(text) + 1))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of ``text`` onto ``original``."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        ends = self.ends
        if isinstance(ends, range) and ends.step > 0:  # increasing: the last is the largest, no walk over the span
            return self.starts[start], ends[end - 1]
        return self.starts[start], max(ends[start:end])

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]

    def then(self, derived: MappedText) -> MappedText:
        """Compose: ``derived`` was made from ``self.text``; map it to ``self.original``."""
        if derived.original != self.text:
            raise ValueError("derived text was not made from this text")
        if not self.text:
            return MappedText(derived.text, self.original, derived.starts, derived.ends)
        own_starts, own_ends = self.starts, self.ends
        if _one_for_one(own_starts, own_ends):
            # Each character of self.text is one original character, shifted: compose by shifting.
            shift = own_starts[0]
            return MappedText(derived.text, self.original, _shifted(derived.starts, shift),
                              _shifted(derived.ends, shift))
        size = len(own_starts)
        starts = array("q", [own_starts[s] if s < size else len(self.original) for s in derived.starts])
        # Most characters come from exactly one character (e == s + 1): no slice to take the max of.
        ends = array("q", [
            own_ends[s] if e == s + 1 and s < size else max(own_ends[s:e]) if e > s and s < size else start
            for start, s, e in zip(starts, derived.starts, derived.ends, strict=True)
        ])
        return MappedText(derived.text, self.original, starts, ends)


def _one_for_one(starts: Sequence[int], ends: Sequence[int]) -> bool:
    """Whether the maps are a contiguous run ``range(a, b)`` / ``range(a + 1, b + 1)``."""
    return (isinstance(starts, range) and isinstance(ends, range) and starts.step == 1 and ends.step == 1
            and ends.start == starts.start + 1)


def _shifted(values: Sequence[int], shift: int) -> Sequence[int]:
    if isinstance(values, range):
        return range(values.start + shift, values.stop + shift, values.step)
    return array("q", [v + shift for v in values]) if shift else values


@cache
def converter(config: str) -> opencc.OpenCC:
    """The process-wide OpenCC converter for ``config`` (``t2s``, ``s2t``, ``tw2s`` ...)."""
    return opencc.OpenCC(config)


@cache
def _phrases() -> tuple[dict[str, str], re.Pattern[str] | None]:
    table = {row[0]: row[1] for row in read_rows("tw_phrases.tsv") if len(row) > 1 and row[0] != row[1]}
    if not table:
        return table, None
    return table, re.compile("|".join(re.escape(p) for p in sorted(table, key=len, reverse=True)))


def fold_width(text: str) -> str:
    """Fold full-width digits, letters and number punctuation to ASCII (same length)."""
    return _fold(text)


def to_simplified(text: str) -> str:
    """Traditional to Simplified characters, then Taiwan/HK phrases to mainland ones (晶片→芯片)."""
    return normalize_script(text)[0]


def normalize_script(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """Simplified text plus, per output character, the (start, end) of its source span in ``text``."""
    chars = converter("tw2s").convert(text)
    if len(chars) != len(text):
        # OpenCC's character tables map one character to one; keep the text if that ever breaks.
        chars = text
    table, pattern = _phrases()
    if pattern is None or not pattern.search(chars):
        return chars, range(len(text)), range(1, len(text) + 1)
    out: list[str] = []
    starts = array("q")
    ends = array("q")
    last = 0
    for match in pattern.finditer(chars):
        out.append(chars[last:match.start()])
        starts.extend(range(last, match.start()))
        ends.extend(range(last + 1, match.start() + 1))
        replacement = table[match.group()]
        out.append(replacement)
        starts.extend([match.start()] * len(replacement))
        ends.extend([match.end()] * len(replacement))
        last = match.end()
    out.append(chars[last:])
    starts.extend(range(last, len(chars)))
    ends.extend(range(last + 1, len(chars) + 1))
    return "".join(out), starts, ends


def normalize(text: str) -> MappedText:
    """Simplified script, folded widths; each character mapped back to ``text``."""
    converted, starts, ends = normalize_script(fold_width(text))
    return MappedText(converted, text, starts, ends)
