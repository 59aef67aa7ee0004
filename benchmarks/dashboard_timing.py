"""How long the dashboard takes in a real browser: ``.venv/bin/python benchmarks/dashboard_timing.py``.

Starts ``streamlit run streamlit_app.py`` with an empty extraction cache, then measures, in headless Chromium
(1400×900):

- server start → first page fully drawn: from launching the process to the overview's run having finished
  and been drawn, cold cache included (the seed corpus is extracted during that first run);
- each page with a warm cache: a fresh tab loads the page's URL, timed until its run has finished and the
  page is drawn (median of ``--repeat`` loads); this includes the browser loading Streamlit's frontend;
- each page reached by clicking the navigation link inside one open session, as a reader moves around.

Numbers are printed, never asserted. Uses the server and browser helpers of ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import VIEWPORT, launch_chromium, start_server, stop_server, wait_for_run  # noqa: E402

# In the order of the navigation bar.
PAGES = {"overview": "/", "compare": "/compare", "figure_check": "/figure_check", "search": "/search",
         "term_clouds": "/term_clouds", "reading": "/reading"}


def time_page_load(browser, url: str) -> float:
    """Seconds from navigating a new tab (a new session) to ``url`` until the page's run is drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    wait_for_run(page)
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed


def time_navigation(browser, base: str, repeat: int) -> dict[str, list[float]]:
    """Seconds from clicking a page's navigation link, in one open session, until its run is drawn."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(base + "/")
    wait_for_run(page)
    links = page.locator('[data-testid="stTopNavLink"]')
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    for _ in range(repeat):
        for index, name in reversed(list(enumerate(PAGES))):
            started = time.perf_counter()
            links.nth(index).click()
            page.wait_for_url(f"**{PAGES[name] if PAGES[name] != '/' else ''}*")
            wait_for_run(page)
            times[name].append(time.perf_counter() - started)
    context.close()
    return times


def measure(repeat: int, cache_dir: Path | None = None) -> tuple[dict[str, float], dict[str, list[float]],
                                                                 dict[str, list[float]]]:
    """Start timings (server healthy, first page drawn) and warm load times per page, in seconds.

    ``cache_dir``: an extraction cache to start with (a corpus given by ``DUIZHAO_CORPUS`` and extracted
    before, such as 10,000 synthetic articles); else an empty one, and the seeds are extracted cold.
    """
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="duizhao-bench-") as empty, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        started = time.perf_counter()
        server = start_server(cache_dir or Path(empty))
        try:
            healthy = time.perf_counter() - started
            first = time_page_load(browser, server.url + "/")
            cold = {"server healthy": healthy, "first page drawn": time.perf_counter() - started,
                    "first page load alone": first}
            warm = {name: [time_page_load(browser, server.url + path) for _ in range(repeat)]
                    for name, path in PAGES.items()}
            navigation = time_navigation(browser, server.url, repeat)
        finally:
            stop_server(server)
            browser.close()
    return cold, warm, navigation


def print_table(cold: dict[str, float], warm: dict[str, list[float]], navigation: dict[str, list[float]]) -> None:
    print("Start (server launched → first page drawn)")
    for label, seconds in cold.items():
        print(f"  {label:<24}{seconds:>8.2f} s")
    print()
    print(f"Warm cache, one new session per load ({len(next(iter(warm.values())))} loads per page)")
    print(f"  {'page':<16}{'median':>8}{'min':>8}{'max':>8}")
    for name, times in warm.items():
        print(f"  {name:<16}{statistics.median(times):>7.2f}s{min(times):>7.2f}s{max(times):>7.2f}s")
    print()
    print("Warm cache, clicking the navigation link in one open session")
    print(f"  {'page':<16}{'median':>8}{'min':>8}{'max':>8}")
    for name, times in navigation.items():
        print(f"  {name:<16}{statistics.median(times):>7.2f}s{min(times):>7.2f}s{max(times):>7.2f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm loads per page (default 5)")
    parser.add_argument("--cache", type=Path, help="start with this extraction cache (e.g. of DUIZHAO_CORPUS)")
    args = parser.parse_args(argv)
    print_table(*measure(args.repeat, args.cache))


if __name__ == "__main__":
    main()
