"""Reading the lexicon files in ``core/data/``.

Every lexicon is a UTF-8 text file: one entry per line, ``#`` starts a comment,
blank lines are ignored, fields are separated by tabs. Each file's header says
what its columns mean and how to extend it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@cache
def read_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """The rows of ``core/data/<name>``, split on tabs, comments and blanks dropped."""
    rows = []
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            rows.append(tuple(field.strip() for field in line.split("\t")))
    return tuple(rows)


def read_words(name: str) -> frozenset[str]:
    """The first column of ``core/data/<name>`` as a set."""
    return frozenset(row[0] for row in read_rows(name))


@cache
def synonym_pairs(name: str) -> tuple[tuple[str, str], ...]:
    """(synonym, canonical) of a lexicon of ``canonical<TAB>synonyms joined by |`` rows, the canonical name a
    synonym of itself, longest synonym first (measures.tsv, scopes.tsv)."""
    pairs = {(syn, row[0]) for row in read_rows(name) for syn in (row[0], *row[1].split("|")) if syn}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` that prefers the longest word at a position."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


# Every (first, pattern, flags) given to led_by, for the test that each finds what its pattern alone does.
LED_PATTERNS: set[tuple[str, str, int]] = set()


def led_by(first: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled behind a lookahead on ``first``, a character class body (``\\d十``) holding every
    character a match of it can start with. The matches are the same; ``re`` skips the positions no match can
    start at, which makes a pattern that opens with a lookbehind or a long alternation about 3× faster."""
    LED_PATTERNS.add((first, pattern, flags))
    return re.compile(f"(?=[{first}])(?:{pattern})", flags)


def first_characters(words: Iterable[str]) -> str:
    """The class body for :func:`led_by` of an alternation of ``words``."""
    return "".join(re.escape(c) for c in sorted({w[0] for w in words if w}))
