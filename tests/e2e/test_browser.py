"""The dashboard in a real browser, at 1440 and 390 pixels wide, in both languages: what a user sees.

Every page draws without error, fits the window, fetches nothing from another host and turns no article text
into a link; the overview leads with a disagreement between sources, its reason and a dot plot; an article at
odds with itself is labelled as one article and a before/after is never a disagreement; the evidence sentence is
shown whole with its figure highlighted; a link made in Chinese opens the same view in English.

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
PAGES = {"overview": "/", "compare": "/compare", "figure_check": "/figure_check", "search": "/search?q=中芯国际",
         "term_clouds": "/term_clouds", "reading": "/reading"}
TITLES = {
    "zh": {"overview": "总览", "compare": "对照阅读", "figure_check": "数字核对", "search": "检索",
           "term_clouds": "词云", "reading": "阅读原文"},
    "en": {"overview": "Overview", "compare": "Compare", "figure_check": "Figure check", "search": "Search",
           "term_clouds": "Term clouds", "reading": "Read an article"},
}
CJK = re.compile(r"[\u4e00-\u9fff]")
README_SHOTS = ROOT / "docs" / "screenshots"
CARDS = '[class*="st-key-card_"]'
# Markdown paragraphs and list items: where article text is drawn (page links and heading anchors are not).
TEXT_LINKS = '[data-testid="stMain"] [data-testid="stMarkdownContainer"] :is(p, li) a'


def assert_no_error(page) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, errors.all_inner_texts()


def horizontal_overflow(page) -> int:
    """Pixels by which the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def wider_than_window(page) -> list[str]:
    """Elements of the page reaching past the window's edges that no scrolling or clipping box holds."""
    return page.evaluate("""() => {
      const w = window.innerWidth, bad = [];
      for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
        const r = el.getBoundingClientRect();
        if (!r.width || (r.right <= w + 1 && r.left >= -1)) continue;
        let p = el.parentElement, held = false;
        while (p && p !== document.body) {
          if (getComputedStyle(p).overflowX !== 'visible') {
            const pr = p.getBoundingClientRect();
            if (pr.right <= w + 1 && pr.left >= -1) { held = true; break; }
          }
          p = p.parentElement;
        }
        if (!held) bad.push(el.tagName + ' ' + (el.getAttribute('data-testid') || el.className || '').toString());
      }
      return bad.slice(0, 5);
    }""")


