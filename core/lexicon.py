"""Reading the lexicon files in ``core/data/``.

Every lexicon is a UTF-8 text file: one entry per line, ``#`` starts a comment,
blank lines are ignored, fields are separated by tabs. Each file's header says
what its columns mean and how to extend it.
"""

from __future__ import annotations

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
