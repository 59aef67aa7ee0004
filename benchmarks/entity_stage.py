"""The entity stage alone: ``python -m benchmarks.entity_stage [--articles 300] [--runs 3]``.

Builds the synthetic corpus of ``core.bench`` once, then in fresh processes (cold: lexicon load and
segmenter start included, as in a cold extraction) runs ``extract_entities_mapped`` on every article's
normalised body, and prints each run's wall time and the median. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import sys, time
from core.corpus import load_corpus
from core.normalize import normalize
from core import entities
articles = load_corpus([sys.argv[1]]).articles
bodies = [a.body() for a in articles]
mapped = [b.then(normalize(b.text)) for b in bodies]
started, cpu = time.perf_counter(), time.process_time()
n = sum(len(entities.extract_entities_mapped(m)) for m in mapped)
print(time.perf_counter() - started, time.process_time() - cpu, n)
"""


def time_entity_stage(corpus: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, mentions) of one cold entity pass over ``corpus`` in a fresh interpreter.

    CPU time is the steadier number on a shared machine; wall time is what a user waits.
    """
    out = subprocess.run([sys.executable, "-c", _CHILD, str(corpus)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.entity_stage", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    from core.bench import generate_corpus

    with tempfile.TemporaryDirectory() as work:
        corpus = generate_corpus(Path(work) / "corpus", args.articles)
        started = time.perf_counter()
        walls, cpus = [], []
        for run in range(args.runs):
            wall, cpu, mentions = time_entity_stage(corpus)
            walls.append(wall)
            cpus.append(cpu)
            print(f"run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU, {mentions} mentions")
        print(f"entity stage, {args.articles} articles: median {statistics.median(walls):.2f} s wall, "
              f"{statistics.median(cpus):.2f} s CPU ({time.perf_counter() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
