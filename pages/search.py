"""Search: a term or an entity (with all its surface forms) in context across the selected articles; the entity
table of the corpus."""

from __future__ import annotations

import streamlit as st

from ui import blocks, display, downloads, search, shared

# Hits listed on the page; the CSV holds every hit found.
HITS_SHOWN = 60

board = shared.current()
t = board.t

st.title(t("search_title"))
st.caption(t("search_caption"))
shared.require_articles(board)

if "q" not in st.session_state and st.query_params.get("q"):
    st.session_state["q"] = display.display_text(st.query_params["q"])[:80]
query = st.text_input(t("search_query"), key="q", max_chars=80, persist_state="session")
shared.to_url("q", query, "")

if query.strip():
    forms = board.remember(("search_forms", query), lambda: search.search_forms(query, board.entities))
    if len(forms) > 1:
        st.caption(t("search_forms", forms="、".join(display.escape_markdown(f) for f in forms)))
    hits = board.remember(("kwic", tuple(forms)), lambda: search.keyword_in_context(
        board.extraction.texts, board.articles, forms))
    if hits.empty:
        st.info(t("search_none"), icon=":material/search_off:")
    else:
        st.markdown(t("search_hits", n=len(hits), articles=hits["article_id"].nunique()))
        for row in hits.head(HITS_SHOWN).itertuples(index=False):
            with st.container(border=True, gap="small"):
                source = display.escape_markdown(display.display_source(row.source, board.lang))
                st.caption(f"{source} · {display.escape_markdown(str(row.title))}")
                st.markdown(display.kwic_markdown(row))
                st.page_link(shared.PAGES["reading"], label=t("read_article"), icon=":material/article:",
                             query_params={"article": row.article_id, "at": str(row.start)})
        downloads.csv_download(t("download_csv"), hits, "search.csv", key="download_search")

st.subheader(t("entity_table"))
st.caption(t("entity_table_caption"))
entities = board.remember(("entity_table", board.lang), lambda: search.entity_table(board.entities, board.lang))
downloads.table_with_download(entities, "entities.csv", board.lang, key="download_entities")
blocks.search_links(board, list(entities.iloc[:, 1].head(20)), key="entity_search")
