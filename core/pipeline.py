"""Extract a corpus once: figures, dates, entities, terms and measure context for every article.

``extract_article`` is the per-article unit of work: pure, picklable, and the
same function whether it runs in this process, in a process pool or on a Dask
cluster. ``extract_corpus`` loads the corpus, serves unchanged articles from
the on-disk cache (:mod:`core.cache`), extracts the rest and assembles corpus-wide
tables; key terms are weighted against the whole corpus, so they are computed here
from cached term counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core.cache import DEFAULT_CACHE_DIR, ResultCache, remembered
from core.corpus import Article, Corpus, LoadProblem, load_corpus
from core.export import text_array
from core.results import RESULT_TABLES, ArticleResult, Extraction, _compact, _concat, result_tables
from core.version import extractor_version
from core.words import Reason

# Names other modules import from here: the flow's, and the cache's and the records' they meet it with.
__all__ = [
    "DEFAULT_CACHE_DIR", "FIGURE_CAP_PER_ARTICLE", "FIGURE_CAP_PER_SENTENCE", "FIGURE_COLUMNS", "ArticleRefused",
    "ArticleResult", "Engine", "Extraction", "LocalEngine", "assemble", "cap_notice", "extract_article",
    "extract_corpus", "remembered",
]

ARTICLE_COLUMNS = [
    "article_id", "file", "source", "author", "title", "published", "script", "encoding",
    "chars", "body_chars", "collapsed_chars", "boilerplate_chars", "figures", "entities", "content_hash",
]
FIGURE_COLUMNS = [
    "file", "article_id", "source", "text", "value", "value_high", "unit", "classifier", "qualifier",
    "metric", "subject", "period", "modality", "attributed_to", "sentence", "start", "end",
    "sentence_start", "sentence_end",
]
DATE_COLUMNS = ["file", "article_id", "source", "text", "value", "start", "end"]
ENTITY_COLUMNS = ["file", "article_id", "source", "entity", "type", "count", "surface_forms"]
TERM_COLUMNS = ["file", "article_id", "source", "term", "weight", "count", "rank"]
REMOVED_COLUMNS = ["file", "article_id", "source", "kind", "text", "start", "end"]
MENTION_COLUMNS = ["file", "article_id", "source", "entity", "type", "surface", "start", "end"]
CONTEXT_COLUMNS = ["file", "article_id", "source", "measure", "scope", "sentence", "start", "end"]
TERM_COUNT_COLUMNS = ["file", "article_id", "source", "term", "count"]
CAP_COLUMNS = ["kept", "unread_in_sentences", "unread_in_article"]
# Figures one article may yield, and one sentence: a real article has tens, a sentence a handful.
FIGURE_CAP_PER_ARTICLE = 5000
FIGURE_CAP_PER_SENTENCE = 200
KEY_COLUMNS = ["file", "article_id", "source"]

ProgressFn = Callable[[int, int], None]


class ArticleRefused(Exception):
    """An article that extraction gave up on (see :mod:`core.sandbox`): it becomes a problem, the rest go on."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file, self.reason = file, reason


def extract_article(article: Article) -> ArticleResult:
    """Extract one article's figures, dates, entity mentions, term counts and measure context.

    The article's :class:`~core.doc.Doc` is built once here and every stage reads it: none
    re-splits sentences, re-tags words or re-scans the entity lexicon.
    """
    from core import entities, figures, frames, qualitative, terms
    from core.doc import Doc
    from core.normalize import normalize

    body = article.body()
    doc = Doc(body.then(normalize(body.text)), article.published)
    cap = figures.FigureCap(FIGURE_CAP_PER_ARTICLE, FIGURE_CAP_PER_SENTENCE)
    found, dates, count = figures.figures_of(doc, cap)
    mentions = entities.entities_of(doc)
    figure_rows = [dict(vars(f)) for f in found]
    frame_rows = frames.doc_frame_rows(figure_rows, doc, mentions)
    return ArticleResult(
        figures=[{**f, **frame} for f, frame in zip(figure_rows, frame_rows, strict=True)],
        dates=[dict(vars(d)) for d in dates],
        mentions=[dict(vars(m)) for m in mentions],
        term_counts=dict(terms.term_counts_of(doc)),
        context=qualitative.qualitative_mentions(doc),
        caps=[dict(vars(count))] if count.unread_in_sentences or count.unread_in_article else [],
    )


