"""What the dashboard's pages show, as plain pandas: filtering, the overview's sections and cards, the figure
check's charts and tables, the timeline.

Every function takes the tables of an :class:`~core.pipeline.Extraction` or a
:class:`~core.claims.ClaimReport` (or parts of them) and returns a new table or
value; nothing here knows about Streamlit, so each screen's logic is tested
without a browser. Tables meant for display come back with their final columns,
so the CSV download of a table is exactly what the page shows. How numbers, periods and article text are
written is :mod:`ui.display`; Compare's alignment :mod:`ui.overlap`; search :mod:`ui.search`; term weights
:mod:`ui.clouds`; uploads :mod:`ui.uploads`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import words
from core.claims import ClaimReport, group_kinds, rank_groups, spreads, status_of
from core.corpus import UNKNOWN_SOURCE
from core.explanations import explanation_of
from core.verdicts import interval
from ui import i18n
from ui.display import (
    display_source,
    display_text,
    display_unit,
    figure_column,
    format_figure,
    format_number,
    format_period,
    period_start,
    plot_label,
)


def source_options(articles: pd.DataFrame) -> list[str]:
    """Every source in the corpus, in order of first appearance (the unknown-source label included)."""
    return articles["source"].astype(str).unique().tolist()  # hashed column-wise, in order of appearance


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
    chosen = report.claims["source"].astype(str).isin(sources).to_numpy()
    sizes = report.claims["group_id"][chosen].value_counts()
    kept = set(sizes[sizes >= 2].index)
    # One selection of the rows: each take copies every column (a few dozen, at 10,000 articles 60,000 rows).
    claims = report.claims[chosen & report.claims["group_id"].isin(kept).to_numpy()].reset_index(drop=True)
    # A pair whose figures both come from the sources, in a group kept: its files are among the claims kept (a file
    # has one source). Tested by source, a set of a few, not by file: pandas tests membership value by value.
    # The pairs as they stand: explanations stay unrendered until a page reads them (ClaimReport.comparisons).
    pairs = report.pairs
    comparisons = pairs[
        pairs["group_id"].isin(kept) & pairs["source_a"].isin(sources) & pairs["source_b"].isin(sources)
    ].reset_index(drop=True)
    groups = report.groups[report.groups["group_id"].isin(kept)].copy()
    if not groups.empty:
        stats = _group_stats(claims)
        # The pairs' counts from their columns as arrays: each filter of the table would copy its thirty columns.
        pair_group, verdict, reason = (comparisons[c].to_numpy() for c in ("group_id", "verdict", "reason"))
        differ = verdict == "differ"
        own = differ & (reason == "unexplained") & (comparisons["file_a"] == comparisons["file_b"]).to_numpy()
        counts = {
            "contradictions": differ & (reason == "unexplained"), "explained": differ & (reason != "unexplained"),
            "agreements": verdict == "agree", "self_contradictions": own,
            "period_differences": differ & (reason == "different_period"),
        }
        ids = groups["group_id"]
        for column in ("figures", "articles", "sources"):
            groups[column] = ids.map(stats[column]).astype(int)
        for column, rows in counts.items():
            groups[column] = ids.map(pd.Series(pair_group[rows]).value_counts()).fillna(0).astype(int)
        groups["spread"] = ids.map(spreads(claims)).fillna(0.0)
        groups["status"] = [
            status_of(c, c + e) for c, e in zip(groups["contradictions"], groups["explained"], strict=True)
        ]
        groups = rank_groups(groups)
    context = report.context[
        report.context["group_id"].isin(kept) & report.context["source"].astype(str).isin(sources)
    ].reset_index(drop=True)
    return ClaimReport(groups=groups.reset_index(drop=True), claims=claims, comparisons=comparisons, context=context)


def _group_stats(claims: pd.DataFrame) -> pd.DataFrame:
    """Figures, distinct articles and distinct sources of each group (by id), counted on codes: counting distinct
    strings group by group took longer than the rest of narrowing a report."""
    group, groups = pd.factorize(claims["group_id"])
    stats = {"figures": np.bincount(group, minlength=len(groups))}
    for column, name in (("articles", "article_id"), ("sources", "source")):
        codes, values = pd.factorize(claims[name])  # a missing value is no article or source (-1), as in nunique
        known = codes >= 0
        pairs = np.unique(group[known].astype(np.int64) * max(len(values), 1) + codes[known])
        stats[column] = np.bincount(pairs // max(len(values), 1), minlength=len(groups))
    return pd.DataFrame(stats, index=groups)


def select_groups(groups: pd.DataFrame, statuses: Sequence[str] = (), measures: Sequence[str] = ()) -> pd.DataFrame:
    """Groups with one of ``statuses`` and one of ``measures``; an empty choice means all."""
    keep = pd.Series(True, index=groups.index)
    if statuses:
        keep &= groups["status"].isin(statuses)
    if measures:
        keep &= groups["metric"].isin(measures)
    return groups[keep].reset_index(drop=True)


def headline_numbers(articles: pd.DataFrame, groups: pd.DataFrame) -> dict[str, int]:
    """The overview's counts: articles, sources, figures, claim groups, and groups whose figures differ
    without an explanation (contradictions) or with one (period, modality …) apart. Figures are counted from the
    articles table (each article's count), not by narrowing the figures table to the chosen sources."""
    status = groups["status"] if not groups.empty else pd.Series(dtype=str)
    return {
        "articles": len(articles),
        "sources": articles["source"].nunique(),
        "figures": int(articles["figures"].sum()),
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


def overview_sections(report: ClaimReport, kinds: Mapping[str, str] | None = None,
                      limit: int = 4) -> dict[str, list[str]]:
    """The overview's groups, by section, in the report's reading order.

    ``disagreements``: groups of two or more sources whose figures differ (at most ``limit``);
    ``within``: one source or one article at odds with itself (a contradiction: figures of two periods in one
    article are a series, not a quarrel); ``changes``: before/after in one sentence.
    Agreeing groups appear in none. ``kinds``: :func:`core.claims.group_kinds` of the report, when at hand.
    """
    kinds = group_kinds(report.claims) if kinds is None else kinds
    sections: dict[str, list[str]] = {"disagreements": [], "within": [], "changes": []}
    for group_id, status in zip(report.groups["group_id"], report.groups["status"], strict=True):
        kind = kinds.get(group_id)
        if kind == "before_after":
            sections["changes"].append(group_id)
        elif status == "agree" or kind is None:
            continue
        elif kind == "cross_source":
            sections["disagreements"].append(group_id)
        elif status == "contradiction":
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


def group_card(report: ClaimReport, group_id: str, lang: str, claims: pd.DataFrame | None = None, *,
               kinds: Mapping[str, str] | None = None, telling: Mapping[str, object] | None = None) -> GroupCard:
    """The card for one group: its figures by source, the reason of its most telling pair in words, and
    the explanation (the claims report's, in ``lang``). ``claims``: the group's rows of ``report.claims`` when
    already at hand; ``kinds`` (:func:`core.claims.group_kinds`) and ``telling`` (:func:`telling_comparisons`) of
    the whole report, when a page draws several cards."""
    group = report.groups.set_index("group_id").loc[group_id]
    if claims is None:
        claims = report.claims[report.claims["group_id"] == group_id]
    claims = claims.drop_duplicates(["file", "text", "start"])
    kind = (group_kinds(claims) if kinds is None else kinds).get(group_id, "cross_source")
    claims = representative(claims, CARD_EVIDENCE)
    rows = list(claims[[c for c in _EVIDENCE_FIELDS if c in claims.columns]].itertuples(index=False))
    evidence = tuple(evidence_of(row, lang) for row in rows)
    values = [
        {"source": item.source, "text": display_text(row.text), "figure": item.figure, "modality": item.modality,
         "period": item.period, "file": row.file}
        for item, row in zip(evidence, rows, strict=True)
    ]
    if telling is None:
        pair = telling_comparison(report.pairs, group_id)
    else:
        pair = report.pairs.loc[telling[group_id]] if group_id in telling else None
    why = "" if pair is None else display_text(_explanation(pair, lang))
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


# The fields of a claim row a card's evidence reads (:func:`evidence_of`, and the file of its values).
_EVIDENCE_FIELDS = ("article_id", "file", "source", "text", "value", "value_high", "unit", "qualifier", "modality",
                    "period", "attributed_to", "sentence", "sentence_start", "start", "end")


def representative(claims: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` rows of ``claims``: each article's first figure, then the rest, in their order."""
    if len(claims) <= limit:
        return claims
    first = ~claims["article_id"].duplicated().to_numpy()
    rows = np.concatenate([np.flatnonzero(first), np.flatnonzero(~first)])[:limit]
    return claims.iloc[rows].sort_index(kind="stable")


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
        return words.pair_reason("before_after", lang, short=True)
    if pair is None or pair["verdict"] != "differ":
        return words.pair_reason("agree", lang, short=True)
    if pair["reason"] == "different_modality":
        sides = [words.modality_label(str(pair.get(f"modality_{s}") or "reported"), lang) for s in "ab"]
        return " vs ".join(sides) if sides[0] != sides[1] else words.pair_reason("different_modality", lang, short=True)
    if pair["reason"] == "different_period":
        return words.pair_reason("different_period", lang, short=True)
    code = "unexplained" if kind == "cross_source" else "self_contradiction"
    return words.pair_reason(code, lang, short=True)


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


def _explanation(pair: pd.Series, lang: str) -> str:
    """A pair's explanation in ``lang``: as the report holds it, else rendered for this pair alone."""
    zh, en = pair["explanation"], pair["explanation_en"]
    if not isinstance(zh, str):
        zh, en = explanation_of(pair)
    return en if lang == "en" else zh


def telling_comparison(comparisons: pd.DataFrame, group_id: str) -> pd.Series | None:
    """The pair that best says what a group is about: a contradiction, else a difference, else an agreement."""
    pairs = comparisons[comparisons["group_id"] == group_id]
    telling = telling_comparisons(pairs)
    return pairs.loc[telling[group_id]] if group_id in telling else None


def telling_comparisons(comparisons: pd.DataFrame) -> dict[str, object]:
    """Group id → the label in ``comparisons`` of its :func:`telling_comparison`, every group's in one pass."""
    # How telling each pair is: 0 a contradiction, 1 another difference, 2 an agreement; the first of a group wins.
    order = comparisons["reason"].map({"unexplained": 0}).fillna(comparisons["verdict"].map({"differ": 1, "agree": 2}))
    firsts = comparisons["group_id"].loc[order.sort_values(kind="stable").index].drop_duplicates()
    return dict(zip(firsts.to_numpy(), firsts.index, strict=True))


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
    fields = claims[["source", "modality", "value", "value_high", "unit", "qualifier"]]
    for row, period in zip(fields.itertuples(index=False), periods, strict=True):
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
    factor, _ = display_unit(unit, max(abs(low), abs(high)))  # ticks in the unit the points are labelled in
    return values, [format_number(v / factor, lang) + ("%" if percent else "") for v in values]


FIGURE_LIST_COLUMNS = ["figure", "metric", "period"]


def figure_list(figures: pd.DataFrame, lang: str) -> pd.DataFrame:
    """An article's figures for a narrow column: the figure in ``lang`` (qualifier kept), its measure and period."""
    table = pd.DataFrame({
        "figure": figure_column(figures, lang),
        "metric": figures["metric"].fillna("").astype(str).map(lambda m: i18n.measure_label(m, lang)),
        "period": figures["period"].fillna("").astype(str),
    })
    return table.reset_index(drop=True).rename(columns=i18n.column_labels(FIGURE_LIST_COLUMNS, lang))


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
