"""An upload whose extraction hits the sandbox's limit is named on the page; the other articles still show."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core import sandbox
from core.corpus import load_corpus
from ui import uploads

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")


def test_an_upload_over_the_memory_limit_is_refused_by_name_and_the_page_still_serves(monkeypatch):
    monkeypatch.setattr(sandbox, "DEFAULT_LIMITS", sandbox.Limits(memory_bytes=64 * 1024 * 1024))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "English"
    loaded, _ = uploads.load_uploads([("heavy.txt", "上传的文章\n\n2025年中国芯片自给率达到40%。".encode())], "上传")
    at.session_state["uploads"] = [article for article, _ in loaded]
    at.session_state["upload_originals"] = {article.content_hash: data for article, data in loaded}
    at.run()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("heavy.txt" in w and "memory" in w for w in warnings), warnings
    assert next(m.value for m in at.metric if m.label == "Articles") == str(len(load_corpus([ROOT / "seeds"]).articles))
