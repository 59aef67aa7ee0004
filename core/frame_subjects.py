"""Whom a figure is about: the subjects its clause, its sentence or the clauses before it name.

A subject is an organisation, place or product the entity stage found (people and media are actors, not what is
measured), as what it stands for (北京 → 中国) and then its parent body (工业和安全局 → 美国商务部). The frames
(:mod:`core.frames`) ask an article's :class:`Subjects` once per figure; every span is in the article's original
offsets, as its mentions are.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from core.doc import Doc, Layout
from core.figures.vocabulary import SOURCE_VERB_END_RE
from core.lexicon import read_rows
from core.normalize import to_simplified

# Entity types that name the measured thing; people and media state figures, they are not measured.
SUBJECT_TYPES = frozenset({"org", "place", "product"})

# A mention: (start in the original text, canonical entity, entity type).
Mention = tuple[int, str, str]


class Subjects:
    """The subjects an article's spans name, from its sorted mentions; a sentence's are read once."""

    def __init__(self, text: str, mentions: list[Mention], lay: Layout) -> None:
        self.text, self.mentions, self.lay = text, mentions, lay
        self.starts = [m[0] for m in mentions]
        self._sentences: dict[int, tuple[str, ...]] = {}

    def named(self, low: int, high: int, parties: bool = True) -> tuple[str, ...]:
        """The subjects the mentions in ``[low, high)`` name: each as what it stands for, then its parent body;
        without ``parties``, not the other party of a trade (对美国出口, 自美国进口: :meth:`_counterparty`)."""
        i, j = bisect.bisect_left(self.starts, low), bisect.bisect_left(self.starts, high)
        parents = _parents()
        return tuple(dict.fromkeys(name for start, e, kind in self.mentions[i:j] if kind in SUBJECT_TYPES
                                   and (parties or not self._counterparty(start, high))
                                   for name in (stands_for(e), parents.get(e)) if name))

    def _counterparty(self, start: int, high: int) -> bool:
        """The mention at ``start`` is whom a trade goes to or comes from (中国对美国出口, 自美国进口大豆): 对/向/自/从
        right before it and a verb of trade after it, within its clause, and no control before it (禁止向中国出口
        is about China). A figure of the trade is the trader's, never the counterparty's."""
        return start > 0 and self.text[start - 1] in "对對向自从從" \
            and _TRADE_AFTER.match(self.text, start, min(high, start + _TRADE_REACH)) is not None \
            and _CONTROL_BEFORE.search(self.text, max(0, start - _TRADE_REACH), start) is None

    def of_clause(self, low: int, high: int) -> tuple[str, ...]:
        """The subjects ``text[low:high]`` names: its entities but the other party of a trade, and 中国 for the
        mainland press's 我国, 国产 or 国内 and Taiwan's 陸製 or 陸企."""
        return self._of(low, high) or self.named(low, high)

    def _of(self, low: int, high: int) -> tuple[str, ...]:
        named = self.named(low, high, parties=False)
        return tuple(dict.fromkeys((*named, "中国"))) if _HOME.search(self.text, low, high) else named

    def of_sentence(self, low: int, high: int) -> tuple[str, ...]:
        """The subjects the sentence ``[low, high)`` names, as :meth:`of_clause` without its fallback (the other
        party of a trade stays out, whatever else the sentence names); read once however many figures it holds (a
        pasted one-line file is one sentence of megabytes)."""
        if low not in self._sentences:
            self._sentences[low] = self._of(low, high)
        return self._sentences[low]

    def respective(self, low: int, high: int, at: int, spans: list[tuple[int, int]]) -> tuple[str, ...]:
        """华为和寒武纪的份额分别升至28%和11%: the subjects named before 分别, in order, one part for each figure of
        the clause after it; the part of the figure at ``at``, or () when the clause is not built so."""
        respectively = _RESPECTIVELY.search(self.text, low, high)
        if respectively is None or at < respectively.end():
            return ()
        figures = [s for s, _ in spans if respectively.end() <= s < high]
        parts = [part for part in _split_at(self.text, low, respectively.start()) if self.named(*part)]
        if len(figures) < 2 or len(parts) != len(figures) or at not in figures:
            return ()
        return self.named(*parts[figures.index(at)])

    def carried(self, low: int, span: tuple[int, int] | None) -> tuple[str, ...]:
        """A clause that names no subject speaks of the last clause before it in its sentence that does
        (中芯国际营收80亿美元，按年增长10%: the 10% is 中芯国际's), within :data:`_CARRY_CLAUSES`: that clause's
        subjects. ``low`` is where the sentence's window starts, ``span`` the clause before the figure's
        (:meth:`previous_clause`). A clause that names a source (协会报告称，) is whom the figures are quoted from,
        not what they are about: nothing is carried across it."""
        for _ in range(_CARRY_CLAUSES):
            if span is None:
                break
            named = self.of_clause(*span)
            if named:
                return named
            span = self.previous_clause(low, span[0])
        return ()

    def previous_clause(self, low: int, at: int) -> tuple[int, int] | None:
        """The clause before the one starting at ``at`` in its sentence (starting at ``low``), unless there is none
        or it names a source (报告称，)."""
        if at <= low:
            return None
        c_start, c_end = self.lay.clause(at - 1)
        c_start, c_end = max(c_start, low), min(c_end, at)
        names_source = SOURCE_VERB_END_RE.search(to_simplified(self.text[c_start:c_end]).rstrip(",，:："))
        return None if names_source else (c_start, c_end)

    def direction(self, low: int, at: int) -> str:
        """``actor>target`` around the last 对/向 between ``low`` and ``at``, when entities stand on both sides."""
        found = list(_TOWARDS.finditer(self.text, low, at))
        if not found:
            return ""
        last = found[-1]
        before, after = self.named(low, last.start()), self.named(last.end(), at)
        return f"{before[-1]}>{after[0]}" if before and after and before[-1] != after[0] else ""


def outside_bylines(named: list[Mention], doc: Doc) -> list[Mention]:
    """The mentions (original offsets) outside the document's bylines: 〔記者某某／台北報導〕 names who reports and
    from where, never what a figure is about."""
    spans = [doc.mapped.to_original(start, end) for start, end in doc.bylines]
    if not spans:
        return named
    return [m for m in named if not any(start <= m[0] < end for start, end in spans)]


def stands_for(entity: str) -> str:
    """北京 → 中国: what an entity stands for as a subject (itself unless ``metonyms.tsv`` says otherwise)."""
    return _metonyms().get(entity, entity)


def _split_at(text: str, low: int, high: int) -> list[tuple[int, int]]:
    """``text[low:high]`` cut at its conjunctions (和, 及, 与, 、), as spans."""
    cuts = [low, *(i for m in _CONJUNCTION.finditer(text, low, high) for i in m.span()), high]
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts), 2)]


_RESPECTIVELY = re.compile("分[别別]")
_CONJUNCTION = re.compile("以及|和|及|与|與|、|跟")

# How many clauses back a clause naming no subject looks for one: ellipsis reaches the last few, not a list's head.
_CARRY_CLAUSES = 4


@cache
def _parents() -> dict[str, str]:
    """工业和安全局 → 美国商务部: a standing part of an organisation, and its parent (``entity_parents.tsv``)."""
    return {row[0]: row[1] for row in read_rows("entity_parents.tsv")}


@cache
def _metonyms() -> dict[str, str]:
    """北京 → 中国: a capital standing for its country (``core/data/metonyms.tsv``)."""
    return {row[0]: row[1] for row in read_rows("metonyms.tsv")}


_TOWARDS = re.compile("[对對向]")
# A verb of trade after a counterparty, within a few characters of it (对美国的芯片出口, 自美国进口).
_TRADE_AFTER = re.compile(r"[^，。；,;\n]*?(?:出口|进口|進口|输往|輸往|出货|出貨)")
# 禁止向中国出口: the party a control names is what the control is about, not the other party of a trade.
_CONTROL_BEFORE = re.compile("[禁限]|管制")
_TRADE_REACH = 14
# 我国, 国产 and 国内 written in Simplified script are the mainland press's China (Taiwan's 我國, 國產 and 國內 are
# left unresolved); Taiwan's 陸製, 陸企, 陸資 … are made, run or owned in mainland China.
_HOME = re.compile("我国|(?<![美韩日英德法俄印越泰澳加荷])国(?:产|内(?!生产总值|存|出口))"
                   "|(?<![内內登着著])[陸陆][製制企資资廠厂系方股商]")
