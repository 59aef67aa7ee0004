"""Sentences that name a measure without a figure (半导体自给率稳步提升): the context of a claim group.

Found once per article at extraction, from the lexicons ``measures.tsv`` and ``scopes.tsv``;
:func:`core.claims.group_claims` attaches them to the groups of that measure and scope.
"""

from __future__ import annotations

import re
from functools import cache

from core.doc import Doc
from core.lexicon import alternation, read_words, synonym_pairs


def lookup(text: str, lexicon: str) -> str:
    for synonym, canonical in synonym_pairs(lexicon):
        if synonym in text:
            return canonical
    return ""


def qualitative_mentions(doc: Doc) -> list[dict]:
    """Sentences that name a measure of a scope without any number (半导体自给率稳步提升).

    The measure must follow its scope word directly (半导体自给率, 芯片的市场份额), and not be the
    first half of a policy word (芯片出口管制 names no export figure). Computed once per article at
    extraction; the claim groups attach them as context.
    """
    rows = []
    named = _scoped_measure()
    mapped = doc.mapped
    for low, high in doc.statements():
        for clause in _CLAUSE.finditer(mapped.text, low, high):
            hit = named.search(clause.group())
            if hit and not _NUMBER.search(clause.group()):
                if high - low > 2 * _CONTEXT_REACH:
                    # A sentence that never ends (a file pasted as one line): keep the part around the measure.
                    at = clause.start() + hit.start()
                    low, high = max(low, at - _CONTEXT_REACH), min(high, at + len(hit.group()) + _CONTEXT_REACH)
                start, end = mapped.to_original(low, high)
                rows.append({"measure": lookup(hit.group("measure"), "measures.tsv"),
                             "scope": lookup(hit.group("scope"), "scopes.tsv"),
                             "sentence": mapped.original[start:end].strip(), "start": start, "end": end})
                break
    return rows


@cache
def _scoped_measure() -> re.Pattern[str]:
    return re.compile(
        f"(?P<scope>{_pattern('scopes.tsv').pattern})的?(?P<measure>{_pattern('measures.tsv').pattern})"
        f"(?!{alternation(read_words('policy_words.txt'))})"
    )


_CLAUSE = re.compile(r"[^,，;；:：]+")
# How far a context sentence reaches each way from its measure when the sentence has no end in sight.
_CONTEXT_REACH = 200
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十]成|百分之|[十百千万亿兆]+(?:亿|元|美元|倍)|万亿|亿")


@cache
def _pattern(lexicon: str) -> re.Pattern[str]:
    return re.compile(alternation(synonym for synonym, _ in synonym_pairs(lexicon)))

