"""A freshly started server whose very first visitor comes through a shared link to a page.

Until some session has run ``st.navigation``, Streamlit treats an app with a ``pages/`` folder as a multipage app
of its first kind and would run the linked page file on its own, under a navigation of file names with a
"streamlit app" entry, for every run of that visitor (see ``ui.shared.current``).
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from core.corpus import load_corpus
from tests.e2e.conftest import ROOT, VIEWPORT, DashboardPage, start_server, stop_server
from ui import i18n

NAV_LINKS = '[data-testid="stTopNavLink"]'


@pytest.fixture
def fresh_server(tmp_path):
    """A server no session has visited yet (the shared ``app_url`` server has long run ``st.navigation``)."""
    try:
        server = start_server(tmp_path / "cache")
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    stop_server(server)


def test_a_shared_link_as_the_first_visit_opens_that_view_under_the_apps_navigation(fresh_server, browser):
    source = load_corpus([ROOT / "seeds"]).articles[0].source
    context = browser.new_context(viewport=VIEWPORT)
    try:
        tab = DashboardPage(context.new_page(), fresh_server.url)
        tab.open("/figure_check?" + urlencode({"sources": source, "lang": "en"}))
        page = tab.page
        pages = ["page_overview", "page_compare", "page_figures", "page_search", "page_clouds", "page_reading"]
        # A link's text is its icon's ligature name, then its title.
        titles = [text.split("\n")[-1] for text in page.locator(NAV_LINKS).all_inner_texts()]
        assert titles == [i18n.t(key, "en") for key in pages]
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == i18n.t("figures_title", "en")
        assert page.get_by_text("Sources: 1 of 5").count() == 1
        assert "figure_check" in page.url and "sources=" in page.url
        assert not page.locator('[data-testid="stException"]').count()
    finally:
        context.close()
