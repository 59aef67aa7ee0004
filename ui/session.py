"""This session's corpus: the base folder the dashboard opens on, plus the files a visitor uploads and their
lexicon files.

Uploads live in ``st.session_state`` only (never in a shared cache): the articles, the bytes they were
uploaded as (for the zip of :func:`ui.downloads.uploads_download`), and the analyst's user dictionary and
alias file, which reach the sandboxed extraction by path (:func:`lexicon_env`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from core import analyst, words
from core.corpus import Article, Corpus, load_corpus
from core.pipeline import DEFAULT_CACHE_DIR
from core.version import write_atomically
from core.words import Reason
from ui import i18n, uploads

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


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


def cache_dir() -> Path:
    """The on-disk extraction cache: ``$DUIZHAO_CACHE`` when set (read now, so tests can point it elsewhere)."""
    return Path(os.environ["DUIZHAO_CACHE"]) if os.environ.get("DUIZHAO_CACHE") else DEFAULT_CACHE_DIR


@st.cache_resource(show_spinner=False)
def seed_corpus(folder: str) -> Corpus:
    """The seed folder, loaded once per process."""
    return load_corpus([folder])


def base_folder() -> Path:
    """The corpus the dashboard opens on: ``$DUIZHAO_CORPUS`` when set, else ``seeds/``."""
    return Path(os.environ["DUIZHAO_CORPUS"]) if os.environ.get("DUIZHAO_CORPUS") else SEEDS


def session_corpus() -> Corpus:
    """The base corpus plus this session's uploads."""
    return uploads.merge_corpus(seed_corpus(str(base_folder())), st.session_state.get("uploads", []))


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
