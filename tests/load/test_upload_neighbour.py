"""While one visitor's heavy upload is extracted, another visitor's pages keep coming.

An upload is extracted in a child process held to limits of its own (``core/sandbox.py``); the uploading
session's thread only waits on it. So a figure-dense file at the upload limit (5 MiB of "营收增长1%、1%、…", which
the child works on for many seconds before it hits its memory limit) must not hold up the server: a second
session moves between pages meanwhile, each of its runs finishing while the upload's run is still under way.
Behaviour, not speed: the test counts the neighbour's finished runs inside the upload's run, never their seconds.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.load.protocol import Session, files, string_value, trigger
from tests.load.test_many_visitors import run_in_own_thread
from ui import i18n

# Just under the per-file limit, one line of figures with no sentence end. The server refuses a request body
# over server.maxUploadSize (5 MiB) by its Content-Length, so the file leaves room for the multipart framing.
DENSE = ("营收增长" + "1%、" * (5 * 1024 * 1024 // 5)).encode()[: 5 * 1024 * 1024 - 4096].decode("utf-8", "ignore")
FILE_NAME = "dense.txt"
# The neighbour's pages, by URL path, and the i18n key of each page's title.
PAGES = {"": "overview_title", "compare": "compare_title"}


async def heavy_upload(base_url: str, began: asyncio.Event, spans: dict[str, float]) -> tuple[list[str], list[str]]:
    """Upload DENSE through the overview's form; the warnings its run shows (a refusal names the file) and the
    source filter's options (an upload that was read adds its source)."""
    session = Session(base_url)
    await session.open()
    try:
        run = await session.rerun()
        uploader = run.widget("file_uploader", "upload_files")
        source = run.widget("text_input", "upload_source")
        submit = next(b for b in run.widgets("button") if b.is_form_submitter and b.form_id == "upload")
        info = await session.upload(FILE_NAME, "text/plain", DENSE.encode())
        spans["sent"] = time.monotonic()
        began.set()
        run = await session.rerun([files(uploader.id, [info]), string_value(source.id, "密集"), trigger(submit.id)],
                                  timeout=300)
        spans["finished"] = time.monotonic()
        assert run.status == ForwardMsg.FINISHED_SUCCESSFULLY and not run.exceptions()
        return run.alerts(Alert.WARNING), list(run.widget("multiselect", "sources").options)
    finally:
        await session.close()


async def neighbour(base_url: str, began: asyncio.Event, spans: dict[str, float]) -> list[float]:
    """Move between two pages from the moment the upload is submitted until its run is over; when each run
    finished."""
    session = Session(base_url)
    await session.open()
    finished: list[float] = []
    try:
        await session.rerun()
        await began.wait()
        for n in range(200):
            if "finished" in spans:
                break
            page = list(PAGES)[n % len(PAGES)]
            run = await session.rerun(page_hash=session.pages[page], timeout=120)
            titles = [h.body for h in run.widgets("heading") if h.tag == "h1"]
            assert run.status == ForwardMsg.FINISHED_SUCCESSFULLY and not run.exceptions(), run.exceptions()
            assert titles[:1] == [i18n.t(PAGES[page], "zh")], titles
            finished.append(time.monotonic())
        return finished
    finally:
        await session.close()


async def both(base_url: str) -> tuple[tuple[list[str], list[str]], list[float], dict[str, float]]:
    began, spans = asyncio.Event(), {}
    warnings, finished = await asyncio.gather(heavy_upload(base_url, began, spans), neighbour(base_url, began, spans))
    return warnings, finished, spans


@pytest.mark.load
def test_a_second_visitor_is_served_while_a_heavy_upload_is_extracted(loopback_server):
    (warnings, sources), finished, spans = run_in_own_thread(asyncio.wait_for(both(loopback_server.url), timeout=600))
    during = [t for t in finished if spans["sent"] < t < spans["finished"]]
    print(f"upload run {spans['finished'] - spans['sent']:.1f} s; neighbour runs finished meanwhile: {len(during)}")
    assert len(during) >= 3, f"only {len(during)} of the neighbour's runs finished during the upload's run"
    # Refused by its limits (naming the file), or read within them (its source joins the filter): never lost.
    # (Alerts are markdown: the file name's dot comes escaped.)
    assert any(FILE_NAME in w.replace("\\", "") for w in warnings) or "密集" in sources, (warnings, sources)
