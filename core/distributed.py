"""Run the per-article extraction on a Dask cluster: an engine for :func:`core.pipeline.extract_corpus`.

The engine only maps the per-article task; the flow (the cache, the tables, the snapshot) is the
pipeline's, the same as a local run. Each Dask task takes a partition of the corpus's files and
reads them itself (only paths and metadata travel to the workers), runs the task on each (which
extracts it and stores it in the shared on-disk cache), writes its partition of every table as
Parquet under ``<parquet_dir>/parquet/<table>/part-NNNNN.parquet`` and returns its results.

With no scheduler address a ``LocalCluster`` is started for the run, which is
how the tests exercise this path; on a real cluster every worker needs the
project installed and the corpus and cache folders on a shared file system.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core.corpus import Article, load_article_bytes
from core.pipeline import ArticleRefused, ArticleTask
from core.results import RESULT_TABLES, ArticleResult, result_tables
from core.version import write_atomically


@dataclass(frozen=True)
class FileTask:
    """What a worker needs to load one article: where it is and its manifest metadata."""

    path: str
    name: str
    meta: dict[str, str]
    content_hash: str  # as the driver computed it: the key its tables are joined on


def task_for(article: Article) -> FileTask:
    meta = {"source": article.source, "author": article.author, "title": article.title,
            "published": article.published, "script": article.script, "notes": article.notes}
    return FileTask(article.path, article.file, meta, article.content_hash)


def extract_partition(
    task: ArticleTask, files: list[FileTask], number: int, out_dir: str,
) -> list[ArticleResult | ArticleRefused]:
    """On a worker: load one partition's files, run ``task`` on each, write the partition's tables."""
    results = []
    for file in files:
        article = load_article_bytes(file.name, Path(file.path).read_bytes(), file.meta)
        results.append(task(replace(article, content_hash=file.content_hash)))
    done = [(f.content_hash, r) for f, r in zip(files, results, strict=True) if not isinstance(r, ArticleRefused)]
    for name, frame in result_tables(done).items():
        # Atomic like every file in the output folder: a killed run leaves no half partition behind.
        write_atomically(Path(out_dir) / "parquet" / name / f"part-{number:05d}.parquet",
                         frame.to_parquet(index=False), durable=False)
    return results


@dataclass(frozen=True)
class DaskEngine:
    """Map the per-article task over the Dask cluster at ``scheduler`` (a local cluster when None)."""

    scheduler: str | None = None
    parquet_dir: Path = Path("out")
    partition_size: int = 64

    def map(self, task: ArticleTask, articles: list[Article]) -> Iterable[ArticleResult | ArticleRefused]:
        parquet_dir = Path(self.parquet_dir).resolve()
        for name in RESULT_TABLES:
            for stale in (parquet_dir / "parquet" / name).glob("part-*.parquet"):
                stale.unlink()
        size = self.partition_size
        partitions = [[task_for(a) for a in articles[i:i + size]] for i in range(0, len(articles), size)]
        return self._run(task, partitions, str(parquet_dir)) if partitions else []

    def _run(self, task: ArticleTask, partitions: list[list[FileTask]], out_dir: str) -> Iterator:
        from dask.distributed import Client, LocalCluster

        cluster = None if self.scheduler else LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                           dashboard_address=None)
        try:
            with Client(self.scheduler or cluster) as client:
                futures = [client.submit(extract_partition, task, files, i, out_dir, pure=False)
                           for i, files in enumerate(partitions)]
                for future in futures:  # in order: results are matched to articles by position
                    yield from future.result()
        finally:
            if cluster is not None:
                cluster.close()
