"""Cleaning an article's text: boilerplate lines and repeated paragraphs left out of the body.

In: the decoded text (and, for a web page, the spans its reader kept). Out: the body as spans of
the text and every line left out as a ``Removed`` with its kind and offsets. Boilerplate
patterns are ``core/data/boilerplate.tsv``; the text itself is never modified.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.lexicon import DATA_DIR

# Lines this long are body paragraphs even when they start like a footer.
_MAX_BOILERPLATE_LINE = 400
# Shorter lines ("前言", "参考资料:") legitimately repeat and are not de-duplicated.
_MIN_DUPLICATE_CHARS = 8


@dataclass(frozen=True, slots=True)
class Removed:
    """A line left out of the body: what kind, its text, and where it stands in ``Article.text``."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class _Rules:
    kinds: tuple[str, ...]
    reach_next: tuple[bool, ...]
    # Row i is group r<i>. Patterns anchored with ^ are tried at the line start
    # only; the alternation is far slower when tried at every position.
    at_start: re.Pattern[str]
    anywhere: re.Pattern[str]


@lru_cache(maxsize=1)
def boilerplate_rules() -> _Rules:
    """``core/data/boilerplate.tsv`` compiled: row i becomes the named group ``r<i>``."""
    kinds, reach, at_start, anywhere = [], [], [], []
    path = DATA_DIR / "boilerplate.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, regex, *rest = [field.strip() for field in line.split("\t")] + [""]
        try:
            re.compile(regex)
        except re.error as err:
            raise ValueError(f"{path.name} line {number}: bad pattern {regex!r}: {err}") from err
        (at_start if regex.startswith("^") else anywhere).append(f"(?P<r{len(kinds)}>{regex})")
        kinds.append(kind)
        reach.append(rest[0] == "next")
    never = "(?!)"
    return _Rules(
        tuple(kinds),
        tuple(reach),
        re.compile("|".join(at_start) or never, re.IGNORECASE),
        re.compile("|".join(anywhere) or never, re.IGNORECASE),
    )


def boilerplate_kind(line: str) -> tuple[str, bool] | None:
    """(kind, also-remove-next-line) for a boilerplate line, else None. ``line`` is stripped."""
    if len(line) > _MAX_BOILERPLATE_LINE:
        return None
    rules = boilerplate_rules()
    match = rules.at_start.match(line) or rules.anywhere.search(line)
    if match is None or match.lastgroup is None:
        return None
    i = int(match.lastgroup[1:])
    return rules.kinds[i], rules.reach_next[i]


def clean(
    text: str, within: Sequence[tuple[int, int]] | None = None
) -> tuple[tuple[tuple[int, int], ...], tuple[Removed, ...]]:
    """Split ``text`` (or only its spans ``within``) into body spans and removed lines (boilerplate, then repeats).

    Works on whole lines only. A repeated line (same text once whitespace is
    dropped, at least ``_MIN_DUPLICATE_CHARS`` long) keeps its first occurrence.
    Body spans are runs of kept lines, blank lines inside a run included (inside one of
    ``within``, when given).
    """
    spans: list[tuple[int, int]] = []
    removed: list[Removed] = []
    seen: set[str] = set()
    run: list[int] | None = None
    carry: str | None = None
    lines = ((start, end, 0) for start, end in _content_lines(text)) if within is None else _lines_within(text, within)
    group = 0
    for start, end, line_group in lines:
        if line_group != group and run is not None:
            spans.append((run[0], run[1]))
            run = None
        group = line_group
        line = text[start:end]
        found = boilerplate_kind(line)
        kind = found[0] if found else carry
        carry = found[0] if found and found[1] else None
        if kind is None:
            key = "".join(line.split())
            if len(key) >= _MIN_DUPLICATE_CHARS:
                kind = "duplicate" if key in seen else None
                seen.add(key)
        if kind is not None:
            removed.append(Removed(kind, line, start, end))
            if run is not None:
                spans.append((run[0], run[1]))
                run = None
        elif run is None:
            run = [start, end]
        else:
            run[1] = end
    if run is not None:
        spans.append((run[0], run[1]))
    return tuple(spans), tuple(removed)


def _lines_within(text: str, spans: Sequence[tuple[int, int]]):
    """(start, end, span number) of the content lines of each span, offsets into ``text``.

    A run of body lines never reaches across two spans: what stands between them is not body.
    """
    for number, (span_start, span_end) in enumerate(spans):
        for start, end in _content_lines(text[span_start:span_end]):
            yield span_start + start, span_start + end, number


def _content_lines(text: str):
    """(start, end) of each non-blank line with surrounding whitespace trimmed."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + len(line) - len(line.lstrip())
            yield start, start + len(stripped)


def page_removed(
    text: str, page_spans: Sequence[tuple[int, int]], removed: tuple[Removed, ...]
) -> tuple[Removed, ...]:
    """``removed`` plus every line of a page outside its article (navigation, related links, footers), kind "page"."""
    cut = []
    spans = iter(page_spans)
    current = next(spans, None)
    for start, end in _content_lines(text):
        while current is not None and current[1] <= start:
            current = next(spans, None)
        if current is None or end <= current[0]:
            cut.append(Removed("page", text[start:end], start, end))
    return tuple(sorted((*removed, *cut), key=lambda r: r.start))

