"""The dashboard in a real browser: every page draws without error, in Chinese, without overflowing the window,
and a link or a filter carried in the URL reopens the same view.

Each run saves a full-page screenshot per page to ``tests/e2e/screenshots/``. With
``DUIZHAO_README_SCREENSHOTS=1`` it also writes the README's screenshots to ``docs/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures then skip every test (fail them on CI) and say why
    expect = None
else:
    # A click's rerun can load new frontend code first; the 5 s default is tight on a busy machine.
    expect.set_options(timeout=30_000)

ROOT = Path(__file__).resolve().parents[2]
# URL paths st.navigation gives the pages: the default page is "/", the others are named after their files.
PAGES = {"overview": "/", "compare": "/compare", "figure_check": "/figure_check", "term_clouds": "/term_clouds"}
TITLES = {"overview": "总览", "compare": "对照阅读", "figure_check": "数字核对", "term_clouds": "词云"}
CJK = re.compile(r"[\u4e00-\u9fff]")
README_SHOTS = ROOT / "docs" / "screenshots"
SOURCE_CHIPS = '[data-testid="stSidebar"] [data-testid="stMultiSelect"] [data-tag]'


def assert_no_error(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


def horizontal_overflow(page) -> int:
    """Pixels by which the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def metric_value(page, label: str):
    """The value of the metric labelled exactly ``label`` (a locator, for ``expect``)."""
    labels = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=labels).get_by_test_id("stMetricValue")


def linked_measure(link) -> str:
    """The measure named at the top of the overview card a "查看证据" link belongs to."""
    card = link.locator('xpath=ancestor::div[@data-testid="stVerticalBlock"][1]')
    return card.locator("strong").first.inner_text().strip()


def source_chips(page) -> list[str]:
    return [chip.get_attribute("aria-label") for chip in page.locator(SOURCE_CHIPS).all()]


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_in_chinese_without_errors(dashboard, name):
    dashboard.open(PAGES[name])
    page = dashboard.page
    dashboard.screenshot(name)
    if os.environ.get("DUIZHAO_README_SCREENSHOTS"):
        dashboard.screenshot(name, README_SHOTS)

    assert_no_error(page)
    assert TITLES[name] in title(page)
    body = page.inner_text("body")
    assert len(CJK.findall(body)) > 50, "the page should be mostly Chinese"
    assert "Choose options" not in body, "Streamlit's English placeholder on a Chinese page"
    assert horizontal_overflow(page) <= 1


def test_overview_shows_headline_metrics(dashboard):
    dashboard.open(PAGES["overview"])
    page = dashboard.page
    expect(metric_value(page, "文章")).to_have_text("5")
    expect(metric_value(page, "来源")).to_have_text("5")
    for label in ("数字", "可比指标", "矛盾", "可解释的差异"):
        expect(metric_value(page, label)).to_have_text(re.compile(r"^\d+$"))
    assert "半导体自给率" in page.inner_text("body"), "the 38% vs 78% card is among the top differences"


def test_figure_check_charts_the_self_sufficiency_figures(dashboard):
    dashboard.open(PAGES["figure_check"])
    page = dashboard.page
    page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').first.wait_for()
    text = page.inner_text("body")
    assert "半导体自给率" in text
    assert re.search(r"38\s*%", text) and re.search(r"78\s*%", text)


def test_term_cloud_is_an_image(dashboard):
    dashboard.open(PAGES["term_clouds"])
    page = dashboard.page
    image = page.locator('[data-testid="stImage"] img').first
    image.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1, "the bar chart beside the cloud"


def test_card_link_opens_its_group_first_and_the_url_reopens_it(dashboard):
    dashboard.open(PAGES["overview"])
    page = dashboard.page
    link = page.locator('[data-testid="stPageLink"] a').nth(1)
    group = parse_qs(urlsplit(link.get_attribute("href")).query)["group"]
    measure = linked_measure(link)
    evidence = page.locator('[data-testid="stExpander"] summary').first

    link.click()
    expect(page.locator('[data-testid="stMain"] h1')).to_contain_text(TITLES["figure_check"])
    dashboard.wait()
    assert query(page)["group"] == group
    expect(evidence).to_contain_text(measure)  # the linked group comes first

    page.reload()
    dashboard.wait()
    assert_no_error(page)
    assert query(page)["group"] == group
    expect(evidence).to_contain_text(measure)


def test_source_filter_is_kept_in_the_url(dashboard):
    dashboard.open(PAGES["overview"])
    page = dashboard.page
    expect(metric_value(page, "来源")).to_have_text("5")
    dropped = page.locator(SOURCE_CHIPS).last
    source = dropped.get_attribute("aria-label")

    dropped.locator("button").click()
    expect(metric_value(page, "来源")).to_have_text("4")
    dashboard.wait()
    kept = query(page)["sources"]
    assert source not in kept and len(kept) == 4

    page.goto(page.url)
    dashboard.wait()
    assert_no_error(page)
    expect(metric_value(page, "来源")).to_have_text("4")
    assert source not in source_chips(page) and len(source_chips(page)) == 4


def test_language_choice_is_kept_in_the_url(dashboard):
    dashboard.open(PAGES["figure_check"] + "?lang=English")
    page = dashboard.page
    assert_no_error(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Figure check")
    page.locator('[data-testid="stSidebarNav"] a').nth(1).click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Compare articles")
    dashboard.wait()
    assert query(page).get("lang") == ["English"]
