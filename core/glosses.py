"""English glosses: the one home for the English of measures, scopes, names and measure phrases.

Each word has its English in one place: a canonical measure or scope in the English column of
``core/data/measures.tsv`` / ``scopes.tsv``; an entity in its Latin alias in ``entities.tsv`` (阿斯麦 →
ASML), else, for a country or region, its CLDR English name through babel (越南 → Vietnam); any other
word of a measure phrase in ``core/data/glosses.tsv``. The claim groups' English labels (claims.csv) and
the dashboard's English read them here.

>>> phrase_gloss("半导体设备出口额")
'chip equipment exports'
>>> phrase_gloss("某某指标份额")
'[某某指标] share'
"""

from __future__ import annotations

import re
from functools import cache

from core.gazetteer import territory_english
from core.lexicon import read_rows


@cache
def _english_column(lexicon: str) -> dict[str, str]:
    return {row[0]: row[2] for row in read_rows(lexicon) if len(row) > 2 and row[2]}


def lexicon_gloss(word: str, lexicon: str) -> str:
    """A canonical measure's (``measures.tsv``) or scope's (``scopes.tsv``) English, "" when it has none."""
    return _english_column(lexicon).get(word, "")


@cache
def entity_gloss(name: str) -> str:
    """An entity's name in Latin letters: its longest Latin alias in the lexicon (阿斯麦 → ASML, 美国 → United
    States), else a country's or region's CLDR English name; "" when neither has one."""
    for row in read_rows("entities.tsv"):
        if row[0] == name and len(row) > 2:
            latin = [a for a in row[2].split("|") if re.fullmatch(r"[A-Za-z][A-Za-z .&'-]*", a)]
            if latin:
                return max(latin, key=len)
    return territory_english().get(name, "")


@cache
def _word_glosses() -> dict[str, str]:
    """Every word a measure phrase is glossed by: canonical measures and scopes, then glosses.tsv."""
    words = {**_english_column("scopes.tsv"), **_english_column("measures.tsv")}
    words.update((row[0], row[1]) for row in read_rows("glosses.tsv") if len(row) > 1)
    return words


def phrase_gloss(phrase: str) -> str:
    """A measure phrase in English, part by part, longest part first: 半导体自给率 → semiconductors
    self-sufficiency rate; a part no table glosses stays in Chinese, in brackets."""
    glosses = _word_glosses()
    words, rest = [], phrase
    while rest:
        match = next((rest[:n] for n in range(len(rest), 0, -1) if rest[:n] in glosses), None)
        if match is None:
            # The unglossed remainder, up to the next part a table knows.
            cut = next((i for i in range(1, len(rest)) if any(rest[i:].startswith(k) for k in glosses)), len(rest))
            words.append(f"[{rest[:cut]}]")
            rest = rest[cut:]
        else:
            words.append(glosses[match])
            rest = rest[len(match):]
    return " ".join(words)
