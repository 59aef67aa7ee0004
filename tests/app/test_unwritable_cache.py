"""A cache that cannot be written (a file in its place) costs speed, never the dashboard."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from core.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[2]


def test_the_dashboard_serves_when_a_file_stands_where_the_cache_should_be(tmp_path, monkeypatch):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DUIZHAO_CACHE", str(blocker))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "English"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert next(m.value for m in at.metric if m.label == "Articles") == str(len(load_corpus([ROOT / "seeds"]).articles))
    st.cache_resource.clear()
