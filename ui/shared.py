"""Streamlit glue every page shares: the cached extraction, the filters at the top, links that hold the view.

``streamlit_app.py`` builds one :class:`Dashboard` per run with :func:`setup`
(corpus, filters, language) and hands it over in ``st.session_state``; a page
starts with ``board = current()`` and reads the filtered tables from it.

The tables narrowed to a set of sources live in a :class:`Selection`, one per
(corpus, sources) shared by every session: each table is filtered the first time
a page asks for it, and what pages derive from them (names, term totals, the
claims table …) is remembered there too, so a rerun with the same filters redoes
none of it. Selections are read-only; pages never modify the frames they get.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import ThreadState, get_script_run_ctx

from core import sandbox
from core.claims import ClaimReport, group_claims, group_kinds
from core.corpus import Article, Corpus
from core.pipeline import ArticleResult, Extraction, extract_article, extract_corpus, remembered
from core.version import corpus_key
from ui import clouds, display, i18n, overlap, session, views

ROOT = Path(__file__).resolve().parent.parent
ICON = ROOT / "ui" / "icon.png"
# Corpora (the base corpus plus one session's uploads) kept in memory at once; the oldest goes first.
# Few: at ten thousand articles one extraction is a few hundred megabytes.
MAX_CORPORA = 4
# Source selections kept per process; each holds filtered copies of the tables it was asked for.
MAX_SELECTIONS = 16
# Results a selection remembers (term totals of a source, claims tables per filter …); the oldest goes first.
MAX_REMEMBERED = 128
T = TypeVar("T")
LOG = logging.getLogger("duizhao")
if not LOG.handlers:
    # Streamlit configures only its own loggers; this one reports to the server's stderr.
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(_handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False
# One extraction of the base corpus at a time: sessions arriving together wait for it instead of each computing it.
_EXTRACTION_LOCK = threading.Lock()
PAGES = {
    "overview": "pages/overview.py",
    "compare": "pages/compare.py",
    "figures": "pages/figure_check.py",
    "clouds": "pages/term_clouds.py",
    "reading": "pages/reading.py",
    "search": "pages/search.py",
}


class Selection:
    """A corpus's tables narrowed to some sources, each filtered on first use and then kept.

    When every source is chosen the extraction's tables are used as they are, not copied.
    :meth:`remember` keeps what a page derives from them, by a key the page names.
    """

    def __init__(self, extraction: Extraction, report: ClaimReport, sources: tuple[str, ...]) -> None:
        self.extraction = extraction
        self.sources = sources
        self.everything = set(sources) >= set(views.source_options(extraction.articles))
        self.full_report = report
        self._remembered: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def _narrow(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame if self.everything else views.filter_by_sources(frame, self.sources)

    @cached_property
    def report(self) -> ClaimReport:
        # Filtered even when every source is chosen: that also puts the groups in the dashboard's reading order.
        return views.filter_report(self.full_report, self.sources)

    @cached_property
    def articles(self) -> pd.DataFrame:
        return self._narrow(self.extraction.articles)

    @cached_property
    def figures(self) -> pd.DataFrame:
        return self._narrow(self.extraction.figures)

    @cached_property
    def entities(self) -> pd.DataFrame:
        return self._narrow(self.extraction.entities)

    @cached_property
    def terms(self) -> pd.DataFrame:
        return self._narrow(self.extraction.terms)

    @cached_property
    def term_counts(self) -> pd.DataFrame:
        return self._narrow(self.extraction.term_counts)

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` the first time ``key`` is asked for, the same object afterwards."""
        with self._lock:
            if key in self._remembered:
                self._remembered.move_to_end(key)
                return self._remembered[key]
        value = compute()
        with self._lock:
            self._remembered[key] = value
            while len(self._remembered) > MAX_REMEMBERED:
                self._remembered.popitem(last=False)
        return value


@st.cache_resource(show_spinner=False, max_entries=MAX_SELECTIONS)
def selection_for(key: str, sources: tuple[str, ...], _extraction: Extraction, _report: ClaimReport) -> Selection:
    """The :class:`Selection` of ``sources`` (sorted) in the corpus ``key``, shared by every session."""
    return Selection(_extraction, _report, sources)