def cap_notice(kept: int, unread_in_sentences: int, unread_in_article: int) -> Reason:
    """What the figure cap left out of one article, as a load notice says it (``figures_capped``)."""
    return Reason.of("figures_capped", kept=f"{kept:,}", unread=f"{unread_in_sentences + unread_in_article:,}",
                     per_sentence=f"{FIGURE_CAP_PER_SENTENCE:,}", per_article=f"{FIGURE_CAP_PER_ARTICLE:,}")


ArticleTask = Callable[[Article], ArticleResult | ArticleRefused]


class Engine(Protocol):
    """Where the per-article task runs: ``map`` returns ``task(article)`` for every article, in order.

    The flow around it (the cache, the tables, the snapshot) is :func:`extract_corpus`'s alone:
    an engine only maps. :class:`LocalEngine` runs here or in a process pool;
    :class:`core.distributed.DaskEngine` on a Dask cluster.
    """

    def map(self, task: ArticleTask, articles: list[Article]) -> Iterable[ArticleResult | ArticleRefused]: ...


@dataclass(frozen=True)
class LocalEngine:
    """In this process, or in a pool of ``jobs`` processes when there is enough work for it to pay."""

    jobs: int = 1

    def map(self, task: ArticleTask, articles: list[Article]) -> Iterable[ArticleResult | ArticleRefused]:
        if self.jobs <= 1 or len(articles) < 2 * self.jobs:
            return map(task, articles)
        return _pooled(task, articles, self.jobs)