def metric_value(page, label: str):
    """The value of the metric labelled exactly ``label`` (a locator, for ``expect``)."""
    labels = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=labels).get_by_test_id("stMetricValue")


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def title(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text()


def with_lang(path: str, lang: str) -> str:
    return path if lang == "zh" else path + ("&" if "?" in path else "?") + "lang=en"


def sections(page) -> list[tuple[str, list[str]]]:
    """The overview's section headings in order, each with the kind badges of the cards under it."""
    return page.evaluate("""(cards) => {
      const out = [];
      for (const el of document.querySelectorAll('[data-testid="stMain"] h3, ' + cards)) {
        if (el.tagName === 'H3') { out.push([el.innerText.trim(), []]); continue; }
        const badge = el.querySelector('[data-testid="stMarkdownContainer"] span[class*="Badge"], .stBadge');
        const text = badge ? badge.innerText.trim() : el.innerText.split('\\n')[1];
        if (out.length) out[out.length - 1][1].push(text);
      }
      return out;
    }""", CARDS)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_every_page_draws_fits_and_stays_on_this_machine(sized, name, lang):
    sized.open(with_lang(PAGES[name], lang))
    page = sized.page
    page.wait_for_timeout(300)
    shot = f"{name}_{sized.width}" + ("" if lang == "zh" else "_en")
    sized.screenshot(shot)
    if os.environ.get("DUIZHAO_README_SCREENSHOTS"):
        sized.screenshot(shot, README_SHOTS)

    assert_no_error(page)
    assert TITLES[lang][name] in title(page)
    body = page.inner_text("body")
    if lang == "zh":
        assert len(CJK.findall(body)) > 50, "the page should be mostly Chinese"
        assert "Choose options" not in body, "Streamlit's English placeholder on a Chinese page"
    else:
        # The interface's own words: navigation, headings, buttons, badges, labels (article text stays Chinese).
        chrome = page.locator('[data-testid="stTopNavLink"], [data-testid="stMain"] :is(h1, h2, h3, button, '
                              'label, [data-testid="stMetricLabel"], [data-testid="stExpander"] summary, '
                              '[class*="Badge"]):not(.st-key-cloud_search *):not(.st-key-entity_search *)'
                              ':not(.st-key-reading_head *)')
        words = [w for w in chrome.all_inner_texts() if CJK.search(w.replace("对照 Duizhao", "").replace("中文", ""))]
        interface = [w for w in words if not re.search(r"^\d{3} |\[|[\u4e00-\u9fff]{2,}.*·", w)]
        assert "未知来源" not in body and interface == [], interface
    assert horizontal_overflow(page) <= 1
    assert wider_than_window(page) == []
    assert sized.outside == [], "a request left 127.0.0.1"
    assert sized.page_errors == [] and sized.console_errors == [], sized.page_errors + sized.console_errors
    assert page.locator(TEXT_LINKS).count() == 0, "article text became a link"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_leads_with_a_disagreement_between_sources(sized, lang):
    sized.open(with_lang("/", lang))
    page = sized.page
    first = page.locator(CARDS).first
    expect(first).to_contain_text("不同来源" if lang == "zh" else "Different sources")
    expect(first.locator("h5")).not_to_be_empty()
    self_sufficiency = page.locator(CARDS).filter(has_text="78%").first
    expect(self_sufficiency.locator("h5")).to_contain_text("实测 vs 预测" if lang == "zh" else "reported vs projected")
    first.locator('[data-testid="stPlotlyChart"] .js-plotly-plot').wait_for()
    assert first.locator(".modebar").count() == 0, "no chart toolbar over the data"
    if sized.width == 390:
        assert first.bounding_box()["y"] < 844 - 100, "the top disagreement starts on the first screen"
    heads = sections(page)
    disagreements = next(cards for head, cards in heads if head in ("各来源之间的分歧", "Where the sources disagree"))
    assert disagreements and set(disagreements) == {"不同来源" if lang == "zh" else "Different sources"}
    changes = next(cards for head, cards in heads if head.startswith(("同一句中", "Changes stated")))
    assert changes and set(changes) == {"同一句中的前后变化" if lang == "zh" else "A before/after in one sentence"}


def test_the_evidence_sentence_is_shown_whole_with_its_figure_highlighted(sized):
    sized.open("/")
    page = sized.page
    first = page.locator(CARDS).filter(has_text="78%").first
    mark = first.locator(".stMarkdownColoredBackground", has_text="78%")
    expect(mark).to_be_visible()
    sentence = mark.locator("xpath=ancestor::p[1]")
    assert sentence.inner_text().rstrip().endswith("同期达到78%。"), "the sentence runs to its end"
    fits = sentence.evaluate("p => p.scrollWidth <= p.clientWidth + 1 && p.getBoundingClientRect().right "
                             "<= window.innerWidth + 1")
    assert fits, "the sentence wraps inside the window"
    expect(first).to_contain_text("战略与国际研究中心"), "the attribution of the 78 % is shown"


def test_a_figure_links_to_its_article_scrolled_to_and_marked(dashboard):
    dashboard.open("/")
    page = dashboard.page
    first = page.locator(CARDS).filter(has_text="78%").first
    first.get_by_role("link", name="阅读原文").nth(1).click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("阅读原文")
    dashboard.wait()
    assert "at" in query(page) and "article" in query(page)
    mark = page.locator(".st-key-reading_text .stMarkdownColoredBackground", has_text="78%")
    expect(mark).to_be_in_viewport()


def test_a_link_made_in_chinese_opens_the_same_view_in_english(dashboard):
    dashboard.open("/figure_check")
    page = dashboard.page
    page.get_by_test_id("stButtonGroup").get_by_role("button", name="矛盾", exact=True).click()
    dashboard.wait()
    expect(page.locator(CARDS)).to_have_count(1)
    card = card_key(page.locator(CARDS).first)
    link = query(page)
    assert link["status"] == ["contradiction"], "the link holds the code, not the label"
    assert not any(CJK.search(v) for key, values in link.items() if key != "sources" for v in values)

    page.goto(dashboard.base_url + "/figure_check?" + urlsplit(page.url).query + "&lang=en")
    dashboard.wait()
    assert_no_error(page)
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Figure check")
    expect(page.locator(CARDS)).to_have_count(1)
    assert card_key(page.locator(CARDS).first) == card, "the same group, now in English"


def card_key(card) -> str:
    """The claim group a card shows, from its element key (``st-key-card_G002``)."""
    return next(c for c in card.get_attribute("class").split() if c.startswith("st-key-card_"))


def test_switching_the_language_relabels_the_filters(dashboard):
    dashboard.open("/figure_check")
    page = dashboard.page
    page.get_by_test_id("stButtonGroup").get_by_role("button", name="矛盾", exact=True).click()
    dashboard.wait()
    page.get_by_test_id("stButtonGroup").first.get_by_text("English", exact=True).click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Figure check")
    dashboard.wait()
    pills = page.get_by_test_id("stButtonGroup").nth(1).inner_text()
    assert "Contradiction" in pills and "矛盾" not in pills
    expect(page.locator(CARDS)).to_have_count(1), "the chosen verdict is kept across the switch"
    assert query(page)["lang"] == ["en"]
    page.get_by_test_id("stTopNavLink").filter(has_text="Compare").first.click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("Compare articles")
    dashboard.wait()
    assert query(page).get("lang") == ["en"]


def test_search_is_reached_from_a_cloud_word(dashboard):
    dashboard.open("/term_clouds")
    page = dashboard.page
    word_pill = page.locator(".st-key-cloud_search button").first
    word = word_pill.inner_text().strip()
    word_pill.click()
    expect(page.locator('[data-testid="stMain"] h1')).to_contain_text("检索")
    dashboard.wait()
    expect(page.get_by_role("textbox", name="检索词或实体")).to_have_value(word)
    expect(page.locator(".stMarkdownColoredBackground").first).to_be_visible()


def test_the_article_picker_offers_no_select_all(dashboard):
    """Compare takes two to four articles: its picker's dropdown has no "Select all" (nor Streamlit's English)."""
    dashboard.open("/compare")
    page = dashboard.page
    page.get_by_test_id("stMultiSelect").first.locator("input").click()
    expect(page.get_by_role("option").first).to_be_visible()
    assert page.get_by_text(re.compile("^Select all")).count() == 0
