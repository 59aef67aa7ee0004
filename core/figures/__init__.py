"""Figures and dates stated in one article.

A figure is a number made a quantity by what stands next to it: a unit (38%,
500亿美元, 7纳米, 3个月), a scale word (14亿) or a classifier (88所). Dates,
ordinals, set phrases, model names (H20, 5G), titles in 《》 and registration or
contact numbers are not figures; dates are reported on their own as
:class:`DateMention`. Each figure is described from the clause around it: what
it measures (metric), of whom (subject), when (period), how it is put
(modality) and on whose word (attributed_to).

Analysis runs on the normalised copy of the article (Simplified script, ASCII
digits; see :mod:`core.normalize`); text, sentence and offsets are reported in
the original. Vocabulary lives in ``core/data/units.tsv`` and the
``core/data/figure_*`` files; the grammar in the stages of this package, each public and
testable on its own:

- :mod:`core.figures.numbers`: numerals and their values (五百亿 → 5e10);
- :mod:`core.figures.quantities`: a number with its unit, scale, qualifier, range or sign;
- :mod:`core.figures.dates`: dates and periods, resolved against the publication year;
- :mod:`core.figures.description`: what a quantity measures, of whom, when, how put, on whose word
  (with :mod:`core.figures.phrases` for the subject and source phrases);
- :mod:`core.figures.exclusions`: spans that are never figures (titles, addresses, idioms);
- :mod:`core.figures.vocabulary`: the word lists the stages share, read from ``core/data``.

This module runs them in order and keeps the public API.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, fields

from core.aliases import canonical_name, is_known_name
from core.doc import Doc
from core.figures.caps import CapCount, FigureCap, _CapGate
from core.figures.dates import DateMention, _date_mentions, _find_dates, extract_dates, extract_dates_mapped
from core.figures.description import _Context, _elliptical, _period, _sentence_window
from core.figures.exclusions import _NOT_FIGURES
from core.figures.numbers import parse_chinese_number, parse_number
from core.figures.phrases import _Firms, _owner
from core.figures.quantities import _find_quantities, _is_thousands_separator, _Quantity, _units_from_restatements
from core.figures.vocabulary import _CONTROL_RE, CONTROL_THRESHOLD
from core.normalize import MappedText, normalize

# The names other modules and the tests import from here: the package's public API.
__all__ = [
    "CONTROL_THRESHOLD", "FIELDS", "CapCount", "DateMention", "Figure", "FigureCap", "extract_dates",
    "extract_dates_mapped", "extract_figures", "extract_figures_and_dates_capped", "extract_figures_and_dates_mapped",
    "extract_figures_mapped", "figures_of", "parse_chinese_number", "parse_number",
]


@dataclass(frozen=True)
class Figure:
    """One quantity stated in an article; offsets and text refer to the original."""

    text: str
    value: float
    value_high: float | None
    unit: str
    classifier: str
    qualifier: str
    metric: str
    subject: str
    period: str
    modality: str
    attributed_to: str
    sentence: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Figure))


def extract_figures(text: str, published: str | None = None) -> list[Figure]:
    """Figures of ``text`` in text order; ``published`` (YYYY-MM-DD) resolves 今年/去年."""
    return extract_figures_mapped(normalize(text), published)


def extract_figures_and_dates_mapped(
    mapped: MappedText, published: str | None = None,
) -> tuple[list[Figure], list[DateMention]]:
    """Figures and dates of a normalised text in one pass over its dates."""
    figures, dates, _ = figures_of(Doc(mapped, published))
    return figures, dates


def extract_figures_and_dates_capped(
    mapped: MappedText, published: str | None, cap: FigureCap,
) -> tuple[list[Figure], list[DateMention], CapCount]:
    """As :func:`extract_figures_and_dates_mapped`, keeping the first figures within ``cap``, and what it cut."""
    return figures_of(Doc(mapped, published), cap)


def extract_figures_mapped(mapped: MappedText, published: str | None = None) -> list[Figure]:
    """Figures of a normalised text, described from their clauses; text and offsets in its original."""
    return figures_of(Doc(mapped, published))[0]


def figures_of(doc: Doc, cap: FigureCap | None = None) -> tuple[list[Figure], list[DateMention], CapCount]:
    """Figures and dates of a document (what the pipeline wants), the first figures within ``cap``, and what
    the cap cut: dates are found, quantities read outside them, each quantity described from its sentence."""
    dates, blocked = _find_dates(doc.text, doc.published)
    marks = _Marks.read(doc, blocked, cap)
    describer = _Describer(doc, dates, marks)
    return [describer.figure(q) for q in marks.quantities], _date_mentions(doc.mapped, dates), marks.count


@dataclass(frozen=True)
class _Marks:
    """The quantities of a text, and masks of where numbers stand and what no subject may contain."""

    quantities: list[_Quantity]
    numbers: bytearray
    occupied: bytearray
    count: CapCount

    @classmethod
    def read(cls, doc: Doc, blocked: bytearray, cap: FigureCap | None) -> _Marks:
        text, mapped = doc.text, doc.mapped
        for pattern in _NOT_FIGURES:
            for m in pattern.finditer(text):
                blocked[m.start():m.end()] = b"\x01" * (m.end() - m.start())
        gate = _CapGate(cap, doc.sentence_starts) if cap is not None else None
        quantities = _units_from_restatements(
            _find_quantities(text, blocked, lambda i: _is_thousands_separator(mapped, i), gate))
        numbers = bytearray(len(text))
        for q in quantities:
            numbers[q.start:q.end] = b"\x01" * (q.end - q.start)
        occupied = bytearray(blocked)
        for q in quantities:
            occupied[q.start:q.end] = numbers[q.start:q.end]
        for start, end in doc.bylines:  # 记者张三报道: the reporter is never a figure's subject
            occupied[start:end] = b"\x01" * (end - start)
        count = gate.count() if gate is not None else CapCount(len(quantities))
        return cls(quantities, numbers, occupied, count)


class _Describer:
    """Describes an article's quantities in text order; a figure may take what the one before it said."""

    def __init__(self, doc: Doc, dates: list[tuple[int, int, str]], marks: _Marks) -> None:
        self.doc, self.dates, self.marks = doc, dates, marks
        self.date_ends = [e for _, e, _ in dates]
        self.paragraphs = [0] + [m.end() for m in re.finditer("\n", doc.text)]
        self.firms = _Firms(doc)
        self.previous: tuple[int, str] | None = None  # (sentence index, subject) of the last figure
        self.described: dict[tuple[int, str], tuple[str, str]] = {}  # (sentence, unit) → last (metric, subject)

    def figure(self, q: _Quantity) -> Figure:
        doc, text, mapped = self.doc, self.doc.text, self.doc.mapped
        index = max(bisect.bisect_right(doc.sentence_starts, q.lead) - 1, 0)
        whole_start, whole_end = doc.sentences[index]
        sent_start, sent_end = _sentence_window(text, whole_start, whole_end, q)
        context = _Context(doc, self.marks.occupied, self.marks.numbers, sent_start, sent_end, q)
        metric, subject = self._metric_and_subject(context, index)
        source, source_modality = context.source()
        # 2024年进口额…;出口额…: the parts of a sentence split at ; share the dates named in it.
        # A window cut from an overlong sentence is a statement of its own.
        statements = doc.statement_starts
        statement = sent_start if sent_start > whole_start else \
            statements[bisect.bisect_right(statements, whole_start) - 1]
        period = _period(text, self.dates, self.date_ends, statement, q.lead)
        start, end = mapped.to_original(q.start, q.end)
        s_start, s_end = mapped.to_original(sent_start, sent_end)
        return Figure(
            text=mapped.original[start:end], value=q.value, value_high=q.value_high, unit=q.unit,
            classifier=q.classifier, qualifier=q.qualifier, metric=metric, subject=subject, period=period,
            modality=context.modality() or source_modality or "reported", attributed_to=source,
            sentence=mapped.original[s_start:s_end], start=start, end=end,
            sentence_start=s_start, sentence_end=s_end,
        )

    def _metric_and_subject(self, context: _Context, index: int) -> tuple[str, str]:
        q, text = context.q, self.doc.text
        metric, anchor = context.metric()
        subject = context.subject(anchor)
        metric, subject = _elliptical(context, metric, subject, self.described.get((index, q.unit)))
        if not metric and q.unit == "nm" and q.qualifier in ("at_most", "under") \
                and _CONTROL_RE.search(text, context.sent_start, context.sent_end):
            metric = CONTROL_THRESHOLD
        if not subject and self.previous and self.previous[0] == index:
            subject = self.previous[1]
        owner = _owner(self.doc, self.paragraphs, self.firms, context.sent_start, q.lead, metric, subject)
        subject = owner or subject
        if is_known_name(subject):
            subject = canonical_name(subject)  # 艾司摩尔 → 阿斯麦: a subject reads as its entity does in every table
        self.previous = (index, subject)
        self.described[(index, q.unit)] = (metric, subject)
        return metric, subject
