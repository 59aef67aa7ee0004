"""The words the figure stages share: units, measures and cue words, read from ``core/data``.

Units come from ``units.tsv``, measures from ``figure_metrics.tsv``, qualifier, modality,
source and control cues from ``figure_cues.tsv``; each file's header says how to extend it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.lexicon import alternation as _alternation
from core.lexicon import read_rows


@dataclass(frozen=True)
class _Unit:
    code: str
    kind: str
    factor: float


@dataclass(frozen=True)
class _Measure:
    name: str
    kind: str


def _cues(role: str) -> dict[str, str]:
    return {row[0]: row[2] if len(row) > 2 else "" for row in read_rows("figure_cues.tsv") if row[1] == role}


_UNITS = {
    row[0]: _Unit(row[1], row[2], float(row[3]) if len(row) > 3 and row[3] else 1.0)
    for row in read_rows("units.tsv")
}
_PREFIX_UNITS = {s: u for s, u in _UNITS.items() if u.kind == "prefix"}
_CURRENCIES = [s for s, u in _UNITS.items() if u.kind == "currency"]
# Currencies whose amounts are written in 元 (新台币5兆元): a bare 元 later in the paragraph is theirs.
_YUAN_CURRENCIES = [row[0] for row in read_rows("units.tsv") if len(row) > 4 and row[4] == "yuan"]
_MEASURES = {row[0]: _Measure(row[1], row[2]) for row in read_rows("figure_metrics.tsv")}
# A bound on a process node in a sentence about controls (禁止出口7纳米及以下芯片) is the rule's threshold.
_CONTROL_RE = re.compile(_alternation(_cues("control")))
CONTROL_THRESHOLD = "管制门槛"
# 暂停…一年, 为期一年: a verb that puts a term on what it governs, earlier in the clause of a bare 一年.
_TERM_VERB_RE = re.compile(_alternation(_cues("term_verb")))
# 恒生指数收报26842点: a stock index's name or word, whose points a number in 点 after it counts.
_INDEX = _alternation(_cues("index"))
# Measures of a firm's accounts (营收, 毛利率): a place before them is a market segment, not the subject.
FIRM_METRICS = tuple({row[1] for row in read_rows("figure_metrics.tsv") if len(row) > 3 and row[3] == "firm"})
_QUALIFIER_BEFORE = _cues("qualifier_before")
_QUALIFIER_AFTER = _cues("qualifier_after")
_MODALITY = _cues("modality")
_SOURCE_VERBS = _cues("source_verb")
# A clause ending in a verb of saying (X显示, 协会报告称) names a source: the description's attribution and the frame's
# subjects (never carried across it) read it alike.
SOURCE_VERB_END_RE = re.compile(rf"(?:{_alternation(_SOURCE_VERBS)})\Z")
_SOURCE_NOUNS = _cues("source_noun")
_SOURCE_TITLES = _cues("source_title")
_IMPLIED_MODALITY = {**_SOURCE_NOUNS, **_SOURCE_VERBS}

_MEASURE_RE = re.compile(_alternation(_MEASURES))
