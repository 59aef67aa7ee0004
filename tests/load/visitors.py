"""What one load-test visitor does over Streamlit's protocol (:mod:`tests.load.protocol`), and what it checks.

A visitor opens the dashboard, then, until the load phase ends, in its own seeded random order: opens another
page from the navigation, changes the source filter, switches the language, comes back through the link of its
current view (a new session, as a shared link opens), and downloads CSVs from the download buttons. Every fifth
visitor first uploads an article whose source name and text carry a marker of its own, through the uploader of
the overview's form. Every message of every run and every CSV is searched for the other visitors' markers.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.exceptions import WebSocketException

from tests.load.protocol import ProtocolError, Run, Session, files, string_array, string_value, trigger
from ui import i18n

# Pages the visitors use, by their URL path ("" is the default page), with the i18n key of each page's title.
TITLES = {"": "overview_title", "compare": "compare_title", "figure_check": "figures_title",
          "term_clouds": "clouds_title", "search": "search_title"}
LANGUAGES = {"zh": "中文", "en": "English"}  # the language control's labels (ui.shared.LANGUAGE_NAMES)
# A run (BackMsg sent → script_finished) may take this long before it counts as a failure. With 50 sessions on
# two cores the server is busy all the time and a run waits for the runs of the other sessions: up to 100 s (an
# upload, with its extraction) on this machine, whose CI twin ran the browser load test about twice as slowly; the
# bound leaves room for that, and still catches a hung run.
RERUN_TIMEOUT = 300.0
# Seconds a visitor pauses between actions, as a reader would; short, so the load stays heavy.
THINK = (0.5, 2.0)
BOM = b"\xef\xbb\xbf"
# Markers are drawn from letters no hex digest (media file names, hashes, ids) and no word of the app contains.
MARKER_LETTERS = "GHJKLMNPQRTVWXY"
# Per step, the chance of each action after the page (an upload is a visitor's first action, not drawn).
CHANCES = {"filter": 0.5, "language": 0.15, "link": 0.1, "download": 0.6}

ACTIONS = ("first", "page", "filter", "language", "link", "upload")
RETRYABLE = (ProtocolError, AssertionError, TimeoutError, OSError, WebSocketException)


@dataclass
class Tally:
    """What all visitors did and saw: rerun seconds per action kind, downloads, failures, leaks."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    download_seconds: list[float] = field(default_factory=list)
    downloads: int = 0
    download_bytes: int = 0
    uploads: int = 0
    last_upload_at: float = 0.0  # time.monotonic() when the last upload's run finished
    sessions_opened: int = 0
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    upload_checks: Counter = field(default_factory=Counter)
    # Steps each visitor finished in the load phase (a page and what follows on it; an upload), by visitor index.
    steps: Counter = field(default_factory=Counter)


class LoadPhase:
    """The stretch in which every visitor is busy: from the last first run finished, for ``seconds``."""

    def __init__(self, sessions: int, seconds: float) -> None:
        self.waiting = sessions
        self.seconds = seconds
        self.began = self.deadline = 0.0
        self.all_in = asyncio.Event()

    def arrive(self) -> None:
        """One more visitor has its first page (or gave up on it); the last one starts the clock."""
        self.waiting -= 1
        if self.waiting == 0:
            self.began = time.monotonic()
            self.deadline = self.began + self.seconds
            self.all_in.set()


def new_marker(rng: random.Random) -> str:
    return "ZX" + "".join(rng.choice(MARKER_LETTERS) for _ in range(8))


