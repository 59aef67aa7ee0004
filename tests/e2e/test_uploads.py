"""Uploading through the page in a real browser: bad files are named with a reason, good ones join the
corpus, nothing in an uploaded file runs, an oversized file is refused, and the uploads come back as a zip.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures then skip every test (fail them on CI) and say why
    expect = None

from test_browser import assert_no_error, metric_value

SEED_ARTICLES = 5
GBK_TEXT = "访客测试文章\n\n2025年中国芯片自给率达到41%，中芯国际扩产。\n".encode("gbk")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
HOSTILE_HTML = (
    "<html><head><script>window.__pwned = 1; alert(1)</script></head><body>"
    "<h1>网页文章</h1><p>据报道，日本半导体设备市场份额约为28%。</p>"
    "<img src=x onerror=\"window.__pwned = 2\"><a href=\"javascript:window.__pwned = 3\">链接</a>"
    "</body></html>"
).encode()
SHELL_NAME = "报道;$(id)`x`.txt"


def upload(dashboard, files: list[dict], source: str = "") -> None:
    """Open the upload panel, choose ``files`` (Playwright file payloads), name the source and submit."""
    page = dashboard.page
    panel = page.get_by_test_id("stExpander").filter(has_text="添加文章")
    if not panel.get_by_test_id("stFileUploader").is_visible():
        panel.locator("summary").click()
    panel.locator('input[type="file"]').set_input_files(files)
    # The browser sends each chosen file to the server on its own; submit once all have arrived.
    expect(panel.get_by_test_id("stFileChip")).to_have_count(len(files))
    expect(panel.get_by_test_id("stFileChip").locator('[role="progressbar"]')).to_have_count(0)
    if source:
        panel.get_by_label("来源名称（可选）").fill(source)
    panel.get_by_role("button", name="加入对照").click()
    dashboard.wait()


def payload(name: str, data: bytes, mime: str = "text/plain") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


@pytest.fixture
def opened(dashboard):
    dialogs: list[str] = []
    dashboard.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    dashboard.open("/")
    dashboard.dialogs = dialogs
    return dashboard


def test_bad_uploads_are_named_and_good_ones_join(opened):
    files = [payload("良.txt", GBK_TEXT), payload("空.txt", b""), payload("图.txt", PNG),
             payload(SHELL_NAME, "另一篇报道\n\n美国关税提高到30%。".encode())]
    upload(opened, files, source="访客来源")
    page = opened.page
    # expect() waits: the upload's run may start only after dashboard.wait() has returned.
    warnings = page.get_by_test_id("stAlertContentWarning")
    expect(warnings.filter(has_text="空.txt").first).to_contain_text("空文件")
    expect(warnings.filter(has_text="图.txt").first).to_contain_text("二进制")
    opened.screenshot("upload_bad_files")
    expect(metric_value(page, "文章")).to_have_text(str(SEED_ARTICLES + 2))
    expect(page.get_by_test_id("stPageLink").filter(has_text="访客测试文章")).to_be_visible()
    assert_no_error(page)


def test_an_upload_without_a_source_is_a_source_of_its_own(opened):
    upload(opened, [payload("甲报道.txt", "甲报道\n\n美国关税提高到30%。".encode()),
                    payload("乙报道.txt", "乙报道\n\n中国芯片自给率达到40%。".encode())])
    page = opened.page
    expect(metric_value(page, "来源")).to_have_text(str(SEED_ARTICLES + 2))
    listed = page.get_by_test_id("stPageLink").filter(has_text="报道").locator("xpath=../..").all_inner_texts()
    assert any("甲报道" in row for row in listed) and "未知来源" not in " ".join(
        r for r in listed if "报道" in r), listed


def test_article_text_and_names_are_shown_as_written_never_as_links_or_markup(opened):
    text = ("<b>粗</b>报道\n\n见 www.example.com 与 https://example.org/x ，联系 a@example.com 。\u202e倒序😀\n\n"
            "数据显示，2025年中国芯片自给率已突破41%。").encode()
    upload(opened, [payload("<b>B<i>I.txt", text)], source="<b>B<i>I")
    page = opened.page
    expect(metric_value(page, "文章")).to_have_text(str(SEED_ARTICLES + 1))
    assert "\u202e" not in page.inner_text("body")
    ticks = page.locator("[class*=st-key-card_] .ytick text").all_text_contents()
    assert any(t.startswith("<b>B<i>I") for t in ticks), ticks
    assert page.locator("[class*=st-key-card_] .ytick :is(b, tspan[style*=bold])").count() == 0
    page.get_by_test_id("stPageLink").filter(has_text="粗").first.click()
    expect(page.locator('[data-testid="stMain"] h1')).to_have_text("阅读原文")
    opened.wait()
    body = page.locator(".st-key-reading_text")
    expect(body).to_contain_text("www")
    assert body.locator("a").count() == 0, "a URL, host or e-mail address in the text became a link"
    assert "😀" not in body.inner_text() and "\ufffd" not in body.inner_text()


def test_nothing_in_an_uploaded_html_file_runs_or_is_drawn_as_html(opened):
    upload(opened, [payload("页.html", HOSTILE_HTML, "text/html")])
    page = opened.page
    expect(metric_value(page, "文章")).to_have_text(str(SEED_ARTICLES + 1))
    page.goto(opened.base_url + "/compare")
    opened.wait()
    assert page.evaluate("() => window.__pwned") is None
    assert opened.dialogs == []
    assert page.locator('img[src="x"], a[href^="javascript:"], [data-testid="stMain"] script').count() == 0


def test_a_file_over_the_upload_limit_is_refused_with_a_message(opened, tmp_path):
    huge = tmp_path / "巨.txt"
    huge.write_bytes("中".encode() * (50 * 1024 * 1024 // 3))
    page = opened.page
    panel = page.get_by_test_id("stExpander").filter(has_text="添加文章")
    panel.locator("summary").click()
    panel.locator('input[type="file"]').set_input_files(huge)
    expect(panel.get_by_test_id("stFileUploader")).to_contain_text("巨.txt")
    expect(panel.get_by_test_id("stFileUploader")).to_contain_text(re.compile(r"5(\.0)? ?MB"))
    panel.get_by_role("button", name="加入对照").click()
    opened.wait()
    expect(metric_value(page, "文章")).to_have_text(str(SEED_ARTICLES))
    assert_no_error(page)


def test_a_file_of_one_long_line_below_the_limit_is_added(opened, tmp_path):
    # About 4.6 MB of Chinese text with figures and no line break or full stop: a file pasted as one line.
    line = tmp_path / "长.txt"
    line.write_text("据统计，中国芯片自给率达到38%，中芯国际产能增长12%，" * 33_000, encoding="utf-8")
    assert line.stat().st_size < 5 * 1024 * 1024
    upload(opened, [line])
    page = opened.page
    expect(metric_value(page, "文章")).to_have_text(str(SEED_ARTICLES + 1), timeout=180_000)
    assert_no_error(page)


def test_uploads_come_back_as_a_zip(opened):
    upload(opened, [payload("良.txt", GBK_TEXT)], source="访客来源")
    page = opened.page
    with page.expect_download() as download:
        page.get_by_role("button", name="下载上传的文章（zip）").click()
    with zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read())) as archive:
        names = set(archive.namelist())
        assert "duizhao-uploads/良.txt" in names, names
        assert archive.read("duizhao-uploads/良.txt") == GBK_TEXT
        figures = archive.read("duizhao-uploads/extracted/figures.csv").decode("utf-8-sig")
    assert "duizhao-uploads/manifest.csv" in names
    assert "41" in figures and "访客来源" in figures


def test_the_upload_form_shows_no_streamlit_english_hint(opened):
    """Typing a source shows no "Press Enter to submit form" (the form is submitted by its button only)."""
    page = opened.page
    panel = page.get_by_test_id("stExpander").filter(has_text="添加文章")
    panel.locator("summary").click()
    field = panel.get_by_label("来源名称（可选）")
    field.fill("测试来源")
    expect(field).to_have_value("测试来源")
    assert "Press Enter" not in panel.inner_text()
    assert "⌘+Enter" not in panel.inner_text() and "Ctrl+Enter" not in panel.inner_text()
