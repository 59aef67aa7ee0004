"""What the dashboard's pages show, as plain pandas: filtering, alignment, highlighting.

Every function takes the tables of an :class:`~core.pipeline.Extraction` or a
:class:`~core.claims.ClaimReport` (or parts of them) and returns a new table or
value; nothing here knows about Streamlit, so each screen's logic is tested
without a browser. Tables meant for display come back with their final columns,
so the CSV download of a table is exactly what the page shows.
"""

from __future__ import annotations

import html
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


@dataclass(frozen=True)
class GroupCard:
    """What a claim-group card shows: the measure, each side's figure, a verdict and one line on why."""

    group_id: str
    status: str
    label: str
    values: list[dict]
    why: str


def group_card(report: ClaimReport, group_id: str, lang: str) -> GroupCard:
    """The card for one group: its figures by source, and the explanation of its most telling pair."""
    group = report.groups.set_index("group_id").loc[group_id]
    claims = report.claims[report.claims["group_id"] == group_id]
    values = [
        {"source": display_source(row.source, lang), "text": row.text,
         "figure": format_figure(row.value, row.value_high, row.unit, row.qualifier, lang),
         "modality": i18n.label(i18n.MODALITY, row.modality or "reported", lang),
         "period": format_period(row.period, lang), "file": row.file}
        for row in claims.drop_duplicates(["file", "text"]).itertuples(index=False)
    ]
    pair = telling_comparison(report.comparisons, group_id)
    why = "" if pair is None else str(pair["explanation_en" if lang == "en" else "explanation"])
    subject, metric = str(group["subject"] or ""), str(group["metric"])
    label = metric if not subject or metric.startswith(subject) else f"{subject} {metric}"
    return GroupCard(group_id, str(group["status"]), label, values, why)


_QUALIFIER_MARK = {"about": "≈", "over": ">", "at_least": "≥", "under": "<", "at_most": "≤"}


def format_figure(value: float, value_high: float | None, unit: str, qualifier: str | None, lang: str) -> str:
    """A figure in short form for large type: ``38%``, ``≈500亿 USD`` / ``≈50bn USD``, ``25–30%``."""
    def number(v: float) -> str:
        v = float(v)
        if lang == "zh":
            for size, word in ((1e8, "亿"), (1e4, "万")):
                if abs(v) >= size:
                    return f"{v / size:,.4g}{word}"
        else:
            for size, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
                if abs(v) >= size:
                    return f"{v / size:,.4g}{word}"
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"

    text = number(value)
    if value_high is not None and not pd.isna(value_high):
        text = f"{text}–{number(value_high)}"
    unit = str(unit or "")
    text = f"{text}{unit}" if unit in ("%", "%", "‰") or not unit.isascii() else f"{text} {unit}"
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


EVIDENCE_COLUMNS = ["source", "text", "sentence", "period", "modality", "attributed_to"]


def evidence_table(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sentences behind a group's figures, as written, labelled in ``lang``."""
    return _claims_columns(claims, EVIDENCE_COLUMNS, lang)


CLAIMS_COLUMNS = ["metric", "subject", "source", "text", "sentence", "value", "unit", "period", "modality",
                  "attributed_to"]


def claims_table(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Every figure of the chosen groups with what a reader needs (not the ids and offsets of claims.csv)."""
    return _claims_columns(claims, CLAIMS_COLUMNS, lang)


def _claims_columns(claims: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    table = claims[columns].copy()
    table["modality"] = table["modality"].fillna("reported").map(
        {code: i18n.label(i18n.MODALITY, code, lang) for code in i18n.MODALITY}).fillna(table["modality"])
    text_columns = [c for c in columns if c != "value"]
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


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows as written: every markdown, HTML, LaTeX and directive
    character backslash-escaped (CommonMark lets any ASCII punctuation be escaped)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


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


def highlight_markdown(text: str, spans: Iterable[tuple[int, int]], color: str = "orange") -> str:
    """``text`` as safe markdown with each span wrapped in ``:color-background[**…**]``.

    Everything is escaped first (article text is never trusted), line breaks are kept
    as markdown hard breaks, and a span crossing a line break is marked on each line.
    """
    pieces, cursor = [], 0
    for start, end in merge_spans(spans, len(text)):
        pieces.append(escape_markdown(text[cursor:start]))
        for i, line in enumerate(text[start:end].split("\n")):
            if i:
                pieces.append("\n")
            if line.strip():
                pieces.append(f":{color}-background[**{escape_markdown(line)}**]")
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
    meta = {"source": source.strip()} if source and source.strip() else {}
    left = budget
    for name, data in files:
        if left is not None and len(data) > left:
            problems.append(LoadProblem(safe_file_name(name), f"not added: this session's uploads are limited to "
                                              f"{_megabytes(budget)} in all; remove uploaded articles to add more"))
            continue
        try:
            article = load_article_bytes(name, data, meta=meta, max_bytes=max_bytes)
        except LoadError as error:
            problems.append(LoadProblem(safe_file_name(name), str(error)))
            continue
        if article.content_hash in seen:
            problems.append(LoadProblem(article.file, DUPLICATE_UPLOAD))
            continue
        seen.add(article.content_hash)
        loaded.append((article, data))
        if left is not None:
            left -= len(data)
    return loaded, problems


DUPLICATE_UPLOAD = "not added: the same text is already in the corpus"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def merge_corpus(base: Corpus, uploads: Sequence[Article]) -> Corpus:
    """The session's corpus: ``base`` plus uploads; the same content counts once, a clashing name gets -2, -3 …"""
    known = {a.content_hash for a in base.articles}
    ids = {a.article_id for a in base.articles} | {a.file for a in base.articles}
    extra = []
    for article in uploads:
        if article.content_hash in known:
            continue
        renamed, n = article, 1
        while renamed.article_id in ids or renamed.file in ids:
            n += 1
            stem, suffix = Path(article.file).stem, Path(article.file).suffix
            renamed = replace(article, article_id=f"{article.article_id}-{n}", file=f"{stem}-{n}{suffix}")
        known.add(article.content_hash)
        ids |= {renamed.article_id, renamed.file}
        extra.append(renamed)
    return Corpus(articles=tuple(base.articles) + tuple(extra), problems=tuple(base.problems))
