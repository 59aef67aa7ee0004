"""Cost bound per article: the figure cap, and uploads extracted in a limited child process."""

from pathlib import Path

import pytest

from core import pipeline
from core.corpus import load_article_bytes
from core.figures import quantities
from core.pipeline import FIGURE_CAP_PER_SENTENCE, extract_article, extract_corpus
from core.sandbox import ExtractionRefused, Limits, extract_limited
from core.words import Reason

DENSE = "营收增长" + "1%、" * 3000 + "。\n"
# Many distinct sentences, each a figure and names: several processor seconds however fast the machine (the figure
# cap makes DENSE cheap to extract once its first numbers are read).
LONG = "".join(f"中芯国际第{i}次表示，美国商务部的出口管制影响了半导体产业，营收增长{i % 97}%。\n"
               for i in range(40_000))


def article(text: str, name: str = "dense.txt"):
    return load_article_bytes(name, text.encode())


def test_a_figure_dense_sentence_keeps_the_cap_and_says_what_it_left_unread(tmp_path):
    (tmp_path / "dense.txt").write_text(DENSE, encoding="utf-8")
    (tmp_path / "plain.txt").write_text("今年营收增长5%，利润增长3%。", encoding="utf-8")
    extraction = extract_corpus([tmp_path], cache_dir=None)
    per_file = extraction.figures.groupby("file").size()
    assert per_file["dense.txt"] == FIGURE_CAP_PER_SENTENCE
    assert per_file["plain.txt"] == 2
    (notice,) = extraction.notices
    assert notice.file == "dense.txt"
    assert notice.reason.code == "figures_capped"
    assert f"first {FIGURE_CAP_PER_SENTENCE}" in str(notice.reason)
    assert f"{3000 - FIGURE_CAP_PER_SENTENCE:,}" in str(notice.reason)
    assert notice in extraction.problems


def test_numbers_past_the_cap_are_not_read(monkeypatch):
    reads = []
    original = quantities._number_quantity
    monkeypatch.setattr(quantities, "_number_quantity", lambda *a: reads.append(1) or original(*a))
    monkeypatch.setattr(pipeline, "FIGURE_CAP_PER_ARTICLE", 50)
    text = "".join(f"第{i}季度营收增长{i % 9 + 1}%。" for i in range(2000))
    result = extract_article(article(text))
    assert len(result.figures) == 50
    assert len(reads) < 200, "every number of the article was read despite the cap"
    (cap,) = result.caps
    assert (cap["kept"], cap["unread_in_sentences"]) == (50, 0) and cap["unread_in_article"] > 1000


def test_the_cap_survives_the_cache(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "dense.txt").write_text(DENSE, encoding="utf-8")
    first = extract_corpus([tmp_path / "corpus"], cache_dir=tmp_path / "cache")
    again = extract_corpus([tmp_path / "corpus"], cache_dir=tmp_path / "cache")
    assert again.cache_hits == 1 and again.notices == first.notices and len(again.notices) == 1


def test_sandboxed_extraction_gives_what_extraction_in_process_gives():
    a = article("中芯国际今年营收增长12%，达到500亿元。美国商务部表示……", "plain.txt")
    assert extract_limited(a) == extract_article(a)


@pytest.mark.parametrize(("limits", "text", "words"), [
    (Limits(memory_bytes=64 * 1024 * 1024), DENSE * 20, "memory"),
    (Limits(cpu_seconds=1), LONG, "processor time"),
])
def test_an_upload_over_a_limit_is_refused_by_name(limits, text, words):
    with pytest.raises(ExtractionRefused) as refused:
        extract_limited(article(text), limits)
    assert refused.value.file == "dense.txt"
    assert words in str(refused.value.reason) and "Errno" not in str(refused.value.reason)


def test_a_refused_article_is_a_problem_and_the_others_still_load(tmp_path: Path):
    (tmp_path / "a.txt").write_text("营收增长5%。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("利润增长3%。", encoding="utf-8")

    def refuse_b(a):
        if a.file == "b.txt":
            raise ExtractionRefused(a.file, Reason.of("extraction_failed"))
        return extract_article(a)

    extraction = extract_corpus([tmp_path], cache_dir=None, extract=refuse_b)
    assert list(extraction.articles["file"]) == ["a.txt"]
    assert any(p.file == "b.txt" and p.reason == Reason.of("extraction_failed") for p in extraction.problems)
