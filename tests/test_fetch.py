"""Tests for core/fetch.py and ``python -m core fetch``: a loopback server, never the internet.

The server serves pages written for these tests (tests/fixtures/pages/news_page.html and variants):
UTF-8 and GBK, a redirect, a redirect loop, a 404, a huge response, an image and an RSS feed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import core.fetch
from core.__main__ import main
from core.corpus import load_corpus, read_manifest
from core.fetch import (
    FEED_TYPES,
    Fetcher,
    FetchRefused,
    address_allowed,
    feed_links,
    fetch_links,
    save_pages,
)
from core.words import REFUSALS, refusal

PAGE = (Path(__file__).parent / "fixtures" / "pages" / "news_page.html").read_bytes()
GBK_PAGE = PAGE.decode().replace('<meta charset="utf-8">', '<meta charset="gbk">').encode("gbk")
LOOPBACK = ("127.0.0.0/8",)
HUGE_BYTES = 200_000


def feed(base: str) -> bytes:
    items = "".join(
        f"<item><title>条目{i}</title><link>{base}{path}</link>"
        "<pubDate>Tue, 18 Mar 2025 09:32:00 +0800</pubDate></item>"
        for i, path in enumerate(("/news/a.html", "/news/gbk.html", "/missing")))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>示例财经网</title>'
            f"<link>{base}/</link><description>要闻</description>{items}</channel></rss>").encode()


class Handler(BaseHTTPRequestHandler):
    hits: Counter = Counter()
    agents: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        Handler.hits[self.path] += 1
        Handler.agents.append(self.headers.get("User-Agent", ""))
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        routes = {
            "/news/a.html": (200, "text/html; charset=utf-8", PAGE),
            "/news/b.html": (200, "text/html; charset=utf-8", PAGE.replace("林晓".encode(), "王某".encode())),
            "/news/gbk.html": (200, "text/html; charset=GBK", GBK_PAGE),
            "/news/wrong.html": (200, "text/html; charset=utf-8", GBK_PAGE),
            "/image.png": (200, "image/png", b"\x89PNG\r\n\x1a\n" + bytes(100)),
            "/plain": (200, "text/plain; charset=utf-8", "第一行正文。\n第二行正文。\n".encode()),
            "/huge": (200, "text/html", b"<html><body>" + "很长".encode() * (HUGE_BYTES // 6) + b"</body></html>"),
            "/feed.xml": (200, "application/rss+xml", feed(base)),
        }
        if self.path == "/old":
            self._redirect("/news/a.html")
        elif self.path == "/loop":
            self._redirect("/loop")
        elif self.path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif self.path in routes:
            status, kind, body = routes[self.path]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if self.path != "/huge":  # streamed without a length: the cap must hold while reading
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetcher(tmp_path: Path, **options) -> Fetcher:
    options.setdefault("host_delay", 0.0)
    return Fetcher(cache_dir=tmp_path / "cache", allow=LOOPBACK, **options)


def refused_code(client: Fetcher, url: str, accept=core.fetch.PAGE_TYPES) -> str:
    with pytest.raises(FetchRefused) as caught:
        client.fetch(url, accept)
    return caught.value.code


# ---------------------------------------------------------------- the guard


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254",
    "fe80::1", "fd00:ec2::254", "100.64.0.1", "0.0.0.0", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "224.0.0.1",
    "240.0.0.1", "not-an-address",
])
def test_internal_and_reserved_addresses_are_refused(address):
    assert not address_allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::6810:85e5", "::ffff:93.184.216.34"])
def test_public_addresses_are_allowed(address):
    assert address_allowed(address)


def test_allow_lets_a_test_network_through():
    assert address_allowed("127.0.0.1", LOOPBACK) and not address_allowed("10.0.0.1", LOOPBACK)


def test_a_host_resolving_to_a_private_address_is_refused_before_connecting(tmp_path):
    client = Fetcher(cache_dir=None, resolve=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(FetchRefused) as caught:
        client.fetch("http://news.example.test/a.html")
    assert (caught.value.code, caught.value.params) == (
        "blocked_address", {"host": "news.example.test", "address": "10.0.0.7"})


def test_loopback_is_refused_by_default(server, tmp_path):
    before = sum(Handler.hits.values())
    assert refused_code(Fetcher(cache_dir=None), server + "/news/a.html") == "blocked_address"
    assert sum(Handler.hits.values()) == before  # refused before any request


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a", "gopher://x/", "javascript:alert(1)",
                                 "http:///nohost"])
def test_only_http_and_https_links(url):
    assert refused_code(Fetcher(cache_dir=None), url) in ("scheme", "bad_url")


def test_a_redirect_to_an_internal_address_is_refused(server, tmp_path):
    assert refused_code(fetcher(tmp_path), server + "/to-metadata") == "blocked_address"


# ---------------------------------------------------------------- the client


def test_fetch_saves_original_bytes_and_follows_redirects(server, tmp_path):
    page = fetcher(tmp_path).fetch(server + "/old")
    assert (page.data, page.final_url, page.content_type, page.charset) == (
        PAGE, server + "/news/a.html", "text/html", "utf-8")
    assert Handler.agents[-1].startswith("Duizhao/")


@pytest.mark.parametrize(("path", "code"), [
    ("/missing", "http_status"), ("/loop", "too_many_redirects"), ("/image.png", "content_type"),
    ("/huge", "too_large"),
])
def test_refused_responses_say_why(server, tmp_path, path, code):
    assert refused_code(fetcher(tmp_path, max_bytes=HUGE_BYTES // 2), server + path) == code


def test_a_url_is_fetched_once_then_read_from_the_cache(server, tmp_path):
    before = Handler.hits["/news/b.html"]
    first = fetcher(tmp_path).fetch(server + "/news/b.html")
    second = fetcher(tmp_path).fetch(server + "/news/b.html")
    assert (first.from_cache, second.from_cache, second.data) == (False, True, first.data)
    assert Handler.hits["/news/b.html"] == before + 1


def test_per_host_delay_is_waited_between_requests(server, tmp_path):
    waits: list[float] = []
    client = Fetcher(cache_dir=None, allow=LOOPBACK, host_delay=5.0, sleep=waits.append)
    for path in ("/news/a.html", "/news/b.html", "/news/gbk.html"):
        client.fetch(server + path)
    assert len(waits) == 2 and all(0 < w <= 5.0 for w in waits)


def test_a_batch_goes_on_after_refusals(server, tmp_path):
    urls = [server + "/missing", "file:///etc/passwd", server + "/news/a.html", server + "/image.png"]
    pages, refused = fetch_links(fetcher(tmp_path), urls)
    assert [p.url for p in pages] == [server + "/news/a.html"]
    assert [r.code for r in refused] == ["http_status", "scheme", "content_type"]


def test_refusals_read_in_both_languages():
    assert refusal("http_status", "zh", status=404) == "服务器返回 HTTP 404"
    assert refusal("blocked_address", "en", host="h", address="10.0.0.1") == (
        "h resolves to an internal or reserved address (10.0.0.1); not fetched")



def test_every_refusal_has_the_same_fields_in_both_languages():
    fields = re.compile(r"\{(\w+)\}")
    for code, (zh, en) in REFUSALS.items():
        assert sorted(fields.findall(zh)) == sorted(fields.findall(en)), code


# ---------------------------------------------------------------- feeds and the corpus folder


def test_feed_links_in_order(server, tmp_path):
    data = fetcher(tmp_path).fetch(server + "/feed.xml", FEED_TYPES).data
    assert feed_links(data) == [server + "/news/a.html", server + "/news/gbk.html", server + "/missing"]


def test_not_a_feed_is_refused():
    with pytest.raises(FetchRefused, match="not_a_feed|feed"):
        feed_links(b"\x00\x01 not xml at all <<<")


def test_saved_page_link_and_feed_give_the_same_article(server, tmp_path):
    browser = tmp_path / "saved"
    browser.mkdir()
    (browser / "page.html").write_bytes(PAGE)
    pages, _ = fetch_links(fetcher(tmp_path), [server + "/news/a.html"])
    save_pages(pages, tmp_path / "linked")
    pages, refused = fetch_links(fetcher(tmp_path), [], feeds=[server + "/feed.xml"])
    save_pages(pages, tmp_path / "fed")
    assert [r.code for r in refused] == ["http_status"]
    rows = []
    for folder in ("saved", "linked", "fed"):
        article = next(a for a in load_corpus([tmp_path / folder]).articles if "gbk" not in a.file)
        rows.append((article.title, article.source, article.author, article.published, article.body().text))
    assert rows[0] == rows[1] == rows[2]
    assert rows[0][:4] == ("稀土出口管制新规落地 多家企业调整供应链", "示例财经网", "林晓", "2025-03-18")


def test_manifest_rows_name_url_and_fetch_time(server, tmp_path):
    pages, _ = fetch_links(fetcher(tmp_path), [server + "/news/gbk.html"])
    saved, _ = save_pages(pages, tmp_path / "corpus")
    assert saved[0].read_bytes() == GBK_PAGE
    text = (tmp_path / "corpus" / "manifest.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "file,source,author,title,published,script,notes,url,fetched"
    assert server + "/news/gbk.html" in text
    row = read_manifest(tmp_path / "corpus" / "manifest.csv")[saved[0].name]
    assert (row["source"], row["published"]) == ("示例财经网", "2025-03-18")


# ---------------------------------------------------------------- command line


@pytest.fixture
def loopback_allowed(monkeypatch):
    monkeypatch.setattr(core.fetch, "ALLOWED_FOR_TESTS", LOOPBACK)
    monkeypatch.setattr(core.fetch, "DEFAULT_HOST_DELAY", 0.0)


def test_cli_fetch_then_extract_writes_texts(server, tmp_path, loopback_allowed, capsys):
    links = tmp_path / "urls.txt"
    links.write_text(f"# a comment\n{server}/news/wrong.html\n{server}/missing\n", encoding="utf-8")
    corpus = tmp_path / "corpus"
    cache = str(tmp_path / "cache")
    assert main(["fetch", server + "/news/a.html", "--from", str(links), "--into", str(corpus),
                 "--cache-dir", cache, "--lang", "zh"]) == 0
    assert "服务器返回 HTTP 404" in capsys.readouterr().err
    assert len(list(corpus.glob("*.html"))) == 2
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "--out", str(out), "--cache-dir", cache, "--jobs", "1"]) == 0
    texts = sorted(p.read_text(encoding="utf-8") for p in (out / "texts").glob("*.txt"))
    assert len(texts) == 2 and texts[0] == texts[1]
    assert texts[0].startswith("本报北京3月18日电") and "京ICP备" not in texts[0]


def test_cli_extract_accepts_links(server, tmp_path, loopback_allowed, capsys):
    out = tmp_path / "out"
    assert main(["extract", server + "/news/a.html", server + "/image.png", "--out", str(out),
                 "--cache-dir", str(tmp_path / "cache"), "--jobs", "1"]) == 0
    assert "refused " + server + "/image.png" in capsys.readouterr().err
    articles = (out / "articles.csv").read_text(encoding="utf-8-sig")
    assert "示例财经网" in articles and "稀土出口管制新规落地" in articles


def test_dashboard_add_by_link_gives_the_same_article(server, tmp_path, loopback_allowed, monkeypatch):
    from ui.session import fetch_for_upload
    from ui.uploads import load_uploads

    monkeypatch.setenv("DUIZHAO_CACHE", str(tmp_path / "cache"))
    fetched, messages = fetch_for_upload(f"{server}/news/a.html\n\nftp://example.com/x\n{server}/image.png", "zh")
    assert messages == ["ftp://example.com/x：只接受 http 或 https 链接（此链接为 ftp）",
                        f"{server}/image.png：内容类型 image/png 不是网页或订阅源"]
    loaded, problems = load_uploads(fetched)
    (tmp_path / "saved").mkdir()
    (tmp_path / "saved" / "page.html").write_bytes(PAGE)
    saved = load_corpus([tmp_path / "saved"]).articles[0]
    article = loaded[0][0]
    assert (article.title, article.source, article.published, article.body().text) == (
        saved.title, saved.source, saved.published, saved.body().text)
    assert not problems


def test_a_plain_text_link_is_saved_and_read_as_text(server, tmp_path):
    pages, _ = fetch_links(fetcher(tmp_path), [server + "/plain"])
    saved, _ = save_pages(pages, tmp_path / "corpus")
    assert saved[0].suffix == ".txt"
    assert load_corpus([tmp_path / "corpus"]).articles[0].body().text == "第一行正文。\n第二行正文。"


def test_a_response_that_takes_too_long_is_cut_off(server, tmp_path):
    ticks = iter(range(1_000))  # a clock that advances one second each time it is read
    client = fetcher(tmp_path, deadline=3.0, clock=lambda: float(next(ticks)))
    assert refused_code(client, server + "/huge") == "timeout"


def test_cli_fetch_a_feed(server, tmp_path, loopback_allowed, capsys):
    corpus = tmp_path / "corpus"
    assert main(["fetch", "--feed", server + "/feed.xml", "--into", str(corpus),
                 "--cache-dir", str(tmp_path / "cache")]) == 0
    err = capsys.readouterr().err
    assert f"refused {server}/missing: the server answered HTTP 404" in err and "2 pages saved" in err
    titles = {a.title for a in load_corpus([corpus]).articles}
    assert titles == {"稀土出口管制新规落地 多家企业调整供应链"}


def test_cli_fetch_without_links_says_so(tmp_path, capsys):
    assert main(["fetch", "--into", str(tmp_path / "corpus")]) == 1
    assert "no links given" in capsys.readouterr().err
