"""Loading a corpus: article files and ``manifest.csv`` in, cleaned ``Article``s out.

A corpus is a folder (or several folders and files) of ``.txt``, ``.md`` and
``.html``/``.htm`` articles, with an optional ``manifest.csv`` in each folder
(columns ``file,source,author,title,published,script,notes``; all but ``file``
may be empty or missing). Loading one article:

1. ``decode`` the bytes (``core.decoding``): byte-order marks, UTF-16 recognised by its NUL bytes,
   strict UTF-8, then GB18030 or Big5, whichever reads as more plausible Chinese;
2. for HTML, keep the visible text only (``visible_text``);
3. ``clean`` the text line by line (``core.cleaning``): boilerplate lines (patterns in
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
import os
import re
import stat
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from core.cleaning import Removed, clean, page_removed
from core.cleaning import boilerplate_rules as boilerplate_rules  # re-exported: the compiled patterns
from core.decoding import Decoded as Decoded  # re-exported: what decode_bytes returns
from core.decoding import LoadError, declared_charset, decode, decode_bytes
from core.fileindex import FileIndex, Stamp
from core.normalize import MappedText, converter
from core.version import default_cache_dir
from core.webpage import WebPage, iso_date, read_page
from core.webpage import visible_text as visible_text  # re-exported: the HTML text of a page
from core.words import Reason, as_reason

UNKNOWN_SOURCE = "未知来源"
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("source", "author", "title", "published", "script", "notes")
HTML_SUFFIXES = frozenset({".html", ".htm"})
ARTICLE_SUFFIXES = frozenset({".txt", ".md"}) | HTML_SUFFIXES
SCRIPTS = ("traditional", "simplified", "mixed")
# Files above this many bytes are refused before they are read (load_corpus, load_article_bytes).
MAX_ARTICLE_BYTES = 20 * 1024 * 1024
# What a folder's walk says about what it does not read.
LINK_OUTSIDE = Reason.of("link_outside")
SUBFOLDER = Reason.of("subfolder")
NOT_REGULAR = Reason.of("not_regular")
FOLDER_UNREADABLE = Reason.of("folder_unreadable")
# What an upload is called when its own name leaves nothing to show (".", "..", "", "/").
FALLBACK_FILE_NAME = "upload.txt"

_MAX_TITLE_CHARS = 60
_MAX_FILE_NAME_CHARS = 120
# A character that shows something: a file without one (whitespace, zero-width spaces) is empty.
_VISIBLE = re.compile("[^\\s\u200b\u200c\u200d\u2060\ufeff]")


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
        if len(self.body_spans) == 1:
            start, end = self.body_spans[0]
            return MappedText(self.text[start:end], self.text, range(start, end), range(start + 1, end + 1))
        pieces: list[str] = []
        starts = array("q")
        ends = array("q")
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
        return MappedText("".join(pieces), self.text, starts, ends)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file that was skipped, a manifest row without a file, or a manifest value ignored; and why
    (a :class:`~core.words.Reason`: a code and its parameters, said by ``core.words.say``)."""

    file: str
    reason: Reason
    # A notice about an article that did load (bytes replaced in decoding), not a file skipped.
    notice: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.reason, str):  # a sentence from a stage that has no code for it (core.words.as_reason)
            object.__setattr__(self, "reason", as_reason(self.reason))


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
    index = FileIndex(default_cache_dir() if cache_dir == "default" else cache_dir)
    found = _article_files(map(Path, paths), problems, max_bytes, index)
    articles = [article for path in sorted(found, key=lambda p: (p.name, str(p)))
                if (article := _read_article(path, *found[path], index, problems, max_bytes)) is not None]
    index.save()
    return Corpus(tuple(_unique_ids(articles)), tuple(problems))


_Found = tuple[dict[str, str], os.stat_result | None]


