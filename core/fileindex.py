"""The file index: a loaded corpus file stays loaded while its size, times and inode stay the same.

``load_corpus`` asks the index before it reads a file. An entry is keyed by the file's name in
its folder and holds the file's :class:`Stamp` (size, ``mtime_ns``, ``ctime_ns``, inode, device),
its manifest row and the cleaned :class:`~core.corpus.Article` (content hash included), so an
unchanged corpus loads without opening a single article file. Any change to the stamp (an edit,
a ``touch``, a replaced file, a ``chmod``) or to the manifest row reads the file again.

One index per folder, at ``<cache>/fileindex/<hash of the folder path>.json``: a signature line
(:func:`core.version.sign`, so a forged or damaged index is rebuilt, never trusted), a line of JSON
holding the entries column by column (names, stamps, manifest rows, each article field) but for the
articles' texts, then the texts one after another in UTF-16 (each entry says how many characters its
text has). At 10,000 articles an entry per JSON object took 0.25 s to parse and the texts in UTF-8
0.2 s to decode; columns take 0.1 s and UTF-16, Python's own width for Chinese, 0.06 s.
An index made by other code (:func:`core.version.extractor_version`) is ignored and replaced.
The folder's ``manifest.csv`` as read (its rows and the notes on rows it ignored) is kept in the JSON line with
its stamp, so an unchanged manifest is not parsed again (10,000 rows: 0.12-0.16 s).

A file written in the last :data:`RACY_SECONDS` is not remembered: file times tick coarsely
(milliseconds), so a same-size rewrite that quick could keep its stamp. Like git's "racily clean"
entries, such a file is read again next time, until it has been quiet long enough.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from core.version import extractor_version, signed_bytes, verified_payload, write_atomically

if TYPE_CHECKING:
    from core.corpus import Article, LoadProblem

# A manifest as read: {file name: {column: value}} and the notes on rows it ignored.
Manifest = tuple[dict[str, dict[str, str]], list["LoadProblem"]]

INDEX_FOLDER = "fileindex"
RACY_SECONDS = 2.0
_FORMAT = "duizhao-fileindex-2"
_TEXT_CODEC = "utf-16-le"


@dataclass(frozen=True, slots=True)
class Stamp:
    """What the file system says about a file without opening it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, info: os.stat_result) -> Stamp:
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)

    def as_list(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ctime_ns, self.inode, self.device]


