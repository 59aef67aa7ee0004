"""Loading a corpus: article files and ``manifest.csv`` in, cleaned ``Article``s out.

A corpus is a folder (or several folders and files) of ``.txt``, ``.md`` and
``.html``/``.htm`` articles, with an optional ``manifest.csv`` in each folder
(columns ``file,source,author,title,published,script,notes``; all but ``file``
may be empty or missing). Loading one article:

1. ``decode`` the bytes: byte-order marks, UTF-16 recognised by its NUL bytes,
   strict UTF-8, then GB18030 or Big5, whichever reads as more plausible Chinese;
2. for HTML, keep the visible text only (``visible_text``);
3. ``clean`` the text line by line: boilerplate lines (patterns in
   ``core/data/boilerplate.tsv``) and repeated paragraphs are left out of the
   body, and every removal is recorded with its offsets.

``Article.text`` is never modified; the analysed body is a list of spans of it,
and ``Article.body()`` is a ``MappedText`` whose offsets lead back to ``text``.
Files that cannot be read become ``LoadProblem``s and the rest still load.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from core.fileindex import FileIndex, Stamp
from core.lexicon import DATA_DIR
from core.normalize import MappedText, converter
from core.version import default_cache_dir
from core.webpage import WebPage, iso_date, read_page
from core.webpage import visible_text as visible_text  # re-exported: the HTML text of a page

UNKNOWN_SOURCE = "未知来源"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("source", "author", "title", "published", "script", "notes")
HTML_SUFFIXES = frozenset({".html", ".htm"})
ARTICLE_SUFFIXES = frozenset({".txt", ".md"}) | HTML_SUFFIXES
SCRIPTS = ("traditional", "simplified", "mixed")
# Files above this many bytes are refused before they are read (load_corpus, load_article_bytes).
MAX_ARTICLE_BYTES = 20_000_000
# What a folder's walk says about what it does not read.
LINK_OUTSIDE = "a symbolic link leading outside the folder; not followed"
SUBFOLDER = "a subfolder; its files are not read (give it as a path of its own)"
NOT_REGULAR = "not a regular file (a pipe, socket or device); not read"
FOLDER_UNREADABLE = "the folder could not be read (no permission); its files are skipped"
# What an upload is called when its own name leaves nothing to show (".", "..", "", "/").
FALLBACK_FILE_NAME = "upload.txt"

# Lines this long are body paragraphs even when they start like a footer.
_MAX_BOILERPLATE_LINE = 400
# Shorter lines ("前言", "参考资料:") legitimately repeat and are not de-duplicated.
_MIN_DUPLICATE_CHARS = 8
_MAX_TITLE_CHARS = 60
_MAX_FILE_NAME_CHARS = 120
# A character that shows something: a file without one (whitespace, zero-width spaces) is empty.
_VISIBLE = re.compile("[^\\s\u200b\u200c\u200d\u2060\ufeff]")

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# A few GB18030 or Big5 characters can happen to be valid UTF-8; longer texts cannot.
_CHANCE_UTF8_BYTES = 256
# Otherwise-UTF-8 data may have one bad byte in this many and still be read as UTF-8, bad bytes replaced.
_BYTES_PER_TOLERATED_ERROR = 2_000
# How much more disorder (charset-normalizer's mess ratio) a declared charset may show than the guess.
_DECLARED_SLACK = 0.1
_REPLACED_RUN = re.compile("\ufffd+")
_DETECT_SAMPLE = 50_000
# What charset-normalizer may guess: the encodings Chinese text is written in.
_DETECTED_CODECS = ("utf_8", "gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "utf_16_le", "utf_16_be")
_CHARSET_SNIFF_BYTES = 4_096
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Charsets read through a superset: a GB2312/GBK page may use GB18030-only characters, a Big5 page cp950's.
_WIDER_CODEC = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "ascii": "utf_8"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# The most frequent hanzi of running text (Simplified; Traditional forms are
# added by OpenCC). Real Chinese is largely made of them; Big5 bytes read as
# GB18030, or GB bytes read as Big5, hit them only by chance.
_COMMON_HANZI = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基书非则听白却界达光放强即像难且权思王象完"
    "设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运步改收根造言"
    "联持组每济车亲极林服快办议往元英士证近失转令准布始存未远台单影具罗字击流备兵连调深商算质团集百需价"
)


class LoadError(ValueError):
    """A file that cannot become an article; the message is a sentence for the user."""


@dataclass(frozen=True, slots=True)
class Removed:
    """A line left out of the body: what kind, its text, and where it stands in ``Article.text``."""

    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, the encoding used, and how many undecodable bytes became U+FFFD."""

    text: str
    encoding: str
    replaced: int = 0


