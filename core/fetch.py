"""Fetching news pages and feeds into a corpus folder, politely and without becoming a proxy.

``Fetcher.fetch(url)`` is the one way the project reads the web (the command line and the dashboard
both use it):

- only ``http``/``https``; the host is resolved and every address it resolves to must be a public
  one (no loopback, private, link-local, cloud-metadata, shared or reserved range), checked again
  after each redirect, and the connection is made to the checked address (no second lookup that a
  rebinding DNS server could answer differently);
- a timeout on every socket operation and a deadline for the whole fetch, a size cap (by default
  the dashboard's upload limit), a content-type check, a User-Agent naming the project, at most
  ``max_redirects`` redirects, a delay between two requests to the same host;
- an on-disk cache (``<cache>/fetch/``): a URL fetched once is read from disk afterwards.

A link that cannot be fetched raises ``FetchRefused`` with a code and parameters; ``core.words``
says it in the reader's language. ``save_pages`` writes fetched pages and their ``manifest.csv`` rows
into a folder ``python -m core extract`` reads; ``feed_links`` lists the article links of an RSS or
Atom feed (feedparser).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core.corpus import MANIFEST_COLUMNS, MANIFEST_NAME, LoadError, load_article_bytes
from core.version import write_atomically

USER_AGENT = "Duizhao/1.0 (news corpus reader; +https://github.com/duizhao)"
# The dashboard's upload limit (.streamlit/config.toml maxUploadSize = 5 MiB): a page is no bigger.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_TIMEOUT = 15.0
DEFAULT_DEADLINE = 30.0
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_HOST_DELAY = 1.0
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml",
              "application/rdf+xml", "application/feed+json")
FETCH_MANIFEST_COLUMNS = ("file", *MANIFEST_COLUMNS, "url", "fetched")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_SLUG = re.compile(r"[^A-Za-z0-9.-]+")
_MAX_URL_CHARS = 2_000
# Networks let through the address check by every Fetcher: empty, and set only by tests (a loopback server).
ALLOWED_FOR_TESTS: tuple[str, ...] = ()


class FetchRefused(Exception):
    """A link not fetched: ``code`` says why, ``params`` fill the sentence (see ``core.words.refusal``)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        from core.words import refusal

        return refusal(self.code, "en", **self.params)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched page: the URL asked for and the one answered after redirects, its bytes and type."""

    url: str
    final_url: str
    content_type: str
    charset: str | None
    data: bytes
    fetched: str
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """A link that was not fetched or not read, and why (a ``FetchRefused`` code and its parameters)."""

    url: str
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class Fetcher:
    """The guarded, polite HTTP client. ``allow`` lists networks let through the address check (tests only).

    ``sleep`` and ``clock`` are injectable so a test can see the per-host delay without timing anything.
    """

    cache_dir: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    host_delay: float = field(default_factory=lambda: DEFAULT_HOST_DELAY)
    allow: tuple[str, ...] = field(default_factory=lambda: ALLOWED_FOR_TESTS)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    resolve: Callable[[str, int], Sequence[str]] | None = None
    _last_request: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    def fetch(self, url: str, accept: Sequence[str] = PAGE_TYPES) -> Fetched:
        """The page at ``url`` (from the cache when fetched before); raises ``FetchRefused``."""
        url = url.strip()
        _check_scheme(url)
        cached = self._cached(url)
        if cached is not None:
            return cached
        started = self.clock()
        current = url
        for _ in range(self.max_redirects + 1):
            status, headers, data = self._get(current, accept, started)
            if status in _REDIRECTS:
                location = headers.get("location")
                if not location:
                    raise FetchRefused("http_status", status=status)
                current = urljoin(current, location.strip())
                _check_scheme(current)
                continue
            content_type = headers.get("content-type", "")
            match = _CHARSET.search(content_type)
            fetched = Fetched(url, current, content_type.split(";")[0].strip().lower(),
                              match.group(1) if match else None, data,
                              dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())
            self._store(fetched)
            return fetched
        raise FetchRefused("too_many_redirects", limit=self.max_redirects)

    def _get(self, url: str, accept: Sequence[str], started: float) -> tuple[int, dict[str, str], bytes]:
        """One GET without following redirects: (status, lower-cased headers, body of a 200)."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(host, port)
        self._wait_for(host)
        connection = _PinnedHTTPS(host, port, address, self.timeout) if parts.scheme == "https" \
            else _PinnedHTTP(host, port, address, self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("GET", path, headers={
                "User-Agent": USER_AGENT, "Accept": ", ".join(accept) + ", */*;q=0.1",
                "Accept-Encoding": "identity", "Connection": "close"})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            if response.status in _REDIRECTS:
                return response.status, headers, b""
            if response.status != 200:
                raise FetchRefused("http_status", status=response.status)
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            if kind and kind not in accept:
                raise FetchRefused("content_type", type=kind)
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_bytes:
                raise FetchRefused("too_large", limit=self.max_bytes)
            return response.status, headers, self._read_capped(response, started)
        except TimeoutError:
            raise FetchRefused("timeout", seconds=self.timeout) from None
        except ssl.SSLError as err:
            raise FetchRefused("tls", detail=err.reason or "handshake failed") from None
        except (OSError, http.client.HTTPException) as err:
            raise FetchRefused("connection", detail=type(err).__name__) from None
        finally:
            connection.close()
            self._last_request[host] = self.clock()

    def _read_capped(self, response: http.client.HTTPResponse, started: float) -> bytes:
        body = bytearray()
        while chunk := response.read1(_CHUNK):  # one socket read at a time: the deadline is checked between
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchRefused("too_large", limit=self.max_bytes)
            if self.clock() - started > self.deadline:
                raise FetchRefused("timeout", seconds=self.deadline)
        return bytes(body)

    def _checked_address(self, host: str, port: int) -> str:
        """The first address ``host`` resolves to, once every one of them is allowed."""
        if not host:
            raise FetchRefused("bad_url")
        try:
            addresses = list(self.resolve(host, port) if self.resolve else _resolve(host, port))
        except (OSError, UnicodeError):
            raise FetchRefused("dns", host=host) from None
        if not addresses:
            raise FetchRefused("dns", host=host)
        for address in addresses:
            if not address_allowed(address, self.allow):
                raise FetchRefused("blocked_address", host=host, address=address)
        return addresses[0]

    def _wait_for(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.host_delay - self.clock()
            if wait > 0:
                self.sleep(wait)

    def _cache_paths(self, url: str) -> tuple[Path, Path] | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(url.encode()).hexdigest()
        folder = Path(self.cache_dir) / "fetch"
        return folder / f"{key}.bin", folder / f"{key}.json"

    def _cached(self, url: str) -> Fetched | None:
        paths = self._cache_paths(url)
        if paths is None:
            return None
        try:
            meta = json.loads(paths[1].read_text(encoding="utf-8"))
            data = paths[0].read_bytes()
            if meta.get("url") != url or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
                return None
            return Fetched(url, meta["final_url"], meta["content_type"], meta.get("charset"), data,
                           meta["fetched"], from_cache=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _store(self, fetched: Fetched) -> None:
        paths = self._cache_paths(fetched.url)
        if paths is None:
            return
        paths[0].parent.mkdir(parents=True, exist_ok=True)
        write_atomically(paths[0], fetched.data, durable=False)
        meta = {"url": fetched.url, "final_url": fetched.final_url, "content_type": fetched.content_type,
                "charset": fetched.charset, "fetched": fetched.fetched,
                "sha256": hashlib.sha256(fetched.data).hexdigest()}
        write_atomically(paths[1], json.dumps(meta).encode(), durable=False)


def address_allowed(address: str, allow: Iterable[str] = ()) -> bool:
    """Whether a resolved address may be fetched: a public (global) unicast one, or one in ``allow``.

    >>> [address_allowed(a) for a in ("93.184.216.34", "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1")]
    [True, False, False, False, False]
    """
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in ipaddress.ip_network(network, strict=False) for network in allow):
        return True
    return ip.is_global and not ip.is_multicast and not ip.is_reserved


def is_url(text: str) -> bool:
    """Whether a command-line argument is a link rather than a path (``http://`` or ``https://``)."""
    return bool(re.match(r"https?://", text.strip(), re.IGNORECASE))


def feed_links(data: bytes) -> list[str]:
    """The article links of an RSS or Atom feed, in feed order, without repeats."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data))
    if parsed.bozo and not parsed.entries:
        raise FetchRefused("not_a_feed")
    links = [entry.get("link", "").strip() for entry in parsed.entries]
    return list(dict.fromkeys(link for link in links if link))


def fetch_links(
    fetcher: Fetcher, urls: Iterable[str], feeds: Iterable[str] = ()
) -> tuple[list[Fetched], list[Refusal]]:
    """Every page of ``urls`` and of the feeds' entries, one at a time; what could not be fetched, and why.

    A refused link or feed is recorded and the batch goes on.
    """
    pages: list[Fetched] = []
    refused: list[Refusal] = []
    todo = list(dict.fromkeys(u.strip() for u in urls if u.strip()))
    for feed in feeds:
        try:
            todo.extend(link for link in feed_links(fetcher.fetch(feed, FEED_TYPES).data) if link not in todo)
        except FetchRefused as err:
            refused.append(Refusal(feed, err.code, err.params))
    for url in todo:
        if len(url) > _MAX_URL_CHARS:
            refused.append(Refusal(url[:80] + "…", "bad_url"))
            continue
        try:
            pages.append(fetcher.fetch(url))
        except FetchRefused as err:
            refused.append(Refusal(url, err.code, err.params))
    return pages, refused


def page_file_name(url: str, content_type: str = "text/html") -> str:
    """A stable file name for a fetched page: host, last path word, a short hash of the URL, and the
    suffix of its content type (``.txt`` for ``text/plain``, ``.md`` for Markdown, else ``.html``).

    >>> page_file_name("https://news.example.cn/world/2025/chips.html?from=rss")
    'news.example.cn-chips-2cd89021.html'
    """
    parts = urlsplit(url)
    stem = Path(parts.path).stem or "index"
    slug = _SLUG.sub("-", f"{parts.hostname or 'page'}-{stem}").strip("-.")[:80]
    suffix = {"text/plain": ".txt", "text/markdown": ".md"}.get(content_type, ".html")
    return f"{slug}-{hashlib.sha256(url.encode()).hexdigest()[:8]}{suffix}"


def save_pages(pages: Sequence[Fetched], into: Path) -> tuple[list[Path], list[Refusal]]:
    """Each page's original bytes into ``into`` and a row for it in ``into/manifest.csv``.

    The row holds the URL, the fetch time and the source, title, author and date read from the
    page, so the folder reads the same later. Rows of pages already in the manifest are replaced,
    other rows kept. A page that is not a readable article is refused (and not saved).
    """
    into.mkdir(parents=True, exist_ok=True)
    manifest = into / MANIFEST_NAME
    rows = _manifest_rows(manifest)
    saved: list[Path] = []
    refused: list[Refusal] = []
    for page in pages:
        name = page_file_name(page.url, page.content_type)
        try:
            article = load_article_bytes(name, page.data, max_bytes=max(len(page.data), 1),
                                         charset=page.charset, url=page.final_url)
        except LoadError as err:
            refused.append(Refusal(page.url, "unreadable", {"detail": err.reason}))
            continue
        write_atomically(into / name, page.data)
        rows[name] = {"file": name, "source": article.source, "author": article.author, "title": article.title,
                      "published": article.published, "script": "", "notes": "", "url": page.final_url,
                      "fetched": page.fetched}
        saved.append(into / name)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FETCH_MANIFEST_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows.values())
    write_atomically(manifest, buffer.getvalue().encode("utf-8"))
    return saved, refused


def _manifest_rows(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle) if row.get("file")}


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchRefused("scheme", scheme=parts.scheme or "-")
    if not parts.hostname:
        raise FetchRefused("bad_url")


def _resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, with the URL's host in the Host header."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is verified for the URL's host."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