class FileIndex:
    """The index of one cache folder (or none: ``cache_dir=None`` remembers nothing)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self._folders: dict[str, _FolderIndex] = {}
        self._last: _FolderIndex | None = None

    def article(self, path: Path, stamp: Stamp, meta: Mapping[str, str]) -> Article | None:
        """The remembered article of ``path`` when its stamp and manifest row are unchanged, else None."""
        return self._folder(path).article(path, stamp, meta) if self._kept(path) else None

    def remember(self, path: Path, stamp: Stamp, meta: Mapping[str, str], article: Article) -> None:
        """Keep ``article`` for ``path`` (unless the file is too fresh to trust its stamp, or its path is
        not UTF-8: a name of undecodable bytes is read every time)."""
        if self._kept(path, stamp):
            self._folder(path).remember(path, stamp, meta, article)

    def manifest(self, path: Path, stamp: Stamp) -> Manifest | None:
        """The remembered reading of the manifest at ``path`` when its stamp is unchanged, else None."""
        return self._folder(path).manifest(stamp) if self._kept(path) else None

    def remember_manifest(self, path: Path, stamp: Stamp, manifest: Manifest) -> None:
        """Keep the reading of the manifest at ``path`` (as :meth:`remember` keeps an article)."""
        if self._kept(path, stamp):
            self._folder(path).remember_manifest(stamp, manifest)

    def _kept(self, path: Path, stamp: Stamp | None = None) -> bool:
        """Whether the index holds files like ``path``: a cache is given and the path is UTF-8; to remember one,
        also a ``stamp`` older than :data:`RACY_SECONDS`."""
        return (self.cache_dir is not None and _utf8(str(path))
                and (stamp is None or stamp.mtime_ns < time.time_ns() - int(RACY_SECONDS * 1e9)))

    def save(self) -> None:
        """Write every folder index that changed; a cache that cannot be written is left alone."""
        for folder in self._folders.values():
            folder.save()

    def _folder(self, path: Path) -> _FolderIndex:
        """The index of ``path``'s folder, found by the folder's name as text (a ``Path`` made and compared for
        each of 10,000 files cost more than the rest of the lookup)."""
        folder = os.path.dirname(str(path))
        if self._last is not None and self._last.name == folder:  # files come folder by folder, mostly
            return self._last
        if folder not in self._folders:
            assert self.cache_dir is not None
            self._folders[folder] = _FolderIndex.load(self.cache_dir, path.parent, folder)
        self._last = self._folders[folder]
        return self._last


@dataclass(slots=True)
class _FolderIndex:
    folder: Path
    file: Path
    name: str  # ``folder`` as the text the index finds it by
    saved: _Columns
    # Entries remembered since the index was read: name → {"stamp", "meta", "article"}.
    fresh: dict[str, dict] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def load(cls, cache_dir: Path, folder: Path, name: str) -> _FolderIndex:
        file = cache_dir / INDEX_FOLDER / (hashlib.sha256(str(folder).encode()).hexdigest()[:24] + ".json")
        return cls(folder, file, name, _read_columns(file, folder))

    def article(self, path: Path, stamp: Stamp, meta: Mapping[str, str]) -> Article | None:
        entry = self.fresh.get(path.name)
        if entry is None:
            at = self.saved.position.get(path.name)
            if at is None or self.saved.stamp(at) != stamp.as_list() or self.saved.metas[at] != dict(meta):
                return None
            return _article_from_json(self.saved.record(at), str(path))
        if entry["stamp"] != stamp.as_list() or entry["meta"] != dict(meta):
            return None
        return _article_from_json(entry["article"], str(path))

    def manifest(self, stamp: Stamp) -> Manifest | None:
        held = self.saved.manifest
        if held is None or held["stamp"] != stamp.as_list():
            return None
        return _manifest_from_json(held)

    def remember_manifest(self, stamp: Stamp, manifest: Manifest) -> None:
        held = _manifest_to_json(stamp, manifest)
        if held != self.saved.manifest:
            self.saved.manifest = held
            self.changed = True

    def remember(self, path: Path, stamp: Stamp, meta: Mapping[str, str], article: Article) -> None:
        entry = {"stamp": stamp.as_list(), "meta": dict(meta), "article": _article_to_json(article)}
        if (self.fresh.get(path.name) or self.saved.entry(path.name)) != entry:
            self.fresh[path.name] = entry
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        # Entries of files gone from the folder go too (one lstat each, only when something changed).
        names = [n for n in dict.fromkeys([*self.saved.names, *self.fresh]) if os.path.lexists(self.folder / n)]
        entries = [self.fresh.get(n) or self.saved.entry(n) for n in names]
        try:
            write_atomically(self.file, _columns_bytes(self.folder, names, entries, self.saved.manifest), durable=False)
        except OSError:
            return  # an unwritable cache costs speed only: the files are read again next time
        self.changed = False


@dataclass(slots=True)
class _Columns:
    """An index file's entries as it holds them, column by column; an article is put together when asked for."""

    names: list[str] = field(default_factory=list)
    stamps: list[int] = field(default_factory=list)  # five numbers an entry
    metas: list[dict] = field(default_factory=list)
    articles: dict[str, list] = field(default_factory=dict)  # article field → its value in each entry
    texts: str = ""
    offsets: list[int] = field(default_factory=lambda: [0])  # where each entry's text starts in ``texts``
    position: dict[str, int] = field(default_factory=dict)
    manifest: dict | None = None  # the folder's manifest as read: its stamp, rows column by column and notes

    def stamp(self, at: int) -> list[int]:
        return self.stamps[5 * at:5 * at + 5]

    def record(self, at: int) -> dict:
        """The article of entry ``at`` as :func:`_article_to_json` wrote it."""
        record = {name: column[at] for name, column in self.articles.items()}
        record["text"] = self.texts[self.offsets[at]:self.offsets[at + 1]]
        return record

    def entry(self, name: str) -> dict | None:
        at = self.position.get(name)
        if at is None:
            return None
        return {"stamp": self.stamp(at), "meta": self.metas[at], "article": self.record(at)}