@dataclass(frozen=True, slots=True)
class Article:
    """One loaded article: metadata, the decoded text as in the file, and its body spans."""

    article_id: str
    file: str
    path: str
    source: str
    author: str
    title: str
    published: str
    script: str
    notes: str
    text: str
    encoding: str
    body_spans: tuple[tuple[int, int], ...]
    removed: tuple[Removed, ...]
    content_hash: str
    # Undecodable bytes read as U+FFFD (one damaged byte in an otherwise UTF-8 file).
    replaced_bytes: int = 0

    @property
    def collapsed_chars(self) -> int:
        """Characters left out because they repeat earlier text."""
        return sum(r.end - r.start for r in self.removed if r.kind == "duplicate")

    def body(self) -> MappedText:
        """The body spans joined with newlines, each character mapped back to ``text``.

        A joining newline maps to the character right after the previous span
        (the line break that ended it in ``text``).
        """
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        previous_end = None
        for start, end in self.body_spans:
            if previous_end is not None:
                pieces.append("\n")
                starts.append(previous_end)
                ends.append(min(previous_end + 1, len(self.text)))
            pieces.append(self.text[start:end])
            starts.extend(range(start, end))
            ends.extend(range(start + 1, end + 1))
            previous_end = end
        return MappedText("".join(pieces), self.text, tuple(starts), tuple(ends))


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file that was skipped, a manifest row without a file, or a manifest value ignored; and why."""

    file: str
    reason: str
    # A notice about an article that did load (bytes replaced in decoding), not a file skipped.
    notice: bool = False


@dataclass(frozen=True, slots=True)
class Corpus:
    """The articles that loaded, sorted by file name, and the problems met on the way."""

    articles: tuple[Article, ...]
    problems: tuple[LoadProblem, ...]


# ---------------------------------------------------------------- loading


def load_corpus(
    paths: Sequence[str | Path] = ("seeds",), *, max_bytes: int = MAX_ARTICLE_BYTES,
    cache_dir: Path | None | Literal["default"] = "default",
) -> Corpus:
    """Load every article in ``paths`` (folders, or single files), reading one file at a time.

    A file whose size, times and inode are those remembered in ``cache_dir``'s file index
    (``core.fileindex``; the default is ``default_cache_dir()``, None remembers nothing) is not
    read again: its cleaned article comes from the index.

    A folder's ``manifest.csv`` supplies metadata; rows naming files that are
    not in the folder, repeated rows and values that cannot be used are
    reported. Unreadable files, and files over ``max_bytes`` (checked from their
    size on disk, before reading), are reported and skipped.
    """
    if isinstance(paths, (str, Path)):
        paths = (paths,)
    problems: list[LoadProblem] = []
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    found: dict[Path, dict[str, str]] = {}
    for entry in map(Path, paths):
        if entry.is_dir():
            files = _folder_files(entry, problems)
            if files is None:
                continue
            manifest = _folder_manifest(entry, manifests, problems, max_bytes)
            names = {safe_file_name(p.name) for p, _ in files}
            missing = sorted(set(manifest) - names)
            problems.extend(LoadProblem(name, "listed in manifest.csv but not found") for name in missing)
            found.update((resolved, manifest.get(safe_file_name(p.name), {})) for p, resolved in files)
        elif entry.exists() and not entry.is_file():
            problems.append(LoadProblem(safe_file_name(entry.name), NOT_REGULAR))
        elif entry.is_file():
            if entry.suffix.lower() not in ARTICLE_SUFFIXES:
                problems.append(LoadProblem(safe_file_name(entry.name), "not a .txt, .md or .html file"))
                continue
            manifest = _folder_manifest(entry.parent, manifests, problems, max_bytes)
            found[entry.resolve()] = manifest.get(safe_file_name(entry.name), {})
        else:
            problems.append(LoadProblem(str(entry), "no such file or folder"))

    articles: list[Article] = []
    index = FileIndex(default_cache_dir() if cache_dir == "default" else cache_dir)
    for path in sorted(found, key=lambda p: (p.name, str(p))):
        try:
            stamp = Stamp.of(path.stat())
            _check_size(stamp.size, max_bytes)
            article = index.article(path, stamp, found[path])
            if article is None:
                article = load_article_bytes(path.name, path.read_bytes(), found[path], max_bytes=max_bytes)
                index.remember(path, stamp, found[path], article)
        except LoadError as err:
            problems.append(LoadProblem(safe_file_name(path.name), str(err)))
            continue
        except OSError as err:
            problems.append(LoadProblem(safe_file_name(path.name), f"could not read the file ({err.strerror or err})"))
            continue
        articles.append(replace(article, path=str(path)))
        if article.replaced_bytes:
            problems.append(decoding_notice(article))
    index.save()
    return Corpus(tuple(_unique_ids(articles)), tuple(problems))


def _folder_files(folder: Path, problems: list[LoadProblem]) -> list[tuple[Path, Path]] | None:
    """The article files directly in ``folder``, each as listed and resolved; None when it cannot be listed (reported).

    What is not read is said, never dropped silently: a symbolic link leading out of the folder
    (it is not followed: a corpus folder must not reach /etc/passwd), a subfolder, a pipe, socket
    or device. Other files (notes, data, the manifest) are simply not articles.
    """
    inside = folder.resolve()
    try:
        children = sorted(folder.iterdir(), key=lambda p: p.name)  # one folder: its paths sort as names
    except OSError:
        problems.append(LoadProblem(safe_file_name(folder.name) or str(folder), FOLDER_UNREADABLE))
        return None
    files = []
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            # Only a link needs resolving: any other child of the resolved folder is already where it is.
            resolved = child.resolve() if child.is_symlink() else inside / child.name
            if not resolved.is_relative_to(inside):
                problems.append(LoadProblem(safe_file_name(child.name), LINK_OUTSIDE))
                continue
            if child.is_dir():
                problems.append(LoadProblem(safe_file_name(child.name), SUBFOLDER))
            elif not child.is_file():
                if child.exists():
                    problems.append(LoadProblem(safe_file_name(child.name), NOT_REGULAR))
            elif child.suffix.lower() in ARTICLE_SUFFIXES:
                files.append((child, resolved))
        except (OSError, RuntimeError):  # a link loop, or a name that vanished meanwhile
            problems.append(LoadProblem(safe_file_name(child.name), LINK_OUTSIDE))
    return files


def load_article_bytes(
    name: str, data: bytes, meta: Mapping[str, str] | None = None, *, max_bytes: int = MAX_ARTICLE_BYTES,
    charset: str | None = None, url: str | None = None,
) -> Article:
    """One article from a file's name (any path or upload name) and bytes plus its manifest row.

    ``Article.file`` is ``safe_file_name(name)``; ``Article.path`` keeps ``name``. An HTML page
    (by suffix or content) is read by ``core.webpage.read_page``: its visible text is the article's
    ``text``, the main text trafilatura finds is the body, the rest of the page is removed text of
    kind "page", and title, source, author and date come from the page when the manifest gives none
    (a page without an article in it is read whole, as a text file).
    ``charset`` is what the server declared (it wins over the page's own ``<meta charset>``, as in browsers);
    ``url`` is where the page came from. Raises ``LoadError`` for data over ``max_bytes`` and for
    data that is not readable text.
    """
    meta = meta or {}
    file = safe_file_name(name)
    _check_size(len(data), max_bytes)
    is_html = Path(file).suffix.lower() in HTML_SUFFIXES or _looks_like_html(data[:1000].decode("latin-1"))
    decoded = decode_bytes(data, (charset or declared_charset(data)) if is_html else charset)
    text = decoded.text
    page: WebPage | None = None
    if is_html or _looks_like_html(text):
        page = read_page(text, url=url)
        text = page.text
        if _is_blank(text):
            raise LoadError("no visible text in the HTML")
        if page.body_spans:
            body_spans, removed = clean(text, page.body_spans)
            removed = _page_removed(text, page.body_spans, removed)
        else:  # no article found (a bare fragment, a list page): the visible text is read whole
            body_spans, removed = clean(text)
    elif _is_blank(text):
        raise LoadError("empty file (whitespace only)")
    else:
        body_spans, removed = clean(text)
    manifest_published = iso_date(meta.get("published", ""))
    script = (meta.get("script") or "").strip().lower()
    digest = hashlib.sha256(data)
    digest.update(b"\0published=" + manifest_published.encode())
    return Article(
        article_id=Path(file).stem or file,
        file=file,
        path=name,
        source=(meta.get("source") or "").strip() or (page.site if page else "") or UNKNOWN_SOURCE,
        author=(meta.get("author") or "").strip() or (page.author if page else ""),
        title=((meta.get("title") or "").strip() or (page.title if page else "")
               or _first_line_title(text, body_spans) or Path(file).stem),
        published=manifest_published or (iso_date(page.published) if page else "") or _footer_date(removed),
        script=script if script in SCRIPTS else detect_script(text),
        notes=(meta.get("notes") or "").strip(),
        text=text,
        encoding=decoded.encoding,
        body_spans=body_spans,
        removed=removed,
        content_hash=digest.hexdigest(),
        replaced_bytes=decoded.replaced,
    )


def _page_removed(
    text: str, page_spans: Sequence[tuple[int, int]], removed: tuple[Removed, ...]
) -> tuple[Removed, ...]:
    """``removed`` plus every line of a page outside its article (navigation, related links, footers), kind "page"."""
    cut = []
    spans = iter(page_spans)
    current = next(spans, None)
    for start, end in _content_lines(text):
        while current is not None and current[1] <= start:
            current = next(spans, None)
        if current is None or end <= current[0]:
            cut.append(Removed("page", text[start:end], start, end))
    return tuple(sorted((*removed, *cut), key=lambda r: r.start))


def decoding_notice(article: Article) -> LoadProblem:
    """The notice for an article read with undecodable bytes replaced (U+FFFD)."""
    return LoadProblem(article.file, f"{article.replaced_bytes} undecodable byte(s) replaced with U+FFFD; "
                                     f"the rest was read as {article.encoding.upper()}", notice=True)


def safe_file_name(name: str) -> str:
    """A file name fit to show and to key an article by, from any upload or path name.

    Only the last path component counts (``a/b.txt``, ``..\\..\\x.txt`` → ``b.txt``, ``x.txt``);
    control, format and line-separator characters (NUL, newline, bidi overrides) are dropped and
    surrounding spaces trimmed; a very long name is shortened keeping its suffix. A name that
    leaves nothing, or only dots, becomes ``FALLBACK_FILE_NAME``. Any other character (Chinese,
    spaces, quotes, ``;$|`` …) is kept: the name is only ever shown, never run.
    """
    last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if last.isascii() and last.isprintable():  # the usual name: nothing to drop (checked per character below)
        shown = last.strip()
    else:
        shown = "".join(ch for ch in last if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")).strip()
    if not shown.strip("."):
        return FALLBACK_FILE_NAME
    if len(shown) > _MAX_FILE_NAME_CHARS:
        suffix = Path(shown).suffix[:10]
        shown = shown[: _MAX_FILE_NAME_CHARS - len(suffix) - 1] + "…" + suffix
    return shown


def read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """``manifest.csv`` as {file name: {column: value}}, every column of ``MANIFEST_COLUMNS`` present.

    Tolerates a BOM or a GB18030/Big5 encoding, extra or missing columns, header
    case and padding, and paths in the ``file`` column (only the name counts).
    When a file is listed twice the first row wins (``manifest_notes`` reports the others).
    Raises ``LoadError`` for a manifest that is not text or has no ``file`` column.
    """
    return _read_manifest(path)[0]


def manifest_notes(path: Path) -> list[LoadProblem]:
    """What ``read_manifest`` ignored in a readable manifest: repeated rows and unreadable dates."""
    return _read_manifest(path)[1]


def _read_manifest(path: Path) -> tuple[dict[str, dict[str, str]], list[LoadProblem]]:
    text, _ = decode(Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    columns = {name: (name or "").strip().lower() for name in reader.fieldnames or ()}
    if "file" not in columns.values():
        raise LoadError("manifest.csv has no 'file' column")
    rows: dict[str, dict[str, str]] = {}
    notes: list[LoadProblem] = []
    for raw in reader:
        row = {columns[key]: (value or "").strip() for key, value in raw.items() if key is not None}
        if not row.get("file", "").strip(" ./\\"):
            continue  # a row that names no file
        name = safe_file_name(row["file"])
        line = reader.line_num
        if name in rows:
            notes.append(LoadProblem(MANIFEST_NAME, f"{name} is listed again on line {line}; "
                                                    "that row is ignored and the first one used"))
            continue
        rows[name] = {column: row.get(column, "") for column in MANIFEST_COLUMNS}
        published = rows[name]["published"]
        if published and not iso_date(published):
            notes.append(LoadProblem(MANIFEST_NAME, f"{name}: published value {published[:40]!r} on line {line} "
                                                    "is not a date; it is ignored"))
    return rows, notes


def _folder_manifest(
    folder: Path, manifests: dict[Path, dict[str, dict[str, str]]], problems: list[LoadProblem], max_bytes: int
) -> dict[str, dict[str, str]]:
    key = folder.resolve()
    if key not in manifests:
        manifests[key] = {}
        path = folder / MANIFEST_NAME
        if path.is_file():
            try:
                _check_size(path.stat().st_size, max_bytes)
                manifests[key], notes = _read_manifest(path)
                problems.extend(notes)
            except (LoadError, OSError, csv.Error) as err:
                problems.append(LoadProblem(MANIFEST_NAME, f"manifest ignored: {err}"))
    return manifests[key]


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise LoadError(f"file too large ({_size(size)} > {_size(max_bytes)} limit)")


def _is_blank(text: str) -> bool:
    return _VISIBLE.search(text) is None


def _unique_ids(articles: list[Article]) -> list[Article]:
    """Give articles that share a file stem (a.txt, a.html) ids a-2, a-3 … in order."""
    taken = Counter(a.article_id for a in articles)
    seen: set[str] = set()
    unique = []
    for article in articles:
        article_id, n = article.article_id, 1
        while article_id in seen or (n > 1 and taken[article_id]):
            n += 1
            article_id = f"{article.article_id}-{n}"
        seen.add(article_id)
        unique.append(article if article_id == article.article_id else replace(article, article_id=article_id))
    return unique


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} KB"
    return f"{n} bytes"


# ---------------------------------------------------------------- decoding


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a file's bytes to text with ``\\n`` newlines; returns (text, encoding name).

    ``decode_bytes`` without its count of replaced bytes. Raises ``LoadError`` for empty, binary
    or undecodable data.
    """
    decoded = decode_bytes(data, declared)
    return decoded.text, decoded.encoding


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded:
    """Decode bytes to text with ``\\n`` newlines, trying in this order:

    1. a byte-order mark; UTF-16 without one when the data has NUL bytes;
    2. strict UTF-8 (``"芯片"`` as 6 UTF-8 bytes);
    3. for data shorter than ``_CHANCE_UTF8_BYTES`` (a few characters, too little for a
       detector), the strict decoding among UTF-8, GB18030 and Big5 that reads most like Chinese;
    4. UTF-8 with a few bad bytes (a truncated copy, one damaged byte): each replaced by U+FFFD
       and counted in ``Decoded.replaced``;
    5. the ``declared`` charset (a page's ``<meta charset>`` or HTTP header; a few bad bytes
       replaced), unless it decodes worse than what charset-normalizer finds (a page that says
       ``utf-8`` or ``gb2312`` and is really Big5);
    6. charset-normalizer's best guess among the encodings Chinese is written in;
    7. GB18030, then Big5, with a few bad bytes replaced.

    GB2312 and GBK are read as GB18030 (their superset). Raises ``LoadError`` for empty,
    binary or undecodable data.
    """
    if not data:
        raise LoadError("empty file")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec)
            if text is None:
                raise LoadError(f"could not decode as {name.upper()} although the file starts with its byte-order mark")
            return Decoded(_as_text(text), name)
    if b"\0" in data:
        # NUL bytes are either UTF-16 (then it reads clearly as text) or binary.
        best = _most_plausible(data, ("utf-16-le", "utf-16-be"), minimum=0.25)
        if best is None or _CONTROL.search(best[0][:100_000]):
            raise LoadError("not text: looks binary (NUL bytes)")
        return Decoded(_as_text(best[0]), best[1])
    text = _strict(data, "utf-8")
    if text is not None and (len(data) >= _CHANCE_UTF8_BYTES or text.isascii()):
        return Decoded(_as_text(text), "utf-8")
    if len(data) < _CHANCE_UTF8_BYTES:
        best = _most_plausible(data, ("utf-8", "gb18030", "big5", "cp950"))
        if best is not None:
            return Decoded(_as_text(best[0]), "big5" if best[1] == "cp950" else best[1])
    nearly = _nearly(data)
    if nearly is not None:
        return Decoded(_as_text(nearly[0]), "utf-8", replaced=nearly[1])
    return _detected(data, declared)