@dataclass
class Visitor:
    """One person at the dashboard: a session, its random choices, what it believes the page shows."""

    index: int
    base_url: str
    rng: random.Random
    tally: Tally
    marker: str | None = None
    others: list[str] = field(default_factory=list)  # every other visitor's marker
    session: Session | None = None
    lang: str = "zh"
    page: str = ""
    run: Run | None = None
    # The source filter's labels as the session shows them now, and its selection.
    options: list[str] = field(default_factory=list)
    chosen: list[str] = field(default_factory=list)
    uploaded: bool = False

    @property
    def where(self) -> str:
        return f"visitor {self.index} on /{self.page} ({self.lang})"

    @property
    def source_name(self) -> str:
        return f"访客{self.index:02d}-{self.marker}"

    def article(self) -> bytes:
        """A short article naming a company only this visitor knows, with figures the extractor finds."""
        company = f"{self.marker}科技公司"
        return (f"{company}发布{self.marker}年度报告\n\n{company}表示，2025年营收增长12%，达到35亿元。"
                f"{company}的芯片自给率为41%，高于去年的33%。分析人士认为，{company}明年的研发投入将增加20%。\n"
                ).encode()

    # --- runs and their checks ----------------------------------------------------------------------------

    async def act(self, kind: str, widgets=(), **where) -> Run:
        """One rerun of ``kind``: timed, then checked (:meth:`check`); the source filter's state follows it."""
        run = await self.session.rerun(list(widgets), timeout=RERUN_TIMEOUT, **where)
        self.tally.seconds[kind].append(run.seconds)
        self.check(run, kind)
        self.follow_sources(run)
        self.run = run
        return run

    def check(self, run: Run, kind: str) -> None:
        """No exception, no error alert, no other visitor's marker, and the title of the page in its language."""
        if run.status != ForwardMsg.FINISHED_SUCCESSFULLY:
            raise AssertionError(f"{kind}: the run ended with status {run.status}")
        problems = run.exceptions() + [f"error alert: {body}" for body in run.alerts(Alert.ERROR)]
        if problems:
            raise AssertionError(f"{kind}: {problems}")
        for marker in self.others:
            if run.contains(marker):
                self.tally.leaks.append(f"{self.where}: marker {marker} in the {kind} run's messages")
        title = i18n.t(TITLES[self.page], self.lang)
        titles = [h.body for h in run.widgets("heading") if h.tag == "h1"]
        if not titles or titles[0] != title:
            raise AssertionError(f"{kind}: title {titles[:1]}, expected {title!r}")

    def follow_sources(self, run: Run) -> None:
        """The filter's selection after ``run``: the server's when it set one, else the previous one relabelled."""
        widget = run.widget("multiselect", "sources")
        options = list(widget.options)
        if widget.set_value:
            chosen = list(widget.raw_values)
        elif len(options) == len(self.options):  # a language switch relabels options, in the same order
            chosen = [options[self.options.index(label)] for label in self.chosen if label in self.options]
        else:
            chosen = [label for label in self.chosen if label in options]
        self.options, self.chosen = options, chosen

    # --- actions ------------------------------------------------------------------------------------------

    async def open(self, page: str = "", query: str = "", kind: str = "first") -> Run:
        """A new session on ``page`` with ``query``, as a browser tab opening that address."""
        if self.session is not None:
            await self.session.close()
        self.session = Session(self.base_url)
        await self.session.open()
        self.tally.sessions_opened += 1
        self.page, self.options, self.chosen = page, [], []
        return await self.act(kind, page_name=page, query_string=query)

    async def open_page(self, page: str) -> None:
        """A click on the page's link in the navigation.

        The query string stays: the frontend drops only the parameters of widgets bound to the URL
        (``filterParamsForPageChange``), and this app binds none (it writes its filters into the link itself).
        A page change keeps only the widget values sent with it; the frontend sends those of the widgets that
        stay on the page (``getActiveWidgetStates``): the entry point's language and source filter.
        """
        self.page = page
        pages = self.session.pages
        if page not in pages:
            raise ProtocolError(f"no page {page!r} in the navigation ({sorted(pages)})")
        staying = [string_array(self.run.widget("button_group", "lang").id, [LANGUAGES[self.lang]]),
                   string_array(self.run.widget("multiselect", "sources").id, self.chosen)]
        await self.act("page", staying, page_hash=pages[page])

    async def change_sources(self) -> None:
        """Drop a source (while more than two are left, or three half the time), else add one."""
        count = len(self.chosen)
        if count > 2 and (count > 3 or self.rng.random() < 0.5):
            chosen = [s for s in self.chosen if s != self.rng.choice(self.chosen)]
        else:
            missing = [s for s in self.options if s not in self.chosen]
            if not missing:
                return
            chosen = [s for s in self.options if s in self.chosen or s == self.rng.choice(missing)]
        widget = self.run.widget("multiselect", "sources")
        await self.act("filter", [string_array(widget.id, chosen)])
        self.chosen = chosen
        self.check_link_sources()

    def check_link_sources(self) -> None:
        """The app writes the filter into the link: as many source codes as chosen sources, none when all are."""
        linked = parse_qs(self.session.query_string).get("sources", [])
        expected = 0 if set(self.chosen) >= set(self.options) else len(self.chosen)
        if len(linked) != expected:
            raise AssertionError(f"the link holds {len(linked)} sources for {len(self.chosen)} of "
                                 f"{len(self.options)} chosen: {self.session.query_string!r}")

    async def switch_language(self) -> None:
        widget = self.run.widget("button_group", "lang")
        self.lang = "en" if self.lang == "zh" else "zh"
        await self.act("language", [string_array(widget.id, [LANGUAGES[self.lang]])])

    async def follow_link(self) -> None:
        """Open the link of the current view in a new session on a random page: the same sources are chosen."""
        if "sources" not in parse_qs(self.session.query_string):
            await self.change_sources()  # a link with ?sources=… needs some sources left out
        query = parse_qs(self.session.query_string)
        if "sources" not in query:
            return
        before = set(self.chosen)
        await self.open(self.rng.choice(list(TITLES)), urlencode(query, doseq=True), kind="link")
        if set(self.chosen) != before:
            raise AssertionError(f"the link {query} opened with sources {sorted(self.chosen)}, not {sorted(before)}")

    async def download(self, button) -> str:
        """A download button's CSV: it must arrive, start with the BOM, parse, and hold no other visitor's marker."""
        began = time.monotonic()
        data = await self.session.download(button.url)
        self.tally.download_seconds.append(time.monotonic() - began)
        self.tally.downloads += 1
        self.tally.download_bytes += len(data)
        name = button.id.rsplit("-", 1)[-1]
        if not data.startswith(BOM):
            raise AssertionError(f"{name} does not start with the UTF-8 BOM: {data[:20]!r}")
        text = data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or not rows[0]:
            raise AssertionError(f"{name} has no header row")
        for marker in self.others:
            if marker in text:
                self.tally.leaks.append(f"{self.where}: marker {marker} in {name}")
        return text

    def csv_buttons(self) -> list:
        return [b for b in self.run.widgets("download_button") if b.url.endswith(".csv")]

    async def download_some(self) -> None:
        buttons = self.csv_buttons()
        if buttons:
            await self.download(self.rng.choice(buttons))

    async def upload(self) -> None:
        """The article through the overview's upload form: the file PUT to the server, then the form submitted.

        The upload's source must join the filter and be chosen, and its marker must be in the overview's
        ``articles.csv`` (every article of the chosen sources) and the figure check's ``claims.csv`` (every
        figure); the other CSVs list groups of figures that agree or disagree across sources, which a private
        company in one article cannot join.
        """
        run = self.run
        uploader = run.widget("file_uploader", "upload_files")
        source = run.widget("text_input", "upload_source")
        submit = next(b for b in run.widgets("button") if b.is_form_submitter and b.form_id == "upload")
        info = await self.session.upload(f"visit_{self.marker}.txt", "text/plain", self.article())
        run = await self.act("upload", [files(uploader.id, [info]), string_value(source.id, self.source_name),
                                        trigger(submit.id)])
        refused = [body for body in run.alerts(Alert.WARNING) if f"visit_{self.marker}" in body]
        if refused:
            raise AssertionError(f"upload refused: {refused}")
        if self.source_name not in self.options or self.source_name not in self.chosen:
            raise AssertionError(f"the upload's source is not chosen in the filter: {self.chosen} of {self.options}")
        self.tally.uploads += 1
        self.tally.last_upload_at = time.monotonic()
        self.uploaded = True
        await self.expect_marker_in("download_articles")
        await self.open_page("figure_check")
        await self.expect_marker_in("download_claims")
        self.tally.steps[self.index] += 1  # the upload and its checks are this visitor's first step

    async def expect_marker_in(self, key: str) -> None:
        button = next((b for b in self.csv_buttons() if b.id.endswith(f"-{key}")), None)
        if button is None:
            raise AssertionError(f"no {key} button on /{self.page}")
        if self.marker not in await self.download(button):
            raise AssertionError(f"the upload's marker is missing from /{self.page}'s {key}")
        self.tally.upload_checks[key] += 1

    async def step(self, order: list[str]) -> None:
        """A page (or the link of this view), then perhaps a filter change, a language switch, a download."""
        if not order:
            order.extend(self.rng.sample(list(TITLES), len(TITLES)))
        page = order.pop()
        if page == self.page:
            return
        if not self.uploaded and self.rng.random() < CHANCES["link"]:
            await self.follow_link()
        else:
            await self.open_page(page)
        if self.rng.random() < CHANCES["filter"]:
            await self.change_sources()
        if self.rng.random() < CHANCES["language"]:
            await self.switch_language()
        if self.rng.random() < CHANCES["download"]:
            await self.download_some()
        self.tally.steps[self.index] += 1

    async def take_steps(self, deadline: float) -> None:
        """Steps until ``deadline``; a failed step is recorded and the visitor starts again in a new session."""
        order: list[str] = []
        while time.monotonic() < deadline:
            try:
                await self.step(order)
            except RETRYABLE as error:
                self.tally.errors.append(f"{self.where}: {type(error).__name__}: {str(error)[:400]}")
                if self.uploaded:
                    return  # a new session would not have the upload
                self.lang = "zh"
                await self.open()
            await asyncio.sleep(self.rng.uniform(*THINK))

    async def visit(self, phase: LoadPhase) -> None:
        """Open the dashboard, wait for every other visitor's first page, upload (some), then take steps."""
        try:
            try:
                await self.open()
            finally:
                phase.arrive()
            await phase.all_in.wait()
            if self.marker:
                await self.upload()
            await self.take_steps(phase.deadline)
        except RETRYABLE as error:
            self.tally.errors.append(f"{self.where}: {type(error).__name__}: {str(error)[:400]}")
        finally:
            if self.session is not None:
                await self.session.close()