def _article_files(
    entries: Iterable[Path], problems: list[LoadProblem], max_bytes: int, index: FileIndex
) -> dict[Path, _Found]:
    """The article files named by ``entries`` (folders or files), each with its manifest row and, when the folder
    listing gave it, its ``stat``; what cannot be an article (a subfolder, a special file, a missing path, a manifest
    row naming no file) goes to ``problems``."""
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    found: dict[Path, _Found] = {}
    for entry in entries:
        if entry.is_dir():
            files = _folder_files(entry, problems)
            if files is None:
                continue
            manifest = _folder_manifest(entry, manifests, problems, max_bytes, index)
            shown = [safe_file_name(name) for name, _, _ in files]
            missing = sorted(set(manifest).difference(shown))
            problems.extend(LoadProblem(name, Reason.of("manifest_missing_file")) for name in missing)
            found.update((resolved, (manifest.get(name, {}), info))
                         for name, (_, resolved, info) in zip(shown, files, strict=True))
        elif entry.exists() and not entry.is_file():
            problems.append(LoadProblem(safe_file_name(entry.name), NOT_REGULAR))
        elif entry.is_file():
            if entry.suffix.lower() not in ARTICLE_SUFFIXES:
                problems.append(LoadProblem(safe_file_name(entry.name), Reason.of("not_article_file")))
                continue
            manifest = _folder_manifest(entry.parent, manifests, problems, max_bytes, index)
            found[entry.resolve()] = (manifest.get(safe_file_name(entry.name), {}), None)
        else:
            problems.append(LoadProblem(str(entry), Reason.of("no_such_path")))
    return found


def _read_article(path: Path, meta: dict[str, str], info: os.stat_result | None, index: FileIndex,
                  problems: list[LoadProblem], max_bytes: int) -> Article | None:
    """The article at ``path`` (``info`` its ``stat`` when known): from the file index when the file is as last
    seen, else read and remembered; None, with the reason in ``problems``, when it cannot be read."""
    try:
        stamp = Stamp.of(info or path.stat())
        _check_size(stamp.size, max_bytes)
        article = index.article(path, stamp, meta)
        if article is None:
            article = load_article_bytes(path.name, path.read_bytes(), meta, max_bytes=max_bytes)
            index.remember(path, stamp, meta, article)
    except LoadError as err:
        problems.append(LoadProblem(safe_file_name(path.name), err.reason))
        return None
    except OSError as err:
        problems.append(LoadProblem(safe_file_name(path.name),
                                    Reason.of("unreadable_file", detail=str(err.strerror or err))))
        return None
    if article.replaced_bytes:
        problems.append(decoding_notice(article))
    return article if article.path == str(path) else replace(article, path=str(path))


def _folder_files(folder: Path, problems: list[LoadProblem]) -> list[tuple[str, Path, os.stat_result | None]] | None:
    """The article files directly in ``folder``, each as (name, resolved path, its ``stat`` unless it is a link);
    None when the folder cannot be listed (reported).

    What is not read is said, never dropped silently: a symbolic link leading out of the folder
    (it is not followed: a corpus folder must not reach /etc/passwd), a subfolder, a pipe, socket
    or device. Other files (notes, data, the manifest) are simply not articles. One ``stat`` per file:
    the listing says which entries are links, folders and files.
    """
    inside = folder.resolve()
    try:
        with os.scandir(folder) as listing:
            children = sorted(listing, key=lambda e: e.name)
    except OSError:
        problems.append(LoadProblem(safe_file_name(folder.name) or str(folder), FOLDER_UNREADABLE))
        return None
    files = []
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            # Only a link needs resolving: any other child of the resolved folder is already where it is.
            link = child.is_symlink()
            resolved = Path(child.path).resolve() if link else inside / child.name
            if link and not resolved.is_relative_to(inside):
                problems.append(LoadProblem(safe_file_name(child.name), LINK_OUTSIDE))
                continue
            if child.is_dir():
                problems.append(LoadProblem(safe_file_name(child.name), SUBFOLDER))
            elif not child.is_file():
                if os.path.exists(child.path):
                    problems.append(LoadProblem(safe_file_name(child.name), NOT_REGULAR))
            elif os.path.splitext(child.name)[1].lower() in ARTICLE_SUFFIXES:
                files.append((child.name, resolved, None if link else child.stat()))
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
    text, page, body_spans, removed = _text_and_body(decoded.text, is_html, url)
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


