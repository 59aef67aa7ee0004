"""Extract a corpus once: figures, dates, entities, terms and measure context for every article.

``extract_article`` is the per-article unit of work: pure, picklable, and the
same function whether it runs in this process, in a process pool or on a Dask
cluster. ``extract_corpus`` loads the corpus, serves unchanged articles from
the on-disk cache, extracts the rest and assembles corpus-wide tables; key
terms are weighted against the whole corpus, so they are computed here from
cached term counts.

The cache is Parquet, keyed by each article's content hash and the extractor
version (a hash of the extraction code and every lexicon, so any change to
either invalidates it). Each extracted article gets a file of its own, which
workers write independently; after a run the whole corpus is also kept as one
snapshot per table, so a warm run of ten thousand articles reads a handful of
files instead of ten thousand.
"""

from __future__ import annotations

import os
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.corpus import Article, Corpus, LoadProblem, load_corpus
from core.version import default_cache_dir, extractor_version

DEFAULT_CACHE_DIR = default_cache_dir()

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
# Per-article tables as cached: their own columns, keyed by content hash.
RESULT_TABLES = ("figures", "dates", "mentions", "term_counts", "context")
KEY_COLUMNS = ["file", "article_id", "source"]

ProgressFn = Callable[[int, int], None]
T = TypeVar("T")


@dataclass
class ArticleResult:
    """What one article yields, independent of its file name and metadata: rows per table."""

    figures: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    term_counts: dict[str, int] = field(default_factory=dict)
    context: list[dict] = field(default_factory=list)

    def rows(self, table: str) -> list[dict]:
        """The rows of one table (term counts as ``term``/``count`` rows)."""
        if table == "term_counts":
            return [{"term": t, "count": c} for t, c in self.term_counts.items()]
        return getattr(self, table)


@dataclass
class Extraction:
    """The corpus-wide result: one DataFrame per table, plus what could not be loaded."""

    articles: pd.DataFrame
    figures: pd.DataFrame
    dates: pd.DataFrame
    entities: pd.DataFrame
    mentions: pd.DataFrame
    terms: pd.DataFrame
    term_counts: pd.DataFrame
    context: pd.DataFrame
    removed: pd.DataFrame
    problems: list[LoadProblem]
    texts: dict[str, str]
    cache_hits: int = 0
    extracted: int = 0

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables the command line writes, by file stem."""
        return {
            "articles": self.articles, "figures": self.figures, "dates": self.dates,
            "entities": self.entities, "terms": self.terms, "removed": self.removed,
        }


def extract_article(article: Article) -> ArticleResult:
    """Extract one article's figures, dates, entity mentions, term counts and measure context."""
    from core import claims, entities, figures, terms
    from core.normalize import normalize

    body = article.body()
    mapped = body.then(normalize(body.text))
    found, dates = figures.extract_figures_and_dates_mapped(mapped, article.published or None)
    return ArticleResult(
        figures=[dict(vars(f)) for f in found],
        dates=[dict(vars(d)) for d in dates],
        mentions=[dict(vars(m)) for m in entities.extract_entities_mapped(mapped)],
        term_counts=dict(terms.term_counts(mapped.text)),
        context=claims.qualitative_mentions(mapped),
    )


def result_tables(results: Sequence[tuple[str, ArticleResult]]) -> dict[str, pd.DataFrame]:
    """Many articles' results as one DataFrame per table, each row carrying its content hash."""
    tables = {}
    for name in RESULT_TABLES:
        if name == "term_counts":
            frame = pd.DataFrame({
                "term": [t for _, r in results for t in r.term_counts],
                "count": [c for _, r in results for c in r.term_counts.values()],
                "content_hash": [h for h, r in results for _ in range(len(r.term_counts))],
            })
        else:
            frame = _table([{**row, "content_hash": h} for h, r in results for row in r.rows(name)])
        tables[name] = _compact(frame)
    return tables


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """Repeated strings (hashes, terms, names) as categories: a 10,000-article corpus has millions of rows."""
    for column in ("content_hash", "term", "entity", "type", "measure", "scope", "unit", "modality", "qualifier"):
        if column in frame.columns:
            frame[column] = frame[column].astype("category")
    return frame


