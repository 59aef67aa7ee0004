"""Reading a news web page like a news reader: the article, its title, publisher, author and date.

The page's main text comes from trafilatura (the extractor the web-archiving world uses), its date
from htmldate. What Chinese pages say about themselves fills the rest: the publisher is the page's
``og:site_name``, the site segment of its ``<title>`` (``标题 - 中国日报网``, ``标题_新华网``), its
``<meta name="source">`` or its own ``来源：…`` line; the title loses that site suffix.

The offsets model: ``WebPage.text`` is the page's visible text (what a browser shows, scripts and
styles dropped, one block element a line). ``WebPage.body_spans`` are the spans of it that
trafilatura kept as the article, found by matching its paragraphs back into the visible text (the
characters compared with whitespace dropped). So an article read from a page keeps the page's text
as its original, the body maps back into it, and what the extractor cut (navigation, related
links, footers) is every other line of it, kept as removed text.

>>> page = read_page("<html><head><title>芯片出口新规 - 示例日报网</title></head><body>"
...                  "<nav>首页 | 国际</nav><article><h1>芯片出口新规</h1>"
...                  "<p>美国商务部周二公布新规，限制先进芯片出口，涉及多家中国企业。</p>"
...                  "<p>分析人士认为，新规将影响全球半导体供应链的布局与投资。</p></article></body></html>")
>>> page.title, page.site
('芯片出口新规', '示例日报网')
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

# What separates a page title from its site and section: " - ", "_", "|", or a dash before a short tail.
_SEPARATOR = re.compile(r"\s+[-–—－|｜_·]+\s+|\s*[|｜_]\s*|\s*-{2,}\s*|(?<=\S)[-–—－](?=[^-–—－]{2,16}$)")
# A site segment's own domain in brackets: "央视网(cctv.com)".
_BRACKETED_TAIL = re.compile(r"\s*[(（][^()（）]*[)）]$")
# A title segment that names a site: "新华网", "BBC中文网", "新浪新闻", "联合早报", "example.com".
_SITE_WORD = re.compile(r"(网|網|报|報|新闻|新聞|频道|頻道|在线|在線|社|台|時報|时报|早报|晚报|日报|日報|"
                        r"News|NEWS|Online|\.com|\.cn|\.net)$")
_NET_SITE = re.compile(r"(网|網|\.com|\.cn|\.net)$")
_MAX_SITE_CHARS = 20
# A "来源：新华网" line: short, the name up to the next space or separator.
_SOURCE_LINE = re.compile(r"(?:^|\s)(?:来源|來源|稿源|出处|出處)\s*[:：]\s*([^\s|｜/，,。;；:：()（）]{2,20})")
_MAX_SOURCE_LINE_CHARS = 80
_NOT_A_SOURCE = frozenset({"网络", "網絡", "互联网", "本站", "未知", "XXX"})
# An editor's sign-off right after the article ("【责任编辑：王某】"), which extractors often drop
# with the footer although it closes the article.
_EDITOR_LINE = re.compile(r"^[【\[（(]?\s*(责任编辑|責任編輯|责编|責編|编辑|編輯)\s*[:：][^【】\[\]]{1,20}[】\])）]?$")
_EDITOR_REACH_CHARS = 200
# A heading that starts the related-links list closing many Chinese articles: what follows is not the article.
_RELATED_HEADING = re.compile(r"^[【\[]?\s*(相关(阅读|新闻|新聞|链接|鏈接|报道|報導|文章|推荐|推薦)|延伸阅读|延伸閱讀|"
                              r"推荐阅读|推薦閱讀|热点推荐|热门推荐|更多精彩|猜你喜欢|往期回顾|热门文章|阅读排行)\s*[】\]]?\s*[:：>》]*$")
# "作者：林晓", "记者 王某" → the name.
_AUTHOR_LABEL = re.compile(r"^(作者|記者|记者|撰文|文|编辑|編輯|责任编辑|責任編輯)\s*[:：/|｜]?\s*")
# Trafilatura's fast pass finds the article on most pages; below this many characters its slower
# pass with fallback extractors runs too.
_SHORT_ARTICLE_CHARS = 250
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z .&'-]{1,30}")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# A dateline ("2024年05月06日 08:12 来源：…") is a short line among the article's first lines or at
# most this many lines above it.
_DATELINE_FIRST_LINES = 4
_DATELINE_REACH_LINES = 12
_MAX_DATELINE_CHARS = 80
# Browsers (Chrome, Edge, IE) write where a saved page came from in a comment at its top.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
_SAVED_FROM_REACH = 2_000
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class WebPage:
    """A page read: its visible text, the spans of it that are the article, and what it says of itself."""

    text: str
    body_spans: tuple[tuple[int, int], ...]
    title: str
    site: str
    author: str
    published: str


def read_page(html: str, url: str | None = None) -> WebPage:
    """The article of a news page: body spans into its visible text, title, site, author, date.

    ``url`` (where the page came from, if known) helps the date and, as a last resort, names the
    site by its host. Fields the page does not tell are "".
    """
    import trafilatura

    url = url or saved_from_url(html)
    text = visible_text(html)
    meta = _page_meta(html)
    options = {"url": url, "with_metadata": True, "include_comments": False}
    document = trafilatura.bare_extraction(html, fast=True, **options)
    if document is None or len(document.text or "") < _SHORT_ARTICLE_CHARS:
        # Little found: let trafilatura also try its fallbacks (readability, jusText) and keep the best.
        document = trafilatura.bare_extraction(html, **options) or document
    extracted = (document.text or "") if document is not None else ""
    spans = _editor_line_after(text, _cut_at_related(text, locate_lines(text, extracted.split("\n"))))
    raw_title = (document.title if document is not None else "") or meta.get("og:title") or meta.get("title", "")
    social = meta.get("og:title") or meta.get("twitter:title") or ""
    site = _site_name(meta, raw_title, text, spans, (document.sitename or "") if document is not None else "", url)
    return WebPage(
        text=text,
        body_spans=spans,
        # The page's own og:title when the title starts with it: "标题 - 站名" → "标题".
        title=social if len(social) >= 4 and raw_title.startswith(social) else strip_site_suffix(raw_title, site),
        site=site,
        author=_AUTHOR_LABEL.sub("", ((document.author or "") if document is not None else "").strip()),
        published=_published(html, url, text, spans) or ((document.date or "") if document is not None else ""),
    )


def saved_from_url(html: str) -> str | None:
    """The address a browser noted when it saved the page (``<!-- saved from url=(0042)https://… -->``).

    >>> saved_from_url("<!DOCTYPE html><!-- saved from url=(0030)https://news.example.cn/a.html -->")
    'https://news.example.cn/a.html'
    """
    match = _SAVED_FROM.search(html[:_SAVED_FROM_REACH])
    return match.group(1) if match else None


def locate_lines(text: str, lines: list[str]) -> tuple[tuple[int, int], ...]:
    """Where each of ``lines`` stands in ``text``, in order, comparing with whitespace dropped.

    A line found nowhere after the previous one is searched from the start; a table row as
    trafilatura writes it (``| 2023 | 5.2万吨 |``) is found cell by cell; a line found nowhere is
    left out.
    """
    squashed, offsets = _squash_with_offsets(text)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for line in lines:
        needle = _WHITESPACE.sub("", line)
        if not needle:
            continue
        found = _find(squashed, needle, cursor)
        pieces = [(needle, found)] if found >= 0 or "|" not in needle else [
            (cell, _find(squashed, cell, cursor)) for cell in needle.split("|") if cell.strip("-:")]
        for piece, at in pieces:
            if at < 0:
                continue
            start, end = offsets[at], offsets[at + len(piece) - 1] + 1
            if spans and start < spans[-1][1]:
                continue  # the same text again, already kept
            spans.append((start, end))
            cursor = at + len(piece)
    return tuple(spans)


def _find(squashed: str, needle: str, cursor: int) -> int:
    at = squashed.find(needle, cursor)
    return at if at >= 0 else squashed.find(needle)


def strip_site_suffix(title: str, site: str = "") -> str:
    """A page title without the site and section segments after it.

    >>> strip_site_suffix("港口吞吐量创新高 - 示例新闻网 - 经济", "示例新闻网")
    '港口吞吐量创新高'
    >>> strip_site_suffix("稀土出口管制_新浪财经_新浪网")
    '稀土出口管制'
    >>> strip_site_suffix("中美-合作新阶段")
    '中美-合作新阶段'
    >>> strip_site_suffix("出口管制再收紧 | DW | 10.05.2024")
    '出口管制再收紧'
    """
    title = _WHITESPACE.sub(" ", title or "").strip()
    segments = [s.strip() for s in _SEPARATOR.split(title) if s and s.strip()]
    if len(segments) < 2:
        return title
    tail = segments[1:]
    names_site = any(_is_site_segment(s) or (site and (s == site or site in s)) for s in tail)
    if _CJK.search(segments[0]):
        # After a Chinese headline, a Latin name ("DW", "Example News") or a date is the site's.
        names_site = names_site or any(_LATIN_NAME.fullmatch(s) or _DATE.fullmatch(s) for s in tail)
    if names_site and len(segments[0]) >= 4:
        return segments[0]
    return title


def visible_text(html: str) -> str:
    """The text a browser shows: scripts, styles and the title dropped, block elements on their own lines.

    >>> visible_text("<h1>标题</h1><script>var x = 1;</script><p>第一段<br>换行</p>")
    '标题\\n\\n第一段\\n换行'
    """
    from lxml import etree

    parts: list[str] = []
    hidden = pre = 0
    for event, element in etree.iterwalk(_parse(html), events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else None  # None: a comment or processing instruction
        if event == "start":
            if tag in _HIDDEN:
                hidden += 1
            elif tag == "br" or tag in _BLOCK:
                parts.append("\n")
            pre += tag == "pre"
            if tag is not None and element.text and not hidden:
                parts.append(element.text if pre else _WHITESPACE.sub(" ", element.text))
            continue
        if tag in _HIDDEN:
            hidden -= 1
        elif tag in _BLOCK:
            parts.append("\n")
        pre -= tag == "pre"
        if element.tail and not hidden:
            parts.append(element.tail if pre else _WHITESPACE.sub(" ", element.tail))
    lines = (line.strip() for line in "".join(parts).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


_HIDDEN = frozenset({"script", "style", "noscript", "template", "title", "svg", "iframe", "object", "canvas"})
_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
})


def _parse(html: str):
    """The page as an lxml tree (a page declaring its encoding in an XML prolog is parsed from UTF-8 bytes)."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        return lxml_html.document_fromstring(html)
    except ValueError:
        return lxml_html.document_fromstring(html.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    except etree.ParserError:
        return lxml_html.document_fromstring("<html></html>")


class _MetaParser(HTMLParser):
    """``<meta name|property=… content=…>`` values (first wins, names lower-cased) and the ``<title>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self._in_title = False
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = dict(attrs)
            key = (values.get("property") or values.get("name") or "").strip().lower()
            content = _WHITESPACE.sub(" ", values.get("content") or "").strip()
            if key and content:
                self.meta.setdefault(key, content)
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.meta.setdefault("title", _WHITESPACE.sub(" ", "".join(self._title)).strip())

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)


def _page_meta(html: str) -> dict[str, str]:
    parser = _MetaParser()
    head_end = html.lower().find("</head>")
    parser.feed(html[: head_end + 7] if head_end >= 0 else html[:200_000])
    parser.close()
    if "title" not in parser.meta and parser._title:
        parser.meta["title"] = _WHITESPACE.sub(" ", "".join(parser._title)).strip()
    return parser.meta


def _site_name(meta: dict[str, str], title: str, text: str, spans: tuple[tuple[int, int], ...],
               extracted_site: str, url: str | None) -> str:
    """The publisher, from the clearest thing the page says; Chinese names before Latin ones.

    In order: ``og:site_name``; the site segment of ``<title>``; ``<meta name="source">``; the page's
    ``来源：`` line before the end of the article; the names trafilatura found; the URL's host.
    """
    title_site = _title_site(meta.get("title") or title)
    candidates = [
        meta.get("og:site_name", ""),
        title_site,
        meta.get("source", ""),
        _source_line(text, spans),
        meta.get("application-name", ""),
        extracted_site.lstrip("@"),
        meta.get("dc.publisher", ""),
        meta.get("twitter:site", "").lstrip("@"),
    ]
    names = [c.strip() for c in candidates
             if c and len(c.strip()) <= _MAX_SITE_CHARS * 2 and c.strip() not in _NOT_A_SOURCE]
    chinese = [n for n in names if _CJK.search(n)]
    if chinese:
        return chinese[0]
    if names:
        return names[0]
    return (urlsplit(url).hostname or "") if url else ""


def _title_site(title: str) -> str:
    """The segment of a page title that names the site: the last ending in 网/.com, else the first site-like one."""
    segments = [s.strip() for s in _SEPARATOR.split(_WHITESPACE.sub(" ", title or "").strip()) if s and s.strip()]
    tail = [_BRACKETED_TAIL.sub("", s) for s in segments[1:]]
    tail = [s for s in tail if s and len(s) <= _MAX_SITE_CHARS]
    net = [s for s in tail if _NET_SITE.search(s)]
    if net:
        return net[-1]
    return next((s for s in tail if _is_site_segment(s)), "")


def _is_site_segment(segment: str) -> bool:
    segment = _BRACKETED_TAIL.sub("", segment)
    return len(segment) <= _MAX_SITE_CHARS and bool(_SITE_WORD.search(segment))


def _source_line(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The name on the page's first short ``来源：…`` line that stands before the article's end."""
    limit = spans[-1][1] if spans else len(text)
    for line in text[:limit].split("\n"):
        if len(line) > _MAX_SOURCE_LINE_CHARS:
            continue
        match = _SOURCE_LINE.search(line)
        if match and match.group(1) not in _NOT_A_SOURCE:
            return match.group(1)
    return ""


def _cut_at_related(text: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """``spans`` up to a heading of related links ("相关阅读", "延伸阅读") that an extractor took in."""
    for i, (start, end) in enumerate(spans):
        if i and _RELATED_HEADING.match(text[start:end].strip()):
            return spans[:i]
    return spans


def _editor_line_after(text: str, spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """``spans`` plus an editor's sign-off line standing just after the last one, when there is one."""
    if not spans:
        return spans
    after = spans[-1][1]
    window = text[after: after + _EDITOR_REACH_CHARS]
    offset = after
    for line in window.split("\n"):
        stripped = line.strip()
        if stripped and _EDITOR_LINE.match(stripped):
            start = offset + line.index(stripped)
            return (*spans, (start, start + len(stripped)))
        offset += len(line) + 1
    return spans


def _published(html: str, url: str | None, text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The publication date (``YYYY-MM-DD``): from the page's markup (meta tags, ``<time>``, structured
    data) by htmldate, else the dateline above the article, else htmldate's search of the whole page;
    "" when none.

    The dateline comes before htmldate's text search, which misreads the zero-padded
    ``2024年05月06日`` Chinese pages write.
    """
    from htmldate import find_date

    try:
        marked = find_date(html, original_date=True, extensive_search=False, url=url)
        if marked:
            return marked
        return dateline(text, spans[0][0] if spans else 0) or find_date(html, original_date=True, url=url) or ""
    except (ValueError, TypeError):
        return ""


def dateline(text: str, article_start: int) -> str:
    """The date on a short line among the article's first lines, else on the closest one above it.

    >>> dateline("首页\\n标题\\n2024年05月06日 08:12 来源：示例社\\n正文第一段", 32)
    '2024-05-06'
    """
    above = text[:article_start].split("\n")[-_DATELINE_REACH_LINES:]
    first = text[article_start:].split("\n", _DATELINE_FIRST_LINES)[:_DATELINE_FIRST_LINES]
    for line in [*first, *reversed(above)]:
        if len(line) <= _MAX_DATELINE_CHARS and (found := iso_date(line)):
            return found
    return ""


def iso_date(value: str) -> str:
    """``YYYY-MM-DD`` for a date written 2025-11-14, 2025/11/14, 2025.11.14 or 2025年11月14日; else ""."""
    match = _DATE.search(value or "")
    if not match:
        return ""
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return ""


def _squash_with_offsets(text: str) -> tuple[str, list[int]]:
    offsets = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in offsets), offsets
