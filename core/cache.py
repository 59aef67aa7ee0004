"""The on-disk cache: per-article results, a snapshot of the last corpus, and remembered results.

The cache is keyed by each article's content hash and the extractor version (a
hash of the extraction code and every lexicon, so any change to either
invalidates it). Each extracted article gets a small JSON file of its own, which
workers write independently; after a run the whole corpus is also kept as one
Parquet snapshot per table, so a warm run of ten thousand articles reads a
handful of files instead of ten thousand.

Nothing in the cache is trusted as found. Every file is written atomically
(:func:`core.version.write_atomically`) and records what it holds: a per-article
file a signature over its content hash, the extractor version and its bytes, checked
before they are parsed; a snapshot file the version and a digest of its hash list, the hash list the
digests of the table files; a remembered result its name, key, version and the
digests of its tables. What each file claims is signed with an HMAC under a per-install
secret kept outside the cache (:func:`core.version.sign`), so a file written by anyone
else who can write the cache folder is not served, however well its digests are recomputed.
Nothing in the cache is ever unpickled: it holds Parquet and JSON only. A file that is
truncated, flipped, swapped for another or left by
another version fails these checks, is deleted and rebuilt: it is never served.
"""

from __future__ import annotations

import codecs
import dataclasses
import hashlib
import json
import os
import re
import shutil
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.corpus import LoadProblem
from core.results import RESULT_TABLES, ArticleResult, Extraction, _concat, result_tables
from core.version import (
    atomic_file,
    default_cache_dir,
    extractor_version,
    remove_stale_temps,
    sign,
    signed,
    signed_bytes,
    verified_payload,
    write_atomically,
)
from core.words import Reason

DEFAULT_CACHE_DIR = default_cache_dir()


# The layout of cache files: part of what each file records, bumped when the layout changes.
CACHE_FORMAT = 2
# A per-article file: this line, then the result as a JSON object behind its signature line (the HMAC of its
# article, version and body: core.version.signed_bytes), checked before the body is parsed.
ARTICLE_MAGIC = b"duizhao-article-3\n"
# Keys of the Parquet schema metadata that cache files verify themselves with.
META_FORMAT = b"duizhao.format"
META_VERSION = b"duizhao.version"
META_HASHES_SHA256 = b"duizhao.hashes_sha256"
META_FILES_SHA256 = b"duizhao.files_sha256"
# An HMAC under this install's secret (core.version.sign) over what the file claims to hold.
META_SIGNATURE = b"duizhao.signature"
_SNAPSHOT_NAME = re.compile(r"[0-9]+-[0-9a-f]{12}")

T = TypeVar("T")


class CacheEntryInvalid(ValueError):
    """A cache file that exists but fails its checks: corrupt, truncated, another article's or version's."""


