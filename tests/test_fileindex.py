"""The file index: an unchanged corpus loads without opening an article file; a changed file is read again."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core import fileindex
from core.corpus import load_corpus
from core.fileindex import INDEX_FOLDER

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = {
    "a.txt": "芯片出口管制升级\n商务部周二表示，新规将影响约120家企业，涉及金额达35亿美元。\n",
    "b.txt": "半导体设备订单下滑\n业内人士称，第三季度订单同比减少18%，预计明年回升。\n",
    "c.html": "<html><head><title>稀土供应</title></head><body><p>稀土出口在五月下降了两成，"
              "工厂开始寻找新的供应来源。</p></body></html>",
}
# Counts every file opened under a folder (argv[1]) while loading it with a cache (argv[2]) in a fresh process.
COUNT_OPENS = """
import sys
from pathlib import Path
folder, cache = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        path = Path(args[0].decode() if isinstance(args[0], bytes) else args[0])
        if path.suffix in {".txt", ".html"} and path.resolve().parent == folder:
            opened.append(path.name)
from core.corpus import load_corpus
sys.addaudithook(hook)
corpus = load_corpus([folder], cache_dir=cache)
print(len(corpus.articles), ",".join(sorted(opened)))
"""


def _age(path: Path, seconds_ago: float) -> None:
    """Set ``path``'s times into the past, beyond the racy window, as an old corpus file has them."""
    then = time.time() - seconds_ago
    os.utime(path, (then, then))


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
        _age(folder / name, 3600)
    (folder / "manifest.csv").write_text("file,source\na.txt,甲报\nb.txt,乙报\n", encoding="utf-8")
    return folder


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch, corpus_dir: Path) -> list[str]:
    """Names of the corpus files read (``Path.read_bytes``, how ``load_corpus`` reads one)."""
    opened: list[str] = []
    real = Path.read_bytes

    def counting(self: Path) -> bytes:
        if self.suffix in {".txt", ".html"} and self.resolve().parent == corpus_dir.resolve():
            opened.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    return opened


def test_unchanged_corpus_is_loaded_without_reading_an_article(corpus_dir: Path, tmp_path: Path,
                                                                opens: list[str]) -> None:
    cache = tmp_path / "cache"
    cold = load_corpus([corpus_dir], cache_dir=cache)
    assert sorted(opens) == sorted(ARTICLES)
    opens.clear()
    warm = load_corpus([corpus_dir], cache_dir=cache)
    assert opens == []
    assert warm == cold
    assert warm.articles[0].body().text == cold.articles[0].body().text


@pytest.mark.parametrize("change", ["same size, new time", "new size"])
def test_changed_file_is_read_again(corpus_dir: Path, tmp_path: Path, opens: list[str], change: str) -> None:
    cache = tmp_path / "cache"
    load_corpus([corpus_dir], cache_dir=cache)
    old = ARTICLES["b.txt"]
    new = old.replace("18%", "27%") if change == "same size, new time" else old.replace("18%", "18.5%")
    assert (len(new.encode()) == len(old.encode())) == (change == "same size, new time")
    (corpus_dir / "b.txt").write_text(new, encoding="utf-8")
    _age(corpus_dir / "b.txt", 1800)
    opens.clear()
    corpus = load_corpus([corpus_dir], cache_dir=cache)
    assert opens == ["b.txt"]
    assert "27%" in new or "18.5%" in new
    assert any(("27%" in a.text or "18.5%" in a.text) for a in corpus.articles if a.file == "b.txt")
    opens.clear()
    load_corpus([corpus_dir], cache_dir=cache)
    assert opens == []


def test_manifest_change_reloads_that_article(corpus_dir: Path, tmp_path: Path, opens: list[str]) -> None:
    cache = tmp_path / "cache"
    load_corpus([corpus_dir], cache_dir=cache)
    (corpus_dir / "manifest.csv").write_text("file,source\na.txt,丙报\nb.txt,乙报\n", encoding="utf-8")
    opens.clear()
    corpus = load_corpus([corpus_dir], cache_dir=cache)
    assert opens == ["a.txt"]
    assert {a.file: a.source for a in corpus.articles}["a.txt"] == "丙报"


