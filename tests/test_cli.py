import csv

from core.__main__ import main


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


def test_no_readable_article_is_an_error(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    assert main(["extract", str(folder), "--out", str(tmp_path / "out"), "--no-cache"]) == 1
    assert "no readable articles" in capsys.readouterr().err
