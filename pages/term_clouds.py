"""Term clouds: the words distinctive of a source (first), of the whole selection, one source or one article;
each word leads to a search for it."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from ui import blocks, clouds, display, downloads, shared, views

board = shared.current()
t = board.t

st.title(t("clouds_title"))
shared.require_articles(board)

sources = views.source_options(board.articles)
names = board.names(width=24)
scopes = {"contrast": t("scope_contrast"), "corpus": t("scope_corpus"), "source": t("scope_source"),
          "article": t("scope_article")}
default_scope = "contrast" if len(sources) >= 2 else "corpus"

shared.url_choice("scope", list(scopes), default_scope)
shared.url_choice("cloud_source", sources, sources[0])
shared.url_choice("cloud_article", list(names), next(iter(names)))
with st.container(horizontal=True, vertical_alignment="bottom"):
    scope = st.segmented_control(t("scope"), list(scopes), format_func=scopes.get, required=True, key="scope",
                                 persist_state="session")
    source = article_id = None
    if scope in ("source", "contrast"):
        source = st.selectbox(t("pick_source"), sources, key="cloud_source", width=260, persist_state="session",
                              format_func=lambda s: display.display_text(display.display_source(s, board.lang)))
    if scope == "article":
        article_id = st.selectbox(t("pick_article"), list(names), format_func=names.get, key="cloud_article",
                                  width=360, persist_state="session")
    top_n = st.slider(t("top_n"), 10, 150, 60, step=10, key="top_n", width=220)
shared.to_url("scope", scope, default_scope)
shared.to_url("cloud_source", source, sources[0] if source else None)
shared.to_url("cloud_article", article_id, next(iter(names)) if article_id else None)

weight = "count"
if scope == "source":
    freqs = clouds.top_terms(shared.source_term_totals(board, source), top_n)
    title = f"{t('scope_source')}: {display.display_source(source, board.lang)}"
elif scope == "article":
    rows = board.remember("term_rows", lambda: board.term_counts.groupby("article_id").indices)
    freqs = clouds.term_frequencies(board.term_counts.iloc[rows.get(article_id, [])], top_n)
    title = f"{t('scope_article')}: {names[article_id]}"
elif scope == "contrast":
    if len(sources) < 2:
        st.info(t("contrast_needs_two"), icon=":material/compare_arrows:")
        st.stop()
    freqs, weight = shared.distinctive_frequencies(board, source, top_n), "zscore"
    title = f"{t('scope_contrast')}: {display.display_source(source, board.lang)}"
else:
    freqs = clouds.top_terms(shared.source_term_totals(board), top_n)
    title = t("scope_corpus")
st.caption(t("contrast_caption_cloud" if weight == "zscore" else "clouds_caption"))

if len(freqs) < 2:
    st.info(t("no_terms"), icon=":material/search_off:")
    st.stop()

cloud_column, bars_column = st.columns([3, 2])
with cloud_column:
    try:
        png = downloads.cloud_png(tuple(freqs.items()), width=1000, height=560, title=display.display_text(title))
    except clouds.FontNotFoundError as error:
        st.error(t("font_missing", error=error))
    else:
        st.image(png, width="stretch")
        st.download_button(t("download_png"), png, file_name=f"cloud_{scope}.png", mime="image/png",
                           icon=":material/download:", on_click="ignore", key="download_png")
with bars_column:
    table = clouds.weights_table(freqs, board.lang, weight)
    top = display.plot_labels(table.head(25).iloc[::-1], table.columns[0])
    chart = px.bar(top, x=top.columns[1], y=top.columns[0], orientation="h", height=max(320, 22 * len(top)))
    chart.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=None)
    st.plotly_chart(chart, width="stretch", config=blocks.CHART_CONFIG)

blocks.search_links(board, list(freqs)[:20], key="cloud_search")

with st.expander(t("word_list"), icon=":material/list:"):
    downloads.table_with_download(table, f"terms_{scope}.csv", board.lang, key="download_terms")
