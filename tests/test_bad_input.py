"""Bad input, case by case: every file that cannot be read is reported by name with a reason, the
other articles still load, and nothing crashes or runs away (core/corpus.py, core/figures/, CSV export).

Each case goes through ``load_corpus`` on a folder that also holds a good article and, where uploads
can meet it, through ``load_article_bytes``.
"""

from __future__ import annotations

import csv
import io
import random
import re
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from core.__main__ import main
from core.corpus import (
    FALLBACK_FILE_NAME,
    MAX_ARTICLE_BYTES,
    UNKNOWN_SOURCE,
    LoadError,
    load_article_bytes,
    load_corpus,
    safe_file_name,
)
from core.export import write_csv
from core.pipeline import FIGURE_CAP_PER_SENTENCE, extract_article

GOOD = "美国对中国芯片出口管制不断升级，英伟达的营收因此下降了百分之二十。\n第二段讲的是市场反应。\n"
SIMPLIFIED = "美国对中国芯片出口管制不断升级，英伟达的营收因此下降了百分之二十。\n市场反应平淡。\n"
TRADITIONAL = "美國對中國晶片出口管制不斷升級，輝達的營收因此下降了百分之二十。\n市場反應平淡。\n"
# No ASCII at all: its UTF-16 has no NUL byte to give the encoding away.
NO_ASCII = "美国对中国芯片出口管制不断升级，英伟达的营收因此下降了百分之二十。"


def folder_with_good(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def assert_good_loaded(corpus) -> None:
    assert "good.txt" in [a.file for a in corpus.articles]
    assert next(a for a in corpus.articles if a.file == "good.txt").text == GOOD


def assert_sentence(reason: str) -> None:
    """A reason a user can read: plain English words, no traceback or Python repr of bytes."""
    assert re.fullmatch(r"[A-Za-z][\x20-\x7e]+", reason), reason
    assert "Traceback" not in reason and "b'" not in reason and "Error" not in reason


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def zipped() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", GOOD * 50)
    return buffer.getvalue()


def random_bytes(low: int = 0) -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(low, 256) for _ in range(4096))


# ---------------------------------------------------------------- files that are refused

REFUSED = [
    pytest.param(b"", r"empty file", id="empty"),
    pytest.param(b"   ", r"empty file \(whitespace only\)", id="spaces"),
    pytest.param(b"\n\n\r\n\n", r"empty file \(whitespace only\)", id="newlines"),
    pytest.param("\u3000\u3000\n\u3000".encode(), r"empty file \(whitespace only\)", id="full_width_spaces"),
    pytest.param(" \t\u3000\r\n \n".encode(), r"empty file \(whitespace only\)", id="mixed_whitespace"),
    pytest.param("\u200b\u200b\n\ufeff".encode(), r"empty file \(whitespace only\)", id="zero_width_spaces"),
    pytest.param(b"\xef\xbb\xbf", r"empty file \(whitespace only\)", id="utf8_bom_only"),
    pytest.param(png(), r"not text: looks binary \(NUL bytes\)", id="png_named_txt"),
    pytest.param(zipped(), r"not text: looks binary \(NUL bytes\)", id="zip_named_txt"),
    pytest.param(random_bytes(), r"not text: looks binary \(NUL bytes\)", id="random_bytes"),
    pytest.param(random_bytes(low=1), r"could not decode as UTF-8, UTF-16, GB18030 or Big5|not text: looks binary.*",
                 id="random_bytes_without_nul"),
    pytest.param(bytes(range(1, 32)) * 20, r"not text: looks binary \(control characters\)", id="control_characters"),
]


@pytest.mark.parametrize(("data", "reason"), REFUSED)
def test_refused_file_is_reported_by_name_and_the_good_one_loads(tmp_path, data, reason):
    folder = folder_with_good(tmp_path)
    (folder / "bad.txt").write_bytes(data)
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert [p.file for p in corpus.problems] == ["bad.txt"]
    assert re.fullmatch(reason, str(corpus.problems[0].reason))
    assert_sentence(str(corpus.problems[0].reason))