def _table(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({"content_hash": pd.Series(dtype="string")})
    return pd.DataFrame(rows)


class ResultCache:
    """Per-article results on disk: one Parquet file per article, plus a snapshot of the last corpus.

    An article's file holds all its tables in one long table (a ``table`` column names the table
    of each row), written with pyarrow directly: cheap enough to do for every article a worker
    extracts. The snapshot holds one file per table for a whole corpus.
    """

    def __init__(self, root: Path | None, version: str) -> None:
        self.root = Path(root) / version if root else None

    def _article_path(self, content_hash: str) -> Path:
        assert self.root is not None
        return self.root / "articles" / content_hash[:2] / f"{content_hash}.parquet"

    def load(self, hashes: set[str]) -> tuple[dict[str, pd.DataFrame], set[str]]:
        """Cached tables restricted to ``hashes``, and the hashes they cover."""
        if self.root is None or not hashes:
            return {}, set()
        tables, covered = self._load_snapshot(hashes)
        found: list[tuple[str, ArticleResult]] = []
        for content_hash in sorted(hashes - covered):
            result = self.get(content_hash)
            if result is not None:
                found.append((content_hash, result))
                covered.add(content_hash)
        if found:
            extra = result_tables(found)
            tables = {name: _concat([tables.get(name, pd.DataFrame()), extra[name]]) for name in RESULT_TABLES}
        return tables, covered

    def get(self, content_hash: str) -> ArticleResult | None:
        """One article's cached result, or None."""
        if self.root is None:
            return None
        try:
            rows = pq.read_table(self._article_path(content_hash)).to_pylist()
        except (OSError, ValueError, pa.ArrowException):
            return None
        result = ArticleResult()
        for row in rows:
            name = row.pop("table")
            if name not in RESULT_TABLES:
                continue
            fields = {k[len(name) + 1:]: None if _is_missing(v) else v
                      for k, v in row.items() if k.startswith(name + ".")}
            if name == "term_counts":
                result.term_counts[fields["term"]] = fields["count"]
            else:
                getattr(result, name).append(fields)
        return result

    def _load_snapshot(self, hashes: set[str]) -> tuple[dict[str, pd.DataFrame], set[str]]:
        assert self.root is not None
        try:
            snapshot = self.root / "snapshots" / (self.root / "snapshot.current").read_text().strip()
            covered = set(pd.read_parquet(snapshot / "hashes.parquet")["content_hash"]) & hashes
            if not covered:
                return {}, set()
            tables = {}
            for name in RESULT_TABLES:
                frame = pd.read_parquet(snapshot / f"{name}.parquet")
                tables[name] = frame[frame["content_hash"].isin(covered)]
        except (OSError, ValueError, KeyError):
            return {}, set()
        return tables, covered

    def put(self, content_hash: str, result: ArticleResult) -> None:
        """Store one article's result (atomically: a reader never sees half a file)."""
        if self.root is None:
            return
        rows = [
            {"table": name, **{f"{name}.{k}": v for k, v in row.items()}}
            for name in RESULT_TABLES for row in result.rows(name)
        ] or [{"table": "none"}]
        path = self._article_path(content_hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        # Rows of different tables have different keys: build the union of columns (from_pylist
        # would take the first row's keys only and drop the rest).
        columns = dict.fromkeys(k for row in rows for k in row)
        pq.write_table(pa.Table.from_pydict({k: [row.get(k) for row in rows] for k in columns}), tmp)
        tmp.replace(path)

    def save_snapshot(self, tables: dict[str, pd.DataFrame], hashes: set[str]) -> None:
        """Keep the whole corpus's tables as one file per table for the next run.

        A snapshot is a folder of its own, made current by rewriting one pointer file: a reader in
        another process (the dashboard beside a command-line run) never pairs one run's hash list
        with another run's tables.
        """
        if self.root is None:
            return
        name = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        folder = self.root / "snapshots" / name
        folder.mkdir(parents=True)
        for table in RESULT_TABLES:
            tables[table].to_parquet(folder / f"{table}.parquet", index=False)
        pd.DataFrame({"content_hash": sorted(hashes)}).to_parquet(folder / "hashes.parquet", index=False)
        pointer = self.root / f".snapshot.current.{name}.tmp"
        pointer.write_text(name)
        pointer.replace(self.root / "snapshot.current")
        for old in (self.root / "snapshots").iterdir():
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame({"content_hash": pd.Series(dtype="string")})
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def remembered(cache_dir: Path | None, name: str, key: str, build: Callable[[], T], keep: int = 4) -> T:
    """``build()``, pickled under the cache folder and reused while ``key`` holds.

    For corpus-wide results that are costly to rebuild on every start (the assembled tables of
    ten thousand articles, their claim groups). Only the newest ``keep`` entries per name stay.
    """
    if cache_dir is None:
        return build()
    folder = Path(cache_dir) / extractor_version() / "memo"
    path = folder / f"{name}-{key}.pkl"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 — a stale or foreign pickle (other pandas, other code) is rebuilt
        pass
    value = build()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    for old in sorted(folder.glob(f"{name}-*.pkl"), key=lambda p: p.stat().st_mtime)[:-keep]:
        old.unlink(missing_ok=True)
    return value


def extract_corpus(
    paths: Sequence[str | Path] = ("seeds",),
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    corpus: Corpus | None = None,
    write_cache: bool = True,
) -> Extraction:
    """Load ``paths`` (or use ``corpus``) and extract every article, reusing the cache.

    With ``write_cache=False`` the cache is read but nothing new is stored (a dashboard session's
    uploads must not outlive the session).
    """
    corpus = corpus if corpus is not None else load_corpus(paths)
    cache = ResultCache(cache_dir, extractor_version())
    store = cache if write_cache else ResultCache(None, "")
    hashes = {a.content_hash for a in corpus.articles}
    cached, covered = cache.load(hashes)
    todo = list({a.content_hash: a for a in corpus.articles if a.content_hash not in covered}.values())
    total = len(hashes)
    if progress:
        progress(len(covered), total)
    batches: list[dict[str, pd.DataFrame]] = []
    batch: list[tuple[str, ArticleResult]] = []
    for done, (article, result) in enumerate(zip(todo, _map_articles(todo, jobs, store), strict=True),
                                             len(covered) + 1):
        batch.append((article.content_hash, result))
        if len(batch) >= _BATCH:
            batches.append(result_tables(batch))
            batch = []
        if progress:
            progress(done, total)
    batches.append(result_tables(batch))
    tables = {
        name: _compact(_concat([cached.get(name, pd.DataFrame()), *(b[name] for b in batches)]))
        for name in RESULT_TABLES
    }
    if todo or len(covered) < total:
        store.save_snapshot(tables, hashes)
    return assemble(corpus.articles, tables, list(corpus.problems), cache_hits=len(covered), extracted=len(todo))


# Results are turned into compact tables this many articles at a time: memory follows the output.
_BATCH = 256


def _extract_and_store(article: Article, cache: ResultCache) -> ArticleResult:
    """The worker's task: extract one article and put it in the shared cache."""
    result = extract_article(article)
    cache.put(article.content_hash, result)
    return result


def _map_articles(articles: list[Article], jobs: int, cache: ResultCache) -> Iterable[ArticleResult]:
    """Extract (and cache) in order; a process pool when there is enough work for it to pay."""
    task = partial(_extract_and_store, cache=cache)
    if jobs <= 1 or len(articles) < 2 * jobs:
        return map(task, articles)
    return _pooled(task, articles, jobs)


def _pooled(task, articles: list[Article], jobs: int) -> Iterable[ArticleResult]:
    chunk = max(1, min(32, len(articles) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(task, articles, chunksize=chunk)


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

    def keyed(name: str, columns: list[str], sort: list[str]) -> pd.DataFrame:
        frame = tables.get(name, pd.DataFrame())
        if frame.empty or "content_hash" not in frame:
            return _frame([], columns)
        joined = keys.merge(frame, on="content_hash", how="inner").drop(columns="content_hash")
        joined = joined.sort_values(["_order", *sort], kind="stable").drop(columns="_order")
        return _frame(joined, columns).reset_index(drop=True)

    figures = keyed("figures", FIGURE_COLUMNS, ["start"])
    mentions = keyed("mentions", MENTION_COLUMNS, ["start"])
    term_counts = keyed("term_counts", TERM_COUNT_COLUMNS, ["term"])
    removed = _frame(
        [{"file": a.file, "article_id": a.article_id, "source": a.source, "kind": r.kind, "text": r.text,
          "start": r.start, "end": r.end} for a in articles for r in a.removed],
        REMOVED_COLUMNS,
    )
    figure_counts = figures.groupby("article_id").size()
    entity_counts = mentions.groupby("article_id")["entity"].nunique()
    article_rows = [{
        "article_id": a.article_id, "file": a.file, "source": a.source, "author": a.author, "title": a.title,
        "published": a.published, "script": a.script, "encoding": a.encoding, "chars": len(a.text),
        "body_chars": sum(e - s for s, e in a.body_spans), "collapsed_chars": a.collapsed_chars,
        "boilerplate_chars": sum(r.end - r.start for r in a.removed if r.kind != "duplicate"),
        "figures": int(figure_counts.get(a.article_id, 0)), "entities": int(entity_counts.get(a.article_id, 0)),
        "content_hash": a.content_hash,
    } for a in articles]
    return Extraction(
        articles=_frame(article_rows, ARTICLE_COLUMNS),
        figures=figures,
        dates=keyed("dates", DATE_COLUMNS, ["start"]),
        entities=_entity_table(mentions),
        mentions=mentions,
        terms=_key_term_table(term_counts),
        term_counts=term_counts,
        context=keyed("context", CONTEXT_COLUMNS, ["start"]),
        removed=removed,
        problems=problems,
        texts={a.article_id: a.text for a in articles},
        cache_hits=cache_hits,
        extracted=extracted,
    )


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
    keys = ["article_id", "entity"]
    table = mentions.groupby(keys, sort=False, observed=True).agg(
        file=("file", "first"), source=("source", "first"), type=("type", "first"), count=("surface", "size"),
    ).reset_index()
    # Surface forms: a plain pass over the distinct (article, entity, surface) rows, in text order.
    forms: dict[tuple[str, str], list[str]] = {}
    distinct = mentions[[*keys, "surface"]].drop_duplicates()
    for article_id, entity, surface in zip(*(distinct[c].tolist() for c in (*keys, "surface")), strict=True):
        forms.setdefault((article_id, entity), []).append(surface)
    table["surface_forms"] = ["|".join(forms[key]) for key in zip(table["article_id"], table["entity"], strict=True)]
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
