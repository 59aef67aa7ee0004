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
