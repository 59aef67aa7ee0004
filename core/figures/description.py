"""What a quantity is about, read from its sentence and clause: the measure (metric), the period,
the modality and the source it is attributed to; the subject phrase with :mod:`core.figures.phrases`.
"""

from __future__ import annotations

import bisect
import re

from core.doc import Doc, trimmed
from core.entities import is_known_name
from core.figures.cues import _COMPARISON_BASE_RE, _COMPARISON_OPEN_RE, _MODALITY_RE, _NOT_FROM, _TARGET_YEAR_RE
from core.figures.exclusions import _TITLE_RE
from core.figures.phrases import (
    _SOURCE_TRAILING_RE,
    _SUBJECT_LEADING_RE,
    FIRM_REFERENCE_RE,
    _clean_source,
    _clean_subject,
    _is_outlet,
)
from core.figures.quantities import _Quantity
from core.figures.vocabulary import (
    _IMPLIED_MODALITY,
    _MEASURE_RE,
    _MEASURES,
    _MODALITY,
    SOURCE_VERB_END_RE,
)

# How far a figure's context reaches each way inside a sentence that never ends (see _sentence_window).
_REACH = 200
_CLAUSE_BREAK_RE = re.compile(r"[,:、]")
_CLAUSE_SEPARATORS = frozenset(",;:!?。\n()")
_SOURCE_SEPARATORS = frozenset(",;:!?。\n")
# 营收成长, 产量较上一年增加: what may stand between a measure and the change word moving it.
_BETWEEN_MEASURE_AND_CHANGE_RE = re.compile(r".?|(?:较|比|相比|相较)[^,;。]{0,8}")
_MOVES_TO_RE = re.compile(r"(?:已经?|将|均|则|也|分别|又|再|正)*[从由].*[至到]")
_SOURCE_PREPOSITION_RE = re.compile(r"根据|依据|(?<![数占证依根])据(?!悉)")
_ANAPHORA_RE = re.compile(r"(?:该|此|这一?)\w")
_SUBJECT_MAX = 16

def _period(
    text: str, dates: list[tuple[int, int, str]], date_ends: list[int], sentence_start: int, lead: int
) -> str:
    """The nearest date named before the figure in its sentence, unless it is a comparison's base.

    较去年增加五成: 去年 is what this year is compared with, not the period of the growth; but in
    较去年同期的49.1% the figure is the base's own level, so that date stays its period.
    """
    i = bisect.bisect_right(date_ends, lead) - 1
    while i >= 0 and dates[i][0] >= sentence_start:
        start, end, value = dates[i]
        if not (_COMPARISON_BASE_RE.search(text, max(sentence_start, start - 3), start)
                and any(_MEASURES[m.group()].kind == "change" for m in _MEASURE_RE.finditer(text, end, lead))):
            return value
        i -= 1
    return ""


# ---------------------------------------------------------------- quantities


