"""Whether two figures of one claim group agree, and if not, why.

Each figure stands for an interval — what its writing allows (46亿 is 45.5亿–46.5亿, 九成 ±5 points),
widened by its qualifier (:data:`TOLERANCE`), or its stated range — and two figures agree when their
intervals meet. A difference is explained by a change (the from-level of 从145%降至30%), then a different
modality (projected or target against reported; an estimate counts as a report), then a different
period; what remains is ``unexplained``: a real contradiction. Where the figures were stated (two
sources, one article, one sentence) says what kind of difference it can be (:data:`GROUP_KINDS`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from core.normalize import fold_width

# How far a stated figure reaches, relative to its value, by qualifier: (below, above).
# exact: rounding in print; about (约/近): ±3 % (约45% is not 47%: two points of a tariff or a share are news);
# over (超/突破): just past the value, not any larger number,
# so 超38% does not agree with 78%; at_least/at_most likewise reach 25 % beyond the bound.
TOLERANCE: dict[str, tuple[float, float]] = {
    "exact": (0.01, 0.01),
    "about": (0.03, 0.03),
    "over": (0.0, 0.10),
    "at_least": (0.0, 0.25),
    "under": (0.10, 0.0),
    "at_most": (0.25, 0.0),
}


@dataclass(frozen=True)
class Verdict:
    verdict: str   # agree | differ
    reason: str    # "" when agreeing; different_period | different_modality | unexplained
    overlap: str   # full | boundary | none


@lru_cache(maxsize=256)
def verdict_of(verdict: str, reason: str, overlap: str) -> Verdict:
    """The :class:`Verdict` of these codes, one shared instance each: a corpus's pairs have a dozen of them, and a
    frozen dataclass is slow to build 20,000 times."""
    return Verdict(verdict, reason, overlap)


def interval(value: float, value_high: float | None = None, qualifier: str = "exact") -> tuple[float, float]:
    """The values a stated figure is consistent with: its range, or its value widened by :data:`TOLERANCE`."""
    if value_high is not None and not missing(value_high):
        low, high = sorted((value, value_high))
        below, above = TOLERANCE["exact"]
        return low - abs(low) * below, high + abs(high) * above
    below, above = TOLERANCE.get(qualifier or "exact", TOLERANCE["exact"])
    return value - abs(value) * below, value + abs(value) * above


def figure_interval(figure: dict) -> tuple[float, float]:
    """The values a figure as written is consistent with: its precision, widened by its qualifier.

    An exact figure reaches half a unit of its last written digit (46亿: 45.5亿–46.5亿; 5890亿 with three
    significant digits before its zero: 5885亿–5895亿, so 5888.62亿 agrees). A figure in tenths (九成,
    约九成) reaches ±5 points. ``about`` widens a digit figure by :data:`TOLERANCE` but never below its
    precision; the other qualifiers as :func:`interval`.
    """
    return _reach(figure, figure.get("qualifier") or "exact")


def _reach(figure: dict, qualifier: str) -> tuple[float, float]:
    """:func:`figure_interval` of ``figure`` as if ``qualifier`` were its qualifier."""
    value, high = figure["value"], figure.get("value_high")
    half = written_precision(str(figure.get("text") or ""), value)
    if half is None or high is not None and not missing(high) or qualifier not in ("exact", "about"):
        return interval(value, high, qualifier)
    if qualifier == "about" and not _in_tenths(str(figure.get("text") or "")):
        half = max(half, abs(value) * TOLERANCE["about"][0])
    return value - half, value + half


_WRITTEN = re.compile(r"\d+(?:[.,]\d+)*")


def _in_tenths(text: str) -> bool:
    return "成" in text and not re.search(r"\d", fold_width(text))


def written_precision(text: str, value: float) -> float | None:
    """Half the unit of a figure's last written digit, in the figure's value (None when not written in digits)."""
    if _in_tenths(text):
        return 5.0
    match = _WRITTEN.search(fold_width(text))
    if not match:
        return None
    digits = match.group().replace(",", "")
    try:
        written = float(digits)
    except ValueError:
        return None
    if not written:
        return None
    if "." in digits:
        unit = 10.0 ** -len(digits.split(".")[1])
    else:
        stripped = digits.rstrip("0")
        zeros = len(digits) - len(stripped)
        # Trailing zeros are rounding only after three significant digits (5890); 500 and 30 are as stated.
        unit = 10.0 ** zeros if zeros and len(stripped) >= 3 else 1.0
    return 0.5 * unit * abs(value / written)


def overlap_kind(a: tuple[float, float], b: tuple[float, float]) -> str:
    """``full`` when two intervals share more than a point, ``boundary`` when they only touch, else ``none``.

    Touching is judged relative to where the intervals meet (floating-point rounding in the last digits), never
    by an absolute amount: a figure of 1e-12 is as much a figure as one of 1e12.
    """
    low, high = max(a[0], b[0]), min(a[1], b[1])
    rounding = 1e-12 * max(abs(low), abs(high))
    if high - low > rounding:
        return "full"
    if abs(high - low) <= rounding:
        return "boundary"
    return "none"


@lru_cache(maxsize=4096)
def periods_differ(a: str, b: str, same_article: bool = False) -> bool:
    """Two periods differ when both are known and are not the same span of time.

    A quarter is not its year (ASML's Q1 share is not its full-year share), so parts of a year
    differ by their months even when the year is unknown (今年一季度 in an undated article is
    ``R0Q1``). Relative years compare only within one article.
    """
    pa, pb = _period_parts(a), _period_parts(b)
    if pa is None or pb is None:
        span_a, span_b = period_span(a), period_span(b)
        return span_a is not None and span_b is not None and span_a != span_b
    (year_a, months_a), (year_b, months_b) = pa, pb
    if months_a != months_b:
        return True
    if isinstance(year_a, int) and isinstance(year_b, int):
        return year_a != year_b
    if isinstance(year_a, str) and isinstance(year_b, str):
        return same_article and year_a != year_b
    return False


_PART_OF_YEAR = re.compile(r"^(\d{4}|R[-+]?\d+)(?:Q([1-4])|H([12])|-(\d{2})(?:-\d{2})?)?$")


def _period_parts(period: str) -> tuple[int | str, tuple[int, int]] | None:
    """(year, first and last month) of a period within one year: 2025Q1 → (2025, (1, 3)); R-1 → ("R-1", (1, 12))."""
    period = (period or "").strip()
    if ".." in period:
        first, _, last = period.partition("..")
        pf, pl = _period_parts(first), _period_parts(last)
        if pf and pl and pf[0] == pl[0]:
            return pf[0], (pf[1][0], pl[1][1])
        return None
    match = _PART_OF_YEAR.match(period)
    if not match:
        return None
    year_text, quarter, half, month = match.groups()
    year: int | str = int(year_text) if year_text.isdigit() else year_text.replace("+", "")
    if quarter:
        return year, (3 * int(quarter) - 2, 3 * int(quarter))
    if half:
        return year, (6 * int(half) - 5, 6 * int(half))
    if month:
        return year, (int(month), int(month))
    return year, (1, 12)


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-\d{2})?|Q([1-4])|H([12]))?$")


def period_span(period: str) -> tuple[int, int] | None:
    """A period as a span of months counted from year 0: 2025 → all of 2025, 2025Q1 → Jan–Mar, A..B → A to B."""
    period = (period or "").strip()
    if ".." in period:
        first, _, last = period.partition("..")
        start, end = period_span(first), period_span(last)
        return (start[0], end[1]) if start and end else None
    match = _PERIOD.match(period)
    if not match:
        return None
    year, month, quarter, half = match.groups()
    base = int(year) * 12
    if month:
        return base + int(month) - 1, base + int(month) - 1
    if quarter:
        return base + 3 * (int(quarter) - 1), base + 3 * int(quarter) - 1
    if half:
        return base + 6 * (int(half) - 1), base + 6 * int(half) - 1
    return base, base + 11


def compare(a: dict, b: dict) -> Verdict:
    """Verdict on two figures of one group; symmetric, and a figure always agrees with itself.

    Each figure stands for the interval its writing allows (:func:`figure_interval`). Two figures agree when
    one's value as written lies within the other's reach — one qualifier widens a pair, never both (约19亿 and
    约21亿 differ) — except two exact figures that only touch (46亿 against 45亿); figures of two periods agree
    only as the same value as written (七成 of 2024 and 约64% of 2025 differ), and two ranges only end for end.
    A difference
    is explained by a change (the from-level of 从145%降至30%, the base of 较去年的16%), then by
    modality (projected or target against reported; an
    estimate of a realised quantity counts as a report), then by a different period; what remains
    is a contradiction.
    """
    ia, ib = _interval_of(a), _interval_of(b)
    ca, cb = _written_of(a), _written_of(b)
    # One figure's qualifier widens the other's reach, never both at once: 约19亿 and 约23亿 are two figures.
    kind = _best(overlap_kind(ca, ib), overlap_kind(ia, cb))
    exact = (a.get("qualifier") or "exact") == "exact" and (b.get("qualifier") or "exact") == "exact"
    agree = (kind == "full" or kind == "boundary" and (not exact or ia == ib)) and not _other_range(a, b)
    # Of two periods, only the same value as written agrees: 七成 of 2024 and 约64% of 2025 are two levels.
    if agree and (overlap_kind(ca, cb) != "none"
                  or not periods_differ(period_of(a), period_of(b), a.get("article_id") == b.get("article_id"))):
        return verdict_of("agree", "", kind)
    if a.get("earlier") or b.get("earlier"):
        return verdict_of("differ", "different_period", kind)  # 从约两成降至13%: 两成 is a former level
    if kind_of_claim(a) != kind_of_claim(b):
        return verdict_of("differ", "different_modality", kind)
    if periods_differ(period_of(a), period_of(b), a.get("article_id") == b.get("article_id")):
        return verdict_of("differ", "different_period", kind)
    if same_sentence(a, b):
        return verdict_of("differ", "different_period", kind)
    return verdict_of("differ", "unexplained", kind)


def _interval_of(figure: dict) -> tuple[float, float]:
    """:func:`figure_interval`, kept in the figure when it holds an ``_interval`` slot (``core.claims._prepare``)."""
    if "_interval" not in figure:
        return figure_interval(figure)
    held = figure["_interval"]
    if held is None:
        held = figure["_interval"] = figure_interval(figure)
    return held


def _other_range(a: dict, b: dict) -> bool:
    """Two ranges with an end apart (32亿至42亿 against 32亿至52亿), or two bounds of one kind at different values
    (最多52亿 against 最高42亿): two estimates, however they overlap."""
    qa, qb = a.get("qualifier") or "exact", b.get("qualifier") or "exact"
    if qa == qb and qa in ("at_most", "at_least") and missing(a.get("value_high")) and missing(b.get("value_high")):
        return overlap_kind(interval(a["value"]), interval(b["value"])) == "none"
    if missing(a.get("value_high")) or missing(b.get("value_high")):
        return False
    return any(overlap_kind(interval(a[key], None, qa), interval(b[key], None, qb)) == "none"
               for key in ("value", "value_high"))


def _written_of(figure: dict) -> tuple[float, float]:
    """The values a figure's writing allows, before its qualifier widens them (约19亿: 18.5亿–19.5亿)."""
    if figure.get("qualifier") != "about":
        return _interval_of(figure)  # 逾五成 is above 50 %, whatever its writing allows
    if "_interval" not in figure:
        return _reach(figure, "exact")
    held = figure.get("_written")  # kept beside the interval, as :func:`_interval_of` keeps it
    if held is None:
        held = figure["_written"] = _reach(figure, "exact")
    return held


_RANK = {"full": 2, "boundary": 1, "none": 0}


def _best(a: str, b: str) -> str:
    return a if _RANK[a] >= _RANK[b] else b


def period_of(figure: dict) -> str:
    if "_period" in figure:
        return figure["_period"]
    period = figure.get("frame_period")
    return period if isinstance(period, str) and period else str(figure.get("period") or "")


def kind_of_claim(figure: dict) -> str:
    """reported | projected | target | rule: an estimate of what happened is a report of it."""
    if "_kind" in figure:
        return figure["_kind"]
    modality = figure.get("frame_modality")
    if not isinstance(modality, str) or not modality:
        modality = figure.get("modality") or "reported"
    return "reported" if modality == "estimate" else str(modality)


# Where figures were stated, which says what kind of difference they can show; one rule for a pair's note and a
# group's kind:
#   cross_source        figures from two or more sources — where the sources disagree
#   one_source          several articles of one source
#   self_contradiction  one article, in different sentences: an article at odds with itself
#   before_after        one article, one sentence: a change stated as it happened (从28%降至15%), never a disagreement
GROUP_KINDS = ("cross_source", "one_source", "self_contradiction", "before_after")


def kind_of(figures: list[dict]) -> str:
    """Which of :data:`GROUP_KINDS` figures (``source``, ``article_id``, ``sentence_start``) are, by where they
    were stated."""
    starts = {f.get("sentence_start") for f in figures}
    return kind_by_counts(len({str(f.get("source")) for f in figures}), len({f.get("article_id") for f in figures}),
                          len(starts) == 1 and not missing(next(iter(starts))))


def kind_by_counts(sources: int, articles: int, one_known_sentence: bool) -> str:
    """The rule of :func:`kind_of`, from how many sources and articles the figures have and whether they all
    stand in one known sentence (counted column-wise for many groups at once by ``claims.group_kinds``)."""
    if sources >= 2:
        return "cross_source"
    if articles >= 2:
        return "one_source"
    return "before_after" if one_known_sentence else "self_contradiction"


def note_of(a: dict, b: dict, verdict: Verdict) -> str:
    """What else a reader should know of a pair: ``before_after`` (a change stated in one sentence),
    ``self_contradiction`` (one article disagreeing with itself), ``same_source`` (two articles
    quoting one original source, 路透 or 彭博), else ""."""
    kind = kind_of([a, b])
    if verdict.verdict == "differ" and kind == "before_after":
        return "before_after"
    if verdict.reason == "unexplained" and kind in ("before_after", "self_contradiction"):
        return "self_contradiction"
    source_a, source_b = str(a.get("attributed_to") or ""), str(b.get("attributed_to") or "")
    if source_a and source_a == source_b and a.get("article_id") != b.get("article_id"):
        return "same_source"
    return ""


def same_sentence(a: dict, b: dict) -> bool:
    """Two figures of one sentence in one article: a change (从28%降至15%) or a before/after."""
    return a.get("article_id") == b.get("article_id") and a.get("sentence_start") == b.get("sentence_start") \
        and a.get("sentence_start") is not None


def missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))



def text_of(value: object) -> str:
    """A cell as text: "" when missing."""
    return "" if missing(value) else str(value)
