"""Issue 16's findings, each kept true: nothing outside the corpus, a cache that degrades, --out as one set."""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from pathlib import Path

import pytest

import core.__main__ as cli
from core import cache as disk_cache
from core import pipeline, version
from core.corpus import FOLDER_UNREADABLE, LINK_OUTSIDE, NOT_REGULAR, SUBFOLDER, load_article_bytes, load_corpus
from ui.uploads import DUPLICATE_UPLOAD, load_uploads

GOOD = "标题\n今年营收增长5%，利润增长3%。\n"


def corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


# Nothing outside the corpus

def test_a_link_out_of_the_folder_is_not_followed_and_is_named(tmp_path):
    folder = corpus_folder(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("机密\n口令是123456。\n", encoding="utf-8")
    (folder / "passwd.txt").symlink_to(secret)
    (folder / "inner.txt").symlink_to(folder / "good.txt")
    corpus = load_corpus([folder])
    assert [a.file for a in corpus.articles] == ["good.txt"]
    assert all("机密" not in a.text for a in corpus.articles)
    assert [(p.file, p.reason) for p in corpus.problems] == [("passwd.txt", LINK_OUTSIDE)]


def test_subfolders_and_special_files_are_reported(tmp_path):
    folder = corpus_folder(tmp_path)
    (folder / "more").mkdir()
    os.mkfifo(folder / "pipe.txt")
    corpus = load_corpus([folder])
    assert [a.file for a in corpus.articles] == ["good.txt"]
    assert sorted((p.file, p.reason) for p in corpus.problems) == [("more", SUBFOLDER), ("pipe.txt", NOT_REGULAR)]


def test_an_unreadable_folder_is_named_and_the_other_paths_still_load(tmp_path, monkeypatch, capsys):
    good, locked = corpus_folder(tmp_path), tmp_path / "locked"
    locked.mkdir()
    real_scandir = os.scandir

    def scandir(path="."):  # tests run as root, for whom chmod 000 locks nothing
        if isinstance(path, (str, os.PathLike)) and Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out = tmp_path / "out"
    assert cli.main(["extract", str(locked), str(good), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert f"locked: {FOLDER_UNREADABLE}" in err and "Errno" not in err and "Traceback" not in err
    assert (out / "articles.csv").read_text(encoding="utf-8-sig").count("good.txt") == 1


def test_the_same_upload_twice_is_reported_not_dropped_silently():
    base = load_article_bytes("base.txt", GOOD.encode())
    files = [("a.txt", "另一篇\n出口下降2%。\n".encode()), ("b.txt", "另一篇\n出口下降2%。\n".encode()),
             ("c.txt", GOOD.encode())]
    loaded, problems = load_uploads(files, known={base.content_hash})
    assert [a.file for a, _ in loaded] == ["a.txt"]
    assert [(p.file, p.reason) for p in problems] == [("b.txt", DUPLICATE_UPLOAD), ("c.txt", DUPLICATE_UPLOAD)]


# A cache that cannot be written

def run(tmp_path: Path, *extra: str) -> int:
    return cli.main(["extract", str(corpus_folder(tmp_path)), "--out", str(tmp_path / "out"), "--jobs", "1", *extra])


def test_a_file_where_the_cache_should_be_means_extraction_without_it(tmp_path, capsys):
    (tmp_path / "cache").write_text("not a folder")
    assert run(tmp_path, "--cache-dir", str(tmp_path / "cache")) == 0
    err = capsys.readouterr().err
    assert "cannot be written" in err and "Traceback" not in err
    expected = [cli.TEXTS, cli.OUT_STAMP, *(f"{n}.csv" for n in cli.OUTPUTS)]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(expected)


def test_a_full_disk_under_the_cache_means_extraction_without_it(tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"

    def full(path, data, **kwargs):
        if cache in Path(path).parents:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    real = version.write_atomically
    for module in (disk_cache, cli):
        monkeypatch.setattr(module, "write_atomically", full)
    monkeypatch.setattr(disk_cache, "_WARNED", set())
    assert run(tmp_path, "--cache-dir", str(cache)) == 0
    assert "no space left on device" in capsys.readouterr().err
    assert len(list((tmp_path / "out").glob("*.csv"))) == len(cli.OUTPUTS)


# --out and --jobs

def test_out_naming_a_file_is_refused_before_extraction(tmp_path, monkeypatch, capsys):
    (tmp_path / "out").write_text("a file")
    monkeypatch.setattr(cli, "load_corpus", lambda paths: pytest.fail("extraction started"))
    assert run(tmp_path, "--no-cache") == 2
    err = capsys.readouterr().err
    assert "names a file, not a folder" in err and "Traceback" not in err


def test_jobs_are_capped_at_the_cores_available(tmp_path, monkeypatch, capsys):
    seen = []
    real = pipeline.extract_corpus
    monkeypatch.setattr(pipeline, "extract_corpus", lambda **kw: seen.append(kw["jobs"]) or real(**kw))
    assert cli.main(["extract", str(corpus_folder(tmp_path)), "--out", str(tmp_path / "out"), "--no-cache",
                     "--jobs", "150"]) == 0
    assert seen == [cli.available_cores()]
    assert "lowered" in capsys.readouterr().err


def test_a_run_that_fails_midway_leaves_the_previous_set_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run(tmp_path, "--no-cache") == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "notes.md").write_text("mine")
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.txt").write_text("别的\n关税提升至25%。\n", encoding="utf-8")
    written = []
    real = cli.write_atomically

    def fail_on_the_fifth(path, data, **kwargs):
        written.append(path)
        if len(written) == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(cli, "write_atomically", fail_on_the_fifth)
    with pytest.raises(OSError):
        cli.main(["extract", str(other), "--out", str(out), "--no-cache", "--jobs", "1"])
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "notes.md"}
    assert after == before
    assert (out / "notes.md").read_text() == "mine"


def test_a_second_run_waits_for_the_lock_on_out(tmp_path):
    out = tmp_path / "out"
    folder = corpus_folder(tmp_path)
    with (tmp_path / ".out.lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        runner = threading.Thread(target=cli.main, args=(
            ["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"],))
        runner.start()
        runner.join(timeout=20)
        assert runner.is_alive(), "the run finished while another held the lock"
        assert not list(out.glob("*.csv"))
        fcntl.flock(held, fcntl.LOCK_UN)
    runner.join()
    assert len(list(out.glob("*.csv"))) == len(cli.OUTPUTS)


def test_a_killed_runs_temporary_folders_beside_out_are_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    folder = corpus_folder(tmp_path)
    # What a run killed while writing its set leaves: a hidden temporary folder named after ``out``.
    left = tmp_path / f".out.{2**22 + 7}-{'ab' * 16}.tmp"
    (left / "texts").mkdir(parents=True)
    (left / "figures.csv").write_text("half written")
    mine = tmp_path / ".out.my-notes.tmp"
    mine.write_text("a user's file that only looks alike")
    assert cli.main(["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    assert not left.exists()
    assert mine.read_text() == "a user's file that only looks alike"
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out."))
    assert beside == [".out.lock", ".out.my-notes.tmp"]


# The extractor version

def test_extractor_version_hashes_every_module_found_by_pattern(tmp_path, monkeypatch):
    package = tmp_path / "core"
    package.mkdir()
    (package / "a.py").write_text("A = 1\n")
    monkeypatch.setattr(version, "CORE_DIR", package)
    version.extractor_version.cache_clear()
    try:
        first = version.extractor_version()
        (package / "new_stage.py").write_text("B = 2\n")
        version.extractor_version.cache_clear()
        assert version.extractor_version() != first
        for path in package.glob("*.py"):
            path.unlink()
        version.extractor_version.cache_clear()
        with pytest.raises(version.NoExtractionCode):
            version.extractor_version()
    finally:
        version.extractor_version.cache_clear()