class ResultCache:
    """Per-article results on disk: one JSON file per article, plus a snapshot of the last corpus.

    An article's file holds its rows table by table (:data:`ARTICLE_MAGIC` says how): about a tenth
    of a millisecond to write, cheap enough for every article a worker extracts (a Parquet file of
    the same rows, with a digest of its decoded cells, cost 3 ms). The snapshot holds one file per table
    for a whole corpus. Every file is checked on reading (see the module docstring); one that fails is
    treated as missing.
    """

    def __init__(self, root: Path | None, version: str) -> None:
        self.root = Path(root) / version if root else None
        self.version = version

    def _article_path(self, content_hash: str) -> Path:
        assert self.root is not None
        return self.root / "articles" / content_hash[:2] / f"{content_hash}.json"

    def _stamp(self) -> dict[bytes, bytes]:
        return {META_FORMAT: str(CACHE_FORMAT).encode(), META_VERSION: self.version.encode()}

    def load(self, hashes: set[str]) -> tuple[dict[str, pd.DataFrame], set[str], bool]:
        """Cached tables restricted to ``hashes``, the hashes they cover, and whether the snapshot held them all."""
        if self.root is None or not hashes:
            return {}, set(), not hashes
        tables, covered = self._load_snapshot(hashes)
        complete = covered == hashes
        found: list[tuple[str, ArticleResult]] = []
        for content_hash in sorted(hashes - covered):
            result = self.get(content_hash)
            if result is not None:
                found.append((content_hash, result))
                covered.add(content_hash)
        if found:
            extra = result_tables(found)
            tables = {name: _concat([tables.get(name, pd.DataFrame()), extra[name]]) for name in RESULT_TABLES}
        return tables, covered, complete

    def get(self, content_hash: str) -> ArticleResult | None:
        """One article's cached result; None when it is missing or fails its checks (the file is then deleted)."""
        if self.root is None:
            return None
        path = self._article_path(content_hash)
        try:
            return self.read_article(path, content_hash)
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            _discard(path)
            return None

    def read_article(self, path: Path, content_hash: str) -> ArticleResult:
        """The per-article file at ``path``, verified to be ``content_hash``'s for this version and format.

        The signature is checked over the file's bytes before any of them is parsed: a file that is
        truncated, altered, another article's or another version's raises :class:`CacheEntryInvalid`.
        """
        data = path.read_bytes()
        body = None
        if data.startswith(ARTICLE_MAGIC):
            body = verified_payload(data, "article", self.version, content_hash, start=len(ARTICLE_MAGIC))
        if body is None:
            raise CacheEntryInvalid(f"{path}: not {content_hash}'s for this version, altered, or not signed here")
        return _article_result(json.loads(codecs.decode(body, "utf-8")))

    def _load_snapshot(self, hashes: set[str]) -> tuple[dict[str, pd.DataFrame], set[str]]:
        assert self.root is not None
        try:
            name = (self.root / "snapshot.current").read_text().strip()
        except (OSError, ValueError):
            return {}, set()
        if not _SNAPSHOT_NAME.fullmatch(name):
            return {}, set()
        folder = self.root / "snapshots" / name
        try:
            return self._read_snapshot(folder, hashes)
        except FileNotFoundError:
            return {}, set()  # replaced by a newer run's snapshot while reading, or never finished
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
            shutil.rmtree(folder, ignore_errors=True)
            return {}, set()

    def _read_snapshot(self, folder: Path, hashes: set[str]) -> tuple[dict[str, pd.DataFrame], set[str]]:
        """The snapshot's tables restricted to ``hashes`` and the hashes covered, every file verified."""
        index = _read_parquet_bytes((folder / "hashes.parquet").read_bytes())
        meta = index.schema.metadata or {}
        listing = index.column("content_hash").to_pylist()
        stamp = {**self._stamp(), META_HASHES_SHA256: _hashes_digest(listing).encode()}
        if any(meta.get(k) != v for k, v in stamp.items()):
            raise CacheEntryInvalid(f"{folder}: hash list written for another version, or altered")
        if not signed(meta.get(META_SIGNATURE), "snapshot", self.version, meta[META_HASHES_SHA256],
                      meta[META_FILES_SHA256]):
            raise CacheEntryInvalid(f"{folder}: hash list not signed by this install")
        covered = set(listing) & hashes
        if not covered:
            return {}, set()
        files = json.loads(meta[META_FILES_SHA256])
        tables = {}
        for name in RESULT_TABLES:
            data = (folder / f"{name}.parquet").read_bytes()
            if hashlib.sha256(data).hexdigest() != files[name]:
                raise CacheEntryInvalid(f"{folder}/{name}.parquet: bytes differ from those written")
            table = _read_parquet_bytes(data)
            if any((table.schema.metadata or {}).get(k) != v for k, v in stamp.items()):
                raise CacheEntryInvalid(f"{folder}/{name}.parquet: belongs to another snapshot")
            frame = table.to_pandas()
            tables[name] = frame[frame["content_hash"].isin(covered)]
        return tables, covered

    def put(self, content_hash: str, result: ArticleResult) -> None:
        """Store one article's result (atomically: a reader never sees half a file)."""
        if self.root is None:
            return
        body = json.dumps(vars(result), ensure_ascii=False).encode()
        # Not flushed to disk: thousands of fsyncs would dominate a run, and a file torn by a power
        # cut fails its signature and is extracted again.
        try:
            write_atomically(self._article_path(content_hash),
                             ARTICLE_MAGIC + signed_bytes(body, "article", self.version, content_hash), durable=False)
        except OSError as error:
            warn_cache_unwritable(self.root.parent, error)
            self.root = None  # the rest of this run extracts without the cache

    def save_snapshot(self, tables: dict[str, pd.DataFrame], hashes: set[str]) -> None:
        """Keep the whole corpus's tables as one file per table for the next run.

        A snapshot is a folder of its own, made current by rewriting one pointer file: a reader in
        another process (the dashboard beside a command-line run) never pairs one run's hash list
        with another run's tables. The snapshot only saves reading per-article files, so failing
        to write it (a full disk) leaves the previous one and is not an error.
        """
        if self.root is None:
            return
        name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        folder = self.root / "snapshots" / name
        listing = sorted(hashes)
        stamp = {**self._stamp(), META_HASHES_SHA256: _hashes_digest(listing).encode()}
        try:
            files = {}
            for table in RESULT_TABLES:
                arrow = pa.Table.from_pandas(tables[table], preserve_index=False)
                data = _parquet_bytes(arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **stamp}))
                write_atomically(folder / f"{table}.parquet", data, durable=False)
                files[table] = hashlib.sha256(data).hexdigest()
            files_json = json.dumps(files).encode()
            signature = sign("snapshot", self.version, stamp[META_HASHES_SHA256], files_json).encode()
            index = pa.table({"content_hash": pa.array(listing, pa.string())}).replace_schema_metadata(
                {**stamp, META_FILES_SHA256: files_json, META_SIGNATURE: signature})
            write_atomically(folder / "hashes.parquet", _parquet_bytes(index), durable=False)
            write_atomically(self.root / "snapshot.current", name.encode())
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            return
        for old in (self.root / "snapshots").iterdir():
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)

    def remove_stale_temps(self) -> None:
        """Delete temporary files that killed runs left anywhere in this version's cache."""
        if self.root is not None:
            remove_stale_temps(self.root)


