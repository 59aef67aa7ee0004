"""The lexicon measures and scopes a phrase names (``core/data/measures.tsv``, ``scopes.tsv``): one reader for the
frames, the matching and the group labels."""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from core.lexicon import alternation, read_words, synonym_pairs


@lru_cache(maxsize=65536)
def lexicon_measure(phrase: str) -> str:
    """The canonical measure of ``measures.tsv`` the phrase names, nearest the number (§) first."""
    return _nearest(phrase, "measures.tsv")


@lru_cache(maxsize=65536)
def lexicon_scope(phrase: str) -> str:
    return _nearest(phrase, "scopes.tsv")


@lru_cache(maxsize=65536)
def lexicon_scopes(phrase: str) -> frozenset[str]:
    """Every canonical scope of ``scopes.tsv`` the phrase names, the longest name at each place (半导体设备 is
    equipment alone; 人工智能芯片 is both AI and chips)."""
    pattern, canonical = _scope_pattern()
    return frozenset(canonical[m.group()] for m in pattern.finditer(phrase))


@cache
def _scope_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    pairs = synonym_pairs("scopes.tsv")
    return re.compile(alternation(syn for syn, _ in pairs)), dict(pairs)


# A measure word followed by one of these names a policy, not a quantity (出口管制 is no export figure).
_POLICY = re.compile(alternation(read_words("policy_words.txt")))


def _nearest(phrase: str, lexicon: str) -> str:
    at = phrase.find("§")
    best, distance = "", math.inf
    for synonym, canonical in synonym_pairs(lexicon):
        i = phrase.find(synonym)
        while i >= 0:
            d = min(abs(i - at), abs(i + len(synonym) - at)) if at >= 0 else i
            if d < distance and not _POLICY.match(phrase, i + len(synonym)):
                best, distance = canonical, d
            i = phrase.find(synonym, i + 1)
    return best