def _nearly(data: bytes, codec: str = "utf-8") -> tuple[str, int] | None:
    """``data`` in ``codec`` with its few bad bytes replaced, and how many; None when it is not that codec.

    A damaged character counts once however many of its bytes are bad: what is tolerated is one
    damaged place in ``_BYTES_PER_TOLERATED_ERROR`` bytes, among many good multibyte characters.
    """
    text = data.decode(codec, errors="replace")
    original = data.count("\ufffd".encode())
    bad = text.count("\ufffd") - original
    places = len(_REPLACED_RUN.findall(text)) - original
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    if 0 < places <= max(1, len(data) // _BYTES_PER_TOLERATED_ERROR) and multibyte >= 4 * bad:
        return text, bad
    return None


def _detected(data: bytes, declared: str | None) -> Decoded:
    """The declared charset when it reads as well as charset-normalizer's guess, else the guess."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    guess = from_bytes(data, cp_isolation=list(_DETECTED_CODECS)).best()
    codec = _codec(declared)
    if codec is not None:
        text = _strict(data, codec)
        replaced = 0
        if text is None and (nearly := _nearly(data, codec)) is not None:
            text, replaced = nearly
        if text is not None and (guess is None or _codec(guess.encoding) == codec
                                 or mess_ratio(text[:_DETECT_SAMPLE], 1.0) <= guess.chaos + _DECLARED_SLACK):
            return Decoded(_as_text(text), _encoding_name(codec), replaced)
    if guess is None:
        # No codec reads it whole: a GB18030 or Big5 page with a damaged byte or two.
        for codec in ("gb18030", "cp950"):
            if (nearly := _nearly(data, codec)) is not None:
                return Decoded(_as_text(nearly[0]), _encoding_name(codec), nearly[1])
        raise LoadError("could not decode as UTF-8, UTF-16, GB18030 or Big5")
    codec = _codec(guess.encoding) or guess.encoding
    text = _strict(data, codec)
    return Decoded(_as_text(text if text is not None else str(guess)), _encoding_name(codec))


def _codec(name: str | None) -> str | None:
    """Python's codec for a charset label (``GB2312`` → ``gb18030``); None when unknown."""
    import codecs

    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WIDER_CODEC.get(codec, codec)


def _encoding_name(codec: str) -> str:
    return {"cp950": "big5", "utf_8": "utf-8"}.get(codec, codec.replace("_", "-"))


def declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes (``<meta charset="gbk">``), if any."""
    match = _META_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _most_plausible(data: bytes, codecs: Sequence[str], minimum: float = 0.0) -> tuple[str, str] | None:
    """The strict decoding that reads most like Chinese text (the first on a tie), if any reads like text."""
    scored = []
    for codec in codecs:
        text = _strict(data, codec)
        if text is not None:
            scored.append((_plausibility(text), codec, text))
    if not scored:
        return None
    score, codec, text = max(scored, key=lambda s: s[0])
    return (text, codec) if score >= minimum else None


def _plausibility(text: str) -> float:
    """From -1 to 1: ASCII, CJK punctuation and common hanzi count for, characters a
    wrong decoding produces (controls, kana, Hangul, rare CJK, private use) against."""
    sample = text[:20_000]
    good = bad = 0
    for ch in sample:
        o = ord(ch)
        if o < 0x80:
            if ch.isprintable() or ch in "\t\n\r\f":
                good += 1
            else:
                bad += 1
        elif ch in _common_hanzi() or 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x206F:
            good += 1
        elif (
            0x3040 <= o <= 0x30FF or 0x3130 <= o <= 0x318F or 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF
            or 0x3400 <= o <= 0x4DBF or 0xE000 <= o <= 0xF8FF or 0xF900 <= o <= 0xFAFF or 0x0370 <= o <= 0x04FF
            or 0x2500 <= o <= 0x257F or o == 0xFFFD or 0x80 <= o <= 0x9F
        ):
            bad += 1
    return (good - bad) / len(sample) if sample else 0.0


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    return frozenset(_COMMON_HANZI) | frozenset(converter("s2t").convert(_COMMON_HANZI))


def _as_text(text: str) -> str:
    """Unix newlines; reject text full of control characters (a binary file that decoded)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    sample = text[:100_000]
    if len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise LoadError("not text: looks binary (control characters)")
    return text


# ---------------------------------------------------------------- HTML


_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1000]))