@pytest.mark.parametrize(("data", "reason"), REFUSED)
def test_refused_upload_raises_load_error(data, reason):
    with pytest.raises(LoadError) as error:
        load_article_bytes("bad.txt", data)
    assert re.fullmatch(reason, str(error.value))


# ---------------------------------------------------------------- encodings that must decode

DECODED = [
    pytest.param(SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030", id="gbk"),
    pytest.param(SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030", id="gb18030"),
    pytest.param("\ufeff".encode("gb18030") + SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030",
                 id="gb18030_with_bom"),
    pytest.param(TRADITIONAL.encode("big5"), TRADITIONAL, "big5", id="big5"),
    pytest.param(SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le", id="utf16le_without_bom"),
    pytest.param(SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be", id="utf16be_without_bom"),
    pytest.param(NO_ASCII.encode("utf-16-le"), NO_ASCII, "utf-16-le", id="utf16le_without_bom_or_ascii"),
    pytest.param(NO_ASCII.encode("utf-16-be"), NO_ASCII, "utf-16-be", id="utf16be_without_bom_or_ascii"),
    pytest.param(b"\xff\xfe" + TRADITIONAL.encode("utf-16-le"), TRADITIONAL, "utf-16", id="utf16le_with_bom"),
    pytest.param(b"\xfe\xff" + TRADITIONAL.encode("utf-16-be"), TRADITIONAL, "utf-16", id="utf16be_with_bom"),
    pytest.param(b"\xef\xbb\xbf" + SIMPLIFIED.encode(), SIMPLIFIED, "utf-8-sig", id="utf8_with_bom"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), DECODED)
def test_encoding_decodes_to_the_chinese_text(tmp_path, data, text, encoding):
    folder = folder_with_good(tmp_path)
    (folder / "other.txt").write_bytes(data)
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert corpus.problems == ()
    article = next(a for a in corpus.articles if a.file == "other.txt")
    assert (article.text, article.encoding) == (text, encoding)
    uploaded = load_article_bytes("other.txt", data)
    assert (uploaded.text, uploaded.encoding) == (text, encoding)


def test_mixed_line_endings_keep_offsets_on_the_article_text():
    lines = ["第一段：营收增长5%。", "第二段：利润下降3个百分点。", "第三段：出货量达到300万台。",
             "第四段：投资50亿美元。"]
    data = (lines[0] + "\r\n" + lines[1] + "\r" + lines[2] + "\n" + lines[3]).encode()
    article = load_article_bytes("a.txt", data)
    assert article.text == "\n".join(lines)
    figures = extract_article(article).figures
    assert [f["text"] for f in figures] == ["5%", "3个百分点", "300万台", "50亿美元"]
    for f in figures:
        assert article.text[f["start"]:f["end"]] == f["text"]
        assert article.text[f["sentence_start"]:f["sentence_end"]] == f["sentence"]
    assert [f["sentence"] for f in figures] == lines


# ---------------------------------------------------------------- sizes


def test_file_over_the_limit_is_refused_from_its_size_without_reading_it(tmp_path, monkeypatch):
    folder = folder_with_good(tmp_path)
    with open(folder / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MiB on paper, nothing on disk
    read: list[str] = []
    real_read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or real_read_bytes(self))
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert [(p.file, str(p.reason)) for p in corpus.problems] == [
        ("huge.txt", "file too large (50.0 MiB > 20.0 MiB limit)")]
    assert "huge.txt" not in read


def test_upload_over_the_limit_is_refused_with_size_and_limit():
    with pytest.raises(LoadError, match=re.escape("file too large (2.1 MiB > 2.0 MiB limit)")):
        load_article_bytes("big.txt", b"a" * 2_200_000, max_bytes=2 * 1024 * 1024)
    assert MAX_ARTICLE_BYTES == 20 * 1024 * 1024


def paragraphs(size: int) -> str:
    lines, total, i = [], 0, 0
    while total < size:
        line = f"第{i}段：营收增长{i % 90 + 1}%，市场反应平淡。"
        lines.append(line)
        total += len(line.encode()) + 1
        i += 1
    return "\n".join(lines)


def test_file_just_below_the_limit_loads(tmp_path):
    folder = folder_with_good(tmp_path)
    text = paragraphs(1_900_000)
    (folder / "long.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus([folder], max_bytes=2_000_000)
    assert_good_loaded(corpus)
    assert corpus.problems == ()
    assert next(a for a in corpus.articles if a.file == "long.txt").text == text
    assert load_article_bytes("long.txt", text.encode(), max_bytes=2_000_000).text == text


def test_one_five_megabyte_line_loads_and_extracts_with_bounded_sentences():
    # Figures among plain clauses, and no full stop anywhere: the whole file is one sentence.
    clause = "据海关统计，该公司营收增长5%，出货量达到300万台，"
    filler = "市场人士认为这一趋势仍将持续，业内对此看法不一，" * 12
    unit = clause + filler
    repeats = 5_000_000 // len(unit.encode()) + 1
    data = (unit * repeats).encode()
    assert len(data) > 5_000_000 and b"\n" not in data
    article = load_article_bytes("line.txt", data)
    result = extract_article(article)
    figures = result.figures
    # One sentence: the per-sentence cap keeps its first figures and counts the numbers left unread.
    assert len(figures) == FIGURE_CAP_PER_SENTENCE
    # (Numerals that are no figure, 这一 and 不一, count among the numbers left unread too.)
    (cap,) = result.caps
    assert cap["kept"] == FIGURE_CAP_PER_SENTENCE and cap["unread_in_article"] == 0
    assert cap["unread_in_sentences"] >= 2 * repeats - len(figures)
    assert {f["text"] for f in figures} == {"5%", "300万台"}
    for f in figures:
        assert article.text[f["start"]:f["end"]] == f["text"]
        assert article.text[f["sentence_start"]:f["sentence_end"]] == f["sentence"]
        assert f["sentence_start"] <= f["start"] <= f["end"] <= f["sentence_end"]
        assert len(f["sentence"]) <= 450


# ---------------------------------------------------------------- HTML

SCRIPTED = [
    pytest.param("<script>alert(1)</script><p>芯片出口管制升级。</p>", id="script"),
    pytest.param('<p>芯片出口管制升级。<img src=x onerror=alert(1)></p>', id="img_onerror"),
    pytest.param('<p><a href="javascript:alert(1)">链接</a>芯片出口管制升级。</p>', id="javascript_link"),
    pytest.param("<style>p{background:url(javascript:alert(1))}</style><p>芯片出口管制升级。</p>", id="style"),
    pytest.param('<p onclick="alert(1)">芯片出口管制升级。</p><script src="x.js"></script>', id="handler_and_src"),
]


@pytest.mark.parametrize("body", SCRIPTED)
@pytest.mark.parametrize("name", ["page.html", "page.txt"])
def test_html_keeps_visible_text_and_drops_scripts(tmp_path, body, name):
    html = f"<!DOCTYPE html><html><head><title>标签</title></head><body>{body}</body></html>"
    folder = folder_with_good(tmp_path)
    (folder / name).write_text(html, encoding="utf-8")
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    for article in (next(a for a in corpus.articles if a.file == name), load_article_bytes(name, html.encode())):
        assert "芯片出口管制升级。" in article.text
        for unsafe in ("<script", "onerror", "javascript:", "alert(1)", "<img", "<"):
            assert unsafe not in article.text


# ---------------------------------------------------------------- file names

NAMES = [
    pytest.param("a/b.txt", "b.txt", id="slash"),
    pytest.param("..\\..\\x.txt", "x.txt", id="backslashes_up"),
    pytest.param("../../etc/passwd.txt", "passwd.txt", id="dot_dot_slash"),
    pytest.param("..", FALLBACK_FILE_NAME, id="dot_dot"),
    pytest.param(".", FALLBACK_FILE_NAME, id="dot"),
    pytest.param("", FALLBACK_FILE_NAME, id="empty"),
    pytest.param("dir/", "dir", id="trailing_slash"),
    pytest.param("/", FALLBACK_FILE_NAME, id="root"),
    pytest.param("; rm -rf $(id) | x.txt", "; rm -rf $(id) | x.txt", id="shell_characters"),
    pytest.param("`id`.txt", "`id`.txt", id="backticks"),
    pytest.param("it's \"quoted\".txt", "it's \"quoted\".txt", id="quotes"),
    pytest.param("line\nbreak.txt", "linebreak.txt", id="newline"),
    pytest.param("nul\x00byte.txt", "nulbyte.txt", id="nul"),
    pytest.param("\u202etxt.exe", "txt.exe", id="bidi_override"),
    pytest.param("  spaced.txt  ", "spaced.txt", id="surrounding_spaces"),
    pytest.param("报道/美国芯片禁令.txt", "美国芯片禁令.txt", id="chinese_kept"),
    pytest.param("x" * 300 + ".txt", "x" * 115 + "….txt", id="very_long"),
]


def assert_safe_name(name: str) -> None:
    assert name not in ("", ".", "..")
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name)


@pytest.mark.parametrize(("name", "expected"), NAMES)
def test_upload_name_becomes_a_safe_display_name(name, expected):
    assert safe_file_name(name) == expected
    article = load_article_bytes(name, GOOD.encode())
    assert article.file == expected
    assert_safe_name(article.file)
    assert article.article_id and "/" not in article.article_id


@pytest.mark.parametrize("name", ["; rm -rf $(id) | x.txt", "`id`.txt", "a\\b.txt", "line\nbreak.txt", "报道.txt"])
def test_odd_file_names_on_disk_load_with_safe_names(tmp_path, name):
    folder = folder_with_good(tmp_path)
    (folder / name).write_text(SIMPLIFIED, encoding="utf-8")
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert corpus.problems == ()
    other = next(a for a in corpus.articles if a.file != "good.txt")
    assert other.file == safe_file_name(name)
    assert_safe_name(other.file)


# ---------------------------------------------------------------- manifest


def write_manifest(folder: Path, text: str) -> None:
    (folder / "manifest.csv").write_text(text, encoding="utf-8")


def test_manifest_with_missing_columns(tmp_path):
    folder = folder_with_good(tmp_path)
    write_manifest(folder, "file,source\ngood.txt,新华社\n")
    corpus = load_corpus([folder])
    good = corpus.articles[0]
    assert (good.source, good.author, good.published) == ("新华社", "", "")
    assert corpus.problems == ()


def test_manifest_with_extra_columns_and_extra_fields(tmp_path):
    folder = folder_with_good(tmp_path)
    write_manifest(folder, "file,source,colour\ngood.txt,新华社,red,surplus,fields\n")
    corpus = load_corpus([folder])
    assert corpus.articles[0].source == "新华社"
    assert corpus.problems == ()


def test_manifest_duplicated_row_first_wins_and_is_reported(tmp_path):
    folder = folder_with_good(tmp_path)
    write_manifest(folder, "file,source\ngood.txt,first\ngood.txt,second\n")
    corpus = load_corpus([folder])
    assert corpus.articles[0].source == "first"
    assert [p.file for p in corpus.problems] == ["manifest.csv"]
    said = str(corpus.problems[0].reason)
    assert "good.txt" in said and "line 3" in said
    assert_sentence(said.replace("good.txt", "x"))


def test_manifest_row_for_a_missing_file_is_reported_by_name(tmp_path):
    folder = folder_with_good(tmp_path)
    write_manifest(folder, "file,source\ngood.txt,甲\ngone.txt,乙\n")
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert [(p.file, str(p.reason)) for p in corpus.problems] == [("gone.txt", "listed in manifest.csv but not found")]


@pytest.mark.parametrize("published", ["yesterday", "2025-13-45", "2025-02-30", "=NOW()"])
def test_manifest_date_that_is_not_a_date_is_ignored_and_reported(tmp_path, published):
    folder = folder_with_good(tmp_path)
    (folder / "footer.txt").write_text(SIMPLIFIED + "更新时间：2025-11-14\n", encoding="utf-8")
    write_manifest(folder, f"file,published\ngood.txt,{published}\nfooter.txt,{published}\n")
    corpus = load_corpus([folder])
    dates = {a.file: a.published for a in corpus.articles}
    assert dates == {"good.txt": "", "footer.txt": "2025-11-14"}
    assert [p.file for p in corpus.problems] == ["manifest.csv", "manifest.csv"]
    assert all("is not a date; it is ignored" in str(p.reason) and published in str(p.reason) for p in corpus.problems)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(png(), "manifest ignored: not text: looks binary (NUL bytes)", id="binary"),
        pytest.param(b"\xff\xff\x81\xff" * 50, "manifest ignored: could not decode as UTF-8, UTF-16, GB18030 or Big5",
                     id="undecodable"),
        pytest.param(b"", "manifest ignored: empty file", id="empty"),
        pytest.param(b"source,author\nx,y\n", "manifest ignored: manifest.csv has no 'file' column",
                     id="no_file_column"),
    ],
)
def test_unreadable_manifest_is_reported_and_articles_load_with_defaults(tmp_path, data, reason):
    folder = folder_with_good(tmp_path)
    (folder / "manifest.csv").write_bytes(data)
    corpus = load_corpus([folder])
    assert_good_loaded(corpus)
    assert corpus.articles[0].source == UNKNOWN_SOURCE
    assert [(p.file, str(p.reason)) for p in corpus.problems] == [("manifest.csv", reason)]


# ---------------------------------------------------------------- CSV export

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_formula_text_is_neutralised_in_every_csv_and_numbers_stay_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("DUIZHAO_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "in"
    folder.mkdir()
    lines = [FORMULAS[0], *(f"{f}，芯片营收增长{i + 5}%，英伟达出货量达到{i + 3}00万台。"
                            for i, f in enumerate(FORMULAS)),
             "\t制表符开头，投资50亿美元。", "=HYPERLINK(\"http://x\",\"y\")"]
    (folder / "a.txt").write_text("\n".join(lines), encoding="utf-8")
    write_manifest(folder, 'file,source,author,title\na.txt,=cmd,@x,"+cmd|\' /C calc\'!A0"\n')
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    seen = set()
    for path in sorted(out.glob("*.csv")):
        header, *rows = read_rows(path)
        for row in rows:
            for column, cell in zip(header, row, strict=True):
                assert not cell.startswith(FORMULA_START) or is_number(cell), (path.name, column, cell)
                seen.update(f for f in FORMULAS if cell.startswith("'" + f))
    assert seen == set(FORMULAS)
    figures = pd.read_csv(out / "figures.csv", encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(figures["value"]) and pd.api.types.is_integer_dtype(figures["start"])
    assert len(figures) >= 8


def test_negative_numbers_stay_numbers_in_csv(tmp_path):
    frame = pd.DataFrame({"text": ["-3%", "=1+1"], "value": [-2.0, 5.0], "change": [-3, 4]})
    header, *rows = read_rows(write_csv(frame, tmp_path / "t.csv"))
    assert rows == [["'-3%", "-2.0", "-3"], ["'=1+1", "5.0", "4"]]


def test_every_bad_file_at_once_through_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DUIZHAO_CACHE", str(tmp_path / "cache"))
    folder = folder_with_good(tmp_path)
    for i, param in enumerate(REFUSED):
        (folder / f"bad{i}.txt").write_bytes(param.values[0])
    (folder / "page.html").write_text("<script>alert(1)</script><p>芯片</p>", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,published\ngood.txt,yesterday\ngood.txt,x\ngone.txt,\n")
    out = tmp_path / "out"
    assert main(["extract", str(folder), "--out", str(out), "--no-cache", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    for i in range(len(REFUSED)):
        assert f"skipped bad{i}.txt: " in err
    assert "gone.txt" in err
    assert [r[1] for r in read_rows(out / "articles.csv")[1:]] == ["good.txt", "page.html"]
