"""What the dashboard's pages show, as plain pandas: filtering, alignment, highlighting.

Every function takes the tables of an :class:`~core.pipeline.Extraction` or a
:class:`~core.claims.ClaimReport` (or parts of them) and returns a new table or
value; nothing here knows about Streamlit, so each screen's logic is tested
without a browser. Tables meant for display come back with their final columns,
so the CSV download of a table is exactly what the page shows.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from core import i18n
from core.claims import ClaimReport, interval, rank_groups, spread, status_of
from core.corpus import (
    MAX_ARTICLE_BYTES,
    UNKNOWN_SOURCE,
    Article,
    Corpus,
    LoadError,
    LoadProblem,
    load_article_bytes,
    safe_file_name,
)

# --- filtering ------------------------------------------------------------------------------------


def source_options(articles: pd.DataFrame) -> list[str]:
    """Every source in the corpus, in order of first appearance (the unknown-source label included)."""
    return list(dict.fromkeys(articles["source"].astype(str)))


def filter_by_sources(frame: pd.DataFrame, sources: Iterable[str]) -> pd.DataFrame:
    """The rows of ``frame`` whose ``source`` is one of ``sources``."""
    return frame[frame["source"].astype(str).isin(set(sources))].reset_index(drop=True)


def filter_report(report: ClaimReport, sources: Iterable[str]) -> ClaimReport:
    """The claim report restricted to ``sources``: groups keep only their figures from those sources.

    A group left with fewer than two figures is dropped; a group's counts and status
    are recomputed from the comparisons that remain, so a contradiction between a
    kept and a dropped source no longer shows.
    """
    sources = set(sources)
    claims = report.claims[report.claims["source"].astype(str).isin(sources)]
    sizes = claims.groupby("group_id").size()
    kept = set(sizes[sizes >= 2].index)
    claims = claims[claims["group_id"].isin(kept)].reset_index(drop=True)
    files = set(claims["file"])
    comparisons = report.comparisons[
        report.comparisons["group_id"].isin(kept)
        & report.comparisons["file_a"].isin(files)
        & report.comparisons["file_b"].isin(files)
    ].reset_index(drop=True)
    groups = report.groups[report.groups["group_id"].isin(kept)].copy()
    if not groups.empty:
        stats = claims.groupby("group_id").agg(
            figures=("file", "size"), articles=("article_id", "nunique"), sources=("source", "nunique"),
        )
        differ = comparisons[comparisons["verdict"] == "differ"]
        contradictions = differ[differ["reason"] == "unexplained"].groupby("group_id").size()
        explained = differ[differ["reason"] != "unexplained"].groupby("group_id").size()
        agreements = comparisons[comparisons["verdict"] == "agree"].groupby("group_id").size()
        ids = groups["group_id"]
        for column in ("figures", "articles", "sources"):
            groups[column] = ids.map(stats[column]).astype(int)
        groups["contradictions"] = ids.map(contradictions).fillna(0).astype(int)
        groups["explained"] = ids.map(explained).fillna(0).astype(int)
        groups["agreements"] = ids.map(agreements).fillna(0).astype(int)
        own = differ[(differ["reason"] == "unexplained") & (differ["file_a"] == differ["file_b"])]
        groups["self_contradictions"] = ids.map(own.groupby("group_id").size()).fillna(0).astype(int)
        by_period = differ[differ["reason"] == "different_period"].groupby("group_id").size()
        groups["period_differences"] = ids.map(by_period).fillna(0).astype(int)
        spreads = {g: spread(pd.concat([part["value"], part["value_high"]]))
                   for g, part in claims.groupby("group_id", sort=False)}
        groups["spread"] = ids.map(spreads).fillna(0.0)
        groups["status"] = [
            status_of(c, c + e) for c, e in zip(groups["contradictions"], groups["explained"], strict=True)
        ]
        groups = rank_groups(groups)
    context = report.context[
        report.context["group_id"].isin(kept) & report.context["source"].astype(str).isin(sources)
    ].reset_index(drop=True)
    return ClaimReport(groups=groups.reset_index(drop=True), claims=claims, comparisons=comparisons, context=context)


def select_groups(groups: pd.DataFrame, statuses: Sequence[str] = (), measures: Sequence[str] = ()) -> pd.DataFrame:
    """Groups with one of ``statuses`` and one of ``measures``; an empty choice means all."""
    keep = pd.Series(True, index=groups.index)
    if statuses:
        keep &= groups["status"].isin(statuses)
    if measures:
        keep &= groups["metric"].isin(measures)
    return groups[keep].reset_index(drop=True)


# --- overview -------------------------------------------------------------------------------------


def headline_numbers(articles: pd.DataFrame, figures: pd.DataFrame, groups: pd.DataFrame) -> dict[str, int]:
    """The overview's counts: articles, sources, figures, claim groups, and groups whose figures differ
    without an explanation (contradictions) or with one (period, modality …) apart."""
    status = groups["status"] if not groups.empty else pd.Series(dtype=str)
    return {
        "articles": len(articles),
        "sources": articles["source"].nunique(),
        "figures": len(figures),
        "groups": len(groups),
        "contradictions": int((status == "contradiction").sum()),
        "explained": int((status == "explained").sum()),
    }


CORPUS_COLUMNS = ["title", "source", "author", "published", "script", "body_chars", "figures", "collapsed_chars"]


def corpus_table(articles: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per article with the columns the overview shows, labelled in ``lang``."""
    table = articles[CORPUS_COLUMNS].copy()
    table["script"] = table["script"].map(lambda s: i18n.label(i18n.SCRIPT, str(s), lang))
    for column in ("title", "author", "published"):
        table[column] = table[column].fillna("").astype(str)
    return table.rename(columns=i18n.column_labels(CORPUS_COLUMNS, lang))


# What kind of difference a claim group shows, derived from who stated its figures and where:
#   cross_source        figures from two or more sources — where the sources disagree
#   one_source          several articles of one source
#   self_contradiction  one article, in different sentences: an article at odds with itself
#   before_after        one article, one sentence: a change stated as it happened (从28%降至15%), never a disagreement
GROUP_KINDS = ("cross_source", "one_source", "self_contradiction", "before_after")