# ---------------------------------------------------------------- cleaning


@dataclass(frozen=True)
class _Rules:
    kinds: tuple[str, ...]
    reach_next: tuple[bool, ...]
    # Row i is group r<i>. Patterns anchored with ^ are tried at the line start
    # only; the alternation is far slower when tried at every position.
    at_start: re.Pattern[str]
    anywhere: re.Pattern[str]


@lru_cache(maxsize=1)
def boilerplate_rules() -> _Rules:
    """``core/data/boilerplate.tsv`` compiled: row i becomes the named group ``r<i>``."""
    kinds, reach, at_start, anywhere = [], [], [], []
    path = DATA_DIR / "boilerplate.tsv"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        kind, regex, *rest = [field.strip() for field in line.split("\t")] + [""]
        try:
            re.compile(regex)
        except re.error as err:
            raise ValueError(f"{path.name} line {number}: bad pattern {regex!r}: {err}") from err
        (at_start if regex.startswith("^") else anywhere).append(f"(?P<r{len(kinds)}>{regex})")
        kinds.append(kind)
        reach.append(rest[0] == "next")
    never = "(?!)"
    return _Rules(
        tuple(kinds),
        tuple(reach),
        re.compile("|".join(at_start) or never, re.IGNORECASE),
        re.compile("|".join(anywhere) or never, re.IGNORECASE),
    )


