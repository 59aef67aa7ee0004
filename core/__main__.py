"""Command line: ``python -m core extract [PATH ...] [--out DIR] [--no-cache] [--jobs N]``.

Writes the same tables the dashboard shows, as CSV (UTF-8 with BOM, formulas
neutralised): articles, figures, dates, entities, terms, removed boilerplate,
and the figure-consistency tables claims and comparisons.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.export import write_csv
from core.pipeline import DEFAULT_CACHE_DIR, extract_corpus


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m core", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract figures, entities and terms; write CSVs")
    extract.add_argument("paths", nargs="*", default=["seeds"], help="folders or files (default: seeds/)")
    extract.add_argument("--out", default="out", help="output folder (default: out/)")
    extract.add_argument("--no-cache", action="store_true", help="ignore and do not write the on-disk cache")
    extract.add_argument("--cache-dir", default=str(DEFAULT_CACHE_DIR), help="cache folder (default: %(default)s)")
    extract.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    return parser


def run_extract(args: argparse.Namespace) -> int:
    from core.claims import group_claims

    progress = _progress_bar()
    extraction = extract_corpus(
        args.paths, cache_dir=None if args.no_cache else Path(args.cache_dir), jobs=args.jobs, progress=progress,
    )
    for problem in extraction.problems:
        print(f"skipped {problem.file}: {problem.reason}", file=sys.stderr)
    if extraction.articles.empty:
        print("no readable articles found in: " + ", ".join(args.paths), file=sys.stderr)
        return 1
    out = Path(args.out)
    tables = extraction.tables()
    report = group_claims(extraction)
    tables["claims"], tables["comparisons"] = report.claims, report.comparisons
    for name, frame in tables.items():
        write_csv(frame, out / f"{name}.csv")
    print(
        f"{len(extraction.articles)} articles ({extraction.cache_hits} from cache), "
        f"{len(extraction.figures)} figures, {len(extraction.entities)} entity rows, "
        f"{report.groups['group_id'].nunique() if not report.groups.empty else 0} claim groups -> {out}/",
        file=sys.stderr,
    )
    return 0


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