@dataclass
class Dashboard:
    """The session's corpus and the current filters, with the tables narrowed to the chosen sources."""

    lang: str
    sources: list[str]
    all_sources: list[str]
    key: str
    extraction: Extraction
    selection: Selection

    def t(self, key: str, **fields: object) -> str:
        return i18n.t(key, self.lang, **fields)

    @property
    def report(self) -> ClaimReport:
        return self.selection.report

    @property
    def articles(self) -> pd.DataFrame:
        return self.selection.articles

    @property
    def figures(self) -> pd.DataFrame:
        return self.selection.figures

    @property
    def entities(self) -> pd.DataFrame:
        return self.selection.entities

    @property
    def terms(self) -> pd.DataFrame:
        return self.selection.terms

    @property
    def term_counts(self) -> pd.DataFrame:
        return self.selection.term_counts

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """A result derived from the chosen sources' tables, computed once per selection (see :class:`Selection`)."""
        return self.selection.remember(key, compute)

    def group_claims(self, group_id: str) -> pd.DataFrame:
        """The figures of one claim group in the chosen sources (each group's rows found once per selection)."""
        rows = self.remember("claim_rows", lambda: self.report.claims.groupby("group_id").indices)
        return self.report.claims.iloc[rows.get(group_id, [])]

    def group_kinds(self) -> dict[str, str]:
        """Group id → its kind (:func:`core.claims.group_kinds`) in the chosen sources, found once per selection."""
        return self.remember("group_kinds", lambda: group_kinds(self.report.claims))

    def names(self, width: int = 14) -> dict[str, str]:
        """Article id → its number and the start of its title, for the chosen sources' articles."""
        return self.remember(("names", width), lambda: overlap.short_names(self.articles, width))


@st.cache_resource(show_spinner=False)
def extraction_store() -> dict[str, Extraction]:
    """Extractions shared by every session of this process, by corpus key.

    A plain dict behind ``st.cache_resource`` rather than a cached function, so the
    progress bar drawn while extracting is not recorded and replayed on later runs.
    """
    return {}


def extraction_for(key: str, corpus: Corpus, progress=None) -> Extraction:
    """Extract the base corpus once per process, and keep it on disk across restarts."""
    store = extraction_store()
    if key in store:
        return store[key]
    with _EXTRACTION_LOCK:
        if key not in store:
            extraction = remembered(session.cache_dir(), "extraction", key,
                                    lambda: _logged("extraction", key, lambda: extract_corpus(
                                        corpus=corpus, cache_dir=session.cache_dir(), jobs=1, progress=progress)))
            while len(store) >= MAX_CORPORA:
                store.pop(next(iter(store)))
            store[key] = extraction
    return store[key]


def _logged(what: str, key: str, build: Callable[[], T]) -> T:
    """``build()``, logging that ``what`` was computed for corpus ``key`` and in how long (load tests count them)."""
    started = time.perf_counter()
    value = build()
    LOG.info("computed %s for corpus %s in %.2f s", what, key, time.perf_counter() - started)
    return value


@st.cache_resource(show_spinner=False, max_entries=MAX_CORPORA)
def claims_for(key: str, _extraction: Extraction) -> ClaimReport:
    """Claim groups of the base corpus, computed once per corpus key (and kept on disk)."""
    return remembered(session.cache_dir(), "claims", key,
                      lambda: _logged("claims", key, lambda: group_claims(_extraction)))


def private_extraction(key: str, corpus: Corpus, progress=None) -> tuple[Extraction, ClaimReport]:
    """A corpus holding this session's uploads: kept in the session only, never in a shared cache.

    It reads the disk cache (the base articles are there) but writes nothing to it.
    """
    held = st.session_state.get("private_corpus")
    if held is None or held[0] != key:
        uploaded = frozenset(a.content_hash for a in st.session_state.get("uploads", []))
        env = session.lexicon_env()
        extraction = extract_corpus(corpus=corpus, cache_dir=session.cache_dir(), jobs=1, progress=progress,
                                    write_cache=False, fresh=uploaded if env else frozenset(),
                                    extract=partial(_extract_upload, uploaded=uploaded, env=env))
        held = (key, extraction, group_claims(extraction), {})
        st.session_state["private_corpus"] = held
    return held[1], held[2]


def _extract_upload(article: Article, uploaded: frozenset[str], env: dict[str, str]) -> ArticleResult:
    """Uploads are strangers' files: each is extracted in a child process held to the sandbox's limits,
    with the session's lexicon (``env``) when it has one.

    A base article missing from the disk cache (one that cannot be written) is extracted here as usual.
    """
    if article.content_hash in uploaded:
        return sandbox.extract_limited(article, env=env)
    return extract_article(article)


