"""Extract a corpus once: figures, dates, entities and terms for every article.

``extract_article`` is the per-article unit of work: pure, picklable, and the
same function whether it runs in this process, in a process pool or on a Dask
cluster. ``extract_corpus`` loads the corpus, serves unchanged articles from
the on-disk cache (Parquet, keyed by content hash and extractor version),
extracts the rest and assembles corpus-wide tables; key terms are weighted
against the whole corpus, so they are computed here from cached term counts.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from core import entities, figures, terms
from core.corpus import Article, Corpus, LoadProblem, load_corpus
from core.lexicon import DATA_DIR
from core.normalize import normalize, to_simplified

# Bump when extraction code changes what it produces; lexicon edits are hashed in automatically.
CODE_VERSION = "1"
DEFAULT_CACHE_DIR = Path(os.environ.get("DUIZHAO_CACHE", Path.home() / ".cache" / "duizhao"))

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

ProgressFn = Callable[[int, int], None]


@dataclass
class ArticleResult:
    """What one article yields, independent of its file name and metadata."""

    figures: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    term_counts: dict[str, int] = field(default_factory=dict)


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
    removed: pd.DataFrame
    problems: list[LoadProblem]
    texts: dict[str, str]
    cache_hits: int = 0
    extracted: int = 0
    _simplified: dict[str, str] = field(default_factory=dict, repr=False)

    def simplified_text(self, article_id: str) -> str:
        """An article's whole text in Simplified script, converted once and kept."""
        if article_id not in self._simplified:
            self._simplified[article_id] = to_simplified(self.texts[article_id])
        return self._simplified[article_id]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables the command line writes, by file stem."""
        return {
            "articles": self.articles, "figures": self.figures, "dates": self.dates,
            "entities": self.entities, "terms": self.terms, "removed": self.removed,
        }


def extractor_version() -> str:
    """Code version plus a hash of every lexicon, so editing a lexicon invalidates the cache."""
    digest = hashlib.sha256(CODE_VERSION.encode())
    for path in sorted(DATA_DIR.glob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def extract_article(article: Article) -> ArticleResult:
    """Extract one article's figures, dates, entity mentions and term counts."""
    body = article.body()
    mapped = body.then(normalize(body.text))
    published = article.published or None
    return ArticleResult(
        figures=[asdict(f) for f in figures.extract_figures_mapped(mapped, published)],
        dates=[asdict(d) for d in figures.extract_dates_mapped(mapped, published)],
        mentions=[asdict(m) for m in entities.extract_entities_mapped(mapped)],
        term_counts=dict(terms.term_counts(mapped.text)),
    )


class ResultCache:
    """Per-article results on disk, one Parquet file per article and extractor version."""

    def __init__(self, root: Path | None, version: str) -> None:
        self.root = Path(root) / version if root else None

    def _path(self, content_hash: str) -> Path:
        assert self.root is not None
        return self.root / content_hash[:2] / f"{content_hash}.parquet"

    def get(self, content_hash: str) -> ArticleResult | None:
        if self.root is None:
            return None
        path = self._path(content_hash)
        if not path.exists():
            return None
        try:
            table = pd.read_parquet(path)
        except (OSError, ValueError):
            return None
        return _result_from_frame(table)

    def put(self, content_hash: str, result: ArticleResult) -> None:
        if self.root is None:
            return
        path = self._path(content_hash)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        _result_to_frame(result).to_parquet(tmp, index=False)
        tmp.replace(path)


def _result_to_frame(result: ArticleResult) -> pd.DataFrame:
    """One long table with a ``table`` column: a single small file per article."""
    rows = (
        [{"table": "figures", **r} for r in result.figures]
        + [{"table": "dates", **{f"date_{k}": v for k, v in r.items()}} for r in result.dates]
        + [{"table": "mentions", **{f"mention_{k}": v for k, v in r.items()}} for r in result.mentions]
        + [{"table": "terms", "term": t, "term_count": c} for t, c in result.term_counts.items()]
    )
    frame = pd.DataFrame(rows or [{"table": "empty"}])
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("string")
    return frame


def _result_from_frame(frame: pd.DataFrame) -> ArticleResult:
    def rows(name: str, prefix: str = "") -> list[dict]:
        part = frame[frame["table"] == name]
        cols = [c for c in part.columns if c != "table" and c.startswith(prefix) and not part[c].isna().all()]
        records = part[cols].rename(columns=lambda c: c[len(prefix):]).to_dict("records")
        return [{k: (None if _is_missing(v) else v) for k, v in r.items()} for r in records]

    figure_cols = [c for c in frame.columns if c in set(figures.FIELDS)]
    figs = frame[frame["table"] == "figures"][figure_cols].to_dict("records")
    term_rows = frame[frame["table"] == "terms"]
    return ArticleResult(
        figures=[{k: (None if _is_missing(v) else v) for k, v in r.items()} for r in figs],
        dates=rows("dates", "date_"),
        mentions=rows("mentions", "mention_"),
        term_counts={str(t): int(c) for t, c in zip(term_rows["term"], term_rows["term_count"], strict=True)}
        if "term" in term_rows else {},
    )


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def extract_corpus(
    paths: Sequence[str | Path] = ("seeds",),
    *,
    cache_dir: Path | None = DEFAULT_CACHE_DIR,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    corpus: Corpus | None = None,
) -> Extraction:
    """Load ``paths`` (or use ``corpus``) and extract every article, reusing the cache."""
    corpus = corpus if corpus is not None else load_corpus(paths)
    cache = ResultCache(cache_dir, extractor_version())
    results: dict[str, ArticleResult] = {}
    todo: list[Article] = []
    for article in corpus.articles:
        cached = cache.get(article.content_hash)
        if cached is None:
            todo.append(article)
        else:
            results[article.article_id] = cached
    total, done = len(corpus.articles), len(results)
    if progress:
        progress(done, total)
    for article, result in zip(todo, _map_articles(todo, jobs), strict=True):
        cache.put(article.content_hash, result)
        results[article.article_id] = result
        done += 1
        if progress:
            progress(done, total)
    return assemble(corpus.articles, results, list(corpus.problems), cache_hits=total - len(todo))