_WARNED: set[str] = set()


def warn_cache_unwritable(root: Path | None, error: OSError) -> None:
    """Say once per process that the cache cannot be written; extraction goes on without it."""
    where = str(root)
    if where not in _WARNED:
        _WARNED.add(where)
        reason = error.strerror or type(error).__name__
        # stderr: the command line's user reads it there, and the dashboard's server log is stderr too.
        print(f"warning: the cache folder {where} cannot be written ({reason.lower()}); extracting without "
              "the cache", file=sys.stderr)


def _discard(path: Path) -> None:
    """Delete a cache file that failed its checks, if the cache lets us (a read-only one does not)."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _parquet_bytes(table: pa.Table) -> pa.Buffer:
    """``table`` as a Parquet file in memory, every page carrying a CRC32 of its data."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, write_page_checksum=True)
    return sink.getvalue()


def _read_parquet_bytes(data: bytes) -> pa.Table:
    """A Parquet file held in memory, each page's checksum verified."""
    return pq.read_table(pa.BufferReader(data), page_checksum_verification=True)


def _article_result(stored: object) -> ArticleResult:
    """An :class:`ArticleResult` from its stored JSON, refused unless it has exactly the result's shape."""
    names = {f.name for f in dataclasses.fields(ArticleResult)}
    if not isinstance(stored, dict) or set(stored) != names:
        raise CacheEntryInvalid("a per-article file of another shape")
    counts = stored.pop("term_counts")
    if not isinstance(counts, dict) or not all(isinstance(c, int) for c in counts.values()) or not all(
            isinstance(rows, list) and all(isinstance(row, dict) for row in rows) for rows in stored.values()):
        raise CacheEntryInvalid("a per-article file of another shape")
    return ArticleResult(term_counts=counts, **stored)


def _hashes_digest(listing: list[str]) -> str:
    return hashlib.sha256("\n".join(listing).encode()).hexdigest()


# A remembered result is one file: this line, the header's length (8 bytes), a JSON header, then
# one Parquet file per table. The header lists each table's place and sha256, the other fields as
# JSON, and an HMAC (core.version.sign) over all of it: data only, never code, and never served
# unless this install wrote it.
MEMO_MAGIC = b"duizhao-memo-2\n"
MEMO_SUFFIX = ".memo"
_MEMO_HEADER_LIMIT = 1 << 26
_MISSING = object()


def _memo_kinds() -> dict[str, type]:
    """The result types a memo may hold, by name (the header names one; nothing else is built)."""
    from core.claims import ClaimReport

    return {"Extraction": Extraction, "ClaimReport": ClaimReport}


def remembered(cache_dir: Path | None, name: str, key: str, build: Callable[[], T], keep: int = 4) -> T:
    """``build()``, stored under the cache folder as Parquet and JSON and reused while ``key`` holds.

    For corpus-wide results that are costly to rebuild on every start (the assembled tables of
    ten thousand articles, their claim groups): an :class:`Extraction` or a ``ClaimReport``. Only
    the newest ``keep`` entries per name stay. An entry is read only when its signature, name,
    key and extractor version match and every table's bytes match their digest; anything else is
    deleted and rebuilt. A value that cannot be stored (or a cache that cannot be written) is
    simply not remembered.
    """
    if cache_dir is None:
        return build()
    version = extractor_version()
    folder = Path(cache_dir) / version / "memo"
    path = folder / f"{name}-{key}{MEMO_SUFFIX}"
    header = {"format": CACHE_FORMAT, "version": version, "name": name, "key": key}
    value = _read_memo(path, header)
    if value is not _MISSING:
        return value
    value = build()
    try:
        remove_stale_temps(folder)
        _write_memo(path, header, value)
        for old in sorted(folder.glob(f"{name}-*{MEMO_SUFFIX}"), key=lambda p: p.stat().st_mtime)[:-keep]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError, pa.ArrowException):
        pass  # not remembered: the next start builds it again
    return value


