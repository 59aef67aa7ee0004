"""One article extracted in a child process with a CPU-time and a memory limit.

An uploaded file is a stranger's: whatever the figure cap bounds, a file crafted against some
other rule could still hold a server for minutes or take its memory. The dashboard therefore
extracts uploads here, one article per child process, under ``resource.setrlimit``: the child
stops when it has used ``cpu_seconds`` of processor time or tries to hold more than
``memory_bytes``, and the caller gets :class:`ExtractionRefused` naming the file and which limit
it hit, never a traceback. The parent only waits on a pipe, so the server's other sessions carry on.

The child is started fresh (``spawn``), never forked from a threaded server, and sends its
result back over the pipe; nothing it sends is stored.
"""

from __future__ import annotations

import json
import os
import pickle
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.corpus import Article
from core.pipeline import ArticleRefused, ArticleResult
from core.words import Reason

ROOT = Path(__file__).resolve().parent.parent
# How the child says it ran out of memory (its exit status), and how Rust's allocator says so on stderr.
_OUT_OF_MEMORY = 3
_NATIVE_OUT_OF_MEMORY = b"memory allocation of"
# The status recorded for a child stopped at the wall-clock limit, and how often the parent looks.
_TOO_LONG = -1000
_POLL_SECONDS = 0.2


@dataclass(frozen=True)
class Limits:
    """What one article's extraction may use: processor seconds and bytes of address space."""

    cpu_seconds: int = 30
    memory_bytes: int = 1024 * 1024 * 1024
    # Wall-clock time the parent waits at most (a child blocked without using CPU is stopped too).
    wall_seconds: float = 90.0


DEFAULT_LIMITS = Limits()


class ExtractionRefused(ArticleRefused):
    """An article whose extraction hit a limit: ``file`` names it, ``reason`` says which limit."""


def extract_limited(
    article: Article, limits: Limits | None = None, env: Mapping[str, str] | None = None,
) -> ArticleResult:
    """``pipeline.extract_article(article)`` in a child process held to ``limits`` (default: DEFAULT_LIMITS).

    ``env`` adds to the child's environment (a session's own lexicon files, see ``core.analyst``).

    The article goes to the child's stdin (pickled: this process wrote it); the result comes
    back as JSON, so nothing the child says can run code here. The parent's thread only waits:
    the server's other sessions carry on meanwhile. Raises :class:`ExtractionRefused`
    when the child runs out of processor time or memory, or dies for any other reason.
    """
    limits = limits or DEFAULT_LIMITS
    command = [sys.executable, "-m", "core.sandbox", str(limits.cpu_seconds), str(limits.memory_bytes)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", **(env or {})}
    with tempfile.TemporaryFile() as data, tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        data.write(pickle.dumps(article))
        data.seek(0)
        child = subprocess.Popen(command, stdin=data, stdout=out, stderr=err, cwd=ROOT, env=env)
        status = _wait(child, err, limits.wall_seconds)
        out.seek(0)
        output = out.read()
    if status == 0:
        try:
            return ArticleResult(**json.loads(output))
        except (ValueError, TypeError):
            raise ExtractionRefused(article.file, Reason.of("extraction_failed")) from None
    if status == _OUT_OF_MEMORY:
        megabytes = limits.memory_bytes // (1024 * 1024)
        raise ExtractionRefused(article.file, Reason.of("too_much_memory", megabytes=megabytes))
    if status in (-signal.SIGXCPU, -signal.SIGKILL, _TOO_LONG):
        raise ExtractionRefused(article.file, Reason.of("too_slow", seconds=limits.cpu_seconds))
    raise ExtractionRefused(article.file, Reason.of("extraction_failed"))


def _wait(child: subprocess.Popen, err: BinaryIO, wall_seconds: float) -> int:
    """The child's exit status; it is killed past ``wall_seconds`` or once a native library reports
    a failed allocation (a Rust extension that cannot allocate panics and then hangs instead of exiting)."""
    deadline = time.monotonic() + wall_seconds
    while True:
        try:
            return child.wait(timeout=_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            pass
        err.seek(0)
        if _NATIVE_OUT_OF_MEMORY in err.read():
            status = _OUT_OF_MEMORY
        elif time.monotonic() > deadline:
            status = _TOO_LONG
        else:
            continue
        child.kill()
        child.wait()
        return status


def _child(cpu_seconds: int, memory_bytes: int) -> int:
    """In the child: set the limits, read the article, extract, print the result as JSON.

    The extraction code is imported before the limits are set: they bound what an article costs,
    and an import that runs out of memory fails as a ``SystemError``, not a ``MemoryError``.
    """
    from core import entities, figures, frames, qualitative, terms  # noqa: F401  (what extract_article imports)
    from core.pipeline import extract_article

    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        article = pickle.loads(sys.stdin.buffer.read())
        result = extract_article(article)
        sys.stdout.write(json.dumps(vars(result), ensure_ascii=False, default=float))
    except MemoryError:
        return _OUT_OF_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(_child(int(sys.argv[1]), int(sys.argv[2])))
