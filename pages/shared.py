"""Streamlit glue every page shares: the cached extraction, the sidebar filters, tables with downloads.

``streamlit_app.py`` builds one :class:`Dashboard` per run with :func:`setup`
(corpus, filters, language) and hands it over in ``st.session_state``; a page
starts with ``board = current()`` and reads the filtered tables from it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from core import i18n, views
from core.claims import ClaimReport, group_claims
from core.corpus import Corpus, load_corpus
from core.export import csv_bytes
from core.pipeline import DEFAULT_CACHE_DIR, Extraction, extract_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# Corpora (the base corpus plus one session's uploads) kept in memory at once; the oldest goes first.
# Few: at ten thousand articles one extraction is a few hundred megabytes.
MAX_CORPORA = 4
PAGES = {
    "overview": "pages/overview.py",
    "compare": "pages/compare.py",
    "figures": "pages/figure_check.py",
    "clouds": "pages/term_clouds.py",
}


@dataclass
class Dashboard:
    """The session's corpus and the current filters, with the tables narrowed to the chosen sources."""

    lang: str
    sources: list[str]
    all_sources: list[str]
    extraction: Extraction
    report: ClaimReport
    articles: pd.DataFrame
    figures: pd.DataFrame
    entities: pd.DataFrame
    terms: pd.DataFrame
    term_counts: pd.DataFrame

    def t(self, key: str, **fields: object) -> str:
        return i18n.t(key, self.lang, **fields)


def cache_dir() -> Path:
    """The on-disk extraction cache: ``$DUIZHAO_CACHE`` when set (read now, so tests can point it elsewhere)."""
    return Path(os.environ["DUIZHAO_CACHE"]) if os.environ.get("DUIZHAO_CACHE") else DEFAULT_CACHE_DIR


@st.cache_resource(show_spinner=False)
def seed_corpus(folder: str) -> Corpus:
    """The seed folder, loaded once per process."""
    return load_corpus([folder])


def corpus_key(corpus: Corpus) -> str:
    """A key that changes when any article's content or metadata does."""
    digest = hashlib.sha256()
    for article in corpus.articles:
        digest.update(f"{article.article_id}\0{article.content_hash}\0{article.source}\n".encode())
    for problem in corpus.problems:
        digest.update(f"{problem.file}\0{problem.reason}\n".encode())
    return digest.hexdigest()


@st.cache_resource(show_spinner=False)
def extraction_store() -> dict[str, Extraction]:
    """Extractions shared by every session of this process, by corpus key.

    A plain dict behind ``st.cache_resource`` rather than a cached function, so the
    progress bar drawn while extracting is not recorded and replayed on later runs.
    """
    return {}


def extraction_for(key: str, corpus: Corpus, progress=None) -> Extraction:
    """Extract a corpus once per process; ``key`` (from :func:`corpus_key`) identifies it."""
    store = extraction_store()
    if key not in store:
        while len(store) >= MAX_CORPORA:
            store.pop(next(iter(store)))
        store[key] = extract_corpus(corpus=corpus, cache_dir=cache_dir(), jobs=1, progress=progress)
    return store[key]


@st.cache_resource(show_spinner=False, max_entries=MAX_CORPORA)
def claims_for(key: str, _extraction: Extraction) -> ClaimReport:
    """Claim groups of a corpus, computed once per corpus key."""
    return group_claims(_extraction)


def base_folder() -> Path:
    """The corpus the dashboard opens on: ``$DUIZHAO_CORPUS`` when set, else ``seeds/``."""
    return Path(os.environ["DUIZHAO_CORPUS"]) if os.environ.get("DUIZHAO_CORPUS") else SEEDS


def session_corpus() -> Corpus:
    """The base corpus plus this session's uploads."""
    return views.merge_corpus(seed_corpus(str(base_folder())), st.session_state.get("uploads", []))


def load_extraction(lang: str) -> tuple[Extraction, ClaimReport]:
    """The session corpus's extraction and claims, with a progress bar while articles are extracted."""
    corpus = session_corpus()
    key = corpus_key(corpus)
    bar = st.empty()

    def progress(done: int, total: int) -> None:
        if total and done < total:
            bar.progress(done / total, text=i18n.t("extracting", lang, done=done, total=total))

    extraction = extraction_for(key, corpus, progress)
    report = claims_for(key, extraction)
    bar.empty()
    return extraction, report


def sidebar_filters(extraction: Extraction) -> tuple[str, list[str]]:
    """Language and sources, bound to the URL (``?lang=English&sources=…``) so a link reopens the same view."""
    with st.sidebar:
        choice = st.segmented_control(
            "界面语言 · Language", list(i18n.LANGUAGES), default="中文", required=True, key="lang",
            bind="query-params",
        )
        lang = i18n.LANGUAGES.get(choice or "中文", "zh")
        options = views.source_options(extraction.articles)
        sources = st.multiselect(
            i18n.t("sources", lang), options, default=options, key="sources", bind="query-params",
            help=i18n.t("sources_help", lang),
        )
    return lang, sources