def boilerplate_kind(line: str) -> tuple[str, bool] | None:
    """(kind, also-remove-next-line) for a boilerplate line, else None. ``line`` is stripped."""
    if len(line) > _MAX_BOILERPLATE_LINE:
        return None
    rules = boilerplate_rules()
    match = rules.at_start.match(line) or rules.anywhere.search(line)
    if match is None or match.lastgroup is None:
        return None
    i = int(match.lastgroup[1:])
    return rules.kinds[i], rules.reach_next[i]


def clean(
    text: str, within: Sequence[tuple[int, int]] | None = None
) -> tuple[tuple[tuple[int, int], ...], tuple[Removed, ...]]:
    """Split ``text`` (or only its spans ``within``) into body spans and removed lines (boilerplate, then repeats).

    Works on whole lines only. A repeated line (same text once whitespace is
    dropped, at least ``_MIN_DUPLICATE_CHARS`` long) keeps its first occurrence.
    Body spans are runs of kept lines, blank lines inside a run included (inside one of
    ``within``, when given).
    """
    spans: list[tuple[int, int]] = []
    removed: list[Removed] = []
    seen: set[str] = set()
    run: list[int] | None = None
    carry: str | None = None
    lines = ((start, end, 0) for start, end in _content_lines(text)) if within is None else _lines_within(text, within)
    group = 0
    for start, end, line_group in lines:
        if line_group != group and run is not None:
            spans.append((run[0], run[1]))
            run = None
        group = line_group
        line = text[start:end]
        found = boilerplate_kind(line)
        kind = found[0] if found else carry
        carry = found[0] if found and found[1] else None
        if kind is None:
            key = "".join(line.split())
            if len(key) >= _MIN_DUPLICATE_CHARS:
                kind = "duplicate" if key in seen else None
                seen.add(key)
        if kind is not None:
            removed.append(Removed(kind, line, start, end))
            if run is not None:
                spans.append((run[0], run[1]))
                run = None
        elif run is None:
            run = [start, end]
        else:
            run[1] = end
    if run is not None:
        spans.append((run[0], run[1]))
    return tuple(spans), tuple(removed)


