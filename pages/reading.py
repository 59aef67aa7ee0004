"""Reading view: one article as written, its figures marked; the figure a card linked to in red, the text opening
at its paragraph."""

from __future__ import annotations

import streamlit as st

from ui import blocks, display, shared, views

board = shared.current()
t = board.t

st.title(t("reading_title"))
st.caption(t("reading_caption"))
shared.require_articles(board)

names = board.names(width=40)
article_ids = list(names)
shared.url_choice("article", article_ids, article_ids[0])
# Another article chosen here: the linked figure belonged to the one before.
article_id = st.selectbox(t("reading_pick"), article_ids, format_func=names.get, key="article", width=520,
                          on_change=lambda: st.query_params.pop("at", None))
shared.to_url("article", article_id, None)

article = board.articles.set_index("article_id").loc[article_id]
text = board.extraction.texts[article_id]
figures = board.figures[board.figures["article_id"] == article_id]
focus = blocks.linked_figure(figures)
shared.to_url("at", focus["start"] if focus is not None else None, None)

with st.container(key="reading_head"):
    st.subheader(display.escape_markdown(str(article["title"])))
    st.caption(blocks.article_facts(board, article))
focus_span = None if focus is None else (int(focus["start"]), int(focus["end"]))
if focus is not None:
    row = next(figures.loc[[focus.name]].itertuples(index=False))
    item = views.evidence_of(row, board.lang)
    st.info(t("reading_figure", figure=display.escape_markdown(item.figure)), icon=":material/my_location:")
with st.container(border=True, key="reading_text"):
    blocks.text_from_focus(text, display.figure_spans(figures, article_id), focus_span, board.lang)
