"""Word segmentation and part-of-speech tagging, initialised once per process.

Segmentation runs on normalised (Simplified) text: jieba tags Traditional text
about a hundred times slower. The fast path is ``rjieba`` (jieba-rs), which
honours the same user dictionary; ``jieba`` stays the reference the tests
compare against.

The user dictionary is ``core/data/userdict.txt`` (domain terms) plus every
name and alias in ``core/data/entities.tsv``, so names are never split.
"""

from __future__ import annotations

from functools import lru_cache

import rjieba

from core import analyst
from core.lexicon import read_rows

# A frequency high enough that a dictionary word wins over the split jieba would make.
_USER_FREQ = 50_000
_ENTITY_TAGS = {"person": "nr", "org": "nt", "place": "ns", "product": "nz", "media": "nt"}


def user_words() -> list[tuple[str, str]]:
    """(word, tag) pairs for the segmenter: domain terms, then entity names and aliases."""
    words = [(row[0], row[2] if len(row) > 2 and row[2] else "n") for row in read_rows("userdict.txt")]
    for row in read_rows("entities.tsv"):
        tag = _ENTITY_TAGS.get(row[1] if len(row) > 1 else "", "nz")
        names = [row[0], *(a for a in (row[2].split("|") if len(row) > 2 else []) if a)]
        words.extend((name, tag) for name in names)
    words.extend(analyst.user_words())
    for canonical, kind, aliases in analyst.alias_rows():
        words.extend((name, _ENTITY_TAGS[kind]) for name in (canonical, *aliases))
    return words


# rjieba builds a segmenter with its default dictionary when imported (0.1 s), behind its module
# functions (``rjieba.tag`` is that segmenter's bound method). The process's first segmenter is that one,
# not a second, so ``rjieba.cut`` in this process knows the user dictionary too (nothing here calls it).
# A later one (after ``segmenter.cache_clear()``: the tests, when an analyst's words change) starts from a
# fresh dictionary, so no word of the earlier set stays. Should rjieba stop exposing it, a fresh one is built.
_IMPORTED: list[rjieba.Jieba] = [
    seg for seg in (getattr(rjieba.tag, "__self__", None),) if isinstance(seg, rjieba.Jieba)
]


@lru_cache(maxsize=1)
def segmenter() -> rjieba.Jieba:
    """The process-wide segmenter with the user dictionary loaded."""
    seg = _IMPORTED.pop() if _IMPORTED else rjieba.Jieba()
    for word, tag in user_words():
        seg.add_word(word, _USER_FREQ, tag)
    return seg


def cut(text: str) -> list[str]:
    """Segment normalised text into words."""
    return segmenter().cut(text, True)


def tag(text: str) -> list[tuple[str, str]]:
    """Segment and tag normalised text: (word, jieba POS tag) pairs."""
    return segmenter().tag(text, True)