def _write_memo(path: Path, header: dict, value: object) -> None:
    """``value`` (a dataclass of tables and plain fields) as a signed memo file at ``path``."""
    kind = type(value).__name__
    if _memo_kinds().get(kind) is not type(value):
        raise TypeError(f"{kind} cannot be remembered")
    blobs, tables, fields_json = [], {}, {}
    offset = 0
    for name, item in vars(value).items():
        if isinstance(item, pd.DataFrame) or _is_text_mapping(item):
            # A mapping of texts (every article's text: 88 MB at 10,000 articles) is a table too, not part of the
            # header, which is bounded by _MEMO_HEADER_LIMIT.
            arrow = pa.Table.from_pandas(item) if isinstance(item, pd.DataFrame) else pa.table(
                {"key": pa.array(list(item), pa.string()), "value": pa.array(list(item.values()), pa.string())})
            data = _parquet_bytes(arrow).to_pybytes()
            tables[name] = {"offset": offset, "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                            "as": "frame" if isinstance(item, pd.DataFrame) else "mapping"}
            blobs.append(data)
            offset += len(data)
        elif isinstance(item, list) and all(isinstance(x, LoadProblem) for x in item):
            fields_json[name] = {"problems": [[x.file, x.reason.as_json(), x.notice] for x in item]}
        else:
            fields_json[name] = {"value": item}
    body = {**header, "kind": kind, "tables": tables, "fields": fields_json}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True)
    line = json.dumps({"body": text, "signature": sign("memo", text)}).encode()
    # Not flushed to disk: it can be hundreds of megabytes, and one torn by a power cut fails its digests.
    with atomic_file(path, durable=False) as f:
        f.write(MEMO_MAGIC + len(line).to_bytes(8, "big") + line)
        for data in blobs:
            f.write(data)


def _is_text_mapping(item: object) -> bool:
    return isinstance(item, dict) and bool(item) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in item.items())


def _read_memo(path: Path, expected: dict) -> object:
    """The value stored at ``path`` if it is signed, for ``expected`` and whole, else _MISSING (then deleted)."""
    try:
        with path.open("rb") as f:
            if f.read(len(MEMO_MAGIC)) != MEMO_MAGIC:
                raise CacheEntryInvalid("not a memo file")
            size = int.from_bytes(f.read(8), "big")
            if size > _MEMO_HEADER_LIMIT:
                raise CacheEntryInvalid("memo header too long")
            outer = json.loads(f.read(size))
            if not signed(outer.get("signature"), "memo", outer.get("body", "")):
                raise CacheEntryInvalid("memo not signed by this install")
            body = json.loads(outer["body"])
            if any(body.get(k) != v for k, v in expected.items()):
                raise CacheEntryInvalid("remembered for another key, version or format")
            kind = _memo_kinds()[body["kind"]]
            start = f.tell()
            values = {}
            for name, place in body["tables"].items():
                f.seek(start + place["offset"])
                data = f.read(place["size"])
                if hashlib.sha256(data).hexdigest() != place["sha256"]:
                    raise CacheEntryInvalid(f"memo table {name} differs from the one written")
                table = _read_parquet_bytes(data)
                values[name] = table.to_pandas() if place.get("as", "frame") == "frame" else dict(
                    zip(table["key"].to_pylist(), table["value"].to_pylist(), strict=True))
        for name, item in body["fields"].items():
            values[name] = [LoadProblem(x[0], Reason.from_json(x[1]), *x[2:]) for x in item["problems"]] \
                if "problems" in item else item["value"]
        return _restored(kind, values)
    except FileNotFoundError:
        return _MISSING
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        _discard(path)
        return _MISSING


def _restored(kind: type, values: dict[str, object]) -> object:
    """A ``kind`` with exactly the stored state ``values`` (as ``vars()`` gave it), its ``__init__`` not run.

    The state is what was written, so a class whose constructor takes other names (``ClaimReport``
    keeps its pairs unrendered under ``_pairs``) comes back as it was. Any other set of fields is refused.
    """
    if set(values) != {f.name for f in dataclasses.fields(kind)}:
        raise CacheEntryInvalid(f"memo fields differ from {kind.__name__}'s")
    value = object.__new__(kind)
    for name, item in values.items():
        object.__setattr__(value, name, item)
    return value
