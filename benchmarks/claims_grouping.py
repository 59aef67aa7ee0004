"""Claim grouping at scale: ``python benchmarks/claims_grouping.py [--articles 10000] [--work DIR] [--jobs N]``.

Builds the synthetic corpus of :mod:`core.bench` (seed paragraphs with varied figures), extracts it
once (not timed) and keeps the extraction in ``WORK/extraction.pickle``; then, in a fresh process,
loads it and times :func:`core.claims.group_claims` alone: wall time of the grouping, and the
process's peak memory (which includes the loaded extraction). A second run with the same ``--work``
reuses the kept extraction. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EXTRACT = """
import pickle, sys
from pathlib import Path
from core.pipeline import extract_corpus
extraction = extract_corpus([Path(sys.argv[1])], cache_dir=Path(sys.argv[2]), jobs=int(sys.argv[4]))
Path(sys.argv[3]).write_bytes(pickle.dumps(extraction))
"""

GROUP_ONLY = """
import pickle, resource, sys, time
from pathlib import Path
from core.claims import group_claims
extraction = pickle.loads(Path(sys.argv[1]).read_bytes())
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
started = time.perf_counter()
report = group_claims(extraction)
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{len(extraction.articles)} articles, {len(extraction.figures)} figures -> {len(report.groups)} groups, "
      f"{len(report.claims)} grouped figures, {len(report.comparisons)} pairs")
print(f"group_claims: {elapsed:.2f} s; peak RSS {peak:.0f} MB (extraction loaded: {loaded:.0f} MB)")
"""


def main(argv: list[str] | None = None) -> int:
    from core.bench import generate_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--work", type=Path, help="corpus and cache folder, kept (default: a temporary one)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for the untimed extraction")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="duizhao-claims-"))
    corpus, cache, kept = work / "corpus", work / "cache", work / "extraction.pickle"
    if not (corpus / "manifest.csv").exists():
        generate_corpus(corpus, args.articles)
    if not kept.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", EXTRACT, str(corpus), str(cache), str(kept), str(args.jobs)],
                       cwd=ROOT, check=True)
        print(f"extraction (not the timed part): {time.perf_counter() - started:.0f} s")
    subprocess.run([sys.executable, "-c", GROUP_ONLY, str(kept)], cwd=ROOT, check=True)
    print(f"driver peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
