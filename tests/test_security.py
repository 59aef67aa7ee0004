"""Guards for the security settings and rules that SECURITY.md lists; each fails when one is undone."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP_CODE = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py")),
            *sorted((ROOT / "core").glob("*.py"))]
# Ways Streamlit draws raw HTML or runs a page's own script: none may appear in the app's code.
RAW_HTML = re.compile(r"unsafe_allow_html|st\.html\(|components\.v1|components\.html|st\.components")


@pytest.fixture(scope="module")
def config() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_no_raw_html_anywhere_in_the_app():
    found = [f"{path.relative_to(ROOT)}:{n}" for path in APP_CODE
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if RAW_HTML.search(line)]
    assert found == []


def test_xsrf_protection_is_on_and_cors_is_not_switched_off(config):
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True


def test_viewers_never_see_error_details_or_developer_tools(config):
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "viewer"


def test_upload_size_is_limited(config):
    # 5 MiB: an upload's extraction must not hold the server for long (see the comment in config.toml).
    assert 0 < config["server"]["maxUploadSize"] <= 5


def test_the_uploader_takes_only_article_file_types():
    overview = (ROOT / "pages" / "overview.py").read_text(encoding="utf-8")
    assert 'type=["txt", "md", "html", "htm"]' in overview


def test_every_installed_package_is_pinned():
    pins = [line for line in (ROOT / "constraints.txt").read_text().splitlines() if line and not line.startswith("#")]
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^=\s]+", line) for line in pins), pins
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if line and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line}"