class _Context:
    """The sentence and clause around one quantity, and what they say about it."""

    def __init__(self, doc: Doc, occupied: bytearray, numbers: bytearray, sent_start: int, sent_end: int,
                 q: _Quantity):
        self.doc, self.text, self.occupied, self.numbers, self.q = doc, doc.text, occupied, numbers, q
        self.sent_start, self.sent_end = sent_start, sent_end
        self.clause_start = self._boundary_before(q.lead, _CLAUSE_SEPARATORS)
        self.clause_end = self._boundary_after(q.end, _CLAUSE_SEPARATORS)

    def _boundary_before(self, pos: int, separators: frozenset[str]) -> int:
        i = pos
        while i > self.sent_start and not self._separates(i - 1, separators):
            i -= 1
        return i

    def _boundary_after(self, pos: int, separators: frozenset[str]) -> int:
        i = pos
        while i < self.sent_end and not self._separates(i, separators):
            i += 1
        return i

    def _separates(self, i: int, separators: frozenset[str]) -> bool:
        """A separator ends a clause; a comma between digits (7,596) does not."""
        text = self.text
        if text[i] not in separators:
            return False
        return not (text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())

    # -- metric

    def metric(self) -> tuple[str, int]:
        """The measure the number quantifies, and where the words about it begin."""
        text, q = self.text, self.q
        head = change = None
        for m in reversed(list(_MEASURE_RE.finditer(text, self.clause_start, q.lead))):
            measure = _MEASURES[m.group()]
            gap = text[m.end():q.lead].replace(" ", "")
            if measure.kind == "none":
                continue
            if measure.kind == "change":
                if gap.lstrip("了")[:1] in ("至", "到") or re.search(r"\d", gap):
                    continue  # 提升至25%: a level, named by an earlier word; or another number's verb
                if change is None and head is None and gap in ("", "了"):
                    change = m
                    continue
                if change is not None:
                    continue
            elif any(self.numbers[m.end():q.lead]) and not _MOVES_TO_RE.match(gap) and gap[-1:] not in "至到":
                continue  # another number's measure (投入270亿美元和5年), unless it moves to this one (从28%降至15%)
            head = m
            break
        # 从25%提高到50%, 较第一季的67.6%再提升: the change word after the number moves another figure.
        level = self._follows_from() or self.is_comparison_base()
        after = None
        if head is None and q.kind in ("percent", "currency"):
            m = _MEASURE_RE.search(text, q.end, min(self.clause_end, q.end + 8))
            if m and m.start() - q.end <= 3 and _MEASURES[m.group()].kind != "none":
                after = m
        if q.kind == "percent" and change is None and after is None and not level:
            m = _MEASURE_RE.match(text, q.end)
            if m and _MEASURES[m.group()].kind == "change":
                change = m  # 2.5%增长
        if head is not None and _MEASURES[head.group()].kind == "change" and change is None:
            head, change = self._measure_before(head), head  # 营收成长可望接近三成: the growth of 营收
        anchor = head.start() if head else change.start() if change and change.start() < q.lead else q.lead
        if after is not None and _MEASURES[after.group()].kind == "change":
            change, after = (after if change is None and not level else change), None
        share = self._share_of(head)
        return self._metric_name(head, after, change, share is not None), anchor if share is None else share

    def _metric_name(self, head: re.Match | None, after: re.Match | None, change: re.Match | None,
                     share: bool) -> str:
        """The measure's name from the words found: 营收占比, 出口额增长, 占比 alone."""
        name = ""
        if head is not None:
            name = _MEASURES[head.group()].name + ("占比" if share else "")
        elif after is not None:
            after_measure = _MEASURES[after.group()]
            name = after_measure.name
            if change is None and self.q.unit == "%" and after_measure.kind == "amount":
                name += "占比"  # 六成营收来自中国: a share of revenue
        elif share:
            name = "占比"  # 占全球的42%
        if change is not None:
            moved = _MEASURES[change.group()].name
            if not name:
                name = self._amount_in_previous_clause()
            name = moved if not name or moved.startswith(name) else name + moved
        return name

    def _measure_before(self, change: re.Match) -> re.Match | None:
        """The amount or rate before a change word (营收成长, 产量较上一年增加), if one stands there."""
        before = [m for m in _MEASURE_RE.finditer(self.text, self.clause_start, change.start())
                  if _MEASURES[m.group()].kind in ("amount", "rate") and not any(self.numbers[m.end():change.start()])
                  and _BETWEEN_MEASURE_AND_CHANGE_RE.fullmatch(self.text, m.end(), change.start())]
        return before[-1] if before else None

    def _share_of(self, head: re.Match | None) -> int | None:
        """Where 占 stands in 中国占全球产量约60% / 占其营收的41%: a percentage of an amount is a share."""
        if self.q.unit != "%" or head is not None and _MEASURES[head.group()].kind != "amount":
            return None
        end = head.start() if head is not None else self.q.lead
        i = self.text.rfind("占", self.clause_start, end)
        return i if i >= 0 and not any(self.numbers[i:end]) else None

    def _follows_from(self) -> bool:
        """从2024年的25%, 由约两成: the figure is where a change starts, a level and not the change."""
        text, lead = self.text, self.q.lead
        i = max(text.rfind("从", self.clause_start, lead), text.rfind("由", self.clause_start, lead))
        if i < 0 or lead - i > 14 or text[i:i + 2] in _NOT_FROM or text[i - 1:i + 1] in _NOT_FROM:
            return False
        return not any(self.numbers[i:lead])

    def is_comparison_base(self) -> bool:
        """较第一季的67.6%, 较前一年的16%: the clause states what another figure is compared with."""
        return bool(_COMPARISON_OPEN_RE.match(self.text, self.clause_start, self.q.lead))

    def _amount_in_previous_clause(self) -> str:
        """同比增长82% after 出口额达5212亿日元: the change is of the previous clause's amount."""
        end = self.clause_start - 1
        if end <= self.sent_start:
            return ""
        start = self._boundary_before(end, _CLAUSE_SEPARATORS)
        amounts = [m for m in _MEASURE_RE.finditer(self.text, start, end) if _MEASURES[m.group()].kind == "amount"]
        return _MEASURES[amounts[-1].group()].name if amounts else ""

    # -- subject

    def subject(self, anchor: int) -> str:
        """Who or what the figure is about: the noun phrase opening its clause, before the measure."""
        text = self.text
        start = self.clause_start
        opening = _SUBJECT_LEADING_RE.match(text, start, anchor)
        if opening:
            start = opening.end()
        segments, opened = [], None  # the runs of characters no number, date or byline occupies
        for i in range(start, anchor):
            if self.occupied[i]:
                if opened is not None:
                    segments.append((opened, i))
                    opened = None
            elif opened is None:
                opened = i
        if opened is not None:
            segments.append((opened, anchor))
        for s_start, s_end in segments:
            if _ANAPHORA_RE.match(text[s_start:s_end].strip()):
                titles = _TITLE_RE.findall(text, self.sent_start, start)
                if titles:
                    return titles[-1]  # 该法案 → the title named earlier in the sentence
            candidate = _clean_subject(self.doc, s_start, s_end)
            if FIRM_REFERENCE_RE.search(text, s_start, s_end) and not is_known_name(candidate):
                return "该公司"  # resolved to the firm named last (figures._owner)
            if candidate and not _is_outlet(self.doc, candidate, self.sent_start, anchor):
                return candidate
        return ""

    # -- modality and source

    def modality(self) -> str:
        """projected / target / estimate from words in the clause before the number, else ''."""
        text, q = self.text, self.q
        cues = list(_MODALITY_RE.finditer(text, self.clause_start, q.lead))
        if _TARGET_YEAR_RE.search(text, self.clause_start, q.lead) or "目标" in text[q.end:self.clause_end]:
            return "target"
        return _MODALITY[cues[-1].group()] if cues else ""

    def source(self) -> tuple[str, str]:
        """Who the sentence attributes the figure to (根据X数据, X显示, 据X), and the modality that implies."""
        text, lead = self.text, self.q.lead
        best: tuple[int, str] | None = None
        for m in _SOURCE_PREPOSITION_RE.finditer(text, self.sent_start, lead):
            end = self._boundary_after(m.end(), _SOURCE_SEPARATORS)
            phrase = text[m.end():end]
            if end < lead and (len(phrase) <= 12 or _SOURCE_TRAILING_RE.search(phrase)):
                best = (end, phrase)
        pos = self.sent_start
        while pos < lead:
            end = self._boundary_after(pos, _SOURCE_SEPARATORS)
            if end >= lead:
                break
            clause = text[pos:end].strip()
            verb = SOURCE_VERB_END_RE.search(clause)
            if verb and verb.start() >= 2 and (best is None or end > best[0]):
                best = (end, clause)
            pos = end + 1
        if best is None:
            return "", ""
        phrase = best[1]
        implied = max(((phrase.rfind(w), v) for w, v in _IMPLIED_MODALITY.items() if v and w in phrase), default=None)
        return _clean_source(self.doc, phrase, self.sent_start, lead), implied[1] if implied else ""