def group_kinds(claims: pd.DataFrame) -> dict[str, str]:
    """Group id → one of :data:`GROUP_KINDS`, from the group's figures (``source``, ``article_id``,
    ``sentence_start``)."""
    kinds: dict[str, str] = {}
    for group_id, members in claims.groupby("group_id", sort=False):
        if members["source"].astype(str).nunique() >= 2:
            kinds[group_id] = "cross_source"
        elif members["article_id"].nunique() >= 2:
            kinds[group_id] = "one_source"
        elif "sentence_start" in members and members["sentence_start"].nunique(dropna=False) == 1:
            kinds[group_id] = "before_after"
        else:
            kinds[group_id] = "self_contradiction"
    return kinds


def overview_sections(report: ClaimReport, limit: int = 4) -> dict[str, list[str]]:
    """The overview's groups, by section, in the report's reading order.

    ``disagreements``: groups of two or more sources whose figures differ (at most ``limit``);
    ``within``: one source or one article at odds with itself; ``changes``: before/after in one sentence.
    Agreeing groups appear in none.
    """
    kinds = group_kinds(report.claims)
    sections: dict[str, list[str]] = {"disagreements": [], "within": [], "changes": []}
    for group_id, status in zip(report.groups["group_id"], report.groups["status"], strict=True):
        kind = kinds.get(group_id)
        if kind == "before_after":
            sections["changes"].append(group_id)
        elif status == "agree" or kind is None:
            continue
        elif kind == "cross_source":
            sections["disagreements"].append(group_id)
        else:
            sections["within"].append(group_id)
    return {name: ids[:limit] for name, ids in sections.items()}


@dataclass(frozen=True)
class Evidence:
    """One figure of a card: who said it, how it reads in the interface language, and the sentence it is in."""

    article_id: str
    source: str
    figure: str
    modality: str
    period: str
    attributed_to: str
    sentence: str
    figure_start: int
    figure_end: int
    start: int
    end: int


@dataclass(frozen=True)
class GroupCard:
    """What a claim-group card shows: the measure, each side's figure, a verdict, the reason in words,
    what kind of difference it is and the evidence sentences."""

    group_id: str
    status: str
    label: str
    values: list[dict]
    why: str
    kind: str = "cross_source"
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()


def group_card(report: ClaimReport, group_id: str, lang: str) -> GroupCard:
    """The card for one group: its figures by source, the reason of its most telling pair in words, and
    the explanation (the claims report's, in ``lang``)."""
    group = report.groups.set_index("group_id").loc[group_id]
    claims = report.claims[report.claims["group_id"] == group_id].drop_duplicates(["file", "text", "start"])
    kind = group_kinds(claims).get(group_id, "cross_source")
    claims = representative(claims, CARD_EVIDENCE)
    evidence = tuple(evidence_of(row, lang) for row in claims.itertuples(index=False))
    values = [
        {"source": item.source, "text": display_text(row.text), "figure": item.figure, "modality": item.modality,
         "period": item.period, "file": row.file}
        for item, row in zip(evidence, claims.itertuples(index=False), strict=True)
    ]
    pair = telling_comparison(report.comparisons, group_id)
    why = "" if pair is None else display_text(pair["explanation_en" if lang == "en" else "explanation"])
    # The claims report names the unknown source by its stored label; the card says it in the reader's language.
    why = why.replace(UNKNOWN_SOURCE, display_source(UNKNOWN_SOURCE, lang))
    reason = reason_words(pair, kind, lang)
    label = group_label(str(group["subject"] or ""), str(group["metric"]), lang)
    return GroupCard(group_id, str(group["status"]), label, values, why, kind, reason, evidence)


# Figures a card shows as evidence, and dots a dot plot draws: a group of thousands (one endless article
# repeating a figure) is shown by its first figure of each article first.
CARD_EVIDENCE = 8
PLOT_DOTS = 60
TIMELINE_DOTS = 300


