"""Benchmarks: ``python -m core.bench [--articles N] [--jobs 1 2] [--dashboard]``.

Builds a synthetic corpus of N articles from the seed paragraphs (figures,
sources and dates varied), then measures whole processes, as a user would see
them: cold extraction against one bare ``jieba.lcut`` pass over the same files,
a warm (cached) re-run, adding ten articles to a cached corpus, peak memory,
and the warm run on the seeds against bare interpreter start. With
``--dashboard`` it also times the pages with Streamlit's AppTest on that corpus (benchmarks/page_timing.py).

Numbers are printed, never asserted: targets live in the issue notes, not in tests.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["新华社", "联合早报", "中央社", "端传媒", "财新", "明报", "自由时报", "观察者网", "澎湃新闻", "经济日报"]


def seed_paragraphs(seeds: Path = ROOT / "seeds") -> list[str]:
    """Body paragraphs of the seed articles (boilerplate and repeats removed), long enough to carry content."""
    from core.corpus import load_corpus

    paragraphs: list[str] = []
    for article in load_corpus([seeds]).articles:
        body = article.body().text
        paragraphs.extend(p.strip() for p in body.split("\n") if len(p.strip()) >= 30)
    return list(dict.fromkeys(paragraphs))


def _vary_numbers(paragraph: str, rng: random.Random) -> str:
    """Change the digits of figures so articles disagree the way real ones do; years stay years."""
    def repl(match: re.Match[str]) -> str:
        digits = match.group()
        if len(digits) == 4 and digits.startswith(("19", "20")):
            return digits
        return str(max(1, int(int(digits) * rng.uniform(0.6, 1.4))))

    return re.sub(r"\d+", repl, paragraph)


def generate_corpus(out: Path, articles: int, *, seed: int = 7, start: int = 0) -> Path:
    """Write ``articles`` synthetic articles and a manifest into ``out``; returns ``out``."""
    rng = random.Random(seed + start)
    paragraphs = seed_paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(start, start + articles):
        body = [_vary_numbers(p, rng) for p in rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(8, 20)))]
        title = body[0][:24]
        name = f"{i:06d}.txt"
        (out / name).write_text(title + "\n" + "\n".join(body) + "\n", encoding="utf-8")
        rows.append({"file": name, "source": rng.choice(SOURCES), "author": "", "title": title,
                     "published": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                     "script": "", "notes": "synthetic benchmark article"})
    manifest = out / "manifest.csv"
    existing = list(csv.DictReader(manifest.open(encoding="utf-8"))) if manifest.exists() else []
    with manifest.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(existing + rows)
    return out


@dataclass(frozen=True, slots=True)
class Timing:
    """One child process: wall seconds, CPU seconds (user + sys, its waited-for children included), peak MB."""

    wall: float
    cpu: float
    peak_mb: float

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def median_run(args: list[str], repeat: int, before: Callable[[], object] = lambda: None,
               env: dict[str, str] | None = None) -> Timing:
    """The median wall and CPU time (each on its own) of ``repeat`` runs, ``before`` called ahead of each."""
    runs = []
    for _ in range(repeat):
        before()
        runs.append(run_timed(args, env))
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
                  max(r.peak_mb for r in runs))


def run_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a child process; (wall seconds, peak RSS in MB of that child alone)."""
    timing = run_timed(args, env)
    return timing.wall, timing.peak_mb


