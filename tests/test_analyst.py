"""An analyst's own lexicon: --userdict and --aliases on the command line, keyed into the cache."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from core import aliases, analyst, entities, name_patterns, segment, version, words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def fresh_lexicons():
    """Every cache that holds a lexicon, emptied before and after the test."""
    caches = (aliases._lexicon, aliases._curated_entries, name_patterns._series_pattern, name_patterns._countries,
              segment.segmenter, version.extractor_version, analyst._user_words, analyst._alias_rows)

    def clear():
        for c in caches:
            c.cache_clear()

    clear()
    yield
    clear()


def test_aliases_add_entities_and_win_a_clash(tmp_path, monkeypatch, fresh_lexicons):
    before = version.extractor_version()
    aliases = tmp_path / "mine.tsv"
    aliases.write_text("# my firms\n星河微电子\torg\t星河微|Galaxy Micro\n", encoding="utf-8")
    monkeypatch.setenv(analyst.ALIASES_ENV, str(aliases))
    version.extractor_version.cache_clear()
    found = [(m.entity, m.surface) for m in entities.extract_entities("Galaxy Micro與星河微宣布合作")]
    assert found == [("星河微电子", "Galaxy Micro"), ("星河微电子", "星河微")]
    assert version.extractor_version() != before  # the cache is keyed by the analyst's files too


def test_userdict_words_are_segmented_whole(tmp_path, monkeypatch, fresh_lexicons):
    text = "蓝鲸芯片组出货"
    userdict = tmp_path / "dict.txt"
    userdict.write_text("蓝鲸芯片组 5 nz\n", encoding="utf-8")
    assert "蓝鲸芯片组" not in segment.cut(text)
    monkeypatch.setenv(analyst.USERDICT_ENV, str(userdict))
    segment.segmenter.cache_clear()
    assert "蓝鲸芯片组" in segment.cut(text)


def test_a_segmenter_rebuilt_without_the_analysts_words_forgets_them(tmp_path, monkeypatch, fresh_lexicons):
    text = "蓝鲸芯片组出货"
    userdict = tmp_path / "dict.txt"
    userdict.write_text("蓝鲸芯片组 5 nz\n", encoding="utf-8")
    monkeypatch.setenv(analyst.USERDICT_ENV, str(userdict))
    assert "蓝鲸芯片组" in segment.cut(text)
    monkeypatch.delenv(analyst.USERDICT_ENV)
    for c in (segment.segmenter, analyst._user_words):
        c.cache_clear()
    assert "蓝鲸芯片组" not in segment.cut(text)


@pytest.mark.parametrize(
    ("content", "reason"),
    [("星河\tcompany\t\n", "line 1: unknown type 'company'"), ("星河\n", "line 1: expected 'name<TAB>type")],
)
def test_a_bad_alias_file_is_named_with_the_reason(tmp_path, content, reason, fresh_lexicons):
    aliases = tmp_path / "bad.tsv"
    aliases.write_text(content, encoding="utf-8")
    with pytest.raises(analyst.AnalystFileError) as err:
        analyst.alias_rows(str(aliases))
    assert str(err.value).startswith("bad.tsv: " + reason)
    assert str(tmp_path) not in str(err.value)


def test_command_line_uses_the_alias_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("星河微电子今年营收增长12%，星河微称将扩产。\n", encoding="utf-8")
    aliases = tmp_path / "mine.tsv"
    aliases.write_text("星河微电子\torg\t星河微\n", encoding="utf-8")
    env = {"DUIZHAO_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "core", "extract", str(corpus), "--out", str(tmp_path / "out"),
                          "--aliases", str(aliases), "--jobs", "1"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with (tmp_path / "out" / "entities.csv").open(encoding="utf-8-sig") as f:
        rows = {r["entity"]: r for r in csv.DictReader(f)}
    assert rows["星河微电子"]["count"] == "2"
    bad = tmp_path / "bad.tsv"
    bad.write_text("星河\tfirm\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "core", "extract", str(corpus), "--aliases", str(bad)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 1
    assert run.stderr.strip() == (
        "cannot use bad.tsv: line 1: unknown type 'firm' (one of person, org, place, product, media)"
    )


def test_a_bad_file_is_named_with_its_line_in_the_readers_language():
    with pytest.raises(analyst.AnalystFileError) as err:
        analyst.read_alias_rows("mine.tsv", "青岚科技\torg\t青岚\n蓝潮\tcompany\n".encode())
    assert (err.value.file, err.value.line) == ("mine.tsv", 2)
    assert words.say(err.value.where, "zh").startswith("第 2 行：未知类型 'company'")
    with pytest.raises(analyst.AnalystFileError) as err:
        analyst.read_user_words("dict.txt", "蓝鲸 5 nz\n蓝鲸 芯片 组 多\n".encode())
    assert words.say(err.value.where, "zh") == "第 2 行：应为「词 [词频] [词性]」"