def representative(claims: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` rows of ``claims``: each article's first figure, then the rest, in their order."""
    if len(claims) <= limit:
        return claims
    first = ~claims["article_id"].duplicated()
    return pd.concat([claims[first], claims[~first]]).head(limit).sort_index(kind="stable")


def by_sentence(evidence: Iterable[Evidence]) -> list[list[Evidence]]:
    """Evidence grouped by the sentence it is in (one article, one sentence), in order of first appearance:
    a change (从28%降至15%) is one sentence with two figures."""
    groups: dict[tuple[str, str], list[Evidence]] = {}
    for item in evidence:
        groups.setdefault((item.article_id, item.sentence), []).append(item)
    return [sorted(items, key=lambda i: i.figure_start) for items in groups.values()]


def group_label(subject: str, metric: str, lang: str) -> str:
    """A group's name in ``lang``: subject and measure (中国 半导体自给率 / China semiconductor self-sufficiency)."""
    if subject and metric.startswith(subject):
        metric = metric[len(subject):]
    parts = [i18n.entity_label(subject, lang) if subject else "", i18n.measure_label(metric, lang)]
    return " ".join(p for p in parts if p)


def reason_words(pair: pd.Series | None, kind: str, lang: str) -> str:
    """Why a group's figures differ, in a few words: 预测 vs 实测, 时期不同, 真正矛盾, 前后变化 …"""
    if kind == "before_after":
        return i18n.t("reason_change", lang)
    if pair is None or pair["verdict"] != "differ":
        return i18n.t("reason_agree", lang)
    if pair["reason"] == "different_modality":
        sides = [i18n.label(i18n.MODALITY, str(pair.get(f"modality_{s}") or "reported"), lang) for s in "ab"]
        return " vs ".join(sides) if sides[0] != sides[1] else i18n.t("reason_modality", lang)
    if pair["reason"] == "different_period":
        return i18n.t("reason_period", lang)
    return i18n.t("reason_contradiction" if kind == "cross_source" else "reason_self", lang)


def evidence_of(row, lang: str) -> Evidence:
    """A claim row (from ``itertuples``) as :class:`Evidence`; the figure's place in its sentence found by offset,
    else by its text."""
    sentence = display_text(row.sentence or "")
    raw = str(row.sentence or "")
    offset = int(row.start) - int(row.sentence_start) if _known(row.start) and _known(
        getattr(row, "sentence_start", None)) else -1
    if not (0 <= offset and raw[offset:offset + len(str(row.text))] == str(row.text)):
        offset = raw.find(str(row.text))
    # Offsets count the sentence as written; what is shown drops bidi controls and emoji before the figure.
    shown_offset = len(display_text(raw[:offset])) if offset >= 0 else -1
    length = len(display_text(row.text))
    return Evidence(
        article_id=str(row.article_id), source=display_text(display_source(row.source, lang)),
        figure=format_figure(row.value, row.value_high, row.unit, row.qualifier, lang),
        modality=i18n.label(i18n.MODALITY, row.modality or "reported", lang),
        period=format_period(row.period, lang), attributed_to=display_text(row.attributed_to or ""),
        sentence=sentence, figure_start=shown_offset, figure_end=shown_offset + length if shown_offset >= 0 else -1,
        start=int(row.start) if _known(row.start) else -1, end=int(row.end) if _known(row.end) else -1,
    )


def _known(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA


_QUALIFIER_MARK = {"about": "≈", "over": ">", "at_least": "≥", "under": "<", "at_most": "≤"}
# How each language writes a unit after a number (zh) or around it (en: prefix, suffix). A code not listed
# is written after the number as it is stored.
_UNIT_ZH = {
    "USD": "美元", "CNY": "元", "JPY": "日元", "EUR": "欧元", "HKD": "港元", "TWD": "新台币元", "GBP": "英镑",
    "KRW": "韩元", "SGD": "新加坡元", "pp": "个百分点", "times": "倍", "nm": "纳米", "um": "微米", "mm": "毫米",
    "km": "公里", "kg": "公斤", "t": "吨", "hour": "小时", "minute": "分钟", "second": "秒", "year": "年",
    "month": "个月", "week": "周", "quarter": "个季度", "inch": "英寸", "m2": "平方米", "count": "",
}
_UNIT_EN = {
    "USD": ("US$", ""), "CNY": ("RMB ", ""), "JPY": ("¥", ""), "EUR": ("€", ""), "HKD": ("HK$", ""),
    "TWD": ("NT$", ""), "GBP": ("£", ""), "KRW": ("₩", ""), "SGD": ("S$", ""), "pp": ("", " pp"),
    "times": ("", "×"), "nm": ("", " nm"), "um": ("", " µm"), "mm": ("", " mm"), "km": ("", " km"),
    "kg": ("", " kg"), "t": ("", " t"), "hour": ("", " hours"), "minute": ("", " minutes"),
    "second": ("", " seconds"), "year": ("", " years"), "month": ("", " months"), "week": ("", " weeks"),
    "quarter": ("", " quarters"), "inch": ("", " in"), "m2": ("", " m²"), "count": ("", ""),
}
_SCALES_ZH = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
_SCALES_EN = ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))


def format_number(value: float, lang: str) -> str:
    """A number as a reader of ``lang`` writes it: 500亿 / 50 billion, 1.4万 / 14,000, 38, 2.5.

    Chinese counts in 万, 亿 and 万亿; English in million, billion and trillion. Four significant
    digits at most; whole numbers below the first scale keep their digits (2,000 / 2000).
    """
    v = float(value)
    for size, word in _SCALES_ZH if lang == "zh" else _SCALES_EN:
        if abs(v) >= size:
            return f"{v / size:.4g}{word}"
    if abs(v) >= 1e4 or v == int(v):
        return f"{v:,.0f}" if lang == "en" else f"{v:.0f}"
    return f"{v:.4g}"


def format_figure(value: float, value_high: float | None, unit: str, qualifier: str | None, lang: str,
                  classifier: str = "") -> str:
    """A figure as a reader of ``lang`` writes it, qualifier kept: ``>38%``, ``≥500亿美元`` / ``≥US$50 billion``,
    ``25–30%``, ``7纳米`` / ``7 nm``, ``88所`` / ``88``."""
    text = format_number(value, lang)
    if value_high is not None and not pd.isna(value_high):
        text = f"{text}–{format_number(value_high, lang)}"
    unit = str(unit or "")
    if unit in ("%", "%", "‰"):
        text += unit
    elif lang == "zh":
        text += _UNIT_ZH.get(unit, unit) if unit != "count" else str(classifier or "")
    elif unit in _UNIT_EN:
        before, after = _UNIT_EN[unit]
        text = f"{before}{text}{after}"
    elif unit:
        text = f"{text} {unit}"
    return _QUALIFIER_MARK.get(qualifier or "", "") + text


def telling_comparison(comparisons: pd.DataFrame, group_id: str) -> pd.Series | None:
    """The pair that best says what a group is about: a contradiction, else a difference, else an agreement."""
    pairs = comparisons[comparisons["group_id"] == group_id]
    if pairs.empty:
        return None
    order = pairs["reason"].map({"unexplained": 0}).fillna(pairs["verdict"].map({"differ": 1, "agree": 2}))
    return pairs.loc[order.sort_values(kind="stable").index[0]]


# --- figure check ---------------------------------------------------------------------------------


def chart_frame(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One point per figure for the values-by-source chart: value, the interval it stands for, labels."""
    rows = []
    for row in claims.itertuples(index=False):
        high = None if pd.isna(row.value_high) else row.value_high
        low_end, high_end = interval(float(row.value), high, row.qualifier or "exact")
        mid = float(row.value) if high is None else (float(row.value) + float(high)) / 2
        rows.append({
            # Plotly reads <b>, <a href> … in labels and hover text: article strings are escaped.
            "source": html.escape(display_source(row.source, lang)), "value": mid, "low": low_end,
            "high": high_end, "minus": mid - low_end, "plus": high_end - mid, "text": html.escape(str(row.text)),
            "unit": row.unit, "modality": i18n.label(i18n.MODALITY, row.modality or "reported", lang),
            "period": format_period(row.period, lang) or "—",
            "attributed_to": html.escape(str(row.attributed_to or "—")),
            "file": row.file,
        })
    return pd.DataFrame(rows, columns=["source", "value", "low", "high", "minus", "plus", "text", "unit",
                                       "modality", "period", "attributed_to", "file"])


# Marker shape by modality in dot plots (Plotly symbol names); a figure open on one side (超, 至少 …) gets an
# arrow pointing where its value may lie instead of a whisker.
MODALITY_SYMBOL = {"reported": "circle", "projected": "diamond", "target": "square", "estimate": "cross"}
OPEN_SIDE = {"over": 1, "at_least": 1, "under": -1, "at_most": -1}


def dot_plot_frame(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One dot per figure of a group: the row it sits on (its source, and its period when the periods differ),
    value, label as written in ``lang``, marker symbol and the side it is open to (+1 above, -1 below, 0).
    Every string is ready for Plotly (:func:`plot_label`). A range (25–30%) is drawn at both ends."""
    periods = claims["period"].fillna("").astype(str)
    with_period = periods.nunique() > 1
    rows = []
    for row, period in zip(claims.itertuples(index=False), periods, strict=True):
        source = display_source(row.source, lang)
        label = f"{source} · {format_period(period, lang) or '—'}" if with_period else source
        modality = row.modality or "reported"
        high = None if pd.isna(row.value_high) else float(row.value_high)
        rows.append({
            "row": plot_label(label), "value": float(row.value), "value_high": high,
            "figure": plot_label(format_figure(row.value, high, row.unit, row.qualifier, lang)),
            "modality": i18n.label(i18n.MODALITY, modality, lang),
            "symbol": MODALITY_SYMBOL.get(modality, "circle"), "open": OPEN_SIDE.get(row.qualifier or "", 0),
            "unit": str(row.unit or ""),
        })
    return pd.DataFrame(rows, columns=["row", "value", "value_high", "figure", "modality", "symbol", "open", "unit"])


def axis_ticks(low: float, high: float, unit: str, lang: str, count: int = 5) -> tuple[list[float], list[str]]:
    """Tick positions and labels between ``low`` and ``high``, numbers as ``lang`` writes them (500亿 / 50 billion)."""
    if high <= low:
        high = low + (abs(low) or 1.0)
    step = (high - low) / (count - 1)
    magnitude = 10 ** math.floor(math.log10(step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)
    first = math.floor(low / step) * step
    values = [first]
    while values[-1] < high - step * 1e-9:
        values.append(values[-1] + step)
    percent = unit in ("%", "%")
    return values, [format_number(v, lang) + ("%" if percent else "") for v in values]


def figure_column(rows: pd.DataFrame, lang: str) -> pd.Series:
    """Each figure as ``lang`` writes it, its qualifier kept (>38%, ≥500亿美元 / ≥US$50 billion)."""
    qualifiers = rows["qualifier"] if "qualifier" in rows else pd.Series("", index=rows.index)
    classifiers = rows["classifier"] if "classifier" in rows else pd.Series("", index=rows.index)
    return pd.Series([
        format_figure(v, h, u, q if isinstance(q, str) else "", lang, c if isinstance(c, str) else "")
        for v, h, u, q, c in zip(rows["value"], rows["value_high"], rows["unit"], qualifiers, classifiers,
                                 strict=True)
    ], index=rows.index, dtype=object)


FIGURE_LIST_COLUMNS = ["figure", "metric", "period"]


def figure_list(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An article's figures for a narrow column: the figure in ``lang`` (qualifier kept), its measure and period."""
    table = pd.DataFrame({
        "figure": figure_column(figures, lang),
        "metric": figures["metric"].fillna("").astype(str).map(lambda m: i18n.measure_label(m, lang)),
        "period": figures["period"].fillna("").astype(str),
    })
    return table.reset_index(drop=True).rename(columns=i18n.column_labels(FIGURE_LIST_COLUMNS, lang))


def plot_labels(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with the named text columns made safe for Plotly (:func:`plot_label`)."""
    return frame.assign(**{c: frame[c].map(plot_label) for c in columns})


EVIDENCE_COLUMNS = ["source", "figure", "text", "sentence", "period", "modality", "attributed_to"]


def evidence_table(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sentences behind a group's figures, as written, labelled in ``lang``."""
    return _claims_columns(claims, EVIDENCE_COLUMNS, lang)


CLAIMS_COLUMNS = ["metric", "subject", "source", "figure", "text", "sentence", "value", "unit", "qualifier",
                  "period", "modality", "attributed_to"]


def claims_table(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every figure of the chosen groups with what a reader needs (not the ids and offsets of claims.csv)."""
    return _claims_columns(claims, CLAIMS_COLUMNS, lang)


def _claims_columns(claims: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    table = claims.assign(figure=figure_column(claims, lang))[columns].copy()
    if "metric" in table:
        table["metric"] = table["metric"].fillna("").astype(str).map(lambda m: i18n.measure_label(m, lang))
    if "subject" in table:
        table["subject"] = table["subject"].fillna("").astype(str).map(lambda m: i18n.entity_label(m, lang))
    if "qualifier" in table:
        table["qualifier"] = table["qualifier"].fillna("").map(
            lambda q: i18n.label(i18n.QUALIFIER, q, lang) if q else "")
    table["modality"] = table["modality"].fillna("reported").map(
        {code: i18n.label(i18n.MODALITY, code, lang) for code in i18n.MODALITY}).fillna(table["modality"])
    text_columns = [c for c in columns if c not in ("value", "value_high")]
    table[text_columns] = table[text_columns].fillna("").astype(str)
    return table.reset_index(drop=True).rename(columns=i18n.column_labels(columns, lang))


def comparison_table(comparisons: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Pairwise verdicts of a group with the explanation in ``lang``."""
    explanation = "explanation_en" if lang == "en" else "explanation"
    table = pd.DataFrame({
        i18n.label(i18n.COLUMNS, "verdict", lang): comparisons["verdict"].map(
            lambda v: i18n.label(i18n.VERDICT, v, lang)),
        i18n.label(i18n.COLUMNS, "explanation", lang): comparisons[explanation],
    })
    return table.reset_index(drop=True)


# --- compare --------------------------------------------------------------------------------------


def shared_items(frame: pd.DataFrame, column: str, article_ids: Sequence[str]) -> set[str]:
    """Values of ``column`` that at least two of ``article_ids`` have."""
    return set(shared_with(frame, column, article_ids))


def shared_with(frame: pd.DataFrame, column: str, article_ids: Sequence[str]) -> dict[str, list[str]]:
    """Values of ``column`` that at least two of ``article_ids`` have, each with the articles that have it."""
    rows = frame[frame["article_id"].isin(article_ids)].drop_duplicates(["article_id", column])
    holders = rows.groupby(column, sort=False)["article_id"].agg(list)
    return {str(item): ids for item, ids in holders.items() if len(ids) >= 2}


def marked_list(frame: pd.DataFrame, column: str, article_id: str, shared: dict[str, list[str]] | set[str],
                limit: int = 15, numbers: dict[str, str] | None = None, shared_limit: int = 40) -> str:
    """One article's items as escaped markdown: the shared ones first, in bold with a ●, then its own.

    Every shared item is listed (up to ``shared_limit``), so a ● always has its partner
    in the other article's list; the article's other items fill the list up to ``limit``.
    With ``numbers`` (article id → short label), a shared item names the other articles
    that have it, e.g. ``● 美国 (003)``.
    """
    items = list(frame.loc[frame["article_id"] == article_id, column].astype(str).drop_duplicates())
    mine = [i for i in items if i in shared]
    own = [i for i in items if i not in shared][:max(0, limit - len(mine))]

    def mark(item: str) -> str:
        text = f"**● {escape_markdown(item)}**"
        if numbers and isinstance(shared, dict):
            others = [escape_markdown(numbers.get(a, a)) for a in shared[item] if a != article_id]
            text += f" :gray[({', '.join(others)})]"
        return text

    marked = [mark(i) for i in mine[:shared_limit]]
    if len(mine) > shared_limit:
        marked.append(f"… +{len(mine) - shared_limit}")
    return "、".join(marked + [escape_markdown(i) for i in own])


def aligned_measures(report: ClaimReport, article_ids: Sequence[str], names: dict[str, str],
                     lang: str) -> pd.DataFrame:
    """Measures at least two of ``article_ids`` quantify: one row each, one column per article, and the verdict.

    ``names`` maps article ids to the column headers to use. The verdict covers only
    pairs between the chosen articles.
    """
    claims = report.claims[report.claims["article_id"].isin(article_ids)]
    spread = claims.groupby("group_id")["article_id"].nunique()
    ids = [g for g in report.groups["group_id"] if spread.get(g, 0) >= 2]
    files = set(claims["file"])
    between = report.comparisons[report.comparisons["group_id"].isin(set(ids))
                                 & report.comparisons["file_a"].isin(files) & report.comparisons["file_b"].isin(files)]
    status_col = i18n.label(i18n.COLUMNS, "status", lang)
    measure_col = i18n.label(i18n.COLUMNS, "metric", lang)
    rows = []
    groups = report.groups.set_index("group_id")
    for group_id in ids:
        pairs = between[between["group_id"] == group_id]
        differ = pairs[pairs["verdict"] == "differ"]
        status = status_of(int((differ["reason"] == "unexplained").sum()), len(differ))
        subject, metric = str(groups.at[group_id, "subject"] or ""), str(groups.at[group_id, "metric"])
        row = {measure_col: metric if not subject or metric.startswith(subject) else f"{subject} {metric}"}
        mine = claims[claims["group_id"] == group_id]
        for article_id in article_ids:
            texts = mine[mine["article_id"] == article_id]["text"].astype(str).drop_duplicates()
            row[names[article_id]] = "；".join(texts) or "—"
        row[status_col] = f"{_STATUS_MARK[status]} {i18n.label(i18n.STATUS, status, lang)}"
        rows.append(row)
    return pd.DataFrame(rows, columns=[measure_col, *(names[a] for a in article_ids), status_col])


_STATUS_MARK = {"contradiction": "✖", "explained": "◐", "agree": "✔"}


def overlap_table(entities: pd.DataFrame, terms: pd.DataFrame, article_ids: Sequence[str],
                  names: dict[str, str], lang: str) -> pd.DataFrame:
    """For each pair of ``article_ids``: how many entities and key terms they share."""
    rows = []
    pair = i18n.t("pair", lang)
    for i, a in enumerate(article_ids):
        for b in article_ids[i + 1:]:
            rows.append({
                pair: f"{names[a]} × {names[b]}",
                i18n.t("shared_entities", lang): len(shared_items(entities, "entity", [a, b])),
                i18n.t("shared_terms", lang): len(shared_items(terms, "term", [a, b])),
            })
    return pd.DataFrame(rows, columns=[pair, i18n.t("shared_entities", lang), i18n.t("shared_terms", lang)])


def default_articles(report: ClaimReport, article_ids: Sequence[str]) -> list[str]:
    """Two articles worth comparing first: those of the top group spanning two articles, else the first two."""
    available = list(article_ids)
    claims = report.claims[report.claims["article_id"].isin(set(available))]
    members = claims.drop_duplicates(["group_id", "article_id"])
    spread = members.groupby("group_id").size()
    for group_id in report.groups["group_id"]:
        if spread.get(group_id, 0) >= 2:
            return list(members.loc[members["group_id"] == group_id, "article_id"])[:2]
    return available[:2]


def top_up(kept: Sequence[str], candidates: Sequence[str], size: int) -> list[str]:
    """``kept``, then the first ``candidates`` not in it, until there are ``size`` (or no candidates are left)."""
    chosen = list(kept)
    for candidate in candidates:
        if len(chosen) >= size:
            break
        if candidate not in chosen:
            chosen.append(candidate)
    return chosen


def short_names(articles: pd.DataFrame, width: int = 14) -> dict[str, str]:
    """A label per article id: its file number and the start of its title (column headers, pickers)."""
    files = articles["file"].astype(str)
    titles = articles["title"].fillna("").astype(str)
    titles = titles.where(titles != "", files)
    cut = titles.str[:width] + titles.str.len().gt(width).map({True: "…", False: ""})
    labels: dict[str, str] = {}
    taken: set[str] = set()
    for article_id, label in zip(articles["article_id"], files.str.split("_", n=1).str[0] + " " + cut, strict=True):
        # Labels are column headers and dict keys: two articles must never share one.
        unique, n = label, 2
        while unique in taken:
            unique, n = f"{label} ({n})", n + 1
        taken.add(unique)
        labels[article_id] = unique
    return labels


def article_numbers(names: dict[str, str]) -> dict[str, str]:
    """The file number at the start of each :func:`short_names` label."""
    return {article_id: name.split(" ", 1)[0] for article_id, name in names.items()}


# --- display values -------------------------------------------------------------------------------


def display_source(source: object, lang: str) -> str:
    """A source as shown: the unknown-source label in ``lang``; the data and the filters keep the stored one."""
    text = str(source)
    return i18n.t("unknown_source", lang) if text == UNKNOWN_SOURCE else text


_PERIOD_RE = re.compile(
    r"(?P<year>\d{4}|-)(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12]))?"
)
_DAY_ONLY_RE = re.compile(r"---(?P<day>\d{2})")
_DECADE_RE = re.compile(r"(?P<decade>\d{3}0)s")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一", "二", "三", "四")


def _period_parts(value: str) -> dict[str, str | None] | None:
    for pattern in (_PERIOD_RE, _DAY_ONLY_RE, _DECADE_RE):
        match = pattern.fullmatch(value)
        if match:
            parts = {"year": None, "month": None, "day": None, "quarter": None, "half": None, "decade": None}
            parts.update(match.groupdict())
            if parts["year"] == "-":
                parts["year"] = None
            return parts
    return None


def _period_text(parts: dict[str, str | None], lang: str, *, year: bool = True) -> str:
    """One end of a period in ``lang``; ``year=False`` leaves the year out (a range's second end)."""
    y = parts["year"] if year else None
    if parts["decade"]:
        return f"{parts['decade']}年代" if lang == "zh" else f"{parts['decade']}s"
    if lang == "zh":
        if parts["quarter"]:
            rest = f"{_QUARTERS_ZH[int(parts['quarter']) - 1]}季度"
        elif parts["half"]:
            rest = "上半年" if parts["half"] == "1" else "下半年"
        else:
            rest = "".join([f"{int(parts['month'])}月" if parts["month"] else "",
                            f"{int(parts['day'])}日" if parts["day"] else ""])
        return (f"{y}年" if y else "") + rest
    if parts["quarter"] or parts["half"]:
        rest = f"Q{parts['quarter']}" if parts["quarter"] else f"H{parts['half']}"
    else:
        month = _MONTHS_EN[int(parts["month"]) - 1] if parts["month"] else ""
        rest = " ".join(x for x in (str(int(parts["day"])) if parts["day"] else "", month) if x)
        if parts["day"] and not parts["month"]:
            rest = f"day {int(parts['day'])}"
    return " ".join(x for x in (rest, y or "") if x)


@lru_cache(maxsize=4096)
def format_period(value: object, lang: str) -> str:
    """A period as a reader writes it; ``value`` is the ISO-like code figures.py gives periods.

    ``2025Q1`` → 2025年一季度 / Q1 2025, ``2025H1`` → 2025年上半年 / H1 2025, ``2024-04..2025-03`` →
    2024年4月–2025年3月 / Apr 2024 – Mar 2025; a range within one year names the year once
    (2025年1月–5月 / Jan – May 2025). A value in no known form is returned as it is; CSVs keep the code.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    ends = text.split("..")
    parts = [_period_parts(end) for end in ends]
    if not text or len(ends) > 2 or any(p is None for p in parts):
        return text
    if len(parts) == 1:
        return _period_text(parts[0], lang)
    first, last = parts
    bare_years = all(p["year"] and not any(p[k] for k in ("month", "day", "quarter", "half")) for p in parts)
    if bare_years:
        return f"{first['year']}–{last['year']}" + ("年" if lang == "zh" else "")
    if first["year"] and first["year"] == last["year"]:
        if lang == "zh":
            return f"{_period_text(first, lang)}–{_period_text(last, lang, year=False)}"
        return f"{_period_text(first, lang, year=False)} – {_period_text(last, lang)}"
    return ("–" if lang == "zh" else " – ").join(_period_text(p, lang) for p in parts)


def display_values(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A labelled table as shown: periods in words and the unknown-source label in ``lang``.

    Only the columns headed with the ``period`` and ``source`` labels of ``lang`` change;
    each distinct value is formatted once. The CSV download keeps ``table`` as it is.
    """
    shown = table
    for column, show in (("period", format_period), ("source", display_source)):
        header = i18n.label(i18n.COLUMNS, column, lang)
        if header in table.columns:
            values = table[header]
            labels = {v: show(v, lang) for v in values.dropna().unique()}
            if any(str(k) != v for k, v in labels.items()):
                shown = shown.copy() if shown is table else shown
                shown[header] = values.map(labels)
    return shown


# --- article text with figures marked ------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=^\"'])")
# Characters that reorder or hide what follows them (U+202E shows "abc" as "cba"): never shown.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Pictographs (emoji) and what joins or varies them: the app's fonts draw none of them, so they are left out
# rather than drawn as boxes.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\uFE0F\u200d\u20e3]")
# Where GitHub-flavoured markdown starts a link of its own: www., ://, and the @ of an e-mail address.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)|(?<=@)")
WORD_JOINER = "\u2060"


def display_text(text: object) -> str:
    """Article text as the app shows it anywhere: no bidi controls, no emoji (see the patterns above)."""
    return _EMOJI.sub("", _BIDI_CONTROLS.sub("", str(text)))


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows as written: every markdown, HTML, LaTeX and directive
    character backslash-escaped (CommonMark lets any ASCII punctuation be escaped), bidi controls and emoji
    removed, and an invisible word joiner (U+2060) put where markdown would turn a URL, a ``www.`` host or an
    e-mail address into a link: ``www\u2060.example.com`` is still read as written and is no link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, display_text(text)))


def plot_label(text: object) -> str:
    """Text for a Plotly label or hover: Plotly reads ``<b>``, ``<a href>`` … in labels, so ``<``, ``>`` and ``&``
    are written as entities (which Plotly shows as the characters; it shows ``&quot;`` as is, so quotes stay)."""
    return html.escape(display_text(text), quote=False)


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to ``[0, length)``, sorted, overlapping ones merged, empty ones dropped."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_markdown(text: str, spans: Iterable[tuple[int, int]], color: str = "orange",
                       focus: tuple[int, int] | None = None, focus_color: str = "red") -> str:
    """``text`` as safe markdown with each span wrapped in ``:color-background[**…**]``; the ``focus`` span
    (the figure a reader came for) in ``focus_color``.

    Everything is escaped first (article text is never trusted), line breaks are kept
    as markdown hard breaks, and a span crossing a line break is marked on each line.
    """
    pieces, cursor = [], 0
    focus = tuple(focus) if focus else None
    marked = merge_spans([s for s in spans if tuple(s) != focus] + ([focus] if focus else []), len(text))
    for start, end in marked:
        color_here = focus_color if focus and start <= focus[0] < end else color
        pieces.append(escape_markdown(text[cursor:start]))
        for i, line in enumerate(text[start:end].split("\n")):
            if i:
                pieces.append("\n")
            if line.strip():
                pieces.append(f":{color_here}-background[**{escape_markdown(line)}**]")
            else:
                pieces.append(escape_markdown(line))
        cursor = end
    pieces.append(escape_markdown(text[cursor:]))
    paragraphs = re.split(r"\n\s*\n", "".join(pieces))
    return "\n\n".join("  \n".join(p.strip() for p in para.split("\n") if p.strip()) for para in paragraphs
                       if para.strip())


def figure_spans(figures: pd.DataFrame, article_id: str) -> list[tuple[int, int]]:
    """Where an article's figures are in its original text."""
    rows = figures[figures["article_id"] == article_id]
    spans = zip(rows["start"], rows["end"], strict=True)
    return [(int(s), int(e)) for s, e in spans if pd.notna(s) and pd.notna(e)]


# --- term clouds ----------------------------------------------------------------------------------


def term_totals(term_counts: pd.DataFrame) -> pd.Series:
    """Term → count summed over the given rows, most frequent first (ties in term order)."""
    if term_counts.empty:
        return pd.Series(dtype="int64")
    return term_counts.groupby("term")["count"].sum().sort_values(ascending=False, kind="stable")


def top_terms(totals: pd.Series, top_n: int = 100) -> dict[str, float]:
    """The first ``top_n`` terms of :func:`term_totals` with a positive count."""
    return {str(t): float(c) for t, c in totals.head(top_n).items() if c > 0}


def term_frequencies(term_counts: pd.DataFrame, top_n: int = 100) -> dict[str, float]:
    """The ``top_n`` most frequent terms over the given rows, summed across articles."""
    return top_terms(term_totals(term_counts), top_n)


def as_counter(totals: pd.Series) -> Counter:
    """A :func:`term_totals` series as a Counter (what :func:`core.terms.distinctive_terms` takes)."""
    return Counter({str(t): int(c) for t, c in totals.items() if c > 0})


def distinctive_frequencies(term_counts: pd.DataFrame, source: str, others: Iterable[str],
                            top_n: int = 40) -> dict[str, float]:
    """Terms distinctive of ``source`` against ``others`` (positive log-odds z-scores only)."""
    focus = term_totals(filter_by_sources(term_counts, [source]))
    return distinctive_weights(focus, term_totals(filter_by_sources(term_counts, others)), top_n)


def distinctive_weights(focus: pd.Series, rest: pd.Series, top_n: int = 40) -> dict[str, float]:
    """Terms distinctive of the ``focus`` term totals against ``rest``: positive Fightin' Words z-scores."""
    from core.terms import distinctive_terms

    ranked = distinctive_terms(as_counter(focus), as_counter(rest), top_n=top_n)
    return {d.term: float(d.zscore) for d in ranked if d.zscore > 0}


def weights_table(freqs: dict[str, float], lang: str, weight: str = "count") -> pd.DataFrame:
    """The cloud's words and weights as a table, biggest first (the bar chart and the CSV)."""
    term_col, weight_col = i18n.label(i18n.COLUMNS, "term", lang), i18n.t(weight, lang)
    table = pd.DataFrame(list(freqs.items()), columns=[term_col, weight_col])
    return table.sort_values(weight_col, ascending=False, kind="stable").reset_index(drop=True)


# --- analyst tools: search, entities, timeline ------------------------------------------------------

ENTITY_COLUMNS = ["type", "entity", "surface_forms", "articles", "count"]


def entity_table(entities: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per entity across the given articles: type, canonical name, every surface form as written
    (中芯國際 | 中芯国际), how many articles name it and how often; most articles first."""
    if entities.empty:
        return pd.DataFrame(columns=list(i18n.column_labels(ENTITY_COLUMNS, lang).values()))
    forms = entities.groupby(["type", "entity"], sort=False)["surface_forms"].agg(
        lambda values: " | ".join(dict.fromkeys(f for v in values for f in str(v).split("|") if f)))
    stats = entities.groupby(["type", "entity"], sort=False).agg(articles=("article_id", "nunique"),
                                                                 count=("count", "sum"))
    table = stats.join(forms).reset_index()
    table["type"] = table["type"].map(lambda c: i18n.label(i18n.ENTITY_TYPE, str(c), lang))
    table = table.sort_values(["articles", "count", "entity"], ascending=[False, False, True], kind="stable")
    table = table[ENTITY_COLUMNS].reset_index(drop=True)
    table["entity"] = table["entity"].map(display_text)
    table["surface_forms"] = table["surface_forms"].map(display_text)
    return table.rename(columns=i18n.column_labels(ENTITY_COLUMNS, lang))


def search_forms(query: str, entities: pd.DataFrame) -> list[str]:
    """What to look for when searching ``query``: the query, and when it names an entity (by its canonical
    name or any surface form) every surface form of that entity, longest first (中芯国际 → 中芯國際, 中芯)."""
    query = query.strip()
    if not query:
        return []
    forms = {query}
    if not entities.empty:
        surface = entities["surface_forms"].fillna("").astype(str)
        hit = (entities["entity"].astype(str) == query) | surface.map(lambda v: query in v.split("|"))
        named = set(entities.loc[hit, "entity"].astype(str))
        for row in entities[entities["entity"].astype(str).isin(named)].itertuples(index=False):
            forms.add(str(row.entity))
            forms.update(f for f in str(row.surface_forms).split("|") if f)
    return sorted(forms, key=lambda f: (-len(f), f))


KWIC_COLUMNS = ["article_id", "source", "title", "before", "match", "after", "start"]


def keyword_in_context(texts: dict[str, str], articles: pd.DataFrame, forms: Sequence[str], width: int = 30,
                       limit: int = 500) -> pd.DataFrame:
    """Every place one of ``forms`` occurs in the ``articles`` (their ``texts`` as written), with ``width``
    characters each side on its line; at most ``limit`` rows, articles in the given order."""
    forms = {f for f in forms if f} | {_simplified_chars(f) for f in forms if f}
    rows: list[dict] = []
    if not forms:
        return pd.DataFrame(columns=KWIC_COLUMNS)
    pattern = re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))
    for article in articles.itertuples(index=False):
        text = texts.get(article.article_id, "")
        # Matched in Simplified characters (one for one, so offsets hold), shown as written: 放开 finds 放開.
        for match in pattern.finditer(_simplified_chars(text)):
            start, end = match.span()
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            rows.append({
                "article_id": article.article_id, "source": article.source, "title": article.title,
                "before": text[max(line_start, start - width):start], "match": text[start:end],
                "after": text[end:min(line_end, end + width)], "start": start,
            })
            if len(rows) >= limit:
                return pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return pd.DataFrame(rows, columns=KWIC_COLUMNS)


@lru_cache(maxsize=20_000)
def _simplified_chars(text: str) -> str:
    """``text`` in Simplified characters, character for character (OpenCC's tables; no phrase changes)."""
    from core.normalize import converter

    chars = converter("tw2s").convert(text)
    return chars if len(chars) == len(text) else text


def kwic_markdown(row) -> str:
    """A keyword-in-context row as safe markdown: …before **match** after…"""
    return (f"…{escape_markdown(row.before)}:red-background[**{escape_markdown(row.match)}**]"
            f"{escape_markdown(row.after)}…")


def period_start(period: object) -> float | None:
    """Where a period begins, in years (2025 → 2025.0, 2025Q2 → 2025.25, 2024-04..2025-03 → 2024.25), or None."""
    text = str(period or "").split("..")[0]
    parts = _period_parts(text) if text else None
    if not parts or not (parts["year"] or parts["decade"]):
        return None
    year = float(parts["year"] or parts["decade"])
    if parts["month"]:
        return year + (int(parts["month"]) - 1) / 12
    if parts["quarter"]:
        return year + (int(parts["quarter"]) - 1) / 4
    if parts["half"]:
        return year + (int(parts["half"]) - 1) / 2
    return year


def timeline_metrics(claims: pd.DataFrame) -> list[str]:
    """Measures with figures of at least two different periods, most figures first: those a timeline can show."""
    dated = claims[claims["period"].map(period_start).notna()]
    periods = dated.groupby("metric")["period"].nunique()
    counts = dated.groupby("metric").size()
    return [m for m in counts.sort_values(ascending=False, kind="stable").index if periods.get(m, 0) >= 2]


def timeline_frame(claims: pd.DataFrame, metric: str, lang: str) -> pd.DataFrame:
    """A measure's figures that state a period, ordered by when the period starts: x (years), value, the
    figure as ``lang`` writes it, period in words, source, modality; strings ready for Plotly."""
    rows = representative(claims[claims["metric"] == metric].drop_duplicates(["file", "text", "start"]),
                          TIMELINE_DOTS)
    frame = pd.DataFrame({
        "x": rows["period"].map(period_start), "value": rows["value"].astype(float),
        "figure": figure_column(rows, lang).map(plot_label),
        "period": rows["period"].map(lambda p: format_period(p, lang)),
        "source": rows["source"].map(lambda s: plot_label(display_source(s, lang))),
        "modality": rows["modality"].fillna("reported").map(lambda m: i18n.label(i18n.MODALITY, m, lang)),
        "unit": rows["unit"].astype(str),
    })
    return frame.dropna(subset=["x"]).sort_values("x", kind="stable").reset_index(drop=True)


# --- uploads --------------------------------------------------------------------------------------


def load_uploads(
    files: Iterable[tuple[str, bytes]], source: str = "", *, max_bytes: int = MAX_ARTICLE_BYTES,
    budget: int | None = None, known: Iterable[str] = (),
) -> tuple[list[tuple[Article, bytes]], list[LoadProblem]]:
    """Articles from uploaded (name, bytes), each with its bytes; a file that cannot be read becomes a problem.

    A file over ``max_bytes``, or one that would take the total past ``budget`` bytes (what
    the session may still add), is refused by name; so is one whose content is already in the
    corpus (``known`` content hashes) or earlier in this batch. The rest still load.
    """
    loaded, problems = [], []
    seen = set(known)
    typed = source.strip() if source else ""
    left = budget
    for name, data in files:
        meta = {"source": typed} if typed else {}
        if left is not None and len(data) > left:
            problems.append(LoadProblem(safe_file_name(name), f"not added: this session's uploads are limited to "
                                              f"{_megabytes(budget)} in all; remove uploaded articles to add more"))
            continue
        try:
            article = load_article_bytes(name, data, meta=meta, max_bytes=max_bytes)
        except LoadError as error:
            problems.append(LoadProblem(safe_file_name(name), str(error)))
            continue
        if article.source == UNKNOWN_SOURCE:
            # Never the shared unknown-source bucket: an upload that names no publisher is its own source.
            article = dataclasses.replace(article, source=upload_source_name(name))
        if article.content_hash in seen:
            problems.append(LoadProblem(article.file, DUPLICATE_UPLOAD))
            continue
        seen.add(article.content_hash)
        loaded.append((article, data))
        if left is not None:
            left -= len(data)
    return loaded, problems


DUPLICATE_UPLOAD = "not added: the same text is already in the corpus"


def upload_source_name(file_name: str) -> str:
    """The source an upload without a typed source takes: its file name without folder and extension."""
    return Path(safe_file_name(file_name)).stem or safe_file_name(file_name)


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def merge_corpus(base: Corpus, uploads: Sequence[Article]) -> Corpus:
    """The session's corpus: ``base`` plus uploads; the same content counts once, a clashing name gets -2, -3 …"""
    known = {a.content_hash for a in base.articles}
    ids = {a.article_id for a in base.articles} | {a.file for a in base.articles}
    sources = {a.source for a in base.articles}
    extra = []
    for article in uploads:
        if article.content_hash in known:
            continue
        # An upload named after its file (no source typed) is a source of its own, never one another article has.
        named_by_file = article.source == upload_source_name(article.file)
        renamed, n = article, 1
        while renamed.article_id in ids or renamed.file in ids or named_by_file and renamed.source in sources:
            n += 1
            stem, suffix = Path(article.file).stem, Path(article.file).suffix
            renamed = replace(article, article_id=f"{article.article_id}-{n}", file=f"{stem}-{n}{suffix}",
                              source=f"{stem}-{n}" if named_by_file else article.source)
        known.add(article.content_hash)
        ids |= {renamed.article_id, renamed.file}
        sources.add(renamed.source)
        extra.append(renamed)
    return Corpus(articles=tuple(base.articles) + tuple(extra), problems=tuple(base.problems))
