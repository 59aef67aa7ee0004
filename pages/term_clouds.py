"""Term clouds: the words of the whole selection, one source or one article, and a source's distinctive words."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from core import clouds, views
from ui import shared

board = shared.current()
t = board.t

st.title(t("clouds_title"))
st.caption(t("clouds_caption"))
shared.require_articles(board)

scopes = {"corpus": t("scope_corpus"), "source": t("scope_source"), "article": t("scope_article"),
          "contrast": t("scope_contrast")}
sources = views.source_options(board.articles)
names = board.names(width=24)

shared.keep_valid_choices("cloud_source", sources)
shared.keep_valid_choices("cloud_article", names)
with st.container(horizontal=True, vertical_alignment="bottom"):
    scope = st.segmented_control(t("scope"), list(scopes), format_func=scopes.get, default="corpus", required=True,
                                 key="scope", bind="query-params")
    if scope in ("source", "contrast"):
        source = st.selectbox(t("pick_source"), sources, key="cloud_source", bind="query-params", width=260,
                              format_func=lambda s: views.display_source(s, board.lang))
    if scope == "article":
        article_id = st.selectbox(t("pick_article"), list(names), format_func=names.get, key="cloud_article",
                                  bind="query-params", width=360)
    top_n = st.slider(t("top_n"), 10, 150, 60, step=10, key="top_n", width=220)

weight = "count"
if scope == "source":
    freqs = views.top_terms(shared.source_term_totals(board, source), top_n)
elif scope == "article":
    rows = board.remember("term_rows", lambda: board.term_counts.groupby("article_id").indices)
    freqs = views.term_frequencies(board.term_counts.iloc[rows.get(article_id, [])], top_n)
elif scope == "contrast":
    if len(sources) < 2:
        st.info(t("contrast_needs_two"), icon=":material/compare_arrows:")
        st.stop()
    st.caption(t("contrast_caption"))
    freqs, weight = shared.distinctive_frequencies(board, source, top_n), "zscore"
else:
    freqs = views.top_terms(shared.source_term_totals(board), top_n)

if len(freqs) < 2:
    st.info(t("no_terms"), icon=":material/search_off:")
    st.stop()

cloud_column, bars_column = st.columns([3, 2])
with cloud_column:
    try:
        png = shared.cloud_png(tuple(freqs.items()), width=1000, height=560)
    except clouds.FontNotFoundError as error:
        st.error(t("font_missing", error=error))
    else:
        st.image(png, width="stretch")
        st.download_button(t("download_png"), png, file_name=f"cloud_{scope}.png", mime="image/png",
                           icon=":material/download:", on_click="ignore", key="download_png")
with bars_column:
    table = views.weights_table(freqs, board.lang, weight)
    top = table.head(25).iloc[::-1]
    chart = px.bar(top, x=top.columns[1], y=top.columns[0], orientation="h", height=max(320, 22 * len(top)))
    chart.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis_title=None)
    st.plotly_chart(chart, width="stretch")

with st.expander(t("word_list"), icon=":material/list:"):
    shared.table_with_download(table, f"terms_{scope}.csv", board.lang, key="download_terms")
