"""Page-test setup: a private extraction cache, and Streamlit's multipage mode as the server runs it."""

from __future__ import annotations

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("DUIZHAO_CACHE", str(tmp_path_factory.getbasetemp() / "duizhao-cache"))


@pytest.fixture(autouse=True)
def navigation_mode(monkeypatch):
    """Keep ``st.navigation`` in charge, as on a running server.

    A folder named ``pages/`` makes Streamlit start in its legacy multipage mode until
    ``st.navigation`` first runs, which switches it off for the rest of the process.
    AppTest resets that switch before every run, so every test run would be a first
    run, in which the sidebar's widget state is not kept; this turns it off again.
    """
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
