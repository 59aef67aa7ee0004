"""Links are untrusted input: every query parameter is checked against what the corpus holds.

A value that names no known source, article, group, language or option is dropped
(the page draws as without it), and nothing of it reaches the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>[x](javascript:alert(1))../../etc/passwd'
PARAMS = {
    "sources": [HOSTILE, "網易號"],
    "lang": HOSTILE,
    "articles": [HOSTILE, "../../000"],
    "status": [HOSTILE],
    "measure": [HOSTILE],
    "group": HOSTILE,
    "scope": HOSTILE,
    "cloud_source": HOSTILE,
    "cloud_article": HOSTILE,
    "group_page": "999999",
}
PAGES = ["pages/overview.py", "pages/compare.py", "pages/figure_check.py", "pages/term_clouds.py"]


def rendered_text(node) -> str:
    """Every message the page sent for drawing, as protobuf text: values, labels, options, help texts."""
    own = str(node.proto) if getattr(node, "proto", None) is not None else ""
    return own + "".join(rendered_text(child) for child in getattr(node, "children", {}).values())


@pytest.mark.parametrize("page", PAGES)
def test_hostile_query_parameters_are_dropped_and_never_shown(page):
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in PARAMS.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    text = rendered_text(at._tree)
    assert "网易号" in text or "網易號" in text
    assert "onerror" not in text and "<script>" not in text and "passwd" not in text
    assert at.multiselect(key="sources").value == ["網易號"]
    assert at.session_state["lang_code"] == "zh"


def test_unknown_group_in_the_link_leaves_the_usual_order():
    plain = AppTest.from_file(APP, default_timeout=120).run().switch_page("pages/figure_check.py").run()
    linked = AppTest.from_file(APP, default_timeout=120)
    linked.query_params["group"] = "G999"
    linked.run().switch_page("pages/figure_check.py").run()
    assert not linked.exception
    assert [e.label for e in linked.expander] == [e.label for e in plain.expander]