def test_fresh_file_is_not_trusted_by_its_stamp(corpus_dir: Path, tmp_path: Path, opens: list[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    # A minute old against a ten-minute window: fresh however slowly this machine runs the test.
    monkeypatch.setattr(fileindex, "RACY_SECONDS", 600.0)
    _age(corpus_dir / "a.txt", 60)
    load_corpus([corpus_dir], cache_dir=cache)
    opens.clear()
    load_corpus([corpus_dir], cache_dir=cache)
    assert opens == ["a.txt"]


@pytest.mark.parametrize("damage", ["payload", "signature", "truncated"])
def test_damaged_or_forged_index_is_rebuilt(corpus_dir: Path, tmp_path: Path, opens: list[str],
                                             damage: str) -> None:
    cache = tmp_path / "cache"
    cold = load_corpus([corpus_dir], cache_dir=cache)
    [index] = (cache / INDEX_FOLDER).iterdir()
    signature, _, payload = index.read_bytes().partition(b"\n")
    if damage == "payload":  # a forged article text of the same length: every offset still adds up
        real, forged = ("商务部".encode(fileindex._TEXT_CODEC), "伪造的".encode(fileindex._TEXT_CODEC))
        assert real in payload
        index.write_bytes(signature + b"\n" + payload.replace(real, forged))
    elif damage == "signature":
        index.write_bytes(b"0" * len(signature) + b"\n" + payload)
    else:
        index.write_bytes(index.read_bytes()[: len(signature) + 40])
    opens.clear()
    assert load_corpus([corpus_dir], cache_dir=cache) == cold
    assert sorted(opens) == sorted(ARTICLES)


def test_no_cache_remembers_nothing(corpus_dir: Path, tmp_path: Path, opens: list[str]) -> None:
    load_corpus([corpus_dir], cache_dir=None)
    load_corpus([corpus_dir], cache_dir=None)
    assert sorted(opens) == sorted([*ARTICLES, *ARTICLES])


def test_unwritable_cache_still_loads(corpus_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    corpus = load_corpus([corpus_dir], cache_dir=blocker)
    assert sorted(a.file for a in corpus.articles) == sorted(ARTICLES)


def test_restart_opens_no_article_file(corpus_dir: Path, tmp_path: Path) -> None:
    """A fresh process (a restarted dashboard or command line) reads the index, not the articles."""
    cache = tmp_path / "cache"

    def run() -> tuple[str, str]:
        out = subprocess.run([sys.executable, "-c", COUNT_OPENS, str(corpus_dir), str(cache)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
        return out[0], (out[1] if len(out) > 1 else "")

    assert run() == ("3", "a.txt,b.txt,c.html")
    assert run() == ("3", "")
    (corpus_dir / "c.html").write_text(ARTICLES["c.html"].replace("两成", "三成"), encoding="utf-8")
    _age(corpus_dir / "c.html", 60)
    assert run() == ("3", "c.html")


def test_a_file_named_in_undecodable_bytes_is_loaded_and_the_others_remembered(
        corpus_dir: Path, tmp_path: Path, opens: list[str]) -> None:
    odd = os.fsencode(corpus_dir) + b"/c\xff.txt"  # a name no encoding wrote: Python holds it with a lone surrogate
    with open(odd, "wb") as f:
        f.write("台积电今年营收增长30%。".encode())
    os.utime(odd, (time.time() - 3600, time.time() - 3600))
    cache = tmp_path / "cache"
    cold = load_corpus([corpus_dir], cache_dir=cache)
    assert len(cold.articles) == len(ARTICLES) + 1
    opens.clear()
    warm = load_corpus([corpus_dir], cache_dir=cache)
    assert warm == cold
    assert opens == [os.fsdecode(b"c\xff.txt")]  # only the odd one is read again


def test_texts_kept_after_the_index_header_come_back_whole(corpus_dir: Path, tmp_path: Path,
                                                           opens: list[str]) -> None:
    # Characters a line-based or length-based format could trip on: line and paragraph separators, a quote,
    # a character outside the BMP (four UTF-8 bytes).
    (corpus_dir / "d.txt").write_text("标题\n\u2028引“号”\"x\"\r\n𠮷野家\u2029完", encoding="utf-8")
    _age(corpus_dir / "d.txt", 3600)
    cache = tmp_path / "cache"
    cold = load_corpus([corpus_dir], cache_dir=cache)
    opens.clear()
    warm = load_corpus([corpus_dir], cache_dir=cache)
    assert opens == [] and warm == cold


def _manifest_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Manifests parsed from their bytes while loading."""
    from core import corpus

    parsed: list[Path] = []
    real = corpus._read_manifest

    def counting(path: Path):
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(corpus, "_read_manifest", counting)
    return parsed


def test_unchanged_manifest_is_not_read_again_and_keeps_its_notes(corpus_dir: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = corpus_dir / "manifest.csv"
    manifest.write_text("file,source,published\na.txt,甲报,2025-03-04\na.txt,乙报,\nb.txt,乙报,去年某天\n",
                        encoding="utf-8")
    _age(manifest, 3600)
    parsed = _manifest_reads(monkeypatch)
    cache = tmp_path / "cache"
    cold = load_corpus([corpus_dir], cache_dir=cache)
    assert len(parsed) == 1 and {p.reason.code for p in cold.problems} == {"manifest_repeated", "manifest_bad_date"}
    warm = load_corpus([corpus_dir], cache_dir=cache)
    assert len(parsed) == 1
    assert warm == cold


def test_edited_manifest_is_read_again(corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = corpus_dir / "manifest.csv"
    _age(manifest, 3600)
    parsed = _manifest_reads(monkeypatch)
    cache = tmp_path / "cache"
    load_corpus([corpus_dir], cache_dir=cache)
    manifest.write_text("file,source\na.txt,丁报\nb.txt,乙报\n", encoding="utf-8")
    _age(manifest, 1800)
    corpus = load_corpus([corpus_dir], cache_dir=cache)
    assert len(parsed) == 2
    assert {a.file: a.source for a in corpus.articles}["a.txt"] == "丁报"
    assert load_corpus([corpus_dir], cache_dir=cache) == corpus and len(parsed) == 2