def _map_articles(articles: list[Article], jobs: int) -> Iterable[ArticleResult]:
    """Extract in order; a process pool when there is enough work for it to pay."""
    if jobs <= 1 or len(articles) < 2 * jobs:
        return map(extract_article, articles)
    pool = ProcessPoolExecutor(max_workers=jobs)
    chunk = max(1, min(64, len(articles) // (jobs * 8)))
    return _closing(pool, pool.map(extract_article, articles, chunksize=chunk))


def _closing(pool: ProcessPoolExecutor, items: Iterable[ArticleResult]) -> Iterable[ArticleResult]:
    with pool:
        yield from items


def assemble(
    articles: Sequence[Article],
    results: dict[str, ArticleResult],
    problems: list[LoadProblem],
    *,
    cache_hits: int = 0,
) -> Extraction:
    """Corpus-wide tables from per-article results, with file and source on every row."""
    fig_rows, date_rows, mention_rows, removed_rows, article_rows, term_rows = [], [], [], [], [], []
    for article in articles:
        result = results[article.article_id]
        key = {"file": article.file, "article_id": article.article_id, "source": article.source}
        fig_rows.extend({**key, **r} for r in result.figures)
        date_rows.extend({**key, **r} for r in result.dates)
        mention_rows.extend({**key, **r} for r in result.mentions)
        removed_rows.extend(
            {**key, "kind": r.kind, "text": r.text, "start": r.start, "end": r.end} for r in article.removed
        )
        term_rows.extend({**key, "term": t, "count": c} for t, c in result.term_counts.items())
        body_chars = sum(e - s for s, e in article.body_spans)
        article_rows.append({
            **key, "author": article.author, "title": article.title, "published": article.published,
            "script": article.script, "encoding": article.encoding, "chars": len(article.text),
            "body_chars": body_chars, "collapsed_chars": article.collapsed_chars,
            "boilerplate_chars": sum(r.end - r.start for r in article.removed if r.kind != "duplicate"),
            "figures": len(result.figures), "entities": len({m["entity"] for m in result.mentions}),
            "content_hash": article.content_hash,
        })
    mentions = _frame(mention_rows, MENTION_COLUMNS)
    term_counts = _frame(term_rows, ["file", "article_id", "source", "term", "count"])
    return Extraction(
        articles=_frame(article_rows, ARTICLE_COLUMNS),
        figures=_frame(fig_rows, FIGURE_COLUMNS),
        dates=_frame(date_rows, DATE_COLUMNS),
        entities=_entity_table(mentions),
        mentions=mentions,
        terms=_key_term_table(articles, results),
        term_counts=term_counts,
        removed=_frame(removed_rows, REMOVED_COLUMNS),
        problems=problems,
        texts={a.article_id: a.text for a in articles},
        cache_hits=cache_hits,
        extracted=len(articles) - cache_hits,
    )


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    extra = [c for c in frame.columns if c not in columns]
    return frame[columns + extra]


def _entity_table(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per article and entity: count and surface forms in order of appearance."""
    if mentions.empty:
        return _frame([], ENTITY_COLUMNS)
    grouped = mentions.groupby(["article_id", "entity"], sort=False)
    table = grouped.agg(
        file=("file", "first"), source=("source", "first"), type=("type", "first"),
        count=("surface", "size"), surface_forms=("surface", lambda s: "|".join(dict.fromkeys(s))),
    ).reset_index()
    table = table.sort_values(["file", "count", "entity"], ascending=[True, False, True], kind="stable")
    return table[ENTITY_COLUMNS].reset_index(drop=True)


def _key_term_table(articles: Sequence[Article], results: dict[str, ArticleResult]) -> pd.DataFrame:
    doc_counts = {a.article_id: Counter(results[a.article_id].term_counts) for a in articles}
    ranked = terms.key_terms(doc_counts)
    rows = [
        {"file": a.file, "article_id": a.article_id, "source": a.source,
         "term": t.term, "weight": round(t.weight, 6), "count": t.count, "rank": t.rank}
        for a in articles for t in ranked.get(a.article_id, [])
    ]
    return _frame(rows, TERM_COLUMNS)
