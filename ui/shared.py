"""Streamlit glue every page shares: the cached extraction, the sidebar filters, tables with downloads.

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

import hashlib
import logging
import os
import threading
import time
import weakref
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

from core import analyst, sandbox, words
from core.claims import ClaimReport, group_claims
from core.corpus import Article, Corpus, load_corpus
from core.export import csv_bytes
from core.pipeline import DEFAULT_CACHE_DIR, ArticleResult, Extraction, extract_article, extract_corpus, remembered
from core.version import corpus_key, write_atomically
from core.words import Reason
from ui import bundle, clouds, display, i18n, overlap, uploads, views

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ICON = ROOT / "ui" / "icon.png"
# Corpora (the base corpus plus one session's uploads) kept in memory at once; the oldest goes first.
# Few: at ten thousand articles one extraction is a few hundred megabytes.
MAX_CORPORA = 4
# Source selections kept per process; each holds filtered copies of the tables it was asked for.
MAX_SELECTIONS = 16
# Bytes one session may upload in all: its files and their extraction live in the server's memory until it ends.
MAX_SESSION_UPLOAD_BYTES = 20 * 1024 * 1024
# Links fetched per press of the upload button, and the seconds each may take: the page waits for them.
MAX_LINKS_PER_ADD = 10
LINK_SECONDS = 10.0
# Bytes one lexicon file of an analyst (user dictionary, alias file) may have.
MAX_LEXICON_BYTES = 1024 * 1024
# A session's lexicon files: kind → the environment variable the sandboxed extraction reads, the
# reader that checks the file, and the extension of its content-addressed copy.
LEXICON_FILES = {
    "userdict": (analyst.USERDICT_ENV, analyst.read_user_words, "txt"),
    "aliases": (analyst.ALIASES_ENV, analyst.read_alias_rows, "tsv"),
}
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

    def names(self, width: int = 14) -> dict[str, str]:
        """Article id → its number and the start of its title, for the chosen sources' articles."""
        return self.remember(("names", width), lambda: overlap.short_names(self.articles, width))


def cache_dir() -> Path:
    """The on-disk extraction cache: ``$DUIZHAO_CACHE`` when set (read now, so tests can point it elsewhere)."""
    return Path(os.environ["DUIZHAO_CACHE"]) if os.environ.get("DUIZHAO_CACHE") else DEFAULT_CACHE_DIR


@st.cache_resource(show_spinner=False)
def seed_corpus(folder: str) -> Corpus:
    """The seed folder, loaded once per process."""
    return load_corpus([folder])


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
            extraction = remembered(cache_dir(), "extraction", key,
                                    lambda: _logged("extraction", key, lambda: extract_corpus(
                                        corpus=corpus, cache_dir=cache_dir(), jobs=1, progress=progress)))
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
    return remembered(cache_dir(), "claims", key, lambda: _logged("claims", key, lambda: group_claims(_extraction)))


