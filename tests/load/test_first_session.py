"""The first sessions of a freshly started server keep the first change their visitors make.

Until a session reaches ``st.navigation``, Streamlit runs the entry point in its ``pages/``-folder mode, where
the widgets get other ids than in every later run: the visitor's first click on the language went to an id the
next run no longer had, and the page stayed Chinese (seen with :mod:`tests.load.protocol`; fixed by
``ui.shared.leave_pages_folder_mode``). Several sessions arrive together, as in the load test, so that some runs
are under way before the first one leaves that mode. A browser sends the same messages; this client needs none.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.load.protocol import Session, string_array
from tests.load.test_many_visitors import run_in_own_thread
from ui import i18n


async def first_visit(base_url: str) -> list[str]:
    """Open the dashboard, click "English" once; the titles (h1) of the run that click started."""
    session = Session(base_url)
    await session.open()
    try:
        first = await session.rerun()
        language = first.widget("button_group", "lang")
        run = await session.rerun([string_array(language.id, ["English"])])
        return [heading.body for heading in run.widgets("heading") if heading.tag == "h1"]
    finally:
        await session.close()


SESSIONS = 8


async def first_visits(base_url: str) -> list[list[str]]:
    return await asyncio.gather(*(first_visit(base_url) for _ in range(SESSIONS)))


@pytest.mark.load
def test_the_first_sessions_first_language_click_is_kept(loopback_server):
    titles = run_in_own_thread(asyncio.wait_for(first_visits(loopback_server.url), timeout=180))
    assert [t[:1] for t in titles] == [[i18n.t("overview_title", "en")]] * SESSIONS
