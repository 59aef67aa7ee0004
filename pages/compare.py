"""Compare: two to four articles side by side — metadata, key terms, entities, figures, shared measures, text."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from ui import blocks, display, downloads, overlap, shared, views

board = shared.current()
t = board.t

st.title(t("compare_title"))
st.caption(t("compare_caption"))
shared.require_articles(board)

names = board.names()
default = board.remember("default_articles", lambda: overlap.default_articles(board.report, list(names)))
if shared.keep_valid_choices("articles", names):
    # A source filter took chosen articles away: keep the rest and fill up to two, rather than show no comparison.
    st.session_state["articles"] = overlap.top_up(st.session_state["articles"], [*default, *names], 2)
shared.url_choice("articles", list(names), default, multi=True)
chosen = st.multiselect(
    t("pick_articles"), list(names), format_func=names.get, max_selections=4, key="articles",
    persist_state="session", placeholder=t("articles_placeholder"),
    select_all=False,  # two to four articles, never all; and no "Select all" in Streamlit's English
)
shared.to_url("articles", chosen, default)
if len(chosen) < 2:
    st.info(t("pick_two"), icon=":material/view_column:")
    st.stop()

articles = board.articles[board.articles["article_id"].isin(chosen)].set_index("article_id", drop=False)
entities = board.entities[board.entities["article_id"].isin(chosen)]
terms = board.terms[board.terms["article_id"].isin(chosen)]
figures = board.figures[board.figures["article_id"].isin(chosen)]
numbers = overlap.article_numbers(names)
# With three or four articles, a shared item names the others that have it; with two that is plain.
marks = numbers if len(chosen) > 2 else None
shared_entities = overlap.shared_with(entities, "entity", chosen)
shared_terms = overlap.shared_with(terms, "term", chosen)

st.subheader(t("shared_measures"))
st.caption(t("shared_measures_caption"))
aligned = overlap.aligned_measures(board.report, chosen, names, board.lang)
if aligned.empty:
    st.info(t("no_shared_measures"), icon=":material/search_off:")
else:
    # A stacked list, not a table with a column per article: it fits a phone.
    blocks.stacked_rows(aligned)
    downloads.csv_download(t("download_csv"), aligned, "shared_measures.csv", key="download_aligned")

for article_id, column in zip(chosen, st.columns(len(chosen), border=True), strict=True):
    article = articles.loc[article_id]
    with column:
        st.markdown(f"##### {display.escape_markdown(str(article['title']))}")
        st.caption(blocks.article_facts(board, article))
        st.markdown(f"**{t('key_terms')}**")
        st.markdown(overlap.marked_list(terms, "term", article_id, shared_terms, numbers=marks) or "—")
        st.markdown(f"**{t('entities')}**")
        st.markdown(overlap.marked_list(entities, "entity", article_id, shared_entities, numbers=marks) or "—")
        st.markdown(f"**{t('figures')}**")
        mine = figures[figures["article_id"] == article_id]
        if mine.empty:
            st.caption(t("no_figures"))
        else:
            shown = views.figure_list(mine, board.lang)
            downloads.table_with_download(shown, f"figures_{article_id}.csv", board.lang,
                                       key=f"download_figures_{article_id}", height=240)
if marks:
    st.caption(t("shared_more"))

st.subheader(t("overlap"))
pairs = overlap.overlap_table(entities, terms, chosen, numbers, board.lang)
chart = px.bar(display.plot_labels(pairs, t("pair")), y=t("pair"), x=[t("shared_entities"), t("shared_terms")],
               orientation="h", barmode="group",
               labels={t("pair"): "", "value": t("count"), "variable": ""}, height=140 + 50 * len(pairs))
chart.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10})
left, right = st.columns([3, 2])
left.plotly_chart(chart, width="stretch", config=blocks.CHART_CONFIG)
with right:
    downloads.table_with_download(pairs, "overlap.csv", board.lang, key="download_overlap")

st.subheader(t("article_text"))
for article_id, column in zip(chosen, st.columns(len(chosen)), strict=True):
    with column, st.container(height=520, border=True):
        text = board.extraction.texts[article_id]
        # Escaped whole: markdown in an article (**一是…**) shows as the characters written.
        st.markdown(display.highlight_markdown(text, display.figure_spans(figures, article_id)))
        st.page_link(shared.PAGES["reading"], label=t("read_article"), icon=":material/article:",
                     query_params={"article": article_id})