def _sentence_window(text: str, start: int, end: int, q: _Quantity) -> tuple[int, int]:
    """The sentence ``[start, end)`` around ``q``, or, when it runs on past ``_REACH`` characters either
    side, the clauses of it within that reach.

    A page pasted as one line without full stops is one "sentence" of megabytes: reading (and
    quoting) all of it for every figure would make extraction quadratic. A cut falls at the clause
    break nearest the limit, else at the limit.
    """
    if q.lead - start > _REACH:
        floor = q.lead - _REACH
        cut = _CLAUSE_BREAK_RE.search(text, floor, q.lead)
        start = cut.end() if cut else floor
    if end - q.end > _REACH:
        ceiling = q.end + _REACH
        cuts = [m.start() for m in _CLAUSE_BREAK_RE.finditer(text, q.end, ceiling)]
        end = cuts[-1] if cuts else ceiling
    return trimmed(text, start, end)




def _elliptical(context: _Context, metric: str, subject: str, before: tuple[str, str] | None) -> tuple[str, str]:
    """A figure whose clause leaves its measure unsaid takes the one of the sentence's last like figure.

    3纳米占晶圆营收的24%，5纳米占36%: 36% is a revenue share too; 关税升至50%，2024年时为25%: so is
    25% a tariff; 较第一季的67.6%: the base of a comparison is the same measure of the same subject.
    """
    if before is None or not before[0]:
        return metric, subject
    if context.is_comparison_base():
        return before[0] if not metric else metric, before[1] or subject
    if not metric or metric == "占比" and before[0].endswith("占比"):
        return before[0], subject
    return metric, subject