def _lines_within(text: str, spans: Sequence[tuple[int, int]]):
    """(start, end, span number) of the content lines of each span, offsets into ``text``.

    A run of body lines never reaches across two spans: what stands between them is not body.
    """
    for number, (span_start, span_end) in enumerate(spans):
        for start, end in _content_lines(text[span_start:span_end]):
            yield span_start + start, span_start + end, number


def _content_lines(text: str):
    """(start, end) of each non-blank line with surrounding whitespace trimmed."""
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if stripped:
            start = match.start() + len(line) - len(line.lstrip())
            yield start, start + len(stripped)


# ---------------------------------------------------------------- metadata


def detect_script(text: str) -> str:
    """"traditional", "simplified" or "mixed", by how many characters OpenCC would convert each way.

    A character that changes under t2s is Traditional-only; one that changes
    under s2t is Simplified-only. Text with neither reads the same in both
    scripts and counts as simplified.
    """
    traditional_only, simplified_only = _script_classes()
    traditional = len(traditional_only.findall(text))
    simplified = len(simplified_only.findall(text))
    if traditional + simplified == 0:
        return "simplified"
    share = traditional / (traditional + simplified)
    if share >= 0.8:
        return "traditional"
    if share <= 0.2:
        return "simplified"
    return "mixed"


