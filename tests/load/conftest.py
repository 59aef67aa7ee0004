"""Load-test setup: one dashboard server on the loopback address with an empty extraction cache, and its memory.

The server is started by ``tests/e2e/conftest.py``'s :func:`start_server` (the same command the browser tests
use; no browser is needed here); ``STREAMLIT_SERVER_ADDRESS`` makes it listen on 127.0.0.1 only, which
:func:`listens_on_loopback_only` checks from ``/proc/net/tcp*``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, start_server, stop_server

LOOPBACK = "127.0.0.1"
# ``/proc/net/tcp`` state code of a listening socket.
TCP_LISTEN = "0A"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "load: many concurrent sessions (clients of Streamlit's protocol) against one server (minutes)")


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Streamlit itself starts none today; a worker pool would)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in children.read_text().split())
            except OSError:
                continue  # the thread or process ended while being read
    return found


def proc_files(pid: int, name: str) -> Iterator[str]:
    """The text of ``/proc/<member>/<name>`` for ``pid`` and each process below it that is still there."""
    for member in process_tree(pid):
        try:
            yield Path(f"/proc/{member}/{name}").read_text()
        except OSError:
            continue  # the process ended while being read


def rss_kib(pid: int, descendants: bool = True) -> int:
    """Resident memory of ``pid`` (and its descendants), in KiB (``VmRSS`` of ``/proc/<pid>/status``)."""
    statuses = proc_files(pid, "status") if descendants else [Path(f"/proc/{pid}/status").read_text()]
    return sum(int(line.split()[1]) for status in statuses
               for line in status.splitlines() if line.startswith("VmRSS:"))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and its descendants, from ``/proc/<pid>/stat``."""
    ticks = 0
    for stat in proc_files(pid, "stat"):
        # Fields after the command name (which may hold spaces, hence the split at its closing parenthesis).
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def listening_addresses(port: int) -> set[str]:
    """Local addresses (as ``/proc/net/tcp*`` writes them, hex) of the sockets listening on ``port``."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if int(port_hex, 16) == port and fields[3] == TCP_LISTEN:
                addresses.add(address)
    return addresses


def listens_on_loopback_only(port: int) -> bool:
    """True when every socket listening on ``port`` is bound to 127.0.0.1 (``0100007F`` in the table)."""
    addresses = listening_addresses(port)
    return bool(addresses) and addresses <= {"0100007F"}


@pytest.fixture
def loopback_server(tmp_path, monkeypatch) -> Iterator[Server]:
    """A fresh dashboard server on 127.0.0.1 whose extraction cache is an empty folder, stopped afterwards."""
    monkeypatch.setenv("STREAMLIT_SERVER_ADDRESS", LOOPBACK)
    cache = tmp_path / "duizhao-cache"
    cache.mkdir()
    try:
        server = start_server(cache)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        port = int(server.url.rsplit(":", 1)[1])
        assert listens_on_loopback_only(port), f"port {port} listens on {listening_addresses(port)}, not only 127.0.0.1"
        assert not os.listdir(cache), "the extraction cache must start empty"
        yield server
    finally:
        stop_server(server)
