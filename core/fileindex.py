"""The file index: a loaded corpus file stays loaded while its size, times and inode stay the same.

``load_corpus`` asks the index before it reads a file. An entry is keyed by the file's name in
its folder and holds the file's :class:`Stamp` (size, ``mtime_ns``, ``ctime_ns``, inode, device),
its manifest row and the cleaned :class:`~core.corpus.Article` (content hash included), so an
unchanged corpus loads without opening a single article file. Any change to the stamp (an edit,
a ``touch``, a replaced file, a ``chmod``) or to the manifest row reads the file again.

One index per folder, at ``<cache>/fileindex/<hash of the folder path>.json``: a signature line
(:func:`core.version.sign`, so a forged or damaged index is rebuilt, never trusted) then JSON.
An index made by other code (:func:`core.version.extractor_version`) is ignored and replaced.

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
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from core.version import extractor_version, signed_bytes, verified_payload, write_atomically

if TYPE_CHECKING:
    from core.corpus import Article

INDEX_FOLDER = "fileindex"
RACY_SECONDS = 2.0
_FORMAT = "duizhao-fileindex-1"


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
        self._folders: dict[Path, _FolderIndex] = {}
        self._last: _FolderIndex | None = None

    def article(self, path: Path, stamp: Stamp, meta: Mapping[str, str]) -> Article | None:
        """The remembered article of ``path`` when its stamp and manifest row are unchanged, else None."""
        if self.cache_dir is None or not _utf8(str(path)):
            return None
        return self._folder(path.parent).article(path, stamp, meta)

    def remember(self, path: Path, stamp: Stamp, meta: Mapping[str, str], article: Article) -> None:
        """Keep ``article`` for ``path`` (unless the file is too fresh to trust its stamp, or its path is
        not UTF-8: a name of undecodable bytes is read every time)."""
        if (self.cache_dir is not None and stamp.mtime_ns < time.time_ns() - int(RACY_SECONDS * 1e9)
                and _utf8(str(path))):
            self._folder(path.parent).remember(path, stamp, meta, article)

    def save(self) -> None:
        """Write every folder index that changed; a cache that cannot be written is left alone."""
        for folder in self._folders.values():
            folder.save()

    def _folder(self, folder: Path) -> _FolderIndex:
        if self._last is not None and self._last.folder == folder:  # files come folder by folder, mostly
            return self._last
        if folder not in self._folders:
            assert self.cache_dir is not None
            self._folders[folder] = _FolderIndex.load(self.cache_dir, folder)
        self._last = self._folders[folder]
        return self._last


@dataclass(slots=True)
class _FolderIndex:
    folder: Path
    file: Path
    entries: dict[str, dict]
    changed: bool = False

    @classmethod
    def load(cls, cache_dir: Path, folder: Path) -> _FolderIndex:
        name = hashlib.sha256(str(folder).encode()).hexdigest()[:24] + ".json"
        file = cache_dir / INDEX_FOLDER / name
        return cls(folder, file, _read_entries(file, folder))

    def article(self, path: Path, stamp: Stamp, meta: Mapping[str, str]) -> Article | None:
        entry = self.entries.get(path.name)
        if entry is None or entry.get("stamp") != stamp.as_list() or entry.get("meta") != dict(meta):
            return None
        try:
            return _article_from_json(entry["article"], str(path))
        except (KeyError, TypeError, ValueError):
            return None

    def remember(self, path: Path, stamp: Stamp, meta: Mapping[str, str], article: Article) -> None:
        entry = {"stamp": stamp.as_list(), "meta": dict(meta), "article": _article_to_json(article)}
        if self.entries.get(path.name) != entry:
            self.entries[path.name] = entry
            self.changed = True

    def save(self) -> None:
        if not self.changed:
            return
        # Entries of files gone from the folder go too (one lstat each, only when something changed).
        self.entries = {n: e for n, e in self.entries.items() if os.path.lexists(self.folder / n)}
        payload = json.dumps({"format": _FORMAT, "version": extractor_version(), "folder": str(self.folder),
                              "entries": self.entries}, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            write_atomically(self.file, signed_bytes(payload, _FORMAT, str(self.folder)), durable=False)
        except OSError:
            return  # an unwritable cache costs speed only: the files are read again next time
        self.changed = False


def _utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: a file name of undecodable bytes holds lone surrogates."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _read_entries(file: Path, folder: Path) -> dict[str, dict]:
    """The entries of a folder's index file; empty when it is missing, damaged, forged or stale."""
    try:
        data = file.read_bytes()
    except OSError:
        return {}
    payload = verified_payload(data, _FORMAT, str(folder))
    if payload is None:
        return {}
    try:
        index = json.loads(codecs.decode(payload, "utf-8"))
    except ValueError:
        return {}
    if (not isinstance(index, dict) or index.get("version") != extractor_version()
            or index.get("folder") != str(folder) or not isinstance(index.get("entries"), dict)):
        return {}
    return index["entries"]


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
