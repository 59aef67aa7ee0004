"""Articles a visitor uploads: read each file (refused by name when too large, over the session's budget or a
duplicate), give an upload without a source its own, and merge them into the session's corpus. No Streamlit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from core.corpus import (
    MAX_ARTICLE_BYTES,
    UNKNOWN_SOURCE,
    Article,
    Corpus,
    LoadError,
    LoadProblem,
    load_article_bytes,
    safe_file_name,
)
from core.words import Reason


def load_uploads(
    files: Iterable[tuple[str, bytes]], source: str = "", *, max_bytes: int = MAX_ARTICLE_BYTES,
    budget: int | None = None, known: Iterable[str] = (),
) -> tuple[list[tuple[Article, bytes]], list[LoadProblem]]:
    """Articles from uploaded (name, bytes), each with its bytes; a file that cannot be read becomes a problem.

    A file over ``max_bytes``, or one that would take the total past ``budget`` bytes (what
    the session may still add), is refused by name; so is one whose content is already in the
    corpus (``known`` content hashes) or earlier in this batch. The rest still load.
    """
    loaded, problems = [], []
    seen = set(known)
    typed = source.strip() if source else ""
    left = budget
    for name, data in files:
        meta = {"source": typed} if typed else {}
        if left is not None and len(data) > left:
            problems.append(LoadProblem(safe_file_name(name), Reason.of("upload_budget", limit=_megabytes(budget))))
            continue
        try:
            article = load_article_bytes(name, data, meta=meta, max_bytes=max_bytes)
        except LoadError as error:
            problems.append(LoadProblem(safe_file_name(name), error.reason))
            continue
        if article.source == UNKNOWN_SOURCE:
            # Never the shared unknown-source bucket: an upload that names no publisher is its own source.
            article = dataclasses.replace(article, source=upload_source_name(name))
        if article.content_hash in seen:
            problems.append(LoadProblem(article.file, DUPLICATE_UPLOAD))
            continue
        seen.add(article.content_hash)
        loaded.append((article, data))
        if left is not None:
            left -= len(data)
    return loaded, problems


DUPLICATE_UPLOAD = Reason.of("upload_duplicate")


def upload_source_name(file_name: str) -> str:
    """The source an upload without a typed source takes: its file name without folder and extension."""
    return Path(safe_file_name(file_name)).stem or safe_file_name(file_name)


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB"


def merge_corpus(base: Corpus, uploads: Sequence[Article]) -> Corpus:
    """The session's corpus: ``base`` plus uploads; the same content counts once, a clashing name gets -2, -3 …"""
    known = {a.content_hash for a in base.articles}
    ids = {a.article_id for a in base.articles} | {a.file for a in base.articles}
    sources = {a.source for a in base.articles}
    extra = []
    for article in uploads:
        if article.content_hash in known:
            continue
        # An upload named after its file (no source typed) is a source of its own, never one another article has.
        named_by_file = article.source == upload_source_name(article.file)
        renamed, n = article, 1
        while renamed.article_id in ids or renamed.file in ids or named_by_file and renamed.source in sources:
            n += 1
            stem, suffix = Path(article.file).stem, Path(article.file).suffix
            renamed = replace(article, article_id=f"{article.article_id}-{n}", file=f"{stem}-{n}{suffix}",
                              source=f"{stem}-{n}" if named_by_file else article.source)
        known.add(article.content_hash)
        ids |= {renamed.article_id, renamed.file}
        sources.add(renamed.source)
        extra.append(renamed)
    return Corpus(articles=tuple(base.articles) + tuple(extra), problems=tuple(base.problems))
