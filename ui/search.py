"""Analyst tools: the entity table across the corpus and keyword-in-context search (a term, or an entity with
every surface form it is written in). Plain pandas; no Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

from ui import i18n
from ui.display import display_text

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