def _columns_bytes(folder: Path, names: list[str], entries: list[dict], manifest: dict | None = None) -> bytes:
    """The signed index file of ``entries`` (named ``names``) and the folder's ``manifest``: the JSON line of
    columns, then the texts."""
    records = [entry["article"] for entry in entries]
    texts = [record["text"] for record in records]
    fields = [name for name in (records[0] if records else {}) if name != "text"]
    header = {"format": _FORMAT, "version": extractor_version(), "folder": str(folder), "names": names,
              "stamps": [number for entry in entries for number in entry["stamp"]],
              "metas": [entry["meta"] for entry in entries],
              "articles": {name: [record[name] for record in records] for name in fields},
              "lengths": [len(text) for text in texts], "manifest": manifest}
    payload = b"\n".join((json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode(),
                          "".join(texts).encode(_TEXT_CODEC, "surrogatepass")))
    return signed_bytes(payload, _FORMAT, str(folder))


def _utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: a file name of undecodable bytes holds lone surrogates."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _read_columns(file: Path, folder: Path) -> _Columns:
    """The entries of a folder's index file; none when it is missing, damaged, forged or stale."""
    try:
        data = file.read_bytes()
    except OSError:
        return _Columns()
    payload = verified_payload(data, _FORMAT, str(folder))
    if payload is None:
        return _Columns()
    try:
        # The JSON line never holds a raw line break (JSON strings escape it): the first one ends it.
        header_end = data.index(b"\n", len(data) - len(payload)) - (len(data) - len(payload))
        index = json.loads(codecs.decode(payload[:header_end], "utf-8"))
        texts = codecs.decode(payload[header_end + 1:], _TEXT_CODEC, "surrogatepass")
        columns = _Columns(index["names"], index["stamps"], index["metas"], index["articles"], texts,
                           list(accumulate(index["lengths"], initial=0)))
    except (ValueError, KeyError, TypeError):
        return _Columns()
    count = len(columns.names)
    if (index.get("version") != extractor_version() or index.get("folder") != str(folder)
            or len(columns.stamps) != 5 * count or len(columns.metas) != count or len(columns.offsets) != count + 1
            or columns.offsets[-1] != len(texts) or any(len(c) != count for c in columns.articles.values())):
        return _Columns()
    columns.position = dict(zip(columns.names, range(count), strict=True))
    columns.manifest = index.get("manifest")
    return columns


def _article_to_json(article: Article) -> dict:
    record = {f.name: getattr(article, f.name) for f in fields(article)}
    record["removed"] = [[r.kind, r.text, r.start, r.end] for r in article.removed]
    del record["path"]  # where the file is now, not where it was remembered
    return record


def _article_from_json(record: dict, path: str) -> Article:
    from core.corpus import Article, Removed

    return Article(**{
        **record,
        "path": path,
        # The index is signed: its values are as this code wrote them (JSON gives lists where tuples were).
        "body_spans": tuple(map(tuple, record["body_spans"])),
        "removed": tuple(Removed(*r) for r in record["removed"]) if record["removed"] else (),
    })


def _manifest_to_json(stamp: Stamp, manifest: Manifest) -> dict:
    rows, notes = manifest
    names = list(rows)
    columns = {column: [rows[name].get(column, "") for name in names] for column in next(iter(rows.values()), {})}
    return {"stamp": stamp.as_list(), "names": names, "columns": columns,
            "notes": [[note.file, note.reason.as_json(), note.notice] for note in notes]}


def _manifest_from_json(held: dict) -> Manifest:
    from core.corpus import LoadProblem
    from core.words import Reason

    columns = held["columns"]
    rows = {name: {column: values[at] for column, values in columns.items()} for at, name in enumerate(held["names"])}
    return rows, [LoadProblem(file, Reason.from_json(reason), notice) for file, reason, notice in held["notes"]]
