import re

import pytest

from core import words
from core.corpus import load_corpus
from ui import i18n, uploads


def test_every_key_has_both_languages():
    assert all(len(pair) == 2 and all(pair) for pair in i18n.STRINGS.values())


@pytest.fixture
def troubled_folder(tmp_path):
    """A folder whose files and manifest run into every reason the loader gives."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.txt").write_text("好文章\n\n2025年芯片自给率达到38%。", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text(" \n\u3000\n", encoding="utf-8")
    (folder / "nul.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    (folder / "control.txt").write_bytes(b"abc\x01\x02\x03def\x04\x05" * 20)
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf\xff\xfe\xfd")
    (folder / "page.html").write_text("<html><script>x()</script></html>", encoding="utf-8")
    (folder / "big.txt").write_text("大" * 2000, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "file,source,published\ngood.txt,甲,昨天\ngood.txt,乙,\ngone.txt,丙,\n", encoding="utf-8")
    return folder


def test_every_reason_the_loader_gives_reads_in_chinese(troubled_folder, tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    corpus = load_corpus([troubled_folder, tmp_path / "nowhere", tmp_path / "x.pdf"], max_bytes=5000)
    _, refused = uploads.load_uploads([("a.txt", "正文。".encode()), ("b.txt", "正文。".encode())], budget=10)
    reasons = [p.reason for p in [*corpus.problems, *refused]]
    assert len(reasons) >= 12, reasons
    assert all(r.code in words.REASONS and r.code != "text" for r in reasons), reasons
    untranslated = [r for r in reasons if not re.search(r"[\u4e00-\u9fff]", words.say(r, "zh"))]
    assert untranslated == []
    assert all(words.say(r, "en") == str(r) for r in reasons)


def test_every_reason_has_the_same_parameters_in_both_languages():
    fields = re.compile(r"{(\w+)")
    assert all(set(fields.findall(zh)) == set(fields.findall(en)) for zh, en in words.REASONS.values())


def test_a_reason_within_a_reason_is_said_in_the_readers_language():
    inner = words.Reason.of("manifest_no_file_column")
    outer = words.Reason.of("manifest_ignored", detail=inner)
    assert words.say(outer, "zh") == "已忽略 manifest.csv：manifest.csv 没有 file 列"
    assert str(outer) == "manifest ignored: manifest.csv has no 'file' column"
    assert words.Reason.from_json(outer.as_json()) == outer


def test_a_sentence_without_a_code_is_shown_as_it_is():
    assert words.say("something new", "zh") == "something new"


@pytest.mark.parametrize(("metric", "english"), [
    ("半导体自给率", "semiconductors self-sufficiency rate"),
    ("半导体设备市场份额", "chip equipment market share"),
    ("光刻机出口额", "lithography machine exports"),
    ("某某指标份额", "[某某指标] share"),
])
def test_measures_read_in_english_with_unglossed_parts_in_brackets(metric, english):
    assert i18n.measure_label(metric, "en") == english
    assert i18n.measure_label(metric, "zh") == metric


def test_a_word_has_its_english_in_one_table():
    from core.lexicon import read_rows

    canonical = {row[0] for lexicon in ("measures.tsv", "scopes.tsv") for row in read_rows(lexicon)}
    extra = [row[0] for row in read_rows("glosses.tsv")]
    assert extra and not canonical & set(extra) and len(extra) == len(set(extra))


def test_places_read_in_english_and_other_names_stay_in_brackets():
    assert i18n.entity_label("中国", "en") == "China"
    assert i18n.entity_label("冰岛", "en") == "Iceland"  # not in the lexicon: CLDR's English name
    assert i18n.entity_label("中芯国际", "en") == "SMIC"  # its Latin alias, as claims.csv labels it
    assert i18n.entity_label("青岚科技", "en") == "[青岚科技]"
    assert i18n.entity_label("中国", "zh") == "中国"


def test_every_group_kind_and_reason_has_words_in_both_languages():
    from core.verdicts import GROUP_KINDS

    for kind in GROUP_KINDS:
        assert i18n.kind_label(kind, "zh") != i18n.kind_label(kind, "en")
