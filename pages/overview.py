"""Overview: where the sources disagree first, then articles at odds with themselves, changes, the counts,
the articles and session uploads."""

from __future__ import annotations

import streamlit as st

from core import words
from ui import blocks, display, downloads, i18n, session, shared, views

board = shared.current()
t = board.t

st.title(t("overview_title"))

for problem in board.extraction.problems:
    reason = words.say(problem.reason, board.lang)
    st.warning(f"{t('load_notice' if problem.notice else 'problems')} {display.escape_markdown(problem.file)}: "
               f"{display.escape_markdown(reason)}",
               icon=":material/warning:")

shared.require_articles(board)

sections = board.remember("overview_sections", lambda: views.overview_sections(board.report, board.group_kinds()))
st.subheader(t("section_disagreements"))
st.caption(t("section_disagreements_caption"))
with st.expander(t("how_to_read"), icon=":material/help:", key="how_to_read"):
    st.markdown(t("how_to_read_text"))
if not sections["disagreements"]:
    st.info(t("no_disagreements"))
for group_id in sections["disagreements"]:
    blocks.group_card(board, group_id, link=True)

if sections["within"]:
    st.subheader(t("section_within"))
    for group_id in sections["within"]:
        blocks.group_card(board, group_id, link=True)

if sections["changes"]:
    st.subheader(t("section_changes"))
    for group_id in sections["changes"]:
        blocks.group_card(board, group_id, chart=False)

st.subheader(t("overview_counts"))
st.caption(t("overview_caption"))
numbers = views.headline_numbers(board.articles, board.report.groups)
with st.container(horizontal=True):
    st.metric(t("m_articles"), numbers["articles"], help=t("m_articles_help"), border=True)
    st.metric(t("m_sources"), numbers["sources"], border=True)
    st.metric(t("m_figures"), numbers["figures"], help=t("m_figures_help"), border=True)
    st.metric(t("m_groups"), numbers["groups"], help=t("m_groups_help"), border=True)
    st.metric(t("m_contradictions"), numbers["contradictions"], help=t("m_contradictions_help"), border=True)
    st.metric(t("m_explained"), numbers["explained"], help=t("m_explained_help"), border=True)

st.subheader(t("corpus_table"))
st.caption(t("corpus_caption"))
blocks.article_list(board)

with st.expander(t("upload_title"), icon=":material/upload_file:", key="upload_panel"):
    st.caption(t("upload_help"))
    # No "Press Enter to submit form" (Streamlit's English, and Enter in the source field should not upload).
    with st.form("upload", clear_on_submit=True, border=False, enter_to_submit=False):
        st.file_uploader(t("upload_files"), type=["txt", "md", "html", "htm"], accept_multiple_files=True,
                         key="upload_files")
        st.text_area(t("upload_links"), max_chars=4_000, height=68, key="upload_links")
        st.text_input(t("upload_source"), max_chars=80, key="upload_source", placeholder=t("uploads_named"))
        st.form_submit_button(t("upload_button"), type="primary", icon=":material/add:",
                              on_click=session.add_uploads_from_form, args=(board.lang,))
    for message in st.session_state.get("upload_messages", []):
        st.warning(display.escape_markdown(message), icon=":material/error:")
    uploaded = len(st.session_state.get("uploads", []))
    if uploaded:
        st.caption(i18n.t("uploaded_count", board.lang, n=uploaded))
        with st.container(horizontal=True):
            downloads.uploads_download(board)
            st.button(t("upload_clear"), on_click=session.clear_uploads, icon=":material/delete:")

with st.expander(t("lexicon_title"), icon=":material/dictionary:", key="lexicon_panel"):
    st.caption(t("lexicon_help"))
    with st.form("lexicon", clear_on_submit=True, border=False):
        st.file_uploader(t("lexicon_userdict"), type=["txt"], key="lexicon_userdict")
        st.file_uploader(t("lexicon_aliases"), type=["tsv", "txt"], key="lexicon_aliases")
        st.form_submit_button(t("lexicon_button"), icon=":material/dictionary:",
                              on_click=session.set_lexicon_from_form, args=(board.lang,))
    for message in st.session_state.get("lexicon_messages", []):
        st.warning(display.escape_markdown(message), icon=":material/error:")
    lexicon = st.session_state.get("lexicon", {})
    if lexicon:
        names = "、".join(name for name, _ in lexicon.values())
        st.caption(display.escape_markdown(i18n.t("lexicon_in_use", board.lang, files=names)))
