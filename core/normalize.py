"""Script conversion and width folding, with offsets mapped back to the original.

Analysis runs on a normalised copy of each article: Simplified script with
Taiwan phrases converted (OpenCC ``tw2sp``: 晶片→芯片, 奈米→纳米), full-width
digits, letters and punctuation folded to ASCII. Phrase conversion changes the
length of the text, so every character of the normalised copy keeps the span
of original characters it came from; evidence found in the copy is highlighted
where it stands in the original.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

import opencc

# Full-width ASCII block (！..～) folds onto ASCII; the ideographic space onto a space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20
# Chinese punctuation that carries number syntax (decimal point, range dash, ratio).
_PUNCT = {
    ord("－"): "-", ord("—"): "-", ord("–"): "-", ord("～"): "~", ord("〜"): "~",
    ord("﹪"): "%", ord("％"): "%", ord("．"): ".",
}
_FOLD = {**{k: chr(v) for k, v in _FULLWIDTH.items()}, **_PUNCT}

# Conversion runs clause by clause: short pieces keep the alignment cheap and local.
_CLAUSE = re.compile(r"[^\n。!?！？;；]*[\n。!?！？;；]?")


@dataclass(frozen=True)
class MappedText:
    """A derived text whose every character remembers its span in an original.

    ``starts[i]``/``ends[i]`` are the original offsets of the characters that
    produced ``text[i]``; a converted phrase maps each of its characters to the
    whole original phrase.
    """

    text: str
    original: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text: str) -> MappedText:
        idx = tuple(range(len(text)))
        return cls(text, text, idx, tuple(i + 1 for i in idx))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open span ``[start, end)`` of ``text`` onto ``original``."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return self.starts[start], max(self.ends[start:end])

    def original_slice(self, start: int, end: int) -> str:
        s, e = self.to_original(start, end)
        return self.original[s:e]

    def then(self, derived: MappedText) -> MappedText:
        """Compose: ``derived`` was made from ``self.text``; map it to ``self.original``."""
        if derived.original != self.text:
            raise ValueError("derived text was not made from this text")
        if not self.text:
            return MappedText(derived.text, self.original, derived.starts, derived.ends)
        starts = tuple(self.starts[s] if s < len(self.starts) else len(self.original) for s in derived.starts)
        ends = tuple(
            max(self.ends[s:e]) if e > s and s < len(self.ends) else starts[i]
            for i, (s, e) in enumerate(zip(derived.starts, derived.ends))
        )
        return MappedText(derived.text, self.original, starts, ends)


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def fold_width(text: str) -> str:
    """Fold full-width digits, letters and number punctuation to ASCII (same length)."""
    return text.translate(_FOLD)


def to_simplified(text: str) -> str:
    """Traditional (incl. Taiwan phrases) to Simplified, as OpenCC ``tw2sp`` does."""
    return _converter("tw2sp").convert(text)


def normalize(text: str) -> MappedText:
    """Simplified script, folded widths; each character mapped back to ``text``."""
    folded = fold_width(text)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _CLAUSE.finditer(folded):
        if not m.group():
            continue
        _align_clause(m.group(), m.start(), out, starts, ends)
    return MappedText("".join(out), text, tuple(starts), tuple(ends))


def _align_clause(clause: str, offset: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    converted = to_simplified(clause)
    out.append(converted)
    if converted == clause:
        starts.extend(range(offset, offset + len(clause)))
        ends.extend(range(offset + 1, offset + len(clause) + 1))
        return
    # Character-level conversion keeps the length; diffing it against the phrase
    # conversion isolates the phrases that were replaced as a whole.
    chars = _converter("t2s").convert(clause)
    if len(chars) != len(clause):
        chars = clause
    matcher = difflib.SequenceMatcher(None, chars, converted, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            starts.extend(range(offset + i1, offset + i2))
            ends.extend(range(offset + i1 + 1, offset + i2 + 1))
        elif j2 > j1:
            starts.extend([offset + i1] * (j2 - j1))
            ends.extend([offset + max(i2, i1 + 1)] * (j2 - j1))
