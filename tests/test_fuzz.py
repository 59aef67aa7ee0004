"""Fuzzing the figure parser (core/figures/), decoding (core/corpus.py) and per-article extraction
(core/pipeline.extract_article) with hypothesis: no crash, offsets inside the text and pointing at
the figure's own text, every value finite. Regressions the fuzzer found are pinned at the end.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.corpus import LoadError, decode, load_article_bytes
from core.figures import (
    extract_dates,
    extract_figures,
    extract_figures_and_dates_mapped,
    parse_chinese_number,
    parse_number,
)
from core.normalize import normalize
from core.pipeline import extract_article

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_ARTICLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CN_NUMERALS = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟兆点"
DIGITS = "0123456789０１２３４５６７８９"
UNITS = ["%", "％", "个百分点", "百分点", "亿美元", "美元", "万吨", "吨", "纳米", "nm", "倍", "成", "个月", "年",
         "亿", "万", "元", "台", "家", "分之", "百分之", "e999", "万亿", "亿亿"]
QUALIFIERS = ["超", "约", "至少", "逾", "近", "超过", "不到", "多", "余", "以上", "左右"]
SEPARATORS = [",", ".", "、", "～", "~", "-", "至", "到", "，", "。", "．", " ", "\n", "/", ":"]
WORDS = ["营收", "增长", "下降", "出口", "美国", "中国", "英伟达", "芯片", "据", "显示", "今年", "去年",
         "2025年", "第三季度", "《法案》", "从", "降至", "较", "占", "同比", "预计", "H20", "iPhone"]

numeral = st.text(alphabet=CN_NUMERALS + DIGITS, min_size=1, max_size=30)
piece = st.one_of(
    numeral, st.sampled_from(UNITS), st.sampled_from(QUALIFIERS), st.sampled_from(SEPARATORS),
    st.sampled_from(WORDS), st.text(max_size=5),
)
figure_text = st.lists(piece, max_size=40).map("".join)
any_text = st.one_of(figure_text, st.text(max_size=300))


def assert_figures_sound(original: str, figures, dates) -> None:
    for f in figures:
        assert 0 <= f.start <= f.end <= len(original)
        assert original[f.start:f.end] == f.text
        assert 0 <= f.sentence_start <= f.sentence_end <= len(original)
        assert original[f.sentence_start:f.sentence_end] == f.sentence
        assert math.isfinite(f.value)
        assert f.value_high is None or math.isfinite(f.value_high)
    for d in dates:
        assert 0 <= d.start <= d.end <= len(original)
        assert original[d.start:d.end] == d.text


@FUZZ
@given(any_text, st.sampled_from([None, "2025-11-14", "yesterday", ""]))
def test_extract_figures_on_random_text(text, published):
    assert_figures_sound(text, extract_figures(text, published), extract_dates(text, published))


@FUZZ
@given(any_text)
def test_extract_figures_and_dates_mapped_on_random_text(text):
    figures, dates = extract_figures_and_dates_mapped(normalize(text))
    assert_figures_sound(text, figures, dates)


def finite_or_refused(parse, numeral: str) -> None:
    """A parse gives a finite, non-negative value, or refuses with ValueError; never inf, nan or another error."""
    try:
        value = parse(numeral)
    except ValueError:
        return
    assert math.isfinite(value) and value >= 0


@FUZZ
@given(st.text(alphabet="零〇一二三四五六七八九十百千万亿两点壹贰", min_size=1, max_size=60))
def test_parse_chinese_number_is_finite_or_refused(numeral):
    finite_or_refused(parse_chinese_number, numeral)


@FUZZ
@given(st.one_of(st.from_regex(r"\d{1,400}(\.\d{1,400})?", fullmatch=True),
                 st.from_regex(r"\d{1,3}(,\d{3}){1,60}(\.\d+)?", fullmatch=True),
                 st.text(alphabet=CN_NUMERALS + DIGITS + ",.", min_size=1, max_size=60)))
def test_parse_number_is_finite_or_refused(numeral):
    finite_or_refused(parse_number, numeral)


@FUZZ
@given(st.binary(max_size=400))
def test_decode_random_bytes_gives_text_or_load_error(data):
    try:
        text, encoding = decode(data)
    except LoadError as error:
        assert str(error)
        return
    assert isinstance(text, str) and encoding
    assert "\r" not in text


def assert_result_sound(article, result) -> None:
    text = article.text
    for row in result.figures + result.dates + result.mentions:
        assert 0 <= row["start"] <= row["end"] <= len(text)
    for row in result.figures + result.dates:
        assert text[row["start"]:row["end"]] == row["text"]
    for row in result.mentions:
        assert text[row["start"]:row["end"]] == row["surface"]
    for row in result.figures:
        assert text[row["sentence_start"]:row["sentence_end"]] == row["sentence"]
        assert math.isfinite(row["value"])
        assert row["value_high"] is None or math.isfinite(row["value_high"])
    for row in result.context:
        assert 0 <= row["start"] <= row["end"] <= len(text)
    assert all(isinstance(count, int) and count > 0 for count in result.term_counts.values())


@FUZZ_ARTICLES
@given(st.lists(any_text, min_size=1, max_size=6).map("\n".join), st.sampled_from(["a.txt", "a.html", "a.md"]))
def test_extract_article_on_random_articles(text, name):
    try:
        article = load_article_bytes(name, text.encode("utf-8"))
    except LoadError:
        return
    assert_result_sound(article, extract_article(article))


@FUZZ_ARTICLES
@given(st.binary(max_size=600))
def test_extract_article_on_random_bytes(data):
    try:
        article = load_article_bytes("a.txt", data)
    except LoadError:
        return
    assert_result_sound(article, extract_article(article))


# ---------------------------------------------------------------- regressions found by fuzzing


def test_parse_chinese_number_refuses_decimals_that_are_not_digits():
    # was KeyError: '十' from parse_chinese_number("点十")
    with pytest.raises(ValueError, match="not a Chinese numeral"):
        parse_chinese_number("点十")


@pytest.mark.parametrize("numeral", ["1" * 400 + ".5", "一" + "亿" * 40])
def test_parse_number_refuses_a_value_too_large_for_a_float(numeral):
    # was inf, which then became a figure's value
    with pytest.raises(ValueError, match="too large"):
        parse_number(numeral)


@pytest.mark.parametrize(
    "text",
    ["营收增长" + "1" * 400 + ".5%", "一" + "亿" * 40 + "美元", "亿" * 20, "1e999%",
     "预算达1" + "0" * 400 + ".0亿美元"],
)
def test_huge_numerals_give_no_infinite_figure(text):
    # was a figure with value inf
    assert all(math.isfinite(f.value) for f in extract_figures(text))
    assert [f.text for f in extract_figures(text + "，营收增长5%")][-1:] == ["5%"]


@pytest.mark.parametrize("text", ["0分之5的人", "00分之一", "调查显示0分之3"])
def test_fraction_with_zero_denominator_is_no_figure(text):
    # was ZeroDivisionError
    assert extract_figures(text) == []