def load_extraction(lang: str) -> tuple[str, Extraction, ClaimReport]:
    """The session corpus's key, extraction and claims, with a progress bar while articles are extracted."""
    corpus = session.session_corpus()
    key = corpus_key(corpus)
    if st.session_state.get("uploads") and st.session_state.get("lexicon"):
        key = f"{key}-{session.lexicon_digest()}"  # results with and without the session's lexicon never mix
    bar = st.empty()

    def progress(done: int, total: int) -> None:
        if total and done < total:
            bar.progress(done / total, text=i18n.t("extracting", lang, done=done, total=total))

    if st.session_state.get("uploads"):
        extraction, report = private_extraction(key, corpus, progress)
    else:
        extraction = extraction_for(key, corpus, progress)
        report = claims_for(key, extraction)
    bar.empty()
    return key, extraction, report


def url_choice(key: str, options, default, *, multi: bool = False) -> None:
    """Give the widget ``key`` its value before it is drawn: the session's, else the link's, else ``default``.

    Links hold stable codes (``?lang=en&status=contradiction&articles=<article id>``), never labels in
    one language, so a link made in Chinese opens the same view in English. A code that names no option
    is dropped. Pair with :func:`to_url` after the widget.
    """
    keep_valid_choices(key, options)
    if key in st.session_state:
        return
    by_code = {str(o): o for o in options}
    linked = [by_code[v] for v in dict.fromkeys(st.query_params.get_all(key)) if v in by_code]
    if multi:
        st.session_state[key] = linked if linked else list(default)
    else:
        st.session_state[key] = linked[0] if linked else default


def to_url(key: str, value, default) -> None:
    """Write the widget ``key``'s value into the link as codes; a default value leaves the link clean."""
    codes = [str(v) for v in value] if isinstance(value, list | tuple) else [] if value is None else [str(value)]
    defaults = [str(v) for v in default] if isinstance(default, list | tuple) else [] if default is None else [
        str(default)]
    if codes == defaults:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != codes:
        st.query_params[key] = codes


LANGUAGE_NAMES = {code: name for name, code in i18n.LANGUAGES.items()}


def main_filters(extraction: Extraction) -> tuple[str, list[str]]:
    """Language and sources at the top of every page (on a phone too, where a sidebar is hidden), in the link.

    The language is a stable code (``?lang=en``); an older link's ``?lang=English`` still opens in English.
    """
    legacy = st.query_params.get("lang")
    if "lang" not in st.session_state and legacy in i18n.LANGUAGES:
        st.session_state["lang"] = i18n.LANGUAGES[legacy]
    url_choice("lang", list(LANGUAGE_NAMES), "zh")
    options = views.source_options(extraction.articles)
    url_choice("sources", options, options, multi=True)
    with st.container(horizontal=True, vertical_alignment="center", key="filters"):
        lang = st.segmented_control(
            "界面语言 · Language", list(LANGUAGE_NAMES), format_func=LANGUAGE_NAMES.get, required=True, key="lang",
            label_visibility="collapsed", width="content",
        ) or "zh"
        chosen = st.session_state.get("sources") or []
        summary = (i18n.t("all_sources", lang) if set(chosen) >= set(options)
                   else i18n.t("some_sources", lang, n=len(chosen), total=len(options)))
        with st.popover(f"{i18n.t('sources', lang)}: {summary}", icon=":material/filter_alt:", width="content",
                        key="sources_popover"):
            # Streamlit's "Select all" cannot be worded in Chinese: the Chinese page offers its own button.
            sources = st.multiselect(
                i18n.t("sources", lang), options, key="sources", help=i18n.t("sources_help", lang),
                placeholder=i18n.t("sources_placeholder", lang), select_all=lang == "en",
                format_func=lambda s: display.display_text(display.display_source(s, lang)),
            )
            if lang != "en":
                st.button(i18n.t("select_all", lang), on_click=st.session_state.update, kwargs={"sources": options},
                          icon=":material/select_all:", key="sources_all")
    to_url("lang", lang, "zh")
    to_url("sources", sources, options)
    return lang, sources


def build_dashboard(key: str, extraction: Extraction, report: ClaimReport, lang: str,
                    sources: list[str]) -> Dashboard:
    """The dashboard of ``sources``; its tables are filtered when a page first reads them (:class:`Selection`)."""
    chosen = tuple(sorted(set(sources)))
    held = st.session_state.get("private_corpus")
    if held is not None and held[0] == key:
        # A private corpus's selections stay in the session too.
        selections = held[3]
        if chosen not in selections:
            selections.clear()
            selections[chosen] = Selection(extraction, report, chosen)
        selection = selections[chosen]
    else:
        selection = selection_for(key, chosen, extraction, report)
    return Dashboard(lang=lang, sources=sources, all_sources=views.source_options(extraction.articles), key=key,
                     extraction=extraction, selection=selection)


