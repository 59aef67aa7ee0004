"""Browser-test setup: the dashboard served by a real Streamlit process, and headless Chromium to look at it.

The plain functions (:func:`start_server`, :func:`launch_chromium`, :func:`wait_for_run` ...) are shared
with ``benchmarks/dashboard_timing.py``; the fixtures wrap them for pytest, and tests drive the app through
the ``dashboard`` fixture (a :class:`DashboardPage`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
# Where a page may send requests: the app itself, and what a page makes without the network.
LOCAL_PREFIXES = ("http://127.0.0.1", "data:", "blob:", "about:")
# Streamlit's probe of a page's address as if the app were served below it: a page opened on its own address
# (``/compare?…``) first asks ``/compare/_stcore/health`` and ``…/host-config``, gets 404 (logged as a console
# error) and then uses the root. Seen with a single session, on every page but the default one.
PATH_PROBE = re.compile(r"^http://127\.0\.0\.1:\d+/\w+/_stcore/(health|host-config)$")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
# Set by the frontend on its root element; "notRunning" once the server reports a script run finished.
APP_IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
# The first page of a session extracts the seed corpus when the cache is cold.
FIRST_RUN_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_path() -> str | None:
    """The system Chromium (Debian's ``chromium`` package, installed by ``scripts/setup.sh --dev``), if any."""
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if os.access(found, os.X_OK) else None


@dataclass
class Server:
    """A running ``streamlit run`` process, its base URL and the file its output goes to."""

    process: subprocess.Popen
    url: str
    log: IO[str]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()


def start_server(cache_dir: Path, timeout: float = 120.0) -> Server:
    """Serve ``streamlit_app.py`` on a free port with ``DUIZHAO_CACHE=cache_dir``, once it reports healthy.

    Raises ``RuntimeError`` with the server's output when it exits or does not answer within ``timeout``.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        # Code edited while tests run must not put a "File change · Rerun" prompt in the screenshots.
        "--server.fileWatcherType", "none",
    ]
    env = {**os.environ, "DUIZHAO_CACHE": str(cache_dir)}
    # A file, not a pipe: nobody reads the output while tests run, and a full pipe would block the server.
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = server.output()
            stop_server(server)
            raise RuntimeError(f"streamlit exited with code {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return server
        except OSError:
            pass
        time.sleep(0.25)
    output = server.output()
    stop_server(server)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{output}")


def stop_server(server: Server) -> None:
    """Terminate the server, kill it if it has not gone within ten seconds, and close its log."""
    process = server.process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    server.log.close()


def launch_chromium(playwright):
    """Headless system Chromium; ``RuntimeError`` when it is not installed."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Chromium not found (looked for `chromium` on PATH and /usr/bin/chromium); "
                           "install it with `scripts/setup.sh --dev` (apt package `chromium`).")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def wait_for_run(page, timeout: float = FIRST_RUN_TIMEOUT_MS) -> None:
    """Wait until the app is connected, no script run is under way, and the page is drawn.

    "Drawn" means a title, no element of an earlier run left (the frontend marks them stale) and no
    skeleton: the frontend loads an element's code the first time the element appears and shows a skeleton
    meanwhile, so a finished run is not yet a finished page. A click may start its run only after this
    returns: follow it with a check for what the click should show (``expect(...)``), which waits.
    """
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"], [data-stale=\"true\"]')", timeout=timeout)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)


def save_full_page(page, path: Path) -> None:
    """A screenshot of the whole page.

    Streamlit scrolls inside ``stMain``, not the document, so Playwright's ``full_page`` would stop at the
    viewport: the viewport is stretched to the content's height for the shot, then put back.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    viewport = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    page.set_viewport_size(viewport)


class DashboardPage:
    """One browser tab on the served dashboard: open a page by its URL path, wait for runs, take screenshots."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        # Every request that leaves the machine (a font, an icon, a tracker): there must be none.
        self.outside: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(LOCAL_PREFIXES) else self.outside.append(r.url))
        # Uncaught errors of the page's scripts, and what the frontend logs as an error (kept from the load test's
        # browser version, which was the only test that watched them).
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not PATH_PROBE.search(url):
            self.console_errors.append(f"{message.text} ({url})")

    def open(self, path: str) -> None:
        """Load ``path`` (with any query string) and wait until its script run has finished."""
        self.page.goto(self.base_url + path)
        wait_for_run(self.page)

    def wait(self) -> None:
        """Wait for the run a click or a reload started."""
        wait_for_run(self.page)

    def screenshot(self, name: str, folder: Path = SCREENSHOTS) -> Path:
        """A full-page screenshot ``<name>.png``, by default in ``tests/e2e/screenshots/`` (gitignored)."""
        path = folder / f"{name}.png"
        save_full_page(self.page, path)
        return path


def missing_browser(reason: str) -> None:
    """Browser tests cannot run: an error on CI (it installs Chromium), a skip on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_browser("the playwright package is not installed (requirements-dev.txt)")
    if chromium_path() is None:
        missing_browser("Chromium not found: install it with `scripts/setup.sh --dev` (apt package `chromium`)")
    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_api):
    browser = launch_chromium(playwright_api)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory) -> Iterator[str]:
    """Base URL of the dashboard, served for the whole session with a private extraction cache."""
    try:
        server = start_server(tmp_path_factory.mktemp("duizhao-cache"))
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server.url
    stop_server(server)


@pytest.fixture(scope="session")
def warm_app(app_url, browser) -> str:
    """The base URL after one full run, so the seed corpus is extracted before any test's clock starts."""
    context = browser.new_context(viewport=VIEWPORT)
    DashboardPage(context.new_page(), app_url).open("/")
    context.close()
    return app_url


@pytest.fixture
def dashboard(browser, warm_app) -> Iterator[DashboardPage]:
    """A fresh browser context (a new Streamlit session) at 1440×900 on the served app; closed after the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(60_000)
    yield DashboardPage(context.new_page(), warm_app)
    context.close()


@pytest.fixture(params=[VIEWPORT, PHONE], ids=["1440", "390"])
def sized(browser, warm_app, request) -> Iterator[DashboardPage]:
    """A fresh session at desktop (1440×900) and at phone (390×844) size; ``.width`` says which."""
    context = browser.new_context(viewport=request.param, locale="zh-CN", is_mobile=request.param is PHONE,
                                  has_touch=request.param is PHONE)
    context.set_default_timeout(60_000)
    board = DashboardPage(context.new_page(), warm_app)
    board.width = request.param["width"]
    yield board
    context.close()