@lru_cache(maxsize=1)
def _script_classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Character classes of the Traditional-only and Simplified-only characters of the CJK block.

    Built once from OpenCC's own tables, so scanning an article is two regex passes, not
    two conversions of its text.
    """
    chars = [chr(cp) for cp in range(0x4E00, 0xA000)]
    joined = "\n".join(chars)
    as_simplified = converter("t2s").convert(joined).split("\n")
    as_traditional = converter("s2t").convert(joined).split("\n")
    if len(as_simplified) != len(chars) or len(as_traditional) != len(chars):
        as_simplified = [converter("t2s").convert(ch) for ch in chars]
        as_traditional = [converter("s2t").convert(ch) for ch in chars]
    traditional = "".join(ch for ch, s in zip(chars, as_simplified, strict=True) if s != ch)
    simplified = "".join(ch for ch, t in zip(chars, as_traditional, strict=True) if t != ch)
    return re.compile(f"[{re.escape(traditional)}]"), re.compile(f"[{re.escape(simplified)}]")


def _footer_date(removed: Sequence[Removed]) -> str:
    """The first full date on a removed timestamp line (更新时间:2025-11-14)."""
    for r in removed:
        if r.kind == "timestamp" and (date := iso_date(r.text)):
            return date
    return ""


def _first_line_title(text: str, body_spans: Sequence[tuple[int, int]]) -> str:
    """The first non-empty body line, Markdown heading marks dropped, shortened for display."""
    for start, end in body_spans:
        for line in text[start:end].split("\n"):
            title = line.strip().lstrip("#").strip().strip("*").strip()
            if title:
                return title if len(title) <= _MAX_TITLE_CHARS else title[: _MAX_TITLE_CHARS - 1] + "…"
    return ""
