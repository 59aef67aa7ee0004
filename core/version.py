"""The extractor version, and how every file under the cache and the output folder is written.

Cache entries are keyed by the version (a hash of the code and lexicons that decide what
extraction produces), so editing a rule or a lexicon invalidates them without anyone
remembering to bump a number. Files are written by :func:`write_atomically`: a crash or a
kill leaves the old file or the new one, never part of one, plus at worst a temporary file
that no reader opens and :func:`remove_stale_temps` later deletes. Kept apart from the
pipeline so a warm command-line run can do both without importing pandas.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import re
import secrets
import stat
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import BinaryIO

from core import analyst
from core.lexicon import DATA_DIR

CORE_DIR = Path(__file__).parent
# Temporary files are ``.<final name>.<pid>-<random>.tmp`` beside their final name.
_TEMP_NAME = re.compile(r"\..+\.[0-9]+-[0-9a-f]{32}\.tmp")
# A temporary file untouched this long belongs to a run that was killed (a write takes seconds at most).
STALE_TEMP_SECONDS = 600
# The code that decides what extraction produces: every module of the package, found by pattern
# (a module added later counts without anyone listing it), and every lexicon.
CODE_PATTERN = "**/*.py"


class NoExtractionCode(RuntimeError):
    """The package's files were not found: a version hashed from nothing would match any code."""


@cache
def extractor_version(*extra_modules: str) -> str:
    """Hash of every ``core`` module (``extra_modules``: kept for callers, already covered) and ``core/data``."""
    code = sorted(p for p in CORE_DIR.glob(CODE_PATTERN) if "__pycache__" not in p.parts)
    if not code:
        raise NoExtractionCode(f"no {CODE_PATTERN} under the core package")
    digest = hashlib.sha256()
    # An analyst's lexicon changes answers like ours does.
    for path in [*code, *sorted(DATA_DIR.rglob("*")), *analyst.files()]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def secret_path() -> Path:
    """Where this install's cache secret lives: ``$DUIZHAO_SECRET_FILE``, else ``~/.config/duizhao/cache.key``.

    Outside the cache folder on purpose: whoever can write the cache (a shared one) must not
    be able to read the key that its entries are signed with.
    """
    configured = os.environ.get("DUIZHAO_SECRET_FILE")
    if configured:
        return Path(configured)
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "duizhao" / "cache.key"


@cache
def _secret(path: Path) -> bytes:
    """The key at ``path``, created (0600) when missing; a fresh key for this process alone when it
    cannot be read or created, or when others may read or write it (entries then never verify:
    they are rebuilt, never trusted)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077 or info.st_uid != os.getuid():
            return secrets.token_bytes(32)
        key = path.read_bytes()
    except OSError:
        return secrets.token_bytes(32)
    return key if len(key) >= 16 else secrets.token_bytes(32)


def sign(*parts: bytes | str) -> str:
    """HMAC-SHA256 of ``parts`` under this install's secret (:func:`secret_path`), as hex.

    Cache entries carry it instead of a bare digest: a forged entry with a recomputed sha256
    fails, since forging needs the key.
    """
    mac = hmac.new(_secret(secret_path()), digestmod=hashlib.sha256)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        mac.update(len(data).to_bytes(8, "big"))  # the same MAC as of the two joined, without copying ``data``
        mac.update(data)
    return mac.hexdigest()


def signed(expected: str | bytes | None, *parts: bytes | str) -> bool:
    """Whether ``expected`` is :func:`sign` of ``parts`` (compared in constant time)."""
    if isinstance(expected, str):
        expected = expected.encode()
    return isinstance(expected, bytes) and hmac.compare_digest(expected, sign(*parts).encode())


def signed_bytes(payload: bytes, *parts: bytes | str) -> bytes:
    """``payload`` behind a line holding its signature: :func:`sign` of ``parts`` and the payload, in hex."""
    return sign(*parts, payload).encode() + b"\n" + payload


def verified_payload(data: bytes, *parts: bytes | str, start: int = 0) -> memoryview | None:
    """The payload of :func:`signed_bytes`'s output (``data[start:]``) when its signature line is that of
    ``parts`` and the payload, checked before any of it is parsed; None when it is not (damaged, forged,
    another's). A view into ``data``: a payload of tens of megabytes is not copied."""
    line_end = data.find(b"\n", start)
    if line_end < 0:
        return None
    payload = memoryview(data)[line_end + 1:]
    return payload if signed(data[start:line_end], *parts, payload) else None


def default_cache_dir() -> Path:
    """``$DUIZHAO_CACHE`` when set, else ``~/.cache/duizhao``."""
    return Path(os.environ.get("DUIZHAO_CACHE") or Path.home() / ".cache" / "duizhao")


def corpus_key(corpus, *extra_modules: str) -> str:
    """Changes when an article's content or metadata, a load problem, the code or a lexicon does."""
    digest = hashlib.sha256(extractor_version(*extra_modules).encode())
    for a in corpus.articles:
        fields = (a.article_id, a.file, a.source, a.author, a.title, a.published, a.script, a.notes, a.content_hash)
        digest.update("\0".join(fields).encode() + b"\n")
    for problem in corpus.problems:
        digest.update(f"{problem.file}\0{problem.reason}\n".encode())
    return digest.hexdigest()[:24]


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside ``path``: hidden, unique per process and per call (so per thread)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex}.tmp")


def is_temp(path: Path) -> bool:
    """Whether ``path`` is named like a temporary file of :func:`temp_path` (a user's ``.x.tmp`` is not)."""
    return _TEMP_NAME.fullmatch(path.name) is not None


def write_atomically(path: Path, data: bytes | bytearray | memoryview, *, durable: bool = True) -> Path:
    """Put ``data`` at ``path``, replacing any old file in one step (see :func:`atomic_file`); returns ``path``."""
    path = Path(path)
    with atomic_file(path, durable=durable) as f:
        f.write(data)
    return path


@contextmanager
def atomic_file(path: Path, *, durable: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` in one step when the block ends without error.

    The bytes go to a :func:`temp_path` in the same folder (a rename is atomic only within one
    file system), which then replaces ``path``. ``durable`` also flushes the file and its folder
    to disk, so a power cut after the block cannot lose it; files whose readers verify a checksum
    can skip that cost, since a torn file is detected and rebuilt. On any error the temporary
    file is removed and the old ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        with tmp.open("wb") as f:
            yield f
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # The rename lives in the folder's entry list: flushing it makes the new name survive a power cut.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse to fsync a folder; the file itself is already on disk
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path, max_age: float = STALE_TEMP_SECONDS, *, recursive: bool = True) -> int:
    """Delete temporary files in ``folder`` (and below) untouched for ``max_age`` seconds; how many.

    Younger ones may belong to a run still writing them, so they stay; nothing ever reads a
    temporary file, so leaving one costs only disk space.
    """
    removed = 0
    cutoff = time.time() - max_age
    walk = os.walk(folder)
    for parent, _, names in walk if recursive else itertools.islice(walk, 1):
        for name in names:
            path = Path(parent) / name
            try:
                if is_temp(path) and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue  # gone already, or another run's: not ours to fight over
    return removed
