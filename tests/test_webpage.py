"""Tests for core/webpage.py and the HTML path of core/corpus.py: main text, title, site, date, charsets.

The pages are written for these tests in the shape of Chinese news portals (nav, article, sidebar with
numbers, related links, ICP footer); none is a real page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from core.corpus import decode_bytes, load_article_bytes, load_corpus
from core.webpage import locate_lines, read_page, strip_site_suffix

PAGE = (Path(__file__).parent / "fixtures" / "pages" / "news_page.html").read_text(encoding="utf-8")
FIRST = "本报北京3月18日电 商务部周二公布稀土出口管制新规"
LAST = "【责任编辑：周宁】"
CHROME = ("首页", "24小时热文", "全国新能源汽车保有量突破3000万辆", "芯片进口额前两个月下降12%",
          "京ICP备00000000号-1", "违法和不良信息举报电话", "分享到", "Copyright")


def gbk_page() -> bytes:
    return PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                        ).encode("gbk")


def test_page_body_is_the_article_only():
    article = load_article_bytes("page.html", PAGE.encode())
    body = article.body().text
    assert body.startswith(FIRST)
    assert body.endswith(LAST)
    assert not [s for s in CHROME if s in body]


def test_page_metadata_from_the_page():
    article = load_article_bytes("page.html", PAGE.encode())
    assert (article.title, article.source, article.author, article.published) == (
        "稀土出口管制新规落地 多家企业调整供应链", "示例财经网", "林晓", "2025-03-18")


def test_manifest_metadata_wins_over_the_page():
    article = load_article_bytes("page.html", PAGE.encode(), {"source": "另一家报", "title": "自定标题"})
    assert (article.source, article.title) == ("另一家报", "自定标题")


def test_cut_page_text_is_kept_as_removed_with_offsets():
    article = load_article_bytes("page.html", PAGE.encode())
    cut = [r for r in article.removed if r.kind == "page"]
    assert any("京ICP备00000000号-1" in r.text for r in cut)
    assert any("全国新能源汽车保有量突破3000万辆" in r.text for r in cut)
    assert all(article.text[r.start:r.end] == r.text for r in article.removed)


def test_body_maps_back_to_the_page_text():
    article = load_article_bytes("page.html", PAGE.encode())
    body = article.body()
    assert body.original == article.text
    assert all(body.text[i] == article.text[body.starts[i]] for i in range(len(body.text)) if body.text[i] != "\n")


def test_gbk_page_reads_like_the_utf8_one():
    utf8 = load_article_bytes("page.html", PAGE.encode())
    gbk = load_article_bytes("page.html", gbk_page())
    assert gbk.encoding == "gb18030"
    assert (gbk.title, gbk.source, gbk.published, gbk.body().text) == (
        utf8.title, utf8.source, utf8.published, utf8.body().text)


def test_wrong_declared_charset_is_overruled():
    # GBK bytes on a page (and a server) that says UTF-8.
    data = PAGE.encode("gbk")
    article = load_article_bytes("page.html", data, charset="utf-8")
    assert article.encoding == "gb18030"
    assert article.body().text.startswith(FIRST)


def test_big5_page_declared_gb2312_reads_as_big5():
    traditional = PAGE.replace("稀土出口管制新规", "稀土出口管制新規")
    data = traditional.replace('<meta charset="utf-8">', '<meta charset="gb2312">').encode("big5", errors="replace")
    assert decode_bytes(data, "gb2312").encoding == "big5"


def test_one_bad_byte_in_utf8_is_replaced_and_noted(tmp_path):
    data = PAGE.encode()
    at = data.index("去年".encode())
    damaged = data[:at] + b"\xff" + data[at:]  # one stray byte
    (tmp_path / "page.html").write_bytes(damaged)
    corpus = load_corpus([tmp_path])
    article = corpus.articles[0]
    assert (article.encoding, article.replaced_bytes) == ("utf-8", 1)
    assert "\ufffd" in article.text
    assert [(p.file, p.notice) for p in corpus.problems] == [("page.html", True)]
    assert str(corpus.problems[0].reason).startswith("1 undecodable byte(s) replaced")


def test_a_damaged_character_counts_its_bytes_once():
    data = PAGE.encode()
    at = data.index("去年".encode())
    decoded = decode_bytes(data[:at] + b"\xff" + data[at + 1:])  # the first of 去's three bytes replaced
    assert (decoded.encoding, decoded.replaced) == ("utf-8", 3)
    assert "\ufffd\ufffd\ufffd年" in decoded.text


def test_many_bad_bytes_are_not_utf8():
    assert decode_bytes(PAGE.encode("gbk")).encoding == "gb18030"


@pytest.mark.parametrize(("title", "site", "expected"), [
    ("港口吞吐量创新高 - 示例新闻网 - 经济", "", "港口吞吐量创新高"),
    ("稀土出口管制_新浪财经_新浪网", "", "稀土出口管制"),
    ("半导体设备订单回升|示例新闻", "", "半导体设备订单回升"),
    ("短缺问题有望缓解-示例网", "", "短缺问题有望缓解"),
    ("中美-合作新阶段", "", "中美-合作新阶段"),
    ("出口数据公布--国际--示例人民网", "", "出口数据公布"),
    ("出口数据公布_新闻频道_示例视网(example.com)", "", "出口数据公布"),
    ("出口数据公布_示例新闻-The Example", "", "出口数据公布"),
    ("芯片 - 示例", "示例", "芯片 - 示例"),
    ("没有分隔的标题", "", "没有分隔的标题"),
    ("出口管制再收紧 | Example News | 10.05.2024", "", "出口管制再收紧"),
])
def test_strip_site_suffix(title, site, expected):
    assert strip_site_suffix(title, site) == expected


def page(head: str, body: str) -> str:
    paragraph = "<p>分析人士认为，新规将影响全球半导体供应链的布局与投资，相关企业正在评估影响并调整计划。</p>"
    return f"<html><head>{head}</head><body>{body}<article>{paragraph * 4}</article></body></html>"


@pytest.mark.parametrize(("head", "body", "site"), [
    ('<meta property="og:site_name" content="示例日报"><title>新规 - Example Daily</title>', "", "示例日报"),
    ("<title>新规出台影响几何 - 示例新闻网 - 财经</title>", "", "示例新闻网"),
    ("<title>新规出台影响几何_新闻频道_示例视网(example.com)</title>", "", "示例视网"),
    ("<title>新规出台影响几何--国际--示例人民网</title>", "", "示例人民网"),
    ('<meta name="source" content="示例通讯社"><title>新规出台影响几何</title>', "", "示例通讯社"),
    ("<title>新规出台影响几何</title>", "<div>2025-01-02 来源：示例晚报 作者：某某</div>", "示例晚报"),
    ('<meta property="og:site_name" content="Example News"><title>新规出台影响几何</title>', "", "Example News"),
])
def test_site_name_from_what_the_page_says(head, body, site):
    assert read_page(page(head, body)).site == site


def test_site_name_falls_back_to_the_host():
    assert read_page(page("<title>新规出台影响几何</title>", ""), url="https://news.example.cn/a.html").site == (
        "news.example.cn")


def test_locate_lines_ignores_whitespace_and_skips_what_is_not_there():
    text = "导航\n第一 段。\n旁栏\n第二段。"
    assert locate_lines(text, ["第一段。", "不在页面上", "第二段。"]) == ((3, 8), (12, 16))


def test_page_without_an_article_is_read_whole():
    html = "<html><body><ul><li>新闻一</li><li>新闻二</li></ul></body></html>"
    article = load_article_bytes("list.html", html.encode())
    assert article.body().text.split() == ["新闻一", "新闻二"]


def test_gbk_page_with_a_bad_byte_reads_with_it_replaced(tmp_path):
    data = gbk_page()
    at = data.index("去年".encode("gbk"))
    (tmp_path / "page.html").write_bytes(data[:at] + b"\xff" + data[at:])
    corpus = load_corpus([tmp_path])
    article = corpus.articles[0]
    assert (article.encoding, article.replaced_bytes) == ("gb18030", 1)
    assert article.body().text.startswith(FIRST)
    assert str(corpus.problems[0].reason).endswith("the rest was read as GB18030")


def test_decoding_notice_in_chinese():
    from core.words import Reason, say

    assert say(Reason.of("replaced_bytes", count=2, encoding="UTF-8"), "zh") == (
        "2 个无法解码的字节已替换为 U+FFFD；其余按 UTF-8 读取")


def test_table_cells_of_the_article_are_kept():
    table = "<table><tr><th>年份</th><th>出口量</th></tr><tr><td>2023</td><td>5.2万吨</td></tr></table>"
    html = page("<title>新规出台影响几何</title>", "").replace("</article>", table + "</article>")
    lines = load_article_bytes("t.html", html.encode()).body().text.split("\n")
    assert lines[-4:] == ["年份", "出口量", "2023", "5.2万吨"]


def test_a_browser_saved_page_names_its_site_by_the_address_it_came_from():
    html = "<!-- saved from url=(0031)https://news.example.cn/a.html -->" + page("<title>新规出台影响几何</title>", "")
    assert read_page(html).site == "news.example.cn"


def test_a_related_links_list_taken_in_by_the_extractor_is_cut():
    related = "<h3>相关阅读</h3><p>另一篇关于关税调整的新闻报道，讲述了外贸企业如何应对新的挑战和机遇。</p>"
    html = page("<title>新规出台影响几何</title>", "").replace("</article>", related + "</article>")
    article = load_article_bytes("r.html", html.encode())
    assert "相关阅读" not in article.body().text and "外贸企业" not in article.body().text
    assert article.body().text.startswith("分析人士认为")


def test_og_title_stands_for_the_title_it_starts():
    head = '<meta property="og:title" content="新规出台影响几何"><title>新规出台影响几何 · 深度 · 示例</title>'
    assert read_page(page(head, "")).title == "新规出台影响几何"
