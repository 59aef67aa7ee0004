"""The per-article document (core/doc.py): built once, and every stage reads it instead of re-deriving it."""

import pytest

from core import aliases, segment
from core.corpus import load_article_bytes
from core.doc import Doc, joined_wraps, layout, sentence_spans
from core.normalize import normalize
from core.pipeline import extract_article

pytestmark = pytest.mark.unit

# Figures with subjects and sources, entities, a hard-wrapped line (long, no punctuation at its end).
TEXT = (
    "据海关总署数据，今年前三季度中国芯片进口额下降12%，出口额增长约三成。\n"
    "美国商务部周二将23家中国实体列入实体清单，其中包括北京复旦微电子\n"
    "技术有限公司;华为的营收占比降至13%。英伟达表示，中国市场营收占比约为一成半。\n"
)


class _CountingSegmenter:
    """Stands in for the process-wide segmenter and records every text it is asked to cut or tag."""

    def __init__(self, real):
        self.real, self.tagged, self.cut = real, [], []

    def tag(self, text, hmm):
        self.tagged.append(text)
        return self.real.tag(text, hmm)

    def cut(self, text, hmm):
        self.cut.append(text)
        return self.real.cut(text, hmm)


@pytest.fixture
def counted(monkeypatch):
    counter = _CountingSegmenter(segment.segmenter())
    monkeypatch.setattr(segment, "segmenter", lambda: counter)
    scans = []
    lexicon = aliases._lexicon()
    original = aliases._AliasIndex.occurrences

    def occurrences(index, text):
        if index is lexicon:
            scans.append(text)
        return original(index, text)

    monkeypatch.setattr(aliases._AliasIndex, "occurrences", occurrences)
    return counter, scans


def article(text: str):
    return load_article_bytes("a.txt", text.encode())


def test_an_article_is_segmented_and_tagged_once_and_scanned_against_the_lexicon_once(counted):
    counter, scans = counted
    result = extract_article(article(TEXT))
    assert len(result.figures) >= 5 and {"美国商务部", "华为", "英伟达"} <= {m["entity"] for m in result.mentions}
    assert len(counter.tagged) == 1, counter.tagged
    assert counter.cut == []  # term counts read the same pass
    assert len(scans) == 1


def test_the_one_pass_is_of_the_text_with_hard_wraps_rejoined(counted):
    counter, scans = counted
    result = extract_article(article(TEXT))
    (tagged,) = counter.tagged
    assert "北京复旦微电子技术有限公司" in tagged and scans == [tagged]
    assert any(m["surface"] == "北京复旦微电子技术有限公司" for m in result.mentions)


def test_named_spans_of_a_span_are_what_a_scan_of_that_span_alone_finds():
    doc = Doc.of(TEXT)
    text = doc.text
    for start, end in [*doc.sentences, (0, len(text)), (3, 40), (text.index("北京"), text.index("技术") + 2)]:
        assert doc.named_spans(start, end) == aliases.named_spans(text, start, end), (start, end)


def test_a_latin_name_at_the_edge_of_a_span_counts_as_a_word_there():
    doc = Doc.of("据ASMLX公司称")  # ASMLX is no name; the span that ends after ASML holds one
    text = doc.text
    assert all(name != "ASML" for *_, name, _ in doc.named_spans())
    assert [text[s:e] for s, e, _, _ in doc.named_spans(1, 5)] == ["ASML"]
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            assert doc.named_spans(start, end) == aliases.named_spans(text, start, end), (start, end)


def test_figure_sentences_end_at_full_stops_semicolons_and_line_breaks():
    text = "出口增长5%;进口下降3%。\n新的一段"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["出口增长5%;", "进口下降3%。", "新的一段"]


def test_statements_end_at_full_stops_and_line_breaks_not_at_semicolons():
    doc = Doc.of("出口增长5%;进口下降3%。。\n新的一段")
    assert [doc.text[s:e] for s, e in doc.statements()] == ["出口增长5%;进口下降3%。", "新的一段"]


def test_only_long_lines_without_punctuation_are_rejoined():
    assert joined_wraps("短行\n下一行") is None
    wrapped = "美国商务部周二将二十三家中国实体列入实体清单其中包括北京复旦微电子\n技术有限公司"
    joined = joined_wraps(wrapped)
    assert joined is not None and "\n" not in joined.text
    assert joined.original[joined.starts[joined.text.index("技术")]] == "技"


def test_the_frame_layout_is_computed_once_per_document():
    doc = Doc.of(TEXT)
    assert doc.layout is doc.layout
    assert doc.layout.text == TEXT


def test_a_long_articles_repeated_words_share_one_string_object():
    doc = Doc(normalize("美国商务部宣布新的出口管制措施。" * 8_000))
    repeated = [word for word, _ in doc.tagged if word == "出口管制"]
    assert len(repeated) == 8_000
    assert len({id(word) for word in repeated}) == 1


def test_a_comma_grouping_digits_ends_no_clause():
    """2,350噸 is one number in one clause; a Chinese comma between ASCII digits still ends one (增长3，5家)."""
    from core.doc import layout

    text = "出口量為2,350噸，去年同期為３，９８０噸，增長3，5家企業受影響。"
    lay = layout(text)
    assert text[slice(*lay.clause(text.index("350")))] == "出口量為2,350噸，"
    assert text[slice(*lay.clause(text.index("９８０")))] == "去年同期為３，９８０噸，"
    assert text[slice(*lay.clause(text.index("5家")))] == "5家企業受影響。"
    months = "1,2月出口增長3%，3月持平。"  # two months, not a number: the comma is a break
    assert months[slice(*layout(months).clause(2))] == "2月出口增長3%，"


def test_a_long_headline_followed_by_a_blank_line_and_a_longer_line_is_a_sentence_of_its_own():
    """美对陆制电池关税升至50%　模组厂抢转单 names firms the body's figures are not about; a full-width space parts
    a headline's phrases as a comma would."""
    text = ("美对陆制电池关税升至50%　模组厂星联、泰恒抢转单　法人看好台链供应商\n\n"
            "美国贸易代表办公室宣布，陆制电动车锂电池及储能电池的关税由25%提高至50%，7月1日起生效。")
    lay = layout(text)
    assert text[slice(*lay.sentence(0))].strip() == text.split("\n")[0]
    assert joined_wraps(text) is None
    assert text[slice(*lay.clause(text.index("50%")))].rstrip("\u3000") == "美对陆制电池关税升至50%"