def _pooled(task: ArticleTask, articles: list[Article], jobs: int) -> Iterable[ArticleResult | ArticleRefused]:
    chunk = max(1, min(32, len(articles) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(task, articles, chunksize=chunk)


def extract_corpus(
    paths: Sequence[str | Path] = ("seeds",),
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    corpus: Corpus | None = None,
    write_cache: bool = True,
    extract: Callable[[Article], ArticleResult] = extract_article,
    engine: Engine | None = None,
    fresh: frozenset[str] = frozenset(),
) -> Extraction:
    """Load ``paths`` (or use ``corpus``) and extract every article, reusing the cache.

    With ``write_cache=False`` the cache is read but nothing new is stored (a dashboard session's
    uploads must not outlive the session). ``extract`` is the per-article function
    (:func:`core.sandbox.extract_limited` for uploads); an article it refuses with
    :class:`ArticleRefused` is left out and named among the problems. ``engine`` runs it
    (default: :class:`LocalEngine` with ``jobs`` processes). Articles whose content hash is in
    ``fresh`` are extracted anew whatever the cache holds (uploads read with a session's own lexicon).
    """
    corpus = corpus if corpus is not None else load_corpus(paths)
    cache = ResultCache(cache_dir, extractor_version())
    store = cache if write_cache else ResultCache(None, "")
    hashes = {a.content_hash for a in corpus.articles}
    cached, covered, snapshot_complete = cache.load(hashes - fresh)
    todo = list({a.content_hash: a for a in corpus.articles if a.content_hash not in covered}.values())
    if todo:
        store.remove_stale_temps()
    if extract is not extract_article:
        engine = LocalEngine()  # its own processes already (the sandbox), or not picklable
    task = partial(_extract_and_store, cache=store, extract=extract)
    results = (engine or LocalEngine(jobs)).map(task, todo)
    batches, refused = _result_batches(todo, results, len(covered), len(hashes), progress)
    tables = {
        name: _compact(_concat([cached.get(name, pd.DataFrame()), *(b[name] for b in batches)]))
        for name in RESULT_TABLES
    }
    if not snapshot_complete and not refused:
        store.save_snapshot(tables, hashes)
    articles = [a for a in corpus.articles if a.content_hash not in refused]
    problems = [*corpus.problems, *(LoadProblem(a.file, refused[a.content_hash].reason)
                                    for a in corpus.articles if a.content_hash in refused)]
    return assemble(articles, tables, problems, cache_hits=len(covered), extracted=len(todo) - len(refused))


# Results are turned into compact tables this many articles at a time: memory follows the output.
_BATCH = 256


def _result_batches(
    todo: list[Article], results: Iterable[ArticleResult | ArticleRefused], covered: int, total: int,
    progress: ProgressFn | None,
) -> tuple[list[dict[str, pd.DataFrame]], dict[str, ArticleRefused]]:
    """The results of ``todo`` as tables, ``_BATCH`` articles at a time, and the refusals by content hash."""
    if progress:
        progress(covered, total)
    batches: list[dict[str, pd.DataFrame]] = []
    batch: list[tuple[str, ArticleResult]] = []
    refused: dict[str, ArticleRefused] = {}
    for done, (article, result) in enumerate(zip(todo, results, strict=True), covered + 1):
        if isinstance(result, ArticleRefused):
            refused[article.content_hash] = result
            continue
        batch.append((article.content_hash, result))
        if len(batch) >= _BATCH:
            batches.append(result_tables(batch))
            batch = []
        if progress:
            progress(done, total)
    batches.append(result_tables(batch))
    return batches, refused


def _extract_and_store(
    article: Article, cache: ResultCache, extract: Callable[[Article], ArticleResult] = extract_article,
) -> ArticleResult | ArticleRefused:
    """The worker's task: extract one article and put it in the shared cache (a refusal is returned, not kept)."""
    try:
        result = extract(article)
    except ArticleRefused as refusal:
        return refusal
    cache.put(article.content_hash, result)
    return result


def assemble(
    articles: Sequence[Article],
    tables: dict[str, pd.DataFrame],
    problems: list[LoadProblem],
    *,
    cache_hits: int = 0,
    extracted: int = 0,
) -> Extraction:
    """Corpus-wide tables from per-hash results, with file, article and source on every row."""
    keys = pd.DataFrame(
        [{"content_hash": a.content_hash, "file": a.file, "article_id": a.article_id, "source": a.source,
          "_order": i} for i, a in enumerate(articles)],
        columns=["content_hash", *KEY_COLUMNS, "_order"],
    )

    # The tables with many rows per article (2.8 M term counts at 10,000 articles) hold the article's file, id and
    # source as categories: a code per row, not a copy of each string (171 → 40 MB of term counts).
    coded = keys.astype({column: "category" for column in KEY_COLUMNS})

    def keyed(name: str, columns: list[str], sort: list[str], many: bool = False) -> pd.DataFrame:
        return _keyed(tables.get(name, pd.DataFrame()), keys, coded if many else keys, columns, sort)

    figures = keyed("figures", FIGURE_COLUMNS, ["start"])
    mentions = keyed("mentions", MENTION_COLUMNS, ["start"], many=True)
    term_counts = keyed("term_counts", TERM_COUNT_COLUMNS, ["term"], many=True)
    removed = _frame(
        [{"file": a.file, "article_id": a.article_id, "source": a.source, "kind": r.kind, "text": r.text,
          "start": r.start, "end": r.end} for a in articles for r in a.removed],
        REMOVED_COLUMNS,
    )
    caps = keyed("caps", [*KEY_COLUMNS, *CAP_COLUMNS], [])
    notices = [LoadProblem(row.file, cap_notice(*(int(getattr(row, c)) for c in CAP_COLUMNS)))
               for row in caps.itertuples()]
    return Extraction(
        articles=_article_table(articles, figures, mentions),
        figures=figures,
        dates=keyed("dates", DATE_COLUMNS, ["start"]),
        entities=_entity_table(mentions),
        mentions=mentions,
        terms=_key_term_table(term_counts),
        term_counts=term_counts,
        context=keyed("context", CONTEXT_COLUMNS, ["start"]),
        removed=removed,
        problems=[*problems, *notices],
        notices=notices,
        texts={a.article_id: a.text for a in articles},
        cache_hits=cache_hits,
        extracted=extracted,
    )


def _keyed(frame: pd.DataFrame, keys: pd.DataFrame, owners_keys: pd.DataFrame, columns: list[str],
           sort: list[str]) -> pd.DataFrame:
    """A per-hash table's rows with their article's file, id and source (from ``owners_keys``, which is ``keys``
    or its categorical copy), in the articles' order, each article's rows sorted by ``sort``."""
    if frame.empty or "content_hash" not in frame:
        return _frame([], columns)
    # Joined on each hash's integer code, not the 64-character hashes (pandas made 2.8 M Python strings of
    # them at 10,000 articles, +300 MB at the run's peak).
    hashes = frame["content_hash"].astype("category")
    article_codes = hashes.cat.categories.get_indexer(keys["content_hash"])
    rows, owners = _rows_by_article(
        hashes.cat.codes.to_numpy(), [_sort_key(frame[column]) for column in sort], article_codes.astype(np.int64)
    )
    left = owners_keys[KEY_COLUMNS].take(owners).reset_index(drop=True)
    right = frame.drop(columns="content_hash").take(rows).reset_index(drop=True)
    return _frame(pd.concat([left, right], axis=1), columns)


def _rows_by_article(
    row_codes: np.ndarray, sort_keys: list[np.ndarray], article_codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of each article in article order, ordered within by ``sort_keys``, and each row's article.

    ``row_codes`` is each row's content-hash code, ``article_codes`` each article's (-1 when it has no rows);
    two articles of the same text each get its rows. Equal rows keep their order (a stable sort).
    """
    order = np.lexsort((*reversed(sort_keys), row_codes))
    counts = np.bincount(row_codes, minlength=int(article_codes.max(initial=-1)) + 1)
    starts = np.cumsum(counts) - counts
    owners = np.flatnonzero(article_codes >= 0)
    lengths = counts[article_codes[owners]]
    firsts = np.cumsum(lengths) - lengths
    positions = np.arange(lengths.sum()) + np.repeat(starts[article_codes[owners]] - firsts, lengths)
    return order[positions], np.repeat(owners, lengths)


def _sort_key(column: pd.Series) -> np.ndarray:
    """Integers ordering ``column`` as sorting it would (a categorical by its categories' order)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy()
    return pd.factorize(column, sort=True)[0]


def _article_table(articles: Sequence[Article], figures: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per article: its metadata, sizes, and how many figures and distinct entities it has."""
    figure_counts = figures.groupby("article_id").size()
    entity_counts = mentions.groupby("article_id")["entity"].nunique()
    rows = [{
        "article_id": a.article_id, "file": a.file, "source": a.source, "author": a.author, "title": a.title,
        "published": a.published, "script": a.script, "encoding": a.encoding, "chars": len(a.text),
        "body_chars": sum(e - s for s, e in a.body_spans), "collapsed_chars": a.collapsed_chars,
        "boilerplate_chars": sum(r.end - r.start for r in a.removed if r.kind != "duplicate"),
        "figures": int(figure_counts.get(a.article_id, 0)), "entities": int(entity_counts.get(a.article_id, 0)),
        "content_hash": a.content_hash,
    } for a in articles]
    return _frame(rows, ARTICLE_COLUMNS)


def _frame(rows: list[dict] | pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows)
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    extra = [c for c in frame.columns if c not in columns]
    return frame[columns + extra]


def _entity_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per article and entity: count and surface forms in order of appearance."""
    if mentions.empty:
        return _frame([], ENTITY_COLUMNS)
    # On integer codes: the pairs in order of appearance, each pair's first row, and its distinct surface
    # forms in text order, joined in Arrow (a Python loop over 570,000 mentions took 0.5 s at 10,000 articles).
    pair = mentions.groupby(["article_id", "entity"], sort=False, observed=True).ngroup().to_numpy()
    _, first_rows = np.unique(pair, return_index=True)
    surface, _ = pd.factorize(mentions["surface"], use_na_sentinel=False)
    _, distinct = np.unique(pair * (surface.max() + 1) + surface, return_index=True)
    distinct = np.sort(distinct)
    distinct = distinct[np.argsort(pair[distinct], kind="stable")]
    offsets = np.r_[0, np.cumsum(np.bincount(pair[distinct]))]
    surfaces = text_array(mentions["surface"]).take(pa.array(distinct))
    forms = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), surfaces)
    table = mentions.iloc[first_rows][["file", "article_id", "source", "entity", "type"]].reset_index(drop=True)
    table["count"] = np.bincount(pair)
    table["surface_forms"] = pd.Series(pc.binary_join(forms, pa.scalar("|", pa.large_string())), dtype="str")
    table["entity"] = table["entity"].astype(str)
    table = table.sort_values(["file", "count", "entity"], ascending=[True, False, True], kind="stable")
    return table[ENTITY_COLUMNS].reset_index(drop=True)


def _key_term_table(term_counts: pd.DataFrame) -> pd.DataFrame:
    from core import terms

    if term_counts.empty:
        return _frame([], TERM_COLUMNS)
    ranked = terms.key_terms_table(term_counts[["article_id", "term", "count"]], doc="article_id")
    ranked["weight"] = ranked["weight"].astype(float).round(6)
    meta = term_counts.drop_duplicates("article_id")[KEY_COLUMNS]
    return _frame(meta.merge(ranked, on="article_id", how="inner"), TERM_COLUMNS)