def private_extraction(key: str, corpus: Corpus, progress=None) -> tuple[Extraction, ClaimReport]:
    """A corpus holding this session's uploads: kept in the session only, never in a shared cache.

    It reads the disk cache (the base articles are there) but writes nothing to it.
    """
    held = st.session_state.get("private_corpus")
    if held is None or held[0] != key:
        uploaded = frozenset(a.content_hash for a in st.session_state.get("uploads", []))
        env = lexicon_env()
        extraction = extract_corpus(corpus=corpus, cache_dir=cache_dir(), jobs=1, progress=progress,
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


def base_folder() -> Path:
    """The corpus the dashboard opens on: ``$DUIZHAO_CORPUS`` when set, else ``seeds/``."""
    return Path(os.environ["DUIZHAO_CORPUS"]) if os.environ.get("DUIZHAO_CORPUS") else SEEDS


def session_corpus() -> Corpus:
    """The base corpus plus this session's uploads."""
    return uploads.merge_corpus(seed_corpus(str(base_folder())), st.session_state.get("uploads", []))


def load_extraction(lang: str) -> tuple[str, Extraction, ClaimReport]:
    """The session corpus's key, extraction and claims, with a progress bar while articles are extracted."""
    corpus = session_corpus()
    key = corpus_key(corpus)
    if st.session_state.get("uploads") and st.session_state.get("lexicon"):
        key = f"{key}-{lexicon_digest()}"  # results with and without the session's lexicon never mix
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


def table_with_download(frame: pd.DataFrame, file_name: str, lang: str, key: str, **dataframe_args) -> None:
    """A table and, under it, the CSV of those rows and columns.

    The table shows periods in words and the unknown source in ``lang``
    (:func:`display.display_values`); the CSV keeps the stored values.
    """
    st.dataframe(display.display_values(frame, lang), hide_index=True, width="stretch", **dataframe_args)
    csv_download(i18n.t("download_csv", lang), frame, file_name, key)


def claim_columns(lang: str) -> dict[str, st.column_config.Column]:
    """Column widths for tables of figures: the sentence (the evidence) gets the room, short fields little."""
    label = partial(i18n.label, i18n.COLUMNS, lang=lang)
    small = {label(c): st.column_config.TextColumn(width="small")
             for c in ("source", "text", "unit", "period", "modality", "subject")}
    return {**small, label("value"): st.column_config.NumberColumn(width="small"),
            label("sentence"): st.column_config.TextColumn(width="large")}


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A download button for ``frame`` as CSV.

    The button gets the bytes, not a function that makes them on click: Streamlit 1.67 keeps a
    deferred download only until other sessions' runs clean up unclaimed files, so with several
    visitors a click could find it gone (the load test saw 404s). The bytes are made once per frame.
    """
    st.download_button(label, frame_csv(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


_CSV_BYTES: dict[int, bytes] = {}
_CSV_LOCK = threading.Lock()


def frame_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV bytes (:func:`core.export.csv_bytes`), kept while the frame lives.

    Keyed by the frame's identity: the frames pages show are read-only, and a remembered one (a
    selection's tables, a claims table) is the same object on every run, so its CSV is made once.
    """
    key = id(frame)
    with _CSV_LOCK:
        data = _CSV_BYTES.get(key)
    if data is None:
        data = csv_bytes(frame)
        with _CSV_LOCK:
            if key not in _CSV_BYTES:
                _CSV_BYTES[key] = data
                weakref.finalize(frame, _CSV_BYTES.pop, key, None)
    return data


@st.cache_data(show_spinner=False, max_entries=64)
def cloud_png(freqs: tuple[tuple[str, float], ...], width: int, height: int, title: str = "") -> bytes:
    """The word cloud of ``freqs`` (term, weight) as PNG bytes with its scope as ``title``, drawn once per
    distinct word list, size and title."""
    return clouds.cloud_png(dict(freqs), width=width, height=height, title=title)


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


# --- uploads --------------------------------------------------------------------------------------


def upload_limit() -> int:
    """Bytes one uploaded file may have: the server's ``maxUploadSize`` (MiB, as Streamlit counts it)."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def add_uploads(files: list[tuple[str, bytes]], source: str, lang: str) -> list[str]:
    """Load uploaded files into this session's corpus; returns a message per file that could not be read.

    The session keeps each file's bytes too, for the zip of its uploads. New sources
    join the source filter, so what was just added is shown.
    """
    originals = st.session_state.get("upload_originals", {})
    known = {a.content_hash for a in session_corpus().articles}
    loaded, problems = uploads.load_uploads(files, source, max_bytes=upload_limit(), known=known,
                                          budget=MAX_SESSION_UPLOAD_BYTES - sum(map(len, originals.values())))
    before = {a.source for a in session_corpus().articles}
    st.session_state["uploads"] = [*st.session_state.get("uploads", []), *(article for article, _ in loaded)]
    st.session_state["upload_originals"] = {**originals, **{a.content_hash: data for a, data in loaded}}
    messages = [i18n.t("upload_bad", lang, file=p.file, reason=words.say(p.reason, lang)) for p in problems]
    st.session_state["upload_messages"] = messages
    if "sources" in st.session_state:
        added = [a.source for a, _ in loaded if a.source not in before]
        st.session_state["sources"] = list(dict.fromkeys([*st.session_state["sources"], *added]))
    return messages


def add_uploads_from_form(lang: str) -> None:
    """The upload form's submit callback: the uploader, the links and the source field to :func:`add_uploads`."""
    files = st.session_state.get("upload_files") or []
    fetched, refused = fetch_for_upload(st.session_state.get("upload_links") or "", lang)
    add_uploads([*((f.name, f.getvalue()) for f in files), *fetched], st.session_state.get("upload_source", ""), lang)
    st.session_state["upload_messages"] = [*refused, *st.session_state.get("upload_messages", [])]


def fetch_for_upload(links: str, lang: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The pages of the links typed in the upload form (one a line) as (file name, bytes), and why others were not.

    Through the guarded client of ``core.fetch`` (public addresses only, the upload size limit, a
    short deadline), at most ``MAX_LINKS_PER_ADD`` links a time.
    """
    from core.fetch import Fetcher, fetch_links, page_file_name

    urls = [line.strip() for line in links.splitlines() if line.strip()]
    fetcher = Fetcher(cache_dir=cache_dir(), max_bytes=upload_limit(), timeout=LINK_SECONDS,
                      deadline=LINK_SECONDS)
    pages, refused = fetch_links(fetcher, urls[:MAX_LINKS_PER_ADD])
    messages = [i18n.t("upload_bad", lang, file=r.url, reason=words.refusal(r.code, lang, **r.params)) for r in refused]
    if len(urls) > MAX_LINKS_PER_ADD:
        messages.append(i18n.t("links_over", lang, n=MAX_LINKS_PER_ADD))
    return [(page_file_name(page.url, page.content_type), page.data) for page in pages], messages


def set_lexicon(kind: str, name: str, data: bytes, lang: str) -> str | None:
    """Use an analyst's lexicon file (``kind``: userdict | aliases) for this session's uploads, once
    :mod:`core.analyst` reads it; else a message naming the file, its line and what is wrong."""
    _, read, _ = LEXICON_FILES[kind]
    try:
        if len(data) > MAX_LEXICON_BYTES:
            raise analyst.AnalystFileError(name, Reason.of("larger_than", kib=MAX_LEXICON_BYTES // 1024))
        read(name, data)
    except analyst.AnalystFileError as exc:
        return i18n.t("upload_bad", lang, file=exc.file, reason=words.say(exc.where, lang))
    st.session_state["lexicon"] = {**st.session_state.get("lexicon", {}), kind: (name, data)}
    st.session_state.pop("private_corpus", None)
    return None


def set_lexicon_from_form(lang: str) -> None:
    """The lexicon form's submit callback: each file chosen to :func:`set_lexicon`."""
    chosen = ((kind, st.session_state.get(f"lexicon_{kind}")) for kind in LEXICON_FILES)
    messages = [set_lexicon(kind, f.name, f.getvalue(), lang) for kind, f in chosen if f is not None]
    st.session_state["lexicon_messages"] = [m for m in messages if m]


def lexicon_digest() -> str:
    """A hash of this session's lexicon files, for the key of its extraction."""
    digest = hashlib.sha256()
    for kind, (_, data) in sorted(st.session_state.get("lexicon", {}).items()):
        digest.update(f"{kind}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()[:16]


def lexicon_env() -> dict[str, str]:
    """The environment that gives a sandboxed extraction this session's lexicon files.

    Each file is stored under the cache by the hash of its bytes (a name that says nothing of the
    session, and the same bytes give the same file), since the child process reads it by path.
    """
    env = {}
    for kind, (_, data) in st.session_state.get("lexicon", {}).items():
        variable, _, extension = LEXICON_FILES[kind]
        path = cache_dir() / "analyst" / f"{hashlib.sha256(data).hexdigest()}.{extension}"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, data)
        env[variable] = str(path)
    return env


def clear_uploads() -> None:
    """Forget this session's uploads."""
    st.session_state["uploads"] = []
    st.session_state["upload_originals"] = {}
    st.session_state["upload_messages"] = []
    st.session_state.pop("private_corpus", None)
    st.session_state.pop("uploads_zip", None)


def session_uploads() -> list[tuple[Article, bytes]]:
    """This session's uploaded articles as they stand in its corpus, each with the bytes it was uploaded as."""
    originals = st.session_state.get("upload_originals", {})
    base = seed_corpus(str(base_folder()))
    return [(a, originals[a.content_hash]) for a in session_corpus().articles[len(base.articles):]]


def uploads_download(board: Dashboard) -> None:
    """A button that downloads this session's uploads as a zip (``ui.bundle``), whatever the source filter.

    The zip is made once per session corpus and kept in the session (bytes, not a function: see
    :func:`csv_download`).
    """
    held = st.session_state.get("uploads_zip")
    if held is None or held[0] != board.key:
        held = (board.key, bundle.uploads_zip(session_uploads(), board.extraction, board.selection.full_report))
        st.session_state["uploads_zip"] = held
    st.download_button(
        i18n.t("upload_zip", board.lang), held[1], file_name="duizhao-uploads.zip", mime="application/zip",
        help=i18n.t("upload_zip_help", board.lang), icon=":material/folder_zip:", on_click="ignore",
        key="download_uploads",
    )


# --- claim-group cards ----------------------------------------------------------------------------


def card_for(board: Dashboard, group_id: str) -> views.GroupCard:
    """The card of a claim group in the board's language, made once per selection."""
    return board.remember(("card", group_id, board.lang), lambda: views.group_card(board.report, group_id, board.lang))


STATUS_ICON = {"contradiction": ":material/error:", "explained": ":material/info:", "agree": ":material/check:"}
KIND_COLOR = {"cross_source": "blue", "one_source": "violet", "self_contradiction": "violet", "before_after": "gray"}
# Plotly's toolbar would sit over the data on a phone; nothing in these charts needs it.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "responsive": True}
MODALITY_COLOR = {"circle": "#1F77B4", "diamond": "#B22222", "square": "#2CA02C", "cross": "#7F7F7F"}


def group_card(board: Dashboard, group_id: str, *, link: bool = False, chart: bool = True) -> None:
    """A bordered card: the measure, the reason in words first, a dot plot of the values by source, and under it
    each figure's sentence with the figure highlighted, its attribution and a link to the article."""
    card, lang = card_for(board, group_id), board.lang
    t = partial(i18n.t, lang=lang)
    with st.container(border=True, key=f"card_{card.group_id}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{display.escape_markdown(card.label)}**")
            st.badge(i18n.kind_label(card.kind, lang), color=KIND_COLOR[card.kind])
        if card.kind == "before_after":
            st.markdown(f"##### :material/trending_flat: {display.escape_markdown(card.reason)}")
        else:
            st.markdown(f"##### {STATUS_ICON[card.status]} {display.escape_markdown(card.reason)}")
        if chart and card.kind != "before_after":
            dot_plot(board, card)
        for items in views.by_sentence(card.evidence):
            evidence_block(items, lang)
        if card.why:
            st.caption(display.escape_markdown(card.why))
        if link:
            st.page_link(PAGES["figures"], label=t("open_check"), icon=":material/arrow_forward:",
                         query_params={"group": card.group_id})


def evidence_block(items: list[views.Evidence], lang: str) -> None:
    """The evidence of one sentence: source, figure(s), period, kind and attribution in a line; the sentence,
    wrapped, with its figures highlighted (28% → 15% for a change); a link to the reading view at the figure."""
    t = partial(i18n.t, lang=lang)
    item = items[0]
    facts = [f"**{display.escape_markdown(item.source)}**",
             " → ".join(f"**{display.escape_markdown(i.figure)}**" for i in items),
             display.escape_markdown(item.modality)]
    if item.period:
        facts.append(display.escape_markdown(item.period))
    if item.attributed_to:
        facts.append(f"{t('attributed')}: {display.escape_markdown(item.attributed_to)}")
    spans = [(i.figure_start, i.figure_end) for i in items if i.figure_start >= 0]
    with st.container(gap="small"):
        st.markdown(" · ".join(facts))
        st.markdown(display.highlight_markdown(item.sentence, spans, color="red"))
        if item.start >= 0:
            st.page_link(PAGES["reading"], label=t("read_article"), icon=":material/article:",
                         query_params={"article": item.article_id, "at": str(item.start)})


def dot_plot(board: Dashboard, card: views.GroupCard) -> None:
    """The card's values by source as dots: shape by modality, an arrow for a figure open on one side (超, 至少),
    a line for a stated range; numbers on the axis as ``lang`` writes them; no toolbar, no zoom."""
    import plotly.graph_objects as go

    lang = board.lang
    frame = board.remember(("dots", card.group_id, lang),
                           lambda: views.dot_plot_frame(group_claims_of(board, card.group_id), lang))
    if frame.empty:
        return
    highs = frame["value_high"].fillna(frame["value"])
    low, high = float(frame["value"].min()), float(highs.max())
    pad = max((high - low) * 0.15, abs(high) * 0.08) or 1.0
    low_end = min(0.0, low - pad) if low >= 0 else low - pad
    ticks, labels = views.axis_ticks(low_end, high + pad, frame["unit"].iloc[0], lang)
    figure = go.Figure()
    for symbol, part in frame.groupby("symbol", sort=False):
        figure.add_trace(go.Scatter(
            x=part["value"], y=part["row"], mode="markers+text", text=part["figure"], textposition="top center",
            marker={"symbol": symbol, "size": 14, "color": MODALITY_COLOR[symbol]}, name=part["modality"].iloc[0],
            hoverinfo="skip", cliponaxis=False,
        ))
    # Ranges and open-ended arrows set once: each add_shape/add_annotation call re-validates every one before it,
    # which made a card of a few hundred figures (10,000 articles) take a second.
    shapes, arrows = [], []
    for row in frame.itertuples(index=False):
        if row.value_high is not None and not pd.isna(row.value_high):
            shapes.append({"type": "line", "x0": row.value, "x1": row.value_high, "y0": row.row, "y1": row.row,
                           "line": {"color": MODALITY_COLOR[row.symbol], "width": 4}})
        if row.open:
            arrows.append({"x": row.value, "y": row.row, "ax": 34 * row.open, "ay": 0, "text": "", "showarrow": True,
                           "arrowside": "start", "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2,
                           "startstandoff": 9, "arrowcolor": MODALITY_COLOR[row.symbol]})
    rows = frame["row"].nunique()
    figure.update_layout(
        shapes=shapes, annotations=arrows,
        height=90 + 46 * rows, margin={"l": 8, "r": 16, "t": 24, "b": 8}, showlegend=frame["symbol"].nunique() > 1,
        legend={"orientation": "h", "y": -0.25, "x": 0}, dragmode=False, plot_bgcolor="#FFFFFF",
        xaxis={"range": [ticks[0], ticks[-1]], "tickvals": ticks, "ticktext": labels, "fixedrange": True,
               "gridcolor": "#E5E5E5", "zeroline": False},
        yaxis={"fixedrange": True, "automargin": True, "categoryorder": "array",
               "categoryarray": list(dict.fromkeys(frame["row"]))[::-1]},
    )
    st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, key=f"dots_{card.group_id}")


def group_claims_of(board: Dashboard, group_id: str) -> pd.DataFrame:
    """A group's figures in the board's selection, each once."""
    claims = board.report.claims
    return views.representative(claims[claims["group_id"] == group_id].drop_duplicates(["file", "text", "start"]),
                                views.PLOT_DOTS)


# Articles listed one per line on the overview; the table under it holds them all.
ARTICLES_LISTED = 20


def article_list(board: Dashboard) -> None:
    """The articles as a stacked list (it fits a phone), each with a link to its reading view; then the full
    table and its CSV in an expander."""
    t = board.t
    rows = board.articles.head(ARTICLES_LISTED)
    for row in rows.itertuples(index=False):
        title = display.escape_markdown(str(row.title or row.file))
        facts = [display.escape_markdown(display.display_source(row.source, board.lang))]
        if row.published:
            facts.append(display.escape_markdown(str(row.published)))
        facts.append(t("figures_n", n=int(row.figures)))
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.page_link(PAGES["reading"], label=title, icon=":material/article:",
                         query_params={"article": row.article_id})
            st.caption(" · ".join(facts))
    with st.expander(t("corpus_table_full"), icon=":material/table:"):
        corpus = board.remember(("corpus_table", board.lang), lambda: views.corpus_table(board.articles, board.lang))
        table_with_download(corpus, "articles.csv", board.lang, key="download_articles")


def linked_figure(figures: pd.DataFrame) -> pd.Series | None:
    """The figure ``?at=<offset>`` names among an article's ``figures`` (its start offset), or None."""
    at = st.query_params.get("at")
    if not at or not at.isdigit():
        return None
    rows = figures[figures["start"] == int(at)]
    return None if rows.empty else rows.iloc[0]


def article_facts(board: Dashboard, article: pd.Series) -> str:
    """Source, author, date, script and length of an article, escaped, in one line."""
    t = board.t
    unknown = t("unknown")
    return " · ".join([
        f"{t('meta_source')}: {display.escape_markdown(display.display_source(article['source'], board.lang))}",
        f"{t('meta_author')}: {display.escape_markdown(str(article['author'] or unknown))}",
        f"{t('meta_date')}: {display.escape_markdown(str(article['published'] or unknown))}",
        f"{t('meta_script')}: {i18n.label(i18n.SCRIPT, str(article['script']), board.lang)}",
        f"{t('meta_length')}: {int(article['body_chars'])}",
    ])


def text_from_focus(text: str, spans: list[tuple[int, int]], focus: tuple[int, int] | None, lang: str) -> None:
    """An article's text with its figures marked and ``focus`` in red. With a focus, the paragraphs before it
    are folded into an expander, so the page opens at the linked figure without a script of its own."""
    cut = 0 if focus is None else text.rfind("\n", 0, focus[0]) + 1
    if cut:
        before = [(s, min(e, cut)) for s, e in spans if s < cut]
        with st.expander(i18n.t("reading_before", lang), icon=":material/unfold_more:", key="reading_before"):
            st.markdown(display.highlight_markdown(text[:cut], before))
    after = [(max(s, cut) - cut, e - cut) for s, e in spans if e > cut]
    shifted = None if focus is None else (focus[0] - cut, focus[1] - cut)
    st.markdown(display.highlight_markdown(text[cut:], after, focus=shifted))


def search_links(board: Dashboard, words: list[str], key: str) -> None:
    """Words as pills; picking one opens the search page for it (``?q=<word>``)."""
    picked = st.pills(board.t("search_these"), words, key=key, format_func=display.display_text)
    if picked:
        st.session_state.pop(key, None)
        st.session_state["q"] = picked
        st.switch_page(PAGES["search"], query_params={"q": picked})


def timeline_chart(board: Dashboard, metric: str) -> None:
    """A measure's figures by period: x the start of each figure's period, one colour per source, the figure
    as written in ``lang`` next to its dot; numbers on the value axis as the language writes them."""
    import plotly.express as px

    frame = board.remember(("timeline", metric, board.lang),
                           lambda: views.timeline_frame(board.report.claims, metric, board.lang))
    if frame.empty:
        st.info(board.t("timeline_none"))
        return
    chart = px.scatter(frame, x="x", y="value", color="source", symbol="modality", text="figure",
                       labels={"x": board.t("period"), "value": board.t("value"), "source": "", "modality": ""},
                       height=360)
    ticks, labels = views.axis_ticks(min(0.0, float(frame["value"].min())), float(frame["value"].max()) * 1.15,
                                     frame["unit"].iloc[0], board.lang)
    years = sorted({int(x) for x in frame["x"]})
    chart.update_traces(marker={"size": 13}, textposition="top center", hoverinfo="skip", hovertemplate=None)
    chart.update_layout(margin={"l": 8, "r": 16, "t": 16, "b": 8}, dragmode=False,
                        legend={"orientation": "h", "y": -0.3},
                        xaxis={"tickvals": years, "ticktext": [str(y) for y in years], "fixedrange": True},
                        yaxis={"tickvals": ticks, "ticktext": labels, "range": [ticks[0], ticks[-1]],
                               "fixedrange": True})
    st.plotly_chart(chart, width="stretch", config=CHART_CONFIG, key="timeline_chart")


def stacked_rows(table: pd.DataFrame) -> None:
    """A table as a stacked list that fits a phone: per row, its first and last columns as a heading, then one
    line per other column (``header: value``)."""
    first, last = table.columns[0], table.columns[-1]
    for row in table.to_dict("records"):
        with st.container(border=True, gap="small"):
            st.markdown(f"**{display.escape_markdown(str(row[first]))}** · {display.escape_markdown(str(row[last]))}")
            st.markdown("\n".join(
                f"- {display.escape_markdown(str(column))}: **{display.escape_markdown(str(row[column]))}**"
                for column in table.columns[1:-1]))
