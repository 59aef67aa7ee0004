import csv

import pytest

from core.__main__ import MANIFEST, OUT_STAMP, OUTPUTS, _progress_bar, main


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_extract_writes_every_csv_with_bom(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n=HYPERLINK 说中国芯片自给率突破38%。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    for name in ("articles", "figures", "dates", "entities", "terms", "removed", "claims", "comparisons"):
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf"), name
    figures = read(out / "figures.csv")
    assert [(r["text"], r["unit"]) for r in figures] == [("38%", "%")]
    assert read(out / "articles.csv")[0]["title"] == "标题"


def test_texts_hold_each_article_body_in_its_own_script(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("台積電擴產\n台積電表示，先進製程產能將增加三成。\n", encoding="utf-8")
    (folder / "b.html").write_text("<html><head><title>稀土</title></head><body><nav>首页 | 财经</nav>"
                                   "<article><p>稀土出口同比下降18%。</p></article></body></html>", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    texts = {p.name: p.read_bytes().decode("utf-8") for p in (out / "texts").iterdir()}
    assert texts["a.txt"] == "台積電擴產\n台積電表示，先進製程產能將增加三成。"
    assert "稀土出口同比下降18%。" in texts["b.txt"] and "<" not in texts["b.txt"]


def test_formula_like_sentences_are_neutralised(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n=营收增长38%。\n", encoding="utf-8")
    main(["extract", str(folder), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1"])
    assert read(tmp_path / "out" / "figures.csv")[0]["sentence"].startswith("'=")


def test_unreadable_file_is_reported_and_rest_written(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n份额28%。\n", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1"]) == 0
    assert "bad.txt" in capsys.readouterr().err
    assert len(read(tmp_path / "out" / "articles.csv")) == 1


def test_manifest_notices_are_notes_not_skips(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n份额28%。\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,source,published\na.txt,甲,昨天\n", encoding="utf-8")
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--no-cache", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "note manifest.csv: a.txt: published value" in err and "skipped" not in err
    assert len(read(tmp_path / "out" / "articles.csv")) == 1


def test_no_readable_article_is_an_error(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--no-cache"]) == 1
    assert "no readable articles" in capsys.readouterr().err


def corpus_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n中国芯片自给率突破38%。\n", encoding="utf-8")
    return folder


def test_unchanged_corpus_gets_the_kept_csvs_byte_for_byte(tmp_path, capsys):
    args = ["extract", str(corpus_folder(tmp_path)), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1"]
    assert main([*args, "--out", str(tmp_path / "first")]) == 0
    assert main([*args, "--out", str(tmp_path / "second")]) == 0
    assert "unchanged" in capsys.readouterr().err
    for name in OUTPUTS:
        assert (tmp_path / "first" / f"{name}.csv").read_bytes() == (tmp_path / "second" / f"{name}.csv").read_bytes()


def test_an_output_folder_already_holding_the_outputs_is_left_as_it_is(tmp_path, capsys):
    args = ["extract", str(corpus_folder(tmp_path)), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1",
            "--out", str(tmp_path / "out")]
    assert main(args) == 0
    written = {p: p.stat() for p in (tmp_path / "out").rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(args) == 0
    assert "are current" in capsys.readouterr().err
    assert {p: p.stat() for p in (tmp_path / "out").rglob("*") if p.is_file()} == written, "nothing was rewritten"


@pytest.mark.parametrize("change", ["edit a csv", "remove a csv", "remove a text", "add a text"])
def test_an_output_folder_changed_since_is_written_again_whole(tmp_path, capsys, change):
    args = ["extract", str(corpus_folder(tmp_path)), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1",
            "--out", str(tmp_path / "out")]
    main(args)
    out = tmp_path / "out"
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != OUT_STAMP}
    if change == "edit a csv":
        (out / "figures.csv").write_bytes(b"edited")
    elif change == "remove a csv":
        (out / "claims.csv").unlink()
    elif change == "remove a text":
        next((out / "texts").iterdir()).unlink()
    else:
        (out / "texts" / "mine.txt").write_text("我的笔记", encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 0
    assert "are current" not in capsys.readouterr().err
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != OUT_STAMP}
    assert again == first


def test_kept_csvs_without_their_manifest_are_not_served(tmp_path, capsys):
    args = ["extract", str(corpus_folder(tmp_path)), "--cache-dir", str(tmp_path / "cache"), "--jobs", "1"]
    main([*args, "--out", str(tmp_path / "out")])
    (manifest,) = (tmp_path / "cache" / "outputs").glob(f"*/{MANIFEST}")
    manifest.unlink()  # as a run killed between writing the CSVs and the manifest leaves it
    capsys.readouterr()
    main([*args, "--out", str(tmp_path / "out")])
    assert "unchanged" not in capsys.readouterr().err
    assert manifest.exists()


def test_the_progress_bar_writes_a_few_lines_to_a_log_not_one_per_article(capsys):
    update = _progress_bar()
    for done in range(1, 5001):
        update(done, 5000)
    written = capsys.readouterr().err
    # The first state, the last and the closing line; a bar written per article had 5,000 states.
    assert written.count("article") <= 4
    assert "5000/5000" in written