def run_timed(args: list[str], env: dict[str, str] | None = None) -> Timing:
    """Run a child process and time it (see :class:`Timing`); raises when it fails."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},
                                stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if proc.returncode:
            err.seek(0)
            raise RuntimeError(f"{' '.join(args)} failed:\n{err.read().decode()[-2000:]}")
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def extract_cmd(corpus: Path, out: Path, cache: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "core", "extract", str(corpus), "--out", str(out),
            "--cache-dir", str(cache), "--jobs", str(jobs)]


JIEBA_PASS = (
    "import sys, pathlib, jieba; jieba.initialize()\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')): jieba.lcut(p.read_text(encoding='utf-8'))"
)


LOAD_ONLY = "import sys; from core.corpus import load_corpus; load_corpus([sys.argv[1]])"


def bench_extraction(articles: int, jobs_list: list[int], work: Path, repeat: int = 3) -> None:
    """Cold, warm and add-ten runs of ``python -m core extract``; each row the median of ``repeat`` runs."""
    corpus = generate_corpus(work / "corpus", articles)
    chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("*.txt"))
    print(f"synthetic corpus: {articles} articles, {chars / 1e6:.1f} M characters; median of {repeat} runs")
    start = median_run([sys.executable, "-c", "pass"], repeat)
    jieba = median_run([sys.executable, "-c", JIEBA_PASS, str(corpus)], repeat)
    print(f"interpreter start: {start}; bare jieba.lcut pass: {jieba}, peak {jieba.peak_mb:.0f} MB", flush=True)
    cache = work / "cache"
    for jobs in jobs_list:
        cold = median_run(extract_cmd(corpus, work / "out", cache, jobs), repeat,
                          lambda: shutil.rmtree(cache, ignore_errors=True))
        print(f"cold extraction --jobs {jobs}: {cold} ({articles / cold.wall:.0f} articles/s), "
              f"{cold.wall / jieba.wall:.2f}x one jieba pass by wall, {cold.cpu / jieba.cpu:.2f}x by CPU, "
              f"peak {cold.peak_mb:.0f} MB", flush=True)
    warm = median_run(extract_cmd(corpus, work / "out", cache, jobs_list[-1]), repeat)
    print(f"warm re-run: {warm}, peak {warm.peak_mb:.0f} MB")
    # The cache the command line filled: its file index is what a restart on this corpus finds.
    load = median_run([sys.executable, "-c", LOAD_ONLY, str(corpus)], repeat, env={"DUIZHAO_CACHE": str(cache)})
    print(f"warm load_corpus alone (the dashboard's first step): {load}", flush=True)
    added = []
    for i in range(repeat):
        generate_corpus(corpus, 10, start=articles + 10 * i)
        added.append(run_timed(extract_cmd(corpus, work / "out", cache, jobs_list[-1])))
    print(f"after adding 10 articles: {statistics.median(t.wall for t in added):.2f} s wall, "
          f"{statistics.median(t.cpu for t in added):.2f} s CPU")


def bench_seeds(work: Path) -> None:
    cache = work / "seed-cache"
    start_s, _ = run_process([sys.executable, "-c", "pass"])
    run_process(extract_cmd(ROOT / "seeds", work / "seed-out", cache, 1))
    warm = min(run_process(extract_cmd(ROOT / "seeds", work / "seed-out", cache, 1))[0] for _ in range(3))
    print(f"seeds warm run: {warm:.2f} s ({warm - start_s:.2f} s beyond interpreter start {start_s:.2f} s)")


def bench_dashboard(corpus: Path, cache: Path) -> None:
    """Time the pages on ``corpus`` in a fresh server process, twice: a first start and a restart.

    Each run is a child process (``benchmarks/page_timing.py``, which uses Streamlit's AppTest: core imports
    no Streamlit), so the restart really starts cold in memory and only the disk cache carries over.
    """
    for label in ("first start (per-article cache warm)", "restart (corpus kept on disk)"):
        print(f"dashboard, {label}:", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "page_timing.py"), str(corpus), str(cache)],
                       cwd=ROOT, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dashboard", action="store_true", help="also time the pages on the synthetic corpus")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median is shown")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="duizhao-bench-"))
    try:
        bench_seeds(work)
        bench_extraction(args.articles, args.jobs, work, args.repeat)
        if args.dashboard:
            bench_dashboard(work / "corpus", work / "cache")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
