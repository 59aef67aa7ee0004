"""What extraction yields: one article's rows per table, and the corpus-wide tables.

``ArticleResult`` is what :func:`core.pipeline.extract_article` returns and what the on-disk
cache (:mod:`core.cache`) stores per article; ``result_tables`` turns many of them into one
DataFrame per table keyed by content hash; ``Extraction`` is the assembled corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from core.corpus import LoadProblem

# Per-article tables as cached: their own columns, keyed by content hash ("caps": what the figure cap cut).
RESULT_TABLES = ("figures", "dates", "mentions", "term_counts", "context", "caps")


@dataclass
class ArticleResult:
    """What one article yields, independent of its file name and metadata: rows per table."""

    figures: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    term_counts: dict[str, int] = field(default_factory=dict)
    context: list[dict] = field(default_factory=list)
    caps: list[dict] = field(default_factory=list)

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
    # Said while extracting (a figure cap reached); also among ``problems``, which the dashboard lists.
    notices: list[LoadProblem] = field(default_factory=list)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables the command line writes, by file stem."""
        return {
            "articles": self.articles, "figures": self.figures, "dates": self.dates,
            "entities": self.entities, "terms": self.terms, "removed": self.removed,
        }


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


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of ``frames`` in order. A column categorical in any frame stays categorical, over the union of the
    categories: pandas concatenates categoricals of different categories as plain strings, which made adding ten
    articles to a cached corpus of 10,000 turn every categorical column of the corpus to strings and back."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame({"content_hash": pd.Series(dtype="string")})
    if len(frames) == 1:
        return frames[0]
    shared = set.intersection(*(set(f.columns) for f in frames))
    for column in sorted(c for c in shared if any(isinstance(f[c].dtype, pd.CategoricalDtype) for f in frames)):
        values = [f[column].cat.categories if isinstance(f[column].dtype, pd.CategoricalDtype)
                  else pd.Index(f[column].dropna().unique()) for f in frames]
        # Sorted, as astype("category") orders them: a sort by the column follows the categories' order.
        dtype = pd.CategoricalDtype(values[0].append(values[1:]).unique().sort_values())
        frames = [f.assign(**{column: f[column].astype(dtype)}) for f in frames]
    return pd.concat(frames, ignore_index=True)
