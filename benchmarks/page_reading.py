"""Pages per second reading saved web pages, and the fetch client against a loopback server.

    python benchmarks/page_reading.py [--pages 300] [--kb 100]

Builds N synthetic news pages of about K KB each (the test page's shape: nav, article, a long
sidebar of numbered headlines, related links, scripts, an ICP footer; every page's article differs),
times ``load_corpus`` on them (decode, trafilatura, htmldate, cleaning), then fetches 20 pages from two
hosts of a loopback server with the default per-host delay and reports the waits.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from core.corpus import load_corpus  # noqa: E402
from core.fetch import Fetcher  # noqa: E402

PAGE = (Path(__file__).parents[1] / "tests" / "fixtures" / "pages" / "news_page.html").read_text(encoding="utf-8")
WORDS = ("美国 商务部 芯片 出口 管制 稀土 供应链 企业 市场 价格 "
         "同比 增长 下降 海关 数据 分析 人士 认为 政策 调整").split()


def synthetic_page(i: int, kilobytes: int, rng: random.Random) -> str:
    article = "".join(f"<p>{''.join(rng.choices(WORDS, k=40))}，第{i}篇第{n}段的数字为{rng.randint(1, 999)}亿元。</p>"
                      for n in range(12))
    page = PAGE.replace('<div class="content" id="content">', f'<div class="content" id="content">{article}', 1)
    items: list[str] = []
    size = len(page.encode())
    while size < kilobytes * 1024:
        items.append(f'<li><a href="/n/{rng.randint(1, 10**6)}.html">{"".join(rng.choices(WORDS, k=6))}'
                     f"{rng.randint(1, 99)}%</a></li>")
        size += len(items[-1].encode())
    script = "<script>var data = [" + ",".join(str(rng.random()) for _ in range(200)) + "];</script>"
    return page.replace('<div class="footer">', f'<div class="more"><ul>{"".join(items)}</ul></div>{script}'
                        '<div class="footer">', 1)


def time_reading(pages: int, kilobytes: int) -> None:
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as folder:
        sizes = []
        for i in range(pages):
            data = synthetic_page(i, kilobytes, rng).encode()
            sizes.append(len(data))
            Path(folder, f"page{i:04d}.html").write_bytes(data)
        started, cpu = time.perf_counter(), time.process_time()
        corpus = load_corpus([folder])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    body = sum(len(a.body().text) for a in corpus.articles) / len(corpus.articles)
    print(f"{len(corpus.articles)} pages of {sum(sizes) / len(sizes) / 1024:.0f} KB on average read in {seconds:.1f} s:"
          f" {len(corpus.articles) / seconds:.1f} pages/s ({len(corpus.articles) / cpu:.1f} per CPU second);"
          f" body {body:.0f} characters a page")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def time_fetching(count: int = 20) -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    client = Fetcher(cache_dir=None, allow=("127.0.0.0/8",), sleep=sleep, resolve=lambda host, port: ["127.0.0.1"])
    hosts = ("news.test", "feeds.test")  # two host names, both answered by the loopback server
    started = time.perf_counter()
    for i in range(count):
        client.fetch(f"http://{hosts[i % 2]}:{port}/news/{i}.html")
    seconds = time.perf_counter() - started
    httpd.shutdown()
    print(f"{count} fetches from {len(hosts)} hosts, one at a time, per-host delay {client.host_delay:.1f} s: "
          f"{seconds:.1f} s, {len(waits)} waits of {min(waits):.2f}-{max(waits):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--kb", type=int, default=100)
    args = parser.parse_args()
    time_reading(args.pages, args.kb)
    time_fetching()


if __name__ == "__main__":
    main()
