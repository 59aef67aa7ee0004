import pandas as pd
from dask.distributed import LocalCluster

from core.corpus import load_corpus
from core.distributed import DaskEngine
from core.pipeline import extract_corpus


def test_dask_engine_matches_local_run_and_writes_partitions(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(5):
        (folder / f"a{i}.txt").write_text(f"文章{i}\n2025年中國晶片自給率約{30 + i}%，中芯國際良率超過9{i}%。\n",
                                          encoding="utf-8")
    (folder / "manifest.csv").write_text("file,source,published\na0.txt,甲报,2025-01-02\n", encoding="utf-8")
    corpus = load_corpus([folder])
    local = extract_corpus(corpus=corpus, cache_dir=None)
    out = tmp_path / "out"
    # Threads, not processes: a spawned worker would re-run pytest's __main__, which AppTest may have replaced.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        engine = DaskEngine(scheduler=cluster.scheduler_address, parquet_dir=out, partition_size=2)
        dask = extract_corpus(corpus=corpus, cache_dir=tmp_path / "cache", engine=engine)
    pd.testing.assert_frame_equal(local.figures, dask.figures, check_dtype=False)
    pd.testing.assert_frame_equal(local.entities, dask.entities, check_dtype=False)
    pd.testing.assert_frame_equal(local.terms, dask.terms, check_dtype=False)
    assert len(list((out / "parquet" / "figures").glob("part-*.parquet"))) == 3
    again = extract_corpus(corpus=corpus, cache_dir=tmp_path / "cache")
    assert again.extracted == 0