def _text_and_body(text: str, is_html: bool, url: str | None
                   ) -> tuple[str, WebPage | None, tuple[tuple[int, int], ...], tuple[Removed, ...]]:
    """An article's text as kept (a web page's visible text), its page, its body spans and what was removed.

    Raises ``LoadError`` when nothing readable is left."""
    if not (is_html or _looks_like_html(text)):
        if _is_blank(text):
            raise LoadError("blank")
        return (text, None, *clean(text))
    page = read_page(text, url=url)
    text = page.text
    if _is_blank(text):
        raise LoadError("no_html_text")
    if not page.body_spans:  # no article found (a bare fragment, a list page): the visible text is read whole
        return (text, page, *clean(text))
    body_spans, removed = clean(text, page.body_spans)
    return text, page, body_spans, page_removed(text, page.body_spans, removed)


def decoding_notice(article: Article) -> LoadProblem:
    """The notice for an article read with undecodable bytes replaced (U+FFFD)."""
    reason = Reason.of("replaced_bytes", count=article.replaced_bytes, encoding=article.encoding.upper())
    return LoadProblem(article.file, reason, notice=True)


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
        raise LoadError("manifest_no_file_column")
    rows: dict[str, dict[str, str]] = {}
    notes: list[LoadProblem] = []
    for raw in reader:
        row = {columns[key]: (value or "").strip() for key, value in raw.items() if key is not None}
        if not row.get("file", "").strip(" ./\\"):
            continue  # a row that names no file
        name = safe_file_name(row["file"])
        line = reader.line_num
        if name in rows:
            notes.append(LoadProblem(MANIFEST_NAME, Reason.of("manifest_repeated", file=name, line=line)))
            continue
        rows[name] = {column: row.get(column, "") for column in MANIFEST_COLUMNS}
        published = rows[name]["published"]
        if published and not iso_date(published):
            notes.append(LoadProblem(MANIFEST_NAME, Reason.of("manifest_bad_date", file=name, line=line,
                                                              value=repr(published[:40]))))
    return rows, notes


def _folder_manifest(
    folder: Path, manifests: dict[Path, dict[str, dict[str, str]]], problems: list[LoadProblem], max_bytes: int,
    index: FileIndex,
) -> dict[str, dict[str, str]]:
    """The manifest of ``folder`` (read once a load), its notes added to ``problems``; from the file index while the
    file's stamp is unchanged."""
    key = folder.resolve()
    if key not in manifests:
        manifests[key] = {}
        path = folder / MANIFEST_NAME
        try:
            info = path.stat()
        except OSError:
            return manifests[key]  # no manifest: every file's details come from the file itself
        if not stat.S_ISREG(info.st_mode):
            return manifests[key]
        try:
            stamp = Stamp.of(info)
            _check_size(stamp.size, max_bytes)
            held = index.manifest(path, stamp)
            if held is None:
                held = _read_manifest(path)
                index.remember_manifest(path, stamp, held)
            manifests[key], notes = held
            problems.extend(notes)
        except (LoadError, OSError, csv.Error) as err:
            detail = err.reason if isinstance(err, LoadError) else str(err)
            problems.append(LoadProblem(MANIFEST_NAME, Reason.of("manifest_ignored", detail=detail)))
    return manifests[key]


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise LoadError("too_large", size=_size(size), limit=_size(max_bytes))


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
    """A size as the limits are stated (binary units: the 5 MiB upload limit reads "5.0 MiB", not "5.2 MB")."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"



# ---------------------------------------------------------------- HTML


_HTML_START = re.compile(r"\s*(<!doctype\s+html|<html[\s>])", re.IGNORECASE)


def _looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:1000]))


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
