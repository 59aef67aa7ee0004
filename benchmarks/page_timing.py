"""First render and one re-render per page with Streamlit's AppTest, on a corpus and a cache given.

    python benchmarks/page_timing.py CORPUS CACHE

Run by ``python -m core.bench --dashboard`` in a fresh process for each of its two rows (a first start and
a restart), so the restart starts cold in memory and only the disk cache carries over.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def time_pages(corpus: Path, cache: Path) -> None:
    """First render and one re-render per page with Streamlit's AppTest, in this process."""
    os.environ["DUIZHAO_CORPUS"] = str(corpus)
    os.environ["DUIZHAO_CACHE"] = str(cache)
    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=900)
    app.run()
    print(f"  first render: {time.perf_counter() - started:.2f} s, exceptions: {len(app.exception)}")
    for page in sorted((ROOT / "pages").glob("*.py")):
        app.switch_page(f"pages/{page.name}")
        app.run()
        started = time.perf_counter()
        app.run()
        print(f"  {page.stem}: {time.perf_counter() - started:.2f} s per rerun, exceptions: {len(app.exception)}")
    app.switch_page("pages/overview.py")
    app.run()
    sources = app.multiselect(key="sources")
    started = time.perf_counter()
    sources.set_value(sources.value[:-1]).run()
    print(f"  overview after dropping a source: {time.perf_counter() - started:.2f} s")
    print(f"  process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    time_pages(Path(sys.argv[1]), Path(sys.argv[2]))
