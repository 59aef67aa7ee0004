"""对照 Duizhao: several articles on one story, side by side.

Entry point: page setup, optional sign-in, the shared filters at the top of the page (all in
``ui.shared.setup``) and the navigation over the screens in ``pages/``, drawn along the top so that a
phone shows it without opening a sidebar. Run with ``streamlit run streamlit_app.py``.
"""

from __future__ import annotations

import streamlit as st

from ui import i18n, shared

board = shared.setup()
st.session_state["dashboard"] = board

navigation = st.navigation([
    st.Page(shared.PAGES["overview"], title=i18n.t("page_overview", board.lang), icon=":material/dashboard:",
            default=True),
    st.Page(shared.PAGES["compare"], title=i18n.t("page_compare", board.lang), icon=":material/view_column:"),
    st.Page(shared.PAGES["figures"], title=i18n.t("page_figures", board.lang), icon=":material/fact_check:"),
    st.Page(shared.PAGES["search"], title=i18n.t("page_search", board.lang), icon=":material/search:"),
    st.Page(shared.PAGES["clouds"], title=i18n.t("page_clouds", board.lang), icon=":material/cloud:"),
    st.Page(shared.PAGES["reading"], title=i18n.t("page_reading", board.lang), icon=":material/article:"),
], position="top")
navigation.run()