def build_dashboard(extraction: Extraction, report: ClaimReport, lang: str, sources: list[str]) -> Dashboard:
    """The tables narrowed to ``sources``; filtering happens here, outside the cached functions."""
    return Dashboard(
        lang=lang, sources=sources, all_sources=views.source_options(extraction.articles), extraction=extraction,
        report=views.filter_report(report, sources),
        articles=views.filter_by_sources(extraction.articles, sources),
        figures=views.filter_by_sources(extraction.figures, sources),
        entities=views.filter_by_sources(extraction.entities, sources),
        terms=views.filter_by_sources(extraction.terms, sources),
        term_counts=views.filter_by_sources(extraction.term_counts, sources),
    )


def setup() -> Dashboard:
    """Page setup, sign-in, the corpus and the sidebar filters: what every run needs before a page draws."""
    st.set_page_config(page_title="对照 Duizhao", page_icon=":material/compare:", layout="wide")
    gate_sign_in()
    extraction, report = load_extraction(st.session_state.get("lang_code", "zh"))
    lang, sources = sidebar_filters(extraction)
    st.session_state["lang_code"] = lang
    return build_dashboard(extraction, report, lang, sources)


def current() -> Dashboard:
    """The dashboard ``streamlit_app.py`` built for this run.

    Streamlit runs a file in ``pages/`` on its own when a session's very first
    request names that page (its multipage v1 fallback), so a page builds the
    dashboard itself when the entry point did not.
    """
    board = st.session_state.pop("dashboard", None)
    return board if board is not None else setup()


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


def keep_valid_choices(key: str, options) -> None:
    """Drop choices that a filter change has made impossible from a widget's state, before it is drawn."""
    chosen = st.session_state.get(key)
    if isinstance(chosen, list) and any(c not in options for c in chosen):
        st.session_state[key] = [c for c in chosen if c in options]
    elif chosen is not None and not isinstance(chosen, list) and chosen not in options:
        del st.session_state[key]


def table_with_download(frame: pd.DataFrame, file_name: str, lang: str, key: str, **dataframe_args) -> None:
    """A table and, under it, the CSV of exactly those rows and columns."""
    st.dataframe(frame, hide_index=True, width="stretch", **dataframe_args)
    st.download_button(
        i18n.t("download_csv", lang), csv_bytes(frame), file_name=file_name, mime="text/csv", key=key,
        icon=":material/download:", on_click="ignore",
    )


# --- uploads --------------------------------------------------------------------------------------


def add_uploads(files: list[tuple[str, bytes]], source: str, lang: str) -> list[str]:
    """Load uploaded files into this session's corpus; returns a message per file that could not be read.

    New sources join the source filter, so what was just added is shown.
    """
    articles, problems = views.load_uploads(files, source)
    before = {a.source for a in session_corpus().articles}
    st.session_state["uploads"] = [*st.session_state.get("uploads", []), *articles]
    messages = [i18n.t("upload_bad", lang, file=p.file, reason=p.reason) for p in problems]
    st.session_state["upload_messages"] = messages
    if "sources" in st.session_state:
        added = [a.source for a in articles if a.source not in before]
        st.session_state["sources"] = list(dict.fromkeys([*st.session_state["sources"], *added]))
    return messages


def add_uploads_from_form(lang: str) -> None:
    """The upload form's submit callback: read the uploader and source field, then :func:`add_uploads`."""
    files = st.session_state.get("upload_files") or []
    add_uploads([(f.name, f.getvalue()) for f in files], st.session_state.get("upload_source", ""), lang)


def clear_uploads() -> None:
    """Forget this session's uploads."""
    st.session_state["uploads"] = []
    st.session_state["upload_messages"] = []


# --- claim-group cards ----------------------------------------------------------------------------


def group_card(card: views.GroupCard, lang: str, *, link: bool = False) -> None:
    """A bordered card: the measure, a verdict badge, each source's figure in large type, and why."""
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{views.escape_markdown(card.label)}**")
            st.badge(i18n.label(i18n.STATUS, card.status, lang), color=i18n.STATUS_COLOR[card.status],
                     icon=STATUS_ICON[card.status])
        with st.container(horizontal=True):
            for value in card.values[:6]:
                caption = " · ".join(x for x in (value["source"], value["modality"], value["period"]) if x)
                st.metric(caption, value["figure"], help=value["text"], border=False)
        if card.why:
            st.markdown(f":material/info: {views.escape_markdown(card.why)}")
        if link:
            st.page_link(PAGES["figures"], label=i18n.t("open_check", lang), icon=":material/arrow_forward:",
                         query_params={"group": card.group_id})


STATUS_ICON = {"contradiction": ":material/error:", "explained": ":material/info:", "agree": ":material/check:"}