def setup() -> Dashboard:
    """Page setup, sign-in, the corpus and the sidebar filters: what every run needs before a page draws."""
    leave_pages_folder_mode()
    # The icon is a file the app serves: a ``:material/…:`` icon makes every browser fetch it from fonts.gstatic.com.
    st.set_page_config(page_title="对照 Duizhao", page_icon=str(ICON), layout="wide")
    gate_sign_in()
    key, extraction, report = load_extraction(st.session_state.get("lang_code", "zh"))
    lang, sources = main_filters(extraction)
    st.session_state["lang_code"] = lang
    return build_dashboard(key, extraction, report, lang, sources)


def current() -> Dashboard:
    """The dashboard ``streamlit_app.py`` built for this run.

    Until some session has run ``st.navigation``, Streamlit treats an app with a ``pages/`` folder as a
    multipage app of its first kind: it runs a page file on its own, under a navigation of file names with a
    "streamlit app" entry, and keeps doing so for that session. On a freshly started server whose first visitor
    comes through a shared link (``/compare?…``) that is every run of that visitor. Such a run switches the
    fallback off, as ``st.navigation`` does, and starts again from the entry point, on the same page with the same
    query (:func:`leave_pages_folder_mode`). A page run as the main script (a test of one page) builds the
    dashboard itself. This module lives in ``ui/``, outside ``pages/``, so the fallback never takes it for a page.
    """
    board = st.session_state.pop("dashboard", None)
    if board is not None:
        return board
    return setup()


def leave_pages_folder_mode() -> None:
    """Start the run again under ``st.navigation`` when Streamlit runs it in its ``pages/``-folder mode.

    That mode (see :func:`current`) also runs the entry point of a freshly started server's first sessions,
    until one of them reaches ``st.navigation``; the widgets that run draws get other ids than in every later
    run (an id includes the script being run), so the first change a visitor makes to the language or the
    source filter was lost (found by the load test's protocol client, ``tests/load/test_first_session.py``).
    Restarting before any widget is drawn gives those sessions the ids of every later run.
    """
    ctx = get_script_run_ctx()
    # A run already under way when another session switched the mode off is told by the script it runs as: the
    # entry point runs as itself under st.navigation, as a page of the pages-folder navigation otherwise.
    as_page = ctx is not None and ThreadState.get().active_script_hash != ctx.pages_manager.main_script_hash
    if PagesManager.uses_pages_directory or as_page:
        PagesManager.uses_pages_directory = False
        st.rerun()


def sign_in_required() -> bool:
    """True when secrets configure OIDC sign-in (an ``[auth]`` section); no secrets file at all means public."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def gate_sign_in() -> None:
    """Without a signed-in user, show only the sign-in button and stop."""
    if not sign_in_required():
        return
    both = " · ".join
    if not st.user.is_logged_in:
        st.title(i18n.t("app_title", "zh"))
        st.info(both([i18n.t("login_needed", "zh"), i18n.t("login_needed", "en")]), icon=":material/lock:")
        if st.button(both([i18n.t("login", "zh"), i18n.t("login", "en")]), type="primary"):
            st.login()
        st.stop()
    st.sidebar.button(both([i18n.t("logout", "zh"), i18n.t("logout", "en")]), on_click=st.logout)


def require_articles(board: Dashboard) -> None:
    """Stop the page with a friendly message when the filters leave no article."""
    if board.articles.empty:
        st.info(board.t("no_articles"), icon=":material/filter_alt_off:")
        st.stop()


def keep_valid_choices(key: str, options) -> bool:
    """Drop choices that a filter change has made impossible from a widget's state, before it is drawn.

    Returns True when something was dropped.
    """
    chosen = st.session_state.get(key)
    if isinstance(chosen, list) and any(c not in options for c in chosen):
        st.session_state[key] = [c for c in chosen if c in options]
        return True
    if chosen is not None and not isinstance(chosen, list) and chosen not in options:
        del st.session_state[key]
        return True
    return False


def source_term_totals(board: Dashboard, source: str | None = None) -> pd.Series:
    """Term → count over the chosen articles, or over one ``source``'s; most frequent first, kept per selection."""
    def compute() -> pd.Series:
        rows = board.term_counts if source is None else views.filter_by_sources(board.term_counts, [source])
        return clouds.term_totals(rows)

    return board.remember(("term_totals", source), compute)


def distinctive_frequencies(board: Dashboard, source: str, top_n: int) -> dict[str, float]:
    """Terms distinctive of ``source`` against the other chosen sources, computed once per selection."""
    def compute() -> dict[str, float]:
        focus = source_term_totals(board, source)
        return clouds.distinctive_weights(focus, source_term_totals(board).sub(focus, fill_value=0), top_n)

    return board.remember(("distinctive", source, top_n), compute)
