"""Tests for core/corpus.py: decoding, HTML text, manifest, script, boilerplate, repeats, seeds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from core.corpus import (
    UNKNOWN_SOURCE,
    LoadError,
    boilerplate_rules,
    clean,
    decode,
    detect_script,
    load_article_bytes,
    load_corpus,
    read_manifest,
    visible_text,
)

SEEDS = Path(__file__).parents[1] / "seeds"

SIMPLIFIED = "美国对中国芯片出口管制不断升级，英伟达的营收因此下降了百分之二十。\n第二段讲的是市场反应。\n"
TRADITIONAL = "美國對中國晶片出口管制不斷升級，輝達的營收因此下降了百分之二十。\n第二段講的是市場反應。\n"


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def write_manifest(folder: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> None:
    with open(folder / "manifest.csv", "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def only(corpus, article_id: str):
    return next(a for a in corpus.articles if a.article_id == article_id)


# ---------------------------------------------------------------- decoding


def test_utf8_without_bom(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    article = load_corpus([tmp_path]).articles[0]
    assert (article.text, article.encoding) == (SIMPLIFIED, "utf-8")


def test_utf8_with_bom_is_stripped(tmp_path):
    write(tmp_path, "a.txt", b"\xef\xbb\xbf" + SIMPLIFIED.encode("utf-8"))
    article = load_corpus([tmp_path]).articles[0]
    assert (article.text, article.encoding) == (SIMPLIFIED, "utf-8-sig")


def test_gb18030(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED.encode("gb18030"))
    article = load_corpus([tmp_path]).articles[0]
    assert (article.text, article.encoding) == (SIMPLIFIED, "gb18030")


def test_big5_traditional(tmp_path):
    write(tmp_path, "a.txt", TRADITIONAL.encode("big5"))
    article = load_corpus([tmp_path]).articles[0]
    assert (article.text, article.encoding) == (TRADITIONAL, "big5")


def test_big5_short_text_is_not_read_as_gb18030():
    assert decode("晶片".encode("big5")) == ("晶片", "big5")


def test_short_gb18030_that_is_also_valid_utf8():
    # b"\xd0\xbe\xc6\xac" is valid UTF-8 (Cyrillic), but reads as 芯片 in GB18030.
    assert decode("芯片".encode("gb18030")) == ("芯片", "gb18030")


def test_utf16_with_bom(tmp_path):
    write(tmp_path, "a.txt", TRADITIONAL.encode("utf-16"))
    article = load_corpus([tmp_path]).articles[0]
    assert (article.text, article.encoding) == (TRADITIONAL, "utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_recognised_by_nul_bytes(codec):
    assert decode(SIMPLIFIED.encode(codec)) == (SIMPLIFIED, codec)


def test_crlf_newlines_become_lf():
    assert decode("一行\r\n二行\r三行".encode()) == ("一行\n二行\n三行", "utf-8")


def test_empty_file_reported_and_rest_still_loads(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "b.txt", b"")
    write(tmp_path, "c.txt", " \n\u3000\n")
    corpus = load_corpus([tmp_path])
    assert [a.file for a in corpus.articles] == ["a.txt"]
    reasons = {p.file: str(p.reason) for p in corpus.problems}
    assert reasons["b.txt"] == "empty file"
    assert reasons["c.txt"].startswith("empty file")


def test_binary_file_reported(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    corpus = load_corpus([tmp_path])
    assert [a.file for a in corpus.articles] == ["a.txt"]
    assert [(p.file, str(p.reason)) for p in corpus.problems] == [("image.txt", "not text: looks binary (NUL bytes)")]


def test_control_characters_are_binary():
    with pytest.raises(LoadError, match="binary"):
        decode(bytes(range(1, 32)) * 20)


def test_undecodable_bytes_reported():
    with pytest.raises(LoadError, match="could not decode as UTF-8, UTF-16, GB18030 or Big5"):
        decode(b"\xff\xff\x81\xff" * 50)


def test_too_large_file_reported(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "big.txt", SIMPLIFIED * 50)
    corpus = load_corpus([tmp_path], max_bytes=1_000)
    assert [a.file for a in corpus.articles] == ["a.txt"]
    assert corpus.problems[0].file == "big.txt"
    assert str(corpus.problems[0].reason).startswith("file too large (")
    assert str(corpus.problems[0].reason).endswith("> 1000 bytes limit)")


# ---------------------------------------------------------------- HTML


def test_html_visible_text_drops_script_and_style(tmp_path):
    html = (
        "<!DOCTYPE html><html><head><title>标签页</title><style>p {color: red}</style></head><body>"
        "<script>var figure = '100亿美元';</script><h1>芯片禁令</h1><p>美国商务部宣布&nbsp;新规。</p>"
        "<p>第二段<br>换行</p></body></html>"
    )
    write(tmp_path, "page.html", html)
    article = load_corpus([tmp_path]).articles[0]
    assert article.text == "芯片禁令\n\n美国商务部宣布 新规。\n\n第二段\n换行"
    assert article.title == "芯片禁令"


def test_html_detected_by_content_for_uploads():
    article = load_article_bytes("upload.txt", b"<html><body><p>\xe6\xad\xa3\xe6\x96\x87</p></body></html>")
    assert article.text == "正文"


def test_pre_keeps_its_line_breaks():
    assert visible_text("<pre>一  行\n二行</pre>") == "一  行\n二行"


# ---------------------------------------------------------------- manifest


def test_manifest_with_missing_and_extra_columns_and_bom(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "b.txt", TRADITIONAL)
    write_manifest(
        tmp_path, ["File", " source ", "published", "extra"],
        [["a.txt", "新华社", "2025年3月5日", "x"], ["b.txt", "", "", ""]], encoding="utf-8-sig",
    )
    corpus = load_corpus([tmp_path])
    a, b = only(corpus, "a"), only(corpus, "b")
    assert (a.source, a.published, a.author, a.notes) == ("新华社", "2025-03-05", "", "")
    assert b.source == UNKNOWN_SOURCE
    assert corpus.problems == ()


def test_manifest_rows_for_missing_files_are_reported(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "no_row.txt", SIMPLIFIED.replace("第二段", "另一段"))
    write_manifest(tmp_path, ["file", "source"], [["a.txt", "甲"], ["gone.txt", "乙"]])
    corpus = load_corpus([tmp_path])
    assert [a.file for a in corpus.articles] == ["a.txt", "no_row.txt"]
    assert only(corpus, "no_row").source == UNKNOWN_SOURCE
    assert [(p.file, str(p.reason)) for p in corpus.problems] == [("gone.txt", "listed in manifest.csv but not found")]


def test_read_manifest_fills_every_column(tmp_path):
    write_manifest(tmp_path, ["file", "title"], [["dir/a.txt", "标题"]])
    assert read_manifest(tmp_path / "manifest.csv") == {
        "a.txt": {"source": "", "author": "", "title": "标题", "published": "", "script": "", "notes": ""}
    }


def test_manifest_without_file_column_is_reported_and_ignored(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write_manifest(tmp_path, ["name", "source"], [["a.txt", "甲"]])
    corpus = load_corpus([tmp_path])
    assert only(corpus, "a").source == UNKNOWN_SOURCE
    assert corpus.problems[0].file == "manifest.csv"


def test_missing_manifest_gives_unknown_source_and_title_from_first_line(tmp_path):
    write(tmp_path, "a.md", "![](cover.jpg)\n\n# 美国芯片禁令的影响\n\n" + SIMPLIFIED)
    article = load_corpus([tmp_path]).articles[0]
    assert article.source == UNKNOWN_SOURCE
    assert article.title == "美国芯片禁令的影响"
    assert article.published == ""


def test_duplicate_stems_get_distinct_ids(tmp_path):
    write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "a.html", "<p>" + TRADITIONAL + "</p>")
    corpus = load_corpus([tmp_path])
    assert [(a.file, a.article_id) for a in corpus.articles] == [("a.html", "a"), ("a.txt", "a-2")]


def test_single_files_and_missing_paths(tmp_path):
    path = write(tmp_path, "a.txt", SIMPLIFIED)
    write(tmp_path, "b.txt", SIMPLIFIED)
    write_manifest(tmp_path, ["file", "source"], [["a.txt", "甲"], ["b.txt", "乙"]])
    corpus = load_corpus([path, tmp_path / "nowhere"])
    assert [(a.file, a.source) for a in corpus.articles] == [("a.txt", "甲")]
    assert [str(p.reason) for p in corpus.problems] == ["no such file or folder"]


def test_content_hash_depends_on_bytes_and_published():
    plain = load_article_bytes("a.txt", SIMPLIFIED.encode())
    dated = load_article_bytes("a.txt", SIMPLIFIED.encode(), {"published": "2025-01-02"})
    assert plain.content_hash != dated.content_hash
    assert plain.content_hash == load_article_bytes("b.txt", SIMPLIFIED.encode(), {"source": "x"}).content_hash


# ---------------------------------------------------------------- script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        (SIMPLIFIED, "simplified"),
        (TRADITIONAL, "traditional"),
        ("美国对中国芯片出口管制不断升级。美國對中國晶片出口管制不斷升級。", "mixed"),
        ("中文", "simplified"),
    ],
)
def test_script_detection(text, script):
    assert detect_script(text) == script


def test_manifest_script_wins_over_detection():
    assert load_article_bytes("a.txt", SIMPLIFIED.encode(), {"script": "Traditional"}).script == "traditional"
    assert load_article_bytes("a.txt", SIMPLIFIED.encode(), {"script": "?"}).script == "simplified"


# ---------------------------------------------------------------- boilerplate and repeats

BODY = "美国对中国芯片出口管制不断升级，英伟达的营收因此下降。"


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("![]()", "image"),
        ("![封面](https://example.com/a.jpg)", "image"),
        ("特别声明：以上内容为自媒体平台用户上传并发布，本平台仅提供信息存储服务。", "disclaimer"),
        ("特別聲明:以上內容(如有圖片或視頻亦包括在內)為自媒體平臺用戶上傳并發布。", "disclaimer"),
        ("Notice: The content above (including the pictures and videos if any) is uploaded by users.", "disclaimer"),
        ("本站部分转载文章，皆来自互联网，仅供参考及分享。", "disclaimer"),
        ("免責聲明：本文僅代表作者觀點。", "disclaimer"),
        ("展开", "app_prompt"),
        ("收起", "app_prompt"),
        ("打开“财经头条”阅读更多精彩资讯", "app_prompt"),
        ("打開「新聞」App閱讀全文", "app_prompt"),
        ("APP内打开", "app_prompt"),
        ("点击查看全文", "app_prompt"),
        ("© CopyRight 2020-2025 All Rights Reserved. Powered By example.com", "copyright"),
        ("Copyright © 2024 某某網 版權所有", "copyright"),
        ("京ICP备11008920号", "copyright"),
        ("闽公网安备35020302035593号", "copyright"),
        ("联系邮箱：someone@qq.com", "contact"),
        ("QQ:4156828", "contact"),
        ("電話：02-1234-5678", "contact"),
        ("19小时前", "timestamp"),
        ("3 天前", "timestamp"),
        ("凌云政见-56分钟前", "timestamp"),
        ("更新时间:2025-11-14", "timestamp"),
        ("發佈時間：2024年5月1日 10:00", "timestamp"),
        ("文/编辑:Alone", "editor"),
        ("責任編輯：王小明", "editor"),
    ],
)
def test_boilerplate_line_removed_and_kept_in_removed(line, kind):
    text = f"{BODY}\n{line}\n第二段：市场反应平淡。"
    article = load_article_bytes("a.txt", text.encode())
    assert [(r.kind, r.text) for r in article.removed] == [(kind, line)]
    removed = article.removed[0]
    assert article.text[removed.start:removed.end] == line
    assert article.body().text == f"{BODY}\n第二段：市场反应平淡。"


@pytest.mark.parametrize(
    "line",
    [
        "电话会议中，双方就芯片出口管制交换了意见，气氛坦诚。",
        "美国政府的免责声明并不能改变事实：出口管制在两年内扩大了三次。",
        "他说版权所有者应当得到保护，但技术封锁是另一回事。",
        "19小时前，美国商务部宣布了新的出口管制措施。",
        "展开来看，这一政策涉及三个方面。",
    ],
)
def test_body_sentences_that_mention_boilerplate_words_are_kept(line):
    spans, removed = clean(f"{BODY}\n{line}")
    assert removed == ()


def test_tip_heading_removes_the_paragraph_after_it():
    text = f"{BODY}\n\n友情提示\n\n以上文字来自网络，不代表本网观点。\n"
    article = load_article_bytes("a.txt", text.encode())
    assert [r.kind for r in article.removed] == ["disclaimer", "disclaimer"]
    assert article.body().text == BODY


def test_published_taken_from_footer_when_manifest_has_none():
    text = f"{BODY}\n更新时间：2025-11-14\n".encode()
    assert load_article_bytes("a.txt", text).published == "2025-11-14"
    assert load_article_bytes("a.txt", text, {"published": "2024/1/2"}).published == "2024-01-02"


def test_boilerplate_patterns_compile_with_known_kinds():
    rules = boilerplate_rules()
    assert set(rules.kinds) <= {"image", "disclaimer", "app_prompt", "copyright", "contact", "timestamp", "editor"}
    assert len(rules.kinds) >= 30


def test_duplicate_paragraph_collapsed_with_collapsed_chars():
    para = "特朗普政府的政策变化加速中美关系的技术脱钩趋势。"
    text = f"标题行\n\n{para}\n\n前言\n\n另一段内容并不重复。\n\n{para}\n\n前言\n"
    article = load_article_bytes("a.txt", text.encode())
    assert [(r.kind, r.text) for r in article.removed] == [("duplicate", para)]
    assert article.collapsed_chars == len(para)
    assert article.body().text.count(para) == 1
    assert article.body().text.count("前言") == 2


def test_duplicate_ignores_whitespace_differences():
    text = "美国对华出口管制 再度升级了\n美国对华出口管制再度 升级了\n"
    spans, removed = clean(text)
    assert [r.kind for r in removed] == ["duplicate"]


def test_body_maps_back_to_original_offsets():
    text = "　　第一段：美国芯片禁令升级。\n![]()\n第二段：英伟达营收下降。\n\n第三段。\n"
    article = load_article_bytes("a.txt", text.encode())
    body = article.body()
    assert body.text == "第一段：美国芯片禁令升级。\n第二段：英伟达营收下降。\n\n第三段。"
    assert article.body_spans == ((2, 15), (22, 40))
    assert len(body.starts) == len(body.ends) == len(body.text)
    for i, ch in enumerate(body.text):
        if ch != "\n":
            assert text[body.starts[i]:body.ends[i]] == ch
    joiner = body.text.index("\n")
    assert text[body.starts[joiner]:body.ends[joiner]] == "\n"
    start = body.text.index("英伟达")
    assert body.original_slice(start, start + 3) == "英伟达"
    assert body.to_original(start, start + 3) == (text.index("英伟达"), text.index("英伟达") + 3)


def test_article_text_is_never_modified():
    text = "![]()\n正文一段。\n展开\n"
    assert load_article_bytes("a.txt", text.encode()).text == text


# ---------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seeds():
    return load_corpus([SEEDS])


def test_seeds_load_five_articles_with_manifest_metadata(seeds):
    assert seeds.problems == ()
    assert [a.file[:3] for a in seeds.articles] == ["000", "001", "002", "003", "004"]
    assert seeds.articles[0].source == "網易號"
    assert seeds.articles[3].source == UNKNOWN_SOURCE
    scripts = ["traditional", "simplified", "traditional", "simplified", "simplified"]
    assert [a.script for a in seeds.articles] == scripts


def test_seed_001_whole_body_twice_collapses_to_half(seeds):
    article = seeds.articles[1]
    assert 0.45 < article.collapsed_chars / len(article.text) < 0.5
    assert {r.kind for r in article.removed} == {"duplicate", "timestamp", "app_prompt"}
    body = article.body().text
    assert body.count("暨南大学研究助理") == 1
    assert "19小时前" not in body and "APP内打开" not in body


def test_seed_003_repeated_headline_collapsed(seeds):
    article = seeds.articles[3]
    headline = "美高官谈中美谈判:中国希望美国解除制裁?先卖给我高超音速导弹"
    duplicates = [r for r in article.removed if r.kind == "duplicate"]
    assert len(duplicates) == 7 and all(r.text == headline for r in duplicates)
    assert article.body().text.count(headline) == 1
    assert "1042463605@qq.com" not in article.body().text


def test_seed_004_icp_and_qq_footer_removed(seeds):
    article = seeds.articles[4]
    body = article.body().text
    for trap in ("4156828", "35020302035593", "11008920", "61893.com", "更新时间"):
        assert trap not in body
    assert body.endswith("中国芯片产业的崛起,早已势不可挡。")
    assert article.published == "2025-11-14"


def test_seed_000_and_002_platform_lines_removed(seeds):
    first, third = seeds.articles[0], seeds.articles[2]
    assert "![]()" not in first.body().text and "Notice:" not in first.body().text
    assert "56分钟前" not in third.body().text
