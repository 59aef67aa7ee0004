"""Markers by folder, so a quick loop can pick a layer: ``scripts/test.sh -m unit`` (under a minute).

``unit``  tests/*.py — the library, no server or browser
``app``   tests/app/ — pages through Streamlit's AppTest
``e2e``   tests/e2e/ — the running app in headless Chromium
``load``  tests/load/ — many sessions against one server (minutes)
"""

from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).parent
# Property tests judge answers, never speed: a loaded machine must not fail them (no per-example deadline).
settings.register_profile("duizhao", deadline=None)
settings.load_profile("duizhao")
LAYERS = {
    "unit": "the library, no server or browser",
    "app": "pages through Streamlit's AppTest",
    "e2e": "the running app in headless Chromium",
    "load": "many concurrent sessions against one server (minutes)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, what in LAYERS.items():
        config.addinivalue_line("markers", f"{name}: {what}")


def layer_of(path: Path) -> str:
    """``unit`` for a test file directly in tests/, else the name of its folder (``app``, ``e2e``, ``load``)."""
    relative = path.relative_to(TESTS)
    return relative.parts[0] if len(relative.parts) > 1 and relative.parts[0] in LAYERS else "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        item.add_marker(layer_of(Path(item.path)))
