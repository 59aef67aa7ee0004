"""Command line: ``python -m core extract [PATH|URL ...] [--out DIR] [--no-cache] [--jobs N]``,
``python -m core fetch URL... [--feed URL...] [--from urls.txt] --into DIR``.

Writes the same tables the dashboard shows, as CSV (UTF-8 with BOM, formulas
neutralised): articles, figures, dates, entities, terms, removed boilerplate,
and the figure-consistency tables claims, comparisons and claim_context.

A run whose corpus, code and lexicons are unchanged copies the CSVs it wrote
last time (kept in the cache folder under the corpus's key, with a manifest of
their sha256 digests that they must match) without importing the analysis
stack; a changed corpus re-extracts only the changed articles. Every CSV is
written atomically, so a killed run leaves each file whole: old or new.
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import glob
import hashlib
import io
import json
import os
import re
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from core.corpus import MANIFEST_NAME, Corpus, load_corpus
from core.version import (
    corpus_key,
    default_cache_dir,
    is_temp,
    sign,
    signed,
    temp_path,
    write_atomically,
)

OUTPUTS = ("articles", "figures", "dates", "entities", "terms", "removed", "claims", "comparisons", "claim_context")
# Kept outputs are served only when this file lists their digests; it is written after them.
MANIFEST = "manifest.json"
OUTPUT_CACHE_FORMAT = 2
# Cells a spreadsheet reads as formulas (core.export prefixes them); repeated here so a warm run needs no pandas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a CSV cell could start like a formula (a superset: a match sends the file to the full check).
# A bare CR before LF ends a row, it starts no cell.
_FORMULA_CELL_START = re.compile('(?:^|[,\r\n])(?:"[=+\\-@\t\r]|[=+\\-@\t]|\r(?!\n))')
# Subfolder of --out with each article's body as plain text, for other tools.
TEXTS = "texts"
# What an output folder holds, written beside its CSVs: the corpus key, each CSV's digest and stamp, and each text's
# stamp. A run whose outputs the folder already holds, untouched, writes nothing.
OUT_STAMP = ".duizhao-outputs.json"
# Seconds between two lines of the progress bar when stderr is no terminal (a log file).
LOG_PROGRESS_SECONDS = 10.0


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
    extract.add_argument("--userdict", type=Path, help="your jieba user dictionary: 'word [frequency] [tag]' a line")
    extract.add_argument("--aliases", type=Path, help="your entities: 'name<TAB>type<TAB>alias|alias' a line")
    fetch = commands.add_parser("fetch", help="fetch pages (links, feeds) into a corpus folder")
    fetch.add_argument("urls", nargs="*", help="links of article pages")
    fetch.add_argument("--feed", action="append", default=[], help="an RSS or Atom feed whose articles to fetch")
    fetch.add_argument("--from", dest="from_file", help="a text file with one link a line")
    fetch.add_argument("--into", required=True, help="corpus folder to save pages and manifest.csv in")
    fetch.add_argument("--cache-dir", default=str(default_cache_dir()), help="cache folder (default: %(default)s)")
    fetch.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the messages")
    return parser


def run_fetch(args: argparse.Namespace) -> int:
    """Fetch every link (and every feed's articles) into ``--into``; refused links are listed with why."""
    from core.fetch import Fetcher, fetch_links, save_pages

    urls = list(args.urls)
    if args.from_file:
        try:
            lines = Path(args.from_file).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            print(f"could not read {Path(args.from_file).name}: {getattr(err, 'strerror', None) or err}",
                  file=sys.stderr)
            return 1
        urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not urls and not args.feed:
        print("no links given", file=sys.stderr)
        return 1
    fetcher = Fetcher(cache_dir=Path(args.cache_dir))
    pages, refused = fetch_links(fetcher, urls, args.feed)
    saved, unreadable = save_pages(pages, Path(args.into))
    _print_refusals([*refused, *unreadable], args.lang)
    print(f"{len(saved)} pages saved ({sum(p.from_cache for p in pages)} from the fetch cache), "
          f"{len(refused) + len(unreadable)} refused -> {args.into}/", file=sys.stderr)
    return 0 if saved else 1


def _print_refusals(refused, lang: str) -> None:
    from core.words import refusal

    for item in refused:
        print(f"refused {item.url}: {refusal(item.code, lang, **item.params)}", file=sys.stderr)


def _fetched_paths(paths: list[str], cache_dir: str) -> list[str]:
    """``paths`` with its links fetched into ``<cache-dir>/fetched`` (one folder, read like any other)."""
    if not any("://" in p for p in paths):  # no link: the fetcher (http, ssl) stays off the warm path
        return paths
    from core.fetch import Fetcher, fetch_links, is_url, save_pages

    urls = [p for p in paths if is_url(p)]
    if not urls:
        return paths
    folder = Path(cache_dir) / "fetched"
    pages, refused = fetch_links(Fetcher(cache_dir=Path(cache_dir)), urls)
    saved, unreadable = save_pages(pages, folder)
    _print_refusals([*refused, *unreadable], "en")
    return [p for p in paths if not is_url(p)] + [str(path) for path in saved]


def use_analyst_files(args: argparse.Namespace) -> str | None:
    """Put --userdict/--aliases where extraction (and its workers) read them; an error message, or None."""
    from core import analyst

    for path, env, read in ((args.userdict, analyst.USERDICT_ENV, analyst.user_words),
                            (args.aliases, analyst.ALIASES_ENV, analyst.alias_rows)):
        if path is None:
            continue
        try:
            read(str(path))
        except analyst.AnalystFileError as exc:
            return str(exc)
        os.environ[env] = str(path.resolve())
    return None


def run_extract(args: argparse.Namespace) -> int:
    out = Path(args.out)
    refusal = _output_folder_problem(out)
    if refusal:
        print(f"error: --out {out}: {refusal}", file=sys.stderr)
        return 2
    cores = available_cores()
    if args.jobs > cores:
        print(f"note: --jobs {args.jobs} lowered to the {cores} cores available", file=sys.stderr)
    args.jobs = max(1, min(args.jobs, cores))
    problem = use_analyst_files(args)
    if problem:
        print(f"cannot use {problem}", file=sys.stderr)
        return 1
    corpus = load_corpus(_fetched_paths(args.paths, args.cache_dir),
                         cache_dir=None if args.no_cache else Path(args.cache_dir))
    for problem in corpus.problems:
        # A manifest notice skips no article (a repeated row, a date that is not one): say so.
        verb = "note" if problem.file == MANIFEST_NAME or problem.notice else "skipped"
        print(f"{verb} {problem.file}: {problem.reason}", file=sys.stderr)
    if not corpus.articles:
        print("no readable articles found in: " + ", ".join(args.paths), file=sys.stderr)
        return 1
    key = corpus_key(corpus, "export", "__main__")
    kept = None if args.no_cache else Path(args.cache_dir) / "outputs" / key
    digests = _kept_digests(kept, key) if kept is not None else None
    if digests is not None and _holds_outputs(out, key, digests):
        print(f"{len(corpus.articles)} articles unchanged: the CSVs in {out}/ are current", file=sys.stderr)
        return 0
    outputs = _read_kept(kept, key) if kept is not None else None
    if outputs is not None:
        _write_outputs(outputs, out, corpus, key)
        print(f"{len(corpus.articles)} articles unchanged: CSVs from the cache -> {out}/", file=sys.stderr)
        return 0
    outputs, summary = _extract(corpus, args, out)
    _write_outputs(outputs, out, corpus, key)
    if kept is not None:
        try:
            _keep_outputs(outputs, kept, key)
        except OSError as error:
            from core.cache import warn_cache_unwritable

            warn_cache_unwritable(Path(args.cache_dir), error)
    print(summary, file=sys.stderr)
    return 0


def _extract(corpus: Corpus, args: argparse.Namespace, out: Path) -> tuple[dict[str, bytes], str]:
    """Every output table of ``corpus`` as CSV bytes, by name, and a one-line summary."""
    from core.claims import group_claims
    from core.export import csv_bytes

    cache_dir = None if args.no_cache else Path(args.cache_dir)
    from core.pipeline import extract_corpus

    engine = None
    if args.engine == "dask":
        from core.distributed import DaskEngine

        engine = DaskEngine(scheduler=args.scheduler, parquet_dir=out)
    extraction = extract_corpus(corpus=corpus, cache_dir=cache_dir, jobs=args.jobs, progress=_progress_bar(),
                                engine=engine)
    for notice in extraction.notices:
        print(f"note {notice.file}: {notice.reason}", file=sys.stderr)
    report = group_claims(extraction)
    tables = {**extraction.tables(), "claims": report.claims, "comparisons": report.comparisons,
              "claim_context": report.context}
    summary = (
        f"{len(extraction.articles)} articles ({extraction.cache_hits} from cache), "
        f"{len(extraction.figures)} figures, {len(extraction.entities)} entity rows, "
        f"{len(report.groups)} claim groups -> {out}/"
    )
    return {name: csv_bytes(tables[name]) for name in OUTPUTS}, summary


def available_cores() -> int:
    """Cores this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def _output_folder_problem(out: Path) -> str:
    """Why ``out`` cannot be the output folder (a file, or not creatable), in words; "" when it can."""
    if out.exists() and not out.is_dir():
        return "names a file, not a folder; give a folder for the CSVs"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"the folder cannot be created ({(error.strerror or 'error').lower()})"
    return ""


def _write_outputs(outputs: dict[str, bytes], out: Path, corpus: Corpus, key: str) -> None:
    """The CSVs and ``texts/`` into ``out`` as one set: written into a fresh folder beside it, which then replaces it.

    Under a lock on ``out`` (a file beside it), so two runs into one folder never mix their
    tables: each run's set arrives whole, the later replacing the earlier. Whatever else the old
    folder holds (Parquet partitions, a user's files) moves into the new one first. The set's
    stamp (:data:`OUT_STAMP`) lets the next run of corpus ``key`` find it current.
    """
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent / f".{out.name}.lock"):
        _remove_left_behind(out)
        fresh = temp_path(out)
        fresh.mkdir()
        try:
            for name in OUTPUTS:
                write_atomically(fresh / f"{name}.csv", outputs[name])
            write_texts(corpus, fresh)
            digests = {name: hashlib.sha256(outputs[name]).hexdigest() for name in OUTPUTS}
            write_atomically(fresh / OUT_STAMP, json.dumps(_folder_stamp(fresh, key, digests)).encode())
            _swap_in(fresh, out)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise


def _remove_left_behind(out: Path) -> None:
    """Delete the temporary folders of ``out`` that a killed run left beside it.

    Called under the lock on ``out``: every run writes its temporary folders only while holding
    it, so any that exist now belong to a run that no longer holds it, and will never be renamed.
    """
    for entry in out.parent.glob(f".{glob.escape(out.name)}.*.tmp"):
        if is_temp(entry) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)


def _swap_in(fresh: Path, out: Path) -> None:
    """Make ``fresh`` the folder ``out``, bringing along what ``out`` holds besides our CSVs."""
    if out.is_dir():
        for entry in out.iterdir():
            if entry.name not in {TEXTS, OUT_STAMP, *(f"{name}.csv" for name in OUTPUTS)} and not is_temp(entry):
                os.replace(entry, fresh / entry.name)
        old = temp_path(out)
        os.replace(out, old)
        os.replace(fresh, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(fresh, out)


def _folder_stamp(folder: Path, key: str, digests: dict[str, str]) -> dict:
    """What ``folder`` holds of a run's outputs: the corpus key, each CSV's digest with its size, modification
    time and inode, and each text's."""
    return {"key": key,
            "files": {name: [digests[name], *_stamp_of(os.stat(folder / f"{name}.csv", follow_symlinks=False))]
                      for name in OUTPUTS},
            "texts": {entry.name: _stamp_of(entry.stat(follow_symlinks=False))
                      for entry in os.scandir(folder / TEXTS)}}


def _stamp_of(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _holds_outputs(out: Path, key: str, digests: dict[str, str]) -> bool:
    """Whether ``out`` holds the outputs of corpus ``key`` (CSVs of these ``digests``) as written: its stamp says so
    and no CSV or text was changed, added or removed since (by size, modification time and inode)."""
    out = out.absolute()
    if not (out / OUT_STAMP).is_file():
        return False
    with _locked(out.parent / f".{out.name}.lock"):
        try:
            return json.loads((out / OUT_STAMP).read_bytes()) == _folder_stamp(out, key, digests)
        except (OSError, ValueError):
            return False


def _kept_digests(kept: Path, key: str) -> dict[str, str] | None:
    """The digests of the CSVs kept for ``key``, from their signed manifest (the CSVs are not read), else None."""
    try:
        return _manifest_digests(kept, key)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _manifest_digests(kept: Path, key: str) -> dict[str, str]:
    """The digests the signed manifest of the CSVs kept for ``key`` lists, by name.

    Raises ``FileNotFoundError`` when there is none, ``ValueError`` when it is for another corpus or format, or
    not signed by this install.
    """
    manifest = json.loads((kept / MANIFEST).read_bytes())
    expected = {"format": OUTPUT_CACHE_FORMAT, "key": key}
    if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in expected.items()):
        raise ValueError("manifest for another corpus or format")
    claimed = {k: v for k, v in manifest.items() if k != "signature"}
    if not signed(manifest.get("signature"), "outputs", json.dumps(claimed, sort_keys=True)):
        raise ValueError("manifest not signed by this install")
    return {name: str(manifest["files"][name]) for name in OUTPUTS}


@contextmanager
def _locked(path: Path):
    """An exclusive lock on ``path`` (created if needed), held for the block; waits for another run's."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_texts(corpus: Corpus, out: Path) -> None:
    """``out/texts/<article_id>.txt``: each article's body as kept, in its original script (UTF-8)."""
    folder = out / TEXTS
    folder.mkdir()
    # Plain writes, no flush per file: ``out`` is a fresh folder that only replaces the old one once whole. Through
    # file descriptors: a Path and a file object per text cost a third of writing 10,000 (0.48-0.62 → 0.36-0.40 s).
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for article in corpus.articles:
        descriptor = os.open(os.path.join(folder, f"{article.article_id}.txt"), flags, 0o666)
        try:
            data = memoryview(article.body().text.encode("utf-8"))
            while data:  # a write may take less than it is given
                data = data[os.write(descriptor, data):]
        finally:
            os.close(descriptor)


def _keep_outputs(outputs: dict[str, bytes], kept: Path, key: str) -> None:
    """The CSVs into the output cache, then the manifest that makes them servable.

    Not flushed to disk: a file a power cut tears no longer matches the manifest and is rebuilt.
    """
    for name in OUTPUTS:
        write_atomically(kept / f"{name}.csv", outputs[name], durable=False)
    manifest = {"format": OUTPUT_CACHE_FORMAT, "key": key,
                "files": {name: hashlib.sha256(outputs[name]).hexdigest() for name in OUTPUTS}}
    manifest["signature"] = sign("outputs", json.dumps(manifest, sort_keys=True))
    write_atomically(kept / MANIFEST, json.dumps(manifest).encode(), durable=False)


def _read_kept(kept: Path, key: str) -> dict[str, bytes] | None:
    """The kept CSVs by name if the manifest is for ``key`` and every file matches its digest, else None.

    A folder that fails the check is deleted, so the run rebuilds and rewrites it.
    """
    try:
        digests = _manifest_digests(kept, key)
        outputs = {name: (kept / f"{name}.csv").read_bytes() for name in OUTPUTS}
        if any(hashlib.sha256(data).hexdigest() != digests[name] for name, data in outputs.items()):
            raise ValueError("a kept CSV differs from the one written")
        if any(not neutralised(data) for data in outputs.values()):
            raise ValueError("a kept CSV holds a cell a spreadsheet would run")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(kept, ignore_errors=True)
        return None
    return outputs


def neutralised(data: bytes) -> bool:
    """Whether every cell of a CSV is as ``core.export`` leaves it: no text a spreadsheet runs as a formula.

    Checked on the way out of the cache without pandas (a warm run does not import it): a cell
    starting with = + - @, tab or CR must be a number (``-2``), as only number columns keep one.
    """
    try:
        text = data.decode("utf-8-sig")
        if not _FORMULA_CELL_START.search(text):
            return True
        rows = csv.reader(io.StringIO(text, newline=""))
        return all(not cell.startswith(FORMULA_STARTS) or _is_number(cell) for row in rows for cell in row)
    except (UnicodeDecodeError, csv.Error):
        return False


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _progress_bar():
    """A tqdm bar on stderr, shown only when there is a terminal or a long run.

    Without a terminal (a log file, CI) the bar writes a line at most every ``LOG_PROGRESS_SECONDS``,
    not one per article: a run of 10,000 articles once left a log of 10,000 bar states.
    """
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in bar:
            terminal = sys.stderr.isatty()
            bar["bar"] = tqdm(total=total, unit="article", disable=total < 50 and not terminal,
                              mininterval=0.1 if terminal else LOG_PROGRESS_SECONDS)
        bar["bar"].update(done - bar["bar"].n)
        if done >= total:
            bar["bar"].close()

    return update


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "extract":
        return run_extract(args)
    if args.command == "fetch":
        return run_fetch(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
