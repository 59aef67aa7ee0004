"""Compare's alignment of two to four articles: what they share (entities, terms, measures), marked lists,
the overlap table, which articles to open first and their short names. Plain pandas; no Streamlit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from core.claims import ClaimReport, status_of
from ui import i18n
from ui.display import escape_markdown


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
