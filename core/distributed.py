"""Run the per-article extraction on a Dask cluster.

The same :func:`core.pipeline.extract_article` is mapped over the corpus's
files: each task reads its files itself (only paths and metadata travel to
the workers), extracts them, stores each article in the shared on-disk cache
and writes its partition of every table as Parquet under
``<parquet_dir>/parquet/<table>/part-NNNNN.parquet``. The driver then reads the
partitions and assembles the usual tables, exactly as a local run does.

With no scheduler address a ``LocalCluster`` is started for the run, which is
how the tests exercise this path; on a real cluster every worker needs the
project installed and the corpus and cache folders on a shared file system.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from core.cache import ResultCache
from core.corpus import Article, Corpus, load_article_bytes
from core.pipeline import assemble, extract_article
from core.results import RESULT_TABLES, Extraction, _concat, result_tables
from core.version import extractor_version, write_atomically


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


def extract_partition(tasks: list[FileTask], number: int, out_dir: str, cache_dir: str | None) -> dict[str, str]:
    """Extract one partition of files on a worker; write its tables; return the written paths."""
    cache = ResultCache(Path(cache_dir) if cache_dir else None, extractor_version())
    results = []
    for task in tasks:
        article = load_article_bytes(task.name, Path(task.path).read_bytes(), task.meta)
        result = extract_article(article)
        cache.put(task.content_hash, result)
        results.append((task.content_hash, result))
    written = {}
    for name, frame in result_tables(results).items():
        # Atomic like every file in the output folder: a killed run leaves no half partition behind.
        path = write_atomically(Path(out_dir) / "parquet" / name / f"part-{number:05d}.parquet",
                                frame.to_parquet(index=False), durable=False)
        written[name] = str(path)
    return written


def extract_corpus_dask(
    corpus: Corpus,
    *,
    scheduler: str | None = None,
    cache_dir: Path | None = None,
    parquet_dir: Path = Path("out"),
    partition_size: int = 64,
) -> Extraction:
    """Extract ``corpus`` on the Dask cluster at ``scheduler`` (a local cluster when None)."""
    from dask.distributed import Client, LocalCluster

    cache = ResultCache(cache_dir, extractor_version())
    hashes = {a.content_hash for a in corpus.articles}
    cached, covered, snapshot_complete = cache.load(hashes)
    todo = list({a.content_hash: a for a in corpus.articles if a.content_hash not in covered}.values())
    if todo:
        cache.remove_stale_temps()
    batches = [[task_for(a) for a in todo[i:i + partition_size]] for i in range(0, len(todo), partition_size)]
    parquet_dir = Path(parquet_dir).resolve()
    for name in RESULT_TABLES:
        for stale in (parquet_dir / "parquet" / name).glob("part-*.parquet"):
            stale.unlink()

    cluster = None if scheduler else LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            futures = [
                client.submit(extract_partition, batch, i, str(parquet_dir), str(cache_dir) if cache_dir else None,
                              pure=False)
                for i, batch in enumerate(batches)
            ]
            written = client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()

    tables = {
        name: _concat([cached.get(name, pd.DataFrame()), *(pd.read_parquet(w[name]) for w in written)])
        for name in RESULT_TABLES
    }
    if not snapshot_complete:
        cache.save_snapshot(tables, hashes)
    return assemble(corpus.articles, tables, list(corpus.problems), cache_hits=len(covered), extracted=len(todo))
