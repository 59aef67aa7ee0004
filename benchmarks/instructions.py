"""Instructions, not seconds: ``python -m benchmarks.instructions [--articles 300] [--per-article 30]``.

This machine's speed swings by up to 1.7× between two runs of the same process, which hides a 10 % change in
wall or CPU time. ``valgrind --tool=callgrind`` counts the instructions a process executes instead, the same on
every run (to a fraction of a percent), so a before/after can be read from one run each. Counted here, on the
synthetic corpus of ``core.bench`` (built once, in a temporary folder):

- a cold ``python -m core extract`` of the corpus with ``--jobs 1``, and one bare ``jieba.lcut`` pass over the
  same files (the issue's yardstick), and their ratio;
- the extraction of one article and of ``--per-article`` articles in one process: their difference is what an
  article costs, the rest is the run's fixed cost (imports, lexicon, segmenter).

Under valgrind a process runs about 60 times slower: the default corpus takes some 15 minutes on this machine's
two cores. Needs ``valgrind`` (Debian: ``apt-get install valgrind``); numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Extract the first N articles of a folder in one process (no cache, no tables): the per-article cost.
_EXTRACT_FIRST = """
import sys
from core.corpus import load_corpus
from core.pipeline import extract_article
for article in load_corpus(sys.argv[1], cache_dir=None).articles[:int(sys.argv[2])]:
    extract_article(article)
"""


def instructions(command: list[str], work: Path) -> int:
    """Instructions ``command`` executes (callgrind's "I refs"), run from the project folder."""
    out = work / f"callgrind.{len(list(work.glob('callgrind.*')))}"
    run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *command],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    match = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output: {run.stderr[-300:]}")
    return int(match.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--per-article", type=int, default=30, help="articles in the per-article difference")
    args = parser.parse_args(argv)
    if not 2 <= args.per_article <= args.articles:
        parser.error("--per-article must be at least 2 and at most --articles")
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    from core.bench import JIEBA_PASS, extract_cmd, generate_corpus

    with tempfile.TemporaryDirectory(prefix="duizhao-instructions-") as folder:
        work = Path(folder)
        corpus = generate_corpus(work / "corpus", args.articles)
        cold = instructions(extract_cmd(corpus, work / "out", work / "cache", 1), work)
        jieba = instructions([sys.executable, "-c", JIEBA_PASS, str(corpus)], work)
        print(f"cold extraction, --jobs 1: {cold / 1e9:.2f} G instructions; one jieba pass: {jieba / 1e9:.2f} G; "
              f"{cold / jieba:.2f}x", flush=True)
        one, many = (instructions([sys.executable, "-c", _EXTRACT_FIRST, str(corpus), str(n)], work)
                     for n in (1, args.per_article))
        per_article = (many - one) / (args.per_article - 1)
        print(f"extraction: {per_article / 1e6:.1f} M instructions an article, "
              f"{(one - per_article) / 1e9:.2f} G fixed (imports, lexicon, segmenter)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
