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

from core.doc import _STATEMENT_END_RE, _sentence_spans
from core.figures.caps import CapCount, FigureCap, _CapGate
from core.figures.dates import DateMention, _date_mentions, _find_dates, _year_of, extract_dates, extract_dates_mapped
from core.figures.description import _Context, _elliptical, _period, _sentence_window
from core.figures.exclusions import _NOT_FIGURES
from core.figures.numbers import parse_chinese_number, parse_number
from core.figures.phrases import _Firms, _owner
from core.figures.quantities import _find_quantities, _is_thousands_separator, _units_from_restatements
from core.figures.vocabulary import _CONTROL_RE, CONTROL_THRESHOLD
from core.name_patterns import byline_spans
from core.normalize import MappedText, normalize

# The names other modules and the tests import from here: the package's public API.
__all__ = [
    "CONTROL_THRESHOLD", "FIELDS", "CapCount", "DateMention", "Figure", "FigureCap", "extract_dates",
    "extract_dates_mapped", "extract_figures", "extract_figures_and_dates_capped", "extract_figures_and_dates_mapped",
    "extract_figures_mapped", "parse_chinese_number", "parse_number",
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
    """Figures and dates of a normalised text in one pass over its dates (what the pipeline wants)."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    return _figures(mapped, dates, blocked)[0], _date_mentions(mapped, dates)


def extract_figures_and_dates_capped(
    mapped: MappedText, published: str | None, cap: FigureCap,
) -> tuple[list[Figure], list[DateMention], CapCount]:
    """As :func:`extract_figures_and_dates_mapped`, keeping the first figures within ``cap``, and what it cut."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    figures, count = _figures(mapped, dates, blocked, cap)
    return figures, _date_mentions(mapped, dates), count


def extract_figures_mapped(mapped: MappedText, published: str | None = None) -> list[Figure]:
    """Figures of a normalised text, described from their clauses; text and offsets in its original."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    return _figures(mapped, dates, blocked)[0]


def _figures(
    mapped: MappedText, dates: list[tuple[int, int, str]], blocked: bytearray, cap: FigureCap | None = None,
) -> tuple[list[Figure], CapCount]:
    text = mapped.text
    for pattern in _NOT_FIGURES:
        for m in pattern.finditer(text):
            blocked[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    sentences = _sentence_spans(text)
    sentence_starts = [s for s, _ in sentences]
    gate = _CapGate(cap, sentence_starts) if cap is not None else None
    quantities = _units_from_restatements(
        _find_quantities(text, blocked, lambda i: _is_thousands_separator(mapped, i), gate))
    numbers = bytearray(len(text))
    for q in quantities:
        numbers[q.start:q.end] = b"\x01" * (q.end - q.start)
    occupied = bytearray(blocked)
    for q in quantities:
        occupied[q.start:q.end] = numbers[q.start:q.end]
    for start, end in byline_spans(text):  # 记者张三报道: the reporter is never a figure's subject
        occupied[start:end] = b"\x01" * (end - start)
    count = gate.count() if gate is not None else CapCount(len(quantities))
    statement_starts = [0] + [m.end() for m in _STATEMENT_END_RE.finditer(text)]
    date_ends = [e for _, e, _ in dates]
    paragraphs = [0] + [m.end() for m in re.finditer("\n", text)]
    firms = _Firms(text)
    figures: list[Figure] = []
    previous: tuple[int, str] | None = None  # (sentence index, subject) of the last figure
    described: dict[tuple[int, str], tuple[str, str]] = {}  # (sentence, unit) → last (metric, subject)
    for q in quantities:
        index = max(bisect.bisect_right(sentence_starts, q.lead) - 1, 0)
        whole_start = sentences[index][0]
        sent_start, sent_end = _sentence_window(text, whole_start, sentences[index][1], q)
        context = _Context(text, occupied, numbers, sent_start, sent_end, q)
        metric, anchor = context.metric()
        subject = context.subject(anchor)
        metric, subject = _elliptical(context, metric, subject, described.get((index, q.unit)))
        if not metric and q.unit == "nm" and q.qualifier in ("at_most", "under") \
                and _CONTROL_RE.search(text, sent_start, sent_end):
            metric = CONTROL_THRESHOLD
        if not subject and previous and previous[0] == index:
            subject = previous[1]
        subject = _owner(text, paragraphs, firms, sent_start, q.lead, metric, subject) or subject
        previous = (index, subject)
        described[(index, q.unit)] = (metric, subject)
        source, source_modality = context.source()
        # 2024年进口额…;出口额…: the parts of a sentence split at ; share the dates named in it.
        # A window cut from an overlong sentence is a statement of its own.
        statement = sent_start if sent_start > whole_start else \
            statement_starts[bisect.bisect_right(statement_starts, whole_start) - 1]
        period = _period(text, dates, date_ends, statement, q.lead)
        start, end = mapped.to_original(q.start, q.end)
        s_start, s_end = mapped.to_original(sent_start, sent_end)
        figures.append(Figure(
            text=mapped.original[start:end], value=q.value, value_high=q.value_high, unit=q.unit,
            classifier=q.classifier, qualifier=q.qualifier, metric=metric, subject=subject, period=period,
            modality=context.modality() or source_modality or "reported", attributed_to=source,
            sentence=mapped.original[s_start:s_end], start=start, end=end,
            sentence_start=s_start, sentence_end=s_end,
        ))
    return figures, count
