"""Command line: ``python -m core extract [PATH ...] [--out DIR] [--no-cache] [--jobs N]``.

Writes the same tables the dashboard shows, as CSV (UTF-8 with BOM, formulas
neutralised): articles, figures, dates, entities, terms, removed boilerplate,
and the figure-consistency tables claims, comparisons and claim_context.

A run whose corpus, code and lexicons are unchanged copies the CSVs it wrote
last time (kept in the cache folder under the corpus's key) without importing
the analysis stack; a changed corpus re-extracts only the changed articles.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from core.corpus import Corpus, load_corpus
from core.version import corpus_key, default_cache_dir

OUTPUTS = ("articles", "figures", "dates", "entities", "terms", "removed", "claims", "comparisons", "claim_context")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract figures, entities and terms; write CSVs")
    extract.add_argument("paths", nargs="*", default=["seeds"], help="folders or files (default: seeds/)")
    extract.add_argument("--out", default="out", help="output folder (default: out/)")
    extract.add_argument("--no-cache", action="store_true", help="ignore and do not write the on-disk cache")
    extract.add_argument("--cache-dir", default=str(default_cache_dir()), help="cache folder (default: %(default)s)")
    extract.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    extract.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="run per-article extraction here (local) or on a Dask cluster")
    extract.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")
    return parser


def run_extract(args: argparse.Namespace) -> int:
    corpus = load_corpus(args.paths)
    for problem in corpus.problems:
        print(f"skipped {problem.file}: {problem.reason}", file=sys.stderr)
    if not corpus.articles:
        print("no readable articles found in: " + ", ".join(args.paths), file=sys.stderr)
        return 1
    out = Path(args.out)
    kept = None if args.no_cache else Path(args.cache_dir) / "outputs" / corpus_key(corpus, "export", "__main__")
    if kept is not None and (kept / "done").exists():
        _copy_outputs(kept, out)
        print(f"{len(corpus.articles)} articles unchanged: CSVs from the cache -> {out}/", file=sys.stderr)
        return 0
    summary = _extract_and_write(corpus, args, out)
    if kept is not None:
        _copy_outputs(out, kept)
        (kept / "done").touch()
    print(summary, file=sys.stderr)
    return 0


def _extract_and_write(corpus: Corpus, args: argparse.Namespace, out: Path) -> str:
    from core.claims import group_claims
    from core.export import write_csv

    cache_dir = None if args.no_cache else Path(args.cache_dir)
    if args.engine == "dask":
        from core.distributed import extract_corpus_dask

        extraction = extract_corpus_dask(corpus, scheduler=args.scheduler, cache_dir=cache_dir, parquet_dir=out)
    else:
        from core.pipeline import extract_corpus

        extraction = extract_corpus(corpus=corpus, cache_dir=cache_dir, jobs=args.jobs, progress=_progress_bar())
    report = group_claims(extraction)
    tables = {**extraction.tables(), "claims": report.claims, "comparisons": report.comparisons,
              "claim_context": report.context}
    for name in OUTPUTS:
        write_csv(tables[name], out / f"{name}.csv")
    return (
        f"{len(extraction.articles)} articles ({extraction.cache_hits} from cache), "
        f"{len(extraction.figures)} figures, {len(extraction.entities)} entity rows, "
        f"{len(report.groups)} claim groups -> {out}/"
    )


def _copy_outputs(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        shutil.copyfile(source / f"{name}.csv", target / f"{name}.csv")


def _progress_bar():
    """A tqdm bar on stderr, shown only when there is a terminal or a long run."""
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, unit="article", disable=total < 50 and not sys.stderr.isatty())
        bar["bar"].n = done
        bar["bar"].refresh()
        if done >= total:
            bar["bar"].close()

    return update


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract":
        return run_extract(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
