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


def pins_in(name: str) -> dict[str, str]:
    """Package (normalised as pip compares names) → pinned version, from a requirements or constraints file."""
    lines = (ROOT / name).read_text().splitlines()
    pairs = (line.split("==") for line in lines if line and not line.startswith(("#", "-r")))
    return {re.sub(r"[-_.]+", "-", package).lower(): version for package, version in pairs}


requirement_pins = pins_in


def test_the_dask_stack_is_not_in_the_dashboards_runtime_but_ci_installs_it():
    runtime, cluster = requirement_pins("requirements.txt"), requirement_pins("requirements-cluster.txt")
    assert not {"dask", "distributed"} & set(runtime)
    assert {"dask", "distributed"} <= set(cluster)
    assert "-r requirements-cluster.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "scripts/setup.sh --cluster" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_pip_and_setuptools_are_upgraded_to_pins_and_every_requirement_matches_its_constraint():
    constraints = pins_in("constraints.txt")
    assert {"pip", "setuptools"} <= set(constraints)
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert re.search(r"pip install -q --upgrade pip setuptools -c constraints\.txt", setup)
    for name in ("requirements.txt", "requirements-cluster.txt", "requirements-dev.txt"):
        for package, pinned in requirement_pins(name).items():
            assert constraints.get(package) == pinned, f"{name}: {package}=={pinned} vs constraints.txt"


def test_the_cache_secret_is_kept_outside_the_cache_with_owner_only_rights(tmp_path, monkeypatch):
    from core import version

    monkeypatch.delenv("DUIZHAO_SECRET_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("DUIZHAO_CACHE", str(tmp_path / "cache"))
    version._secret.cache_clear()
    try:
        version.sign("x")
        key = version.secret_path()
        assert version.default_cache_dir() not in key.parents
        assert key.stat().st_mode & 0o777 == 0o600
    finally:
        version._secret.cache_clear()


def test_the_upload_limit_is_the_five_mebibytes_the_docs_state(config):
    from ui.session import upload_limit
    from ui.uploads import load_uploads

    limit = upload_limit()
    assert limit == config["server"]["maxUploadSize"] * 1024 * 1024 == 5 * 1024 * 1024
    exactly = "中".encode() * (limit // 3) + b"a" * (limit % 3)
    loaded, problems = load_uploads([("at.txt", exactly), ("over.txt", exactly + b"a")], max_bytes=limit)
    assert [a.file for a, _ in loaded] == ["at.txt"]
    assert [p.file for p in problems] == ["over.txt"]
    assert "5 MiB" in (ROOT / "README.md").read_text(encoding="utf-8")
