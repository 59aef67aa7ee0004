"""What the dashboard's pages show, as plain pandas: filtering, alignment, highlighting.

Every function takes the tables of an :class:`~core.pipeline.Extraction` or a
:class:`~core.claims.ClaimReport` (or parts of them) and returns a new table or
value; nothing here knows about Streamlit, so each screen's logic is tested
without a browser. Tables meant for display come back with their final columns,
so the CSV download of a table is exactly what the page shows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from core import i18n
from core.claims import STATUS_ORDER, ClaimReport, interval
from core.corpus import Article, Corpus, LoadError, LoadProblem, load_article_bytes

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
        groups["status"] = [
            "contradiction" if c else "explained" if e else "agree"
            for c, e in zip(groups["contradictions"], groups["explained"], strict=True)
        ]
        groups = rank_groups(groups)
    context = report.context[
        report.context["group_id"].isin(kept) & report.context["source"].astype(str).isin(sources)
    ].reset_index(drop=True)
    return ClaimReport(groups=groups.reset_index(drop=True), claims=claims, comparisons=comparisons, context=context)


def rank_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """Groups in reading order: figures from different sources before figures within one source, then
    contradictions, explained differences and agreement, wider groups first."""
    ordered = groups.assign(_single=groups["sources"] < 2, _status=groups["status"].map(STATUS_ORDER))
    ordered = ordered.sort_values(["_single", "_status", "sources", "figures", "group_id"],
                                  ascending=[True, True, False, False, True], kind="stable")
    return ordered.drop(columns=["_single", "_status"]).assign(rank=range(1, len(ordered) + 1)).reset_index(drop=True)


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
    """The overview's counts: articles, sources, figures, claim groups and groups whose figures differ."""
    return {
        "articles": len(articles),
        "sources": articles["source"].nunique(),
        "figures": len(figures),
        "groups": len(groups),
        "differences": int((groups["status"] != "agree").sum()) if not groups.empty else 0,
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
        {"source": row.source, "text": row.text, "figure": format_figure(row.value, row.value_high, row.unit,
                                                                          row.qualifier, lang),
         "modality": i18n.label(i18n.MODALITY, row.modality or "reported", lang), "period": row.period or "",
         "file": row.file}
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
            "source": str(row.source), "value": mid, "low": low_end, "high": high_end,
            "minus": mid - low_end, "plus": high_end - mid, "text": row.text, "unit": row.unit,
            "modality": i18n.label(i18n.MODALITY, row.modality or "reported", lang),
            "period": row.period or "—", "attributed_to": row.attributed_to or "—", "file": row.file,
        })
    return pd.DataFrame(rows, columns=["source", "value", "low", "high", "minus", "plus", "text", "unit",
                                       "modality", "period", "attributed_to", "file"])


EVIDENCE_COLUMNS = ["source", "text", "period", "modality", "attributed_to", "sentence", "file"]


def evidence_table(claims: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The sentences behind a group's figures, as written, labelled in ``lang``."""
    table = claims[EVIDENCE_COLUMNS].copy()
    table["modality"] = table["modality"].fillna("reported").map(lambda m: i18n.label(i18n.MODALITY, m, lang))
    table = table.fillna("")
    return table.rename(columns=i18n.column_labels(EVIDENCE_COLUMNS, lang))


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
    rows = frame[frame["article_id"].isin(article_ids)]
    counts = rows.drop_duplicates(["article_id", column]).groupby(column).size()
    return set(counts[counts >= 2].index)


def marked_list(frame: pd.DataFrame, column: str, article_id: str, shared: set[str], limit: int = 15) -> str:
    """One article's items as escaped markdown, shared ones in bold with a ● in front."""
    items = frame[frame["article_id"] == article_id][column].astype(str).drop_duplicates().head(limit)
    return "、".join(f"**● {escape_markdown(i)}**" if i in shared else escape_markdown(i) for i in items)


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
    status_col = i18n.label(i18n.COLUMNS, "status", lang)
    measure_col = i18n.label(i18n.COLUMNS, "metric", lang)
    rows = []
    groups = report.groups.set_index("group_id")
    for group_id in ids:
        pairs = report.comparisons[(report.comparisons["group_id"] == group_id)
                                   & report.comparisons["file_a"].isin(files)
                                   & report.comparisons["file_b"].isin(files)]
        differ = pairs[pairs["verdict"] == "differ"]
        status = "contradiction" if (differ["reason"] == "unexplained").any() else \
            "explained" if len(differ) else "agree"
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
    for group_id in report.groups["group_id"]:
        members = report.claims[report.claims["group_id"] == group_id]["article_id"]
        chosen = [a for a in dict.fromkeys(members) if a in available]
        if len(chosen) >= 2:
            return chosen[:2]
    return available[:2]


def short_name(article: pd.Series, width: int = 14) -> str:
    """A column header for an article: its file number and the start of its title."""
    number = str(article["file"]).split("_", 1)[0]
    title = str(article["title"] or "") or str(article["file"])
    return f"{number} {title[:width]}{'…' if len(title) > width else ''}"


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


def term_frequencies(term_counts: pd.DataFrame, top_n: int = 100) -> dict[str, float]:
    """The ``top_n`` most frequent terms over the given rows, summed across articles."""
    if term_counts.empty:
        return {}
    totals = term_counts.groupby("term")["count"].sum().sort_values(ascending=False, kind="stable")
    return {str(t): float(c) for t, c in totals.head(top_n).items() if c > 0}


def source_counter(term_counts: pd.DataFrame, sources: Iterable[str]) -> Counter:
    """Term counts summed over the articles of ``sources``."""
    rows = filter_by_sources(term_counts, sources)
    return Counter({str(t): int(c) for t, c in rows.groupby("term")["count"].sum().items()})


def distinctive_frequencies(term_counts: pd.DataFrame, source: str, others: Iterable[str],
                            top_n: int = 40) -> dict[str, float]:
    """Terms distinctive of ``source`` against ``others`` (positive log-odds z-scores only)."""
    from core.terms import distinctive_terms

    focus, rest = source_counter(term_counts, [source]), source_counter(term_counts, others)
    ranked = distinctive_terms(focus, rest, top_n=top_n)
    return {d.term: float(d.zscore) for d in ranked if d.zscore > 0}


def weights_table(freqs: dict[str, float], lang: str, weight: str = "count") -> pd.DataFrame:
    """The cloud's words and weights as a table, biggest first (the bar chart and the CSV)."""
    term_col, weight_col = i18n.label(i18n.COLUMNS, "term", lang), i18n.t(weight, lang)
    table = pd.DataFrame(list(freqs.items()), columns=[term_col, weight_col])
    return table.sort_values(weight_col, ascending=False, kind="stable").reset_index(drop=True)


# --- uploads --------------------------------------------------------------------------------------


def load_uploads(files: Iterable[tuple[str, bytes]], source: str = "") -> tuple[list[Article], list[LoadProblem]]:
    """Articles from uploaded files; a file that cannot be read becomes a problem, the rest still load."""
    articles, problems = [], []
    meta = {"source": source.strip()} if source and source.strip() else {}
    for name, data in files:
        try:
            articles.append(load_article_bytes(name, data, meta=meta))
        except LoadError as error:
            problems.append(LoadProblem(name, str(error)))
    return articles, problems


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
