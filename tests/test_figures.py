"""Tests for core/figures/: one construction per test on a short sentence, outputs pinned."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.figures import (
    FIELDS,
    DateMention,
    Figure,
    extract_dates,
    extract_figures,
    parse_chinese_number,
)
from core.lexicon import LED_PATTERNS, led_by


def quantities(text: str, published: str | None = None) -> list[tuple[str, float, float | None, str]]:
    """(text, value, value_high, unit) of every figure, in text order."""
    return [(f.text, f.value, f.value_high, f.unit) for f in extract_figures(text, published)]


def only(text: str, published: str | None = None) -> Figure:
    figures = extract_figures(text, published)
    assert len(figures) == 1, figures
    return figures[0]


# ---------------------------------------------------------------- spec cases

SPEC = json.loads((Path(__file__).parent / "specs" / "figures.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SPEC["cases"], ids=[c["name"] for c in SPEC["cases"]])
def test_spec(case):
    found = extract_figures(case["text"], case.get("published"))
    expected = case["figures"]
    assert [f.text for f in found] == [f["text"] for f in expected]
    for figure, want in zip(found, expected, strict=True):
        got = {key: getattr(figure, key) for key in want}
        assert _close(got, want), (got, want)


def _close(got: dict, want: dict) -> bool:
    """Fields equal, numbers to a relative 1e-6."""
    for key, value in want.items():
        if isinstance(value, int | float) and got[key] is not None:
            if abs(got[key] - value) > 1e-6 * max(1.0, abs(value)):
                return False
        elif got[key] != value:
            return False
    return True


# ---------------------------------------------------------------- API


def test_fields_follow_the_dataclass_order():
    assert FIELDS == tuple(f.name for f in dataclasses.fields(Figure))
    assert FIELDS[:4] == ("text", "value", "value_high", "unit")


def test_figures_come_in_text_order_once_each():
    assert quantities("营收增长12%,利润增长12%。") == [("12%", 12, None, "%"), ("12%", 12, None, "%")]


def test_text_without_figures_gives_nothing():
    assert extract_figures("") == []
    assert extract_figures("中美科技脱钩。") == []


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("五百亿", 5e10), ("二千", 2000), ("一百二十点五", 120.5), ("两", 2), ("一百零五", 105),
     ("二〇二五", 2025), ("十四", 14), ("一亿五千万", 1.5e8), ("五万亿", 5e12)],
)
def test_parse_chinese_number(numeral, value):
    assert parse_chinese_number(numeral) == value


def test_thousands_separator():
    assert quantities("人口达1,100万人。") == [("1,100万人", 1.1e7, None, "count")]


def test_chinese_comma_between_numbers_is_not_a_separator():
    assert quantities("增长100，200家企业受益。") == [("200家", 200, None, "count")]


def test_fullwidth_digits():
    assert quantities("自给率达３８％，营收增长１２．５％。") == [
        ("３８％", 38, None, "%"), ("１２．５％", 12.5, None, "%"),
    ]


# ---------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "expected"),
    [("500亿美元", ("500亿美元", 5e10, "USD")), ("5212亿日元", ("5212亿日元", 5.212e11, "JPY")),
     ("3亿欧元", ("3亿欧元", 3e8, "EUR")), ("30亿港元", ("30亿港元", 3e9, "HKD")),
     ("US$50 billion", ("US$50 billion", 5e10, "USD")), ("RMB 3亿", ("RMB 3亿", 3e8, "CNY")),
     ("新台币1兆元", ("1兆元", 1e12, "TWD"))],
)
def test_currencies(text, expected):
    figure = only(f"投资{text}。")
    assert (figure.text, figure.value, figure.unit) == expected


def test_traditional_process_node():
    assert quantities("採用7納米與3奈米製程。") == [("7納米", 7, None, "nm"), ("3奈米", 3, None, "nm")]


def test_process_node_in_latin_letters():
    assert quantities("14nm及以上制程。") == [("14nm", 14, None, "nm")]


def test_weights_are_in_kilograms():
    """Masses meet across units: 5吨 is 5,000 kg, 300克 0.3 kg."""
    assert quantities("每架需要417公斤,共3千克、5吨和300克。") == [
        ("417公斤", 417, None, "kg"), ("3千克", 3, None, "kg"), ("5吨", 5000, None, "kg"), ("300克", 0.3, None, "kg"),
    ]


def test_durations():
    assert quantities("磋商仅48小时,调查期限为3个月,连续9年第一,需5年周期。") == [
        ("48小时", 48, None, "hour"), ("3个月", 3, None, "month"), ("9年", 9, None, "year"), ("5年", 5, None, "year"),
    ]


def test_about_a_year_is_a_duration_but_one_year_alone_is_not():
    assert quantities("时隔近一年。") == [("一年", 1, None, "year")]
    assert quantities("产量较上一年增加。") == []


def test_counts_with_classifiers():
    figures = extract_figures("88所高校529名学生,23类设备,三大领域,5个方面。")
    assert [(f.text, f.value, f.unit, f.classifier) for f in figures] == [
        ("88所", 88, "count", "所"), ("529名", 529, "count", "名"), ("23类", 23, "count", "类"),
        ("三大", 3, "count", "大"), ("5个", 5, "count", "个"),
    ]


def test_one_and_two_with_a_classifier_are_not_counts():
    assert quantities("一个大国,两个层面,两位部长,一句话。") == []


# ---------------------------------------------------------------- ranges and changes


def test_range_with_two_units():
    figure = only("需投入300亿至500亿美元。")
    assert (figure.text, figure.value, figure.value_high, figure.unit) == ("300亿至500亿美元", 3e10, 5e10, "USD")


def test_range_with_one_unit():
    assert quantities("需要3到5年。") == [("3到5年", 3, 5, "year")]
    assert quantities("份额在30%-40%之间。") == [("30%-40%", 30, 40, "%")]
    assert quantities("份额在30%至40%之间。") == [("30%至40%", 30, 40, "%")]


def test_change_gives_two_figures():
    figures = extract_figures("日本半导体设备对华市场份额从28%降至15%。")
    assert [(f.text, f.metric, f.subject) for f in figures] == [
        ("28%", "市场份额", "日本半导体设备"), ("15%", "市场份额", "日本半导体设备"),
    ]


def test_amounts_in_different_units_are_not_a_range():
    assert quantities("收入下降8.4%至1850亿日元。") == [("8.4%", 8.4, None, "%"), ("1850亿日元", 1.85e11, None, "JPY")]


# ---------------------------------------------------------------- not figures


@pytest.mark.parametrize(
    "text",
    ["2025年4月", "2025 年 4 月", "二〇二五年", "4月16日", "17日", "2024年初", "2025财年", "1-5月", "2018至2019年",
     "19小时前", "56分钟前", "2025-11-14", "90年代"],
)
def test_dates_are_not_figures(text):
    assert quantities(f"{text},美国宣布新规。") == []


@pytest.mark.parametrize(
    "text",
    ["第一", "一是", "二是", "一方面", "三位一体", "一带一路", "两弹一星", "两全其美", "一边走一边看", "一句", "一步",
     "唯一", "零部件", "十四五", "五角大楼", "三星"],
)
def test_ordinals_and_set_phrases_are_not_figures(text):
    assert quantities(f"{text}的问题。") == []


@pytest.mark.parametrize(
    "text",
    ["H20", "H100", "A100", "B200", "F-35", "C919", "CJ-2000", "5G", "4G", "6G", "3DNAND", "RTX 4090", "iPhone 16",
     "Mate 60", "特朗普2.0", "COVID-19"],
)
def test_model_names_are_not_figures(text):
    assert quantities(f"英伟达的{text}芯片。") == []


def test_law_title_is_not_a_figure():
    assert quantities("《2021年战略竞争法案》提出337调查。") == []


@pytest.mark.parametrize(
    "text",
    ["联系邮箱:1042463605@qq.com", "电话:0591-88888888", "QQ:4156828", "网址https://www.example.com/a/2025/1.html",
     "闽ICP备11008920号", "闽公网安备35020302035593号", "Powered By 61893.com", "© CopyRight 2020-2025 版权所有"],
)
def test_contact_and_registration_numbers_are_not_figures(text):
    assert quantities(text) == []


def test_vague_numbers_are_not_figures():
    assert quantities("数十亿美元和十几家企业。") == []


# ---------------------------------------------------------------- qualifiers


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [("超500亿美元", "over"), ("突破38%", "over"), ("逾3000家", "over"), ("500多亿美元", "over"), ("5年以上", "over"),
     ("约六成", "about"), ("近60%", "about"), ("60%左右", "about"), ("至少529名", "at_least"),
     ("不少于5家", "at_least"), ("不超过30%", "at_most"), ("不到10%", "under"), ("低于5%", "under"), ("95%", "exact")],
)
def test_qualifier(text, qualifier):
    assert only(f"规模{text}。").qualifier == qualifier


def test_qualifier_over():
    assert only("良率超过95%。").qualifier == "over"


def test_qualifier_about():
    assert only("产量增加近60%。").qualifier == "about"


def test_qualifier_at_least():
    assert only("至少529名学生。").qualifier == "at_least"


# ---------------------------------------------------------------- metric and subject


@pytest.mark.parametrize(
    ("sentence", "metric", "subject"),
    [("2025年中国芯片自给率已突破38%。", "芯片自给率", "中国"),
     ("中芯国际2025年一季度28纳米芯片产能利用率达102%。", "产能利用率", "中芯国际"),
     ("中芯国际28纳米成熟制程良率超过95%。", "良率", "中芯国际"),
     ("高通约六成营收来自中国。", "营收占比", "高通"),
     ("让美国半导体企业每年损失超500亿美元的营收。", "营收损失", "美国半导体企业"),
     ("2019年美国将中国商品的关税税率提升至25%。", "关税", "美国"),
     ("2025年稀土永磁出口量增长37%。", "出口量增长", "稀土永磁"),
     ("中国半导体板块归母净利润同比增长37.62%。", "净利润同比增长", "中国半导体板块")],
)
def test_metric_and_subject_from_the_clause(sentence, metric, subject):
    figure = extract_figures(sentence)[-1]
    assert (figure.metric, figure.subject) == (metric, subject)


def test_change_names_the_amount_of_the_previous_clause():
    figures = extract_figures("出口额达5212亿日元,同比增长82%。")
    assert [f.metric for f in figures] == ["出口额", "出口额同比增长"]


def test_subject_this_act_is_the_title_named_before():
    figure = only("拜登签署《芯片与科学法案》,该法案拨款超500亿美元。")
    assert (figure.metric, figure.subject) == ("拨款", "芯片与科学法案")


# ---------------------------------------------------------------- period


def test_period_from_the_date_in_the_sentence():
    assert only("2022年8月,该法案拨款超500亿美元。").period == "2022-08"
    assert only("中芯国际2025年一季度产能利用率达102%。").period == "2025Q1"


def test_period_resolved_from_context():
    text = "2025年稀土出口量增长37%。特朗普在4月加征的30%关税。"
    assert [f.period for f in extract_figures(text)] == ["2025", "2025-04"]


def test_period_of_a_month_range():
    assert only("2024年1-3月出口额达5212亿日元。").period == "2024-01..2024-03"


def test_period_relative_to_publication():
    assert only("去年营收增长20%。", published="2025-11-14").period == "2024"


def test_period_unknown_without_a_date():
    assert only("良率超过95%。").period == ""


# ---------------------------------------------------------------- modality and attribution


def test_modality_reported_by_default():
    assert only("良率超过95%。").modality == "reported"


def test_modality_projected():
    assert only("中国半导体自给率将在同期达到78%。").modality == "projected"
    assert only("收入预计下降8.4%。").modality == "projected"


def test_future_jiang_is_not_the_object_marker_jiang():
    assert only("美国将中国商品的关税提升至25%。").modality == "reported"


def test_modality_target():
    assert only("力争芯片自给率达到70%。").modality == "target"


def test_modality_estimate_from_the_source():
    figure = only("根据美国半导体行业协会(SIA)的测算,美国企业每年损失超500亿美元的营收。")
    assert (figure.modality, figure.attributed_to) == ("estimate", "美国半导体行业协会")


def test_attribution():
    figure = only("根据中国半导体行业协会2026年初发布的官方数据,2025年中国芯片自给率已突破38%。")
    assert (figure.attributed_to, figure.period, figure.modality) == ("中国半导体行业协会", "2025", "reported")


def test_attribution_from_a_clause_ending_in_a_speech_verb():
    figure = only("美国智库战略与国际研究中心(CSIS)的最新模拟显示:中国半导体自给率将达到78%。")
    assert (figure.attributed_to, figure.modality) == ("战略与国际研究中心", "projected")


def test_attribution_from_a_report():
    # A named source is given by its canonical name, as entities.csv names it, in any script.
    assert only("2025年2月日本经济产业省报告显示,市场份额降至15%。").attributed_to == "经济产业省"
    assert only("荷蘭設備大廠艾司摩爾財報顯示，中國營收占比為41%。").attributed_to == "阿斯麦"
    assert only("据了解，中芯国际营收增长10%。").attributed_to == ""  # 据了解 names no one


def test_taiwan_wording_quarter_and_yearly_change():
    figures = extract_figures("據路透社報導，台積電今年第三季營收達新台幣7,596億元，年增36%。", "2025-11-14")
    assert [(f.text, f.value, f.unit, f.metric, f.subject, f.period, f.attributed_to) for f in figures] == [
        ("7,596億元", 7.596e11, "TWD", "营收", "台积电", "2025Q3", "路透社"),
        ("36%", 36, "%", "营收同比增长", "台积电", "2025Q3", "路透社"),
    ]


# ---------------------------------------------------------------- offsets


def test_offsets_point_at_original_text():
    original = "前言\n根據中國半導體行業協會的數據，2025 年中國晶片自給率已突破 38％。"
    figure = only(original)
    assert figure.text == "38％"
    assert original[figure.start:figure.end] == "38％"
    assert original[figure.sentence_start:figure.sentence_end] == figure.sentence
    assert figure.sentence == "根據中國半導體行業協會的數據，2025 年中國晶片自給率已突破 38％。"
    assert (figure.metric, figure.subject, figure.attributed_to) == ("芯片自给率", "中国", "中国半导体行业协会")


def test_text_is_the_quantity_without_its_qualifier():
    original = "損失超 500 億美元的營收"
    figure = only(original)
    assert (figure.text, figure.value, figure.qualifier) == ("500 億美元", 5e10, "over")


# ---------------------------------------------------------------- dates


def test_extract_dates():
    text = "2025年4月,英伟达宣布。4月16日和17日,2024年1-3月,2025年上半年,去年。"
    assert [(d.text, d.value) for d in extract_dates(text, published="2025-11-14")] == [
        ("2025年4月", "2025-04"), ("4月16日", "2025-04-16"), ("17日", "2025-04-17"),
        ("2024年1-3月", "2024-01..2024-03"), ("2025年上半年", "2025H1"), ("去年", "2024"),
    ]


def test_date_without_a_year_in_context():
    assert extract_dates("4月16日,英伟达宣布。") == [DateMention("4月16日", "--04-16", 0, 5)]


def test_date_range_is_one_mention():
    assert [(d.text, d.value) for d in extract_dates("2024年4月至2025年3月,苹果在印度组装手机。")] == [
        ("2024年4月至2025年3月", "2024-04..2025-03"),
    ]


def test_chinese_numeral_date():
    assert [d.value for d in extract_dates("二〇二五年四月十六日")] == ["2025-04-16"]


def test_date_inside_a_title_is_not_a_date():
    assert extract_dates("《2021年战略竞争法案》") == []


# ---------------------------------------------------------------- properties

_ALPHABET = st.sampled_from(
    list("0123456789０１２３４５６７８９〇零一二三四五六七八九十两百千万亿兆%％.,，。、:：;；-~ \n")
    + list("年月日个成分之点超约近多")
    + ["百分之", "三分之一", "亿美元", "億美元", "个月", "纳米", "奈米", "公斤", "2025年", "4月16日", "自给率", "根据",
       "显示,", "预计", "将在", "该法案", "《", "》", "H", "nm", "US$", "从", "降至", "至"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_figures_always_point_into_the_original(text):
    for figure in extract_figures(text, "2025-11-14"):
        assert text[figure.start:figure.end] == figure.text
        assert figure.start < figure.end
        assert figure.text in figure.sentence
        assert text[figure.sentence_start:figure.sentence_end] == figure.sentence
    for date in extract_dates(text):
        assert text[date.start:date.end] == date.text


def _led_patterns() -> list[tuple[str, str, int]]:
    import core.entities  # noqa: F401  (the modules that compile patterns with led_by)
    import core.figures  # noqa: F401

    return sorted(LED_PATTERNS)


# Characters and words that open or make up the matches of the patterns behind a lookahead (dates, shares,
# discounts, fractions, company suffixes, Latin names and model codes).
_LED_ALPHABET = st.sampled_from(
    list("0123456789〇零一二两三四五六七八九十百千万亿.,:-~/ 年月日号季度第个前今去明后同当本上下全半初底末元代")
    + list("折对成分之")
    + list("ABHMTXabz&")
    + ["财年", "年度", "月份", "季度", "小时", "分钟", "秒钟", "星期", "Q3", "至", "到", "2025", "1998", "之前", "美元",
       "人民币", "有限公司", "集团", "股份", "责任", "Mate", "The ", "Pro", "910C", "H20", "二十国集团", "品",
       "转", "对折", "七五折", "9.9折", "半成", "三分之一", "百分之", "万亿美元", "去年上半年", "第三季度", "3月5日",
       "十二月"]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(_LED_ALPHABET, max_size=30).map("".join))
def test_patterns_behind_a_first_character_lookahead_find_what_they_find_alone(text):
    for first, source, flags in _led_patterns():
        plain = [(m.span(), m.groups()) for m in re.finditer(source, text, flags)]
        assert [(m.span(), m.groups()) for m in led_by(first, source, flags).finditer(text)] == plain, source[:40]


# ---------------------------------------------------------------- unseen-style constructions


def described(text: str, published: str | None = None) -> list[tuple[str, str, str, str]]:
    """(text, metric, subject, period) of every figure, in text order."""
    return [(f.text, f.metric, f.subject, f.period) for f in extract_figures(text, published)]


def test_bare_yuan_takes_the_currency_named_earlier_in_the_paragraph():
    assert quantities("合并营收新台币9,337.9亿元,税后纯益3,982.7亿元,每股纯益15.36元。") == [
        ("9,337.9亿元", 933790000000.0, None, "TWD"),
        ("3,982.7亿元", 398270000000.0, None, "TWD"),
        ("15.36元", 15.36, None, "TWD"),
    ]


def test_bare_yuan_stays_renminbi_in_a_new_paragraph():
    assert quantities("产值达新台币5兆元。\n营收为300亿元。")[-1][3] == "CNY"


def test_headline_scale_number_takes_the_unit_of_its_restatement():
    units = [f.unit for f in extract_figures("华为去年营收八千六百二十一亿\n全年营收八千六百二十一亿元人民币。")]
    assert units == ["CNY", "CNY"]


def test_taiwan_inch_and_chinese_classifier_kuai():
    assert quantities("12吋晶圆厂") == [("12吋", 12.0, None, "inch")]
    assert quantities("集成电路产量达2395亿块") == [("2395亿块", 2.395e11, None, "count")]


def test_relative_year_is_the_context_of_a_later_bare_quarter():
    periods = [f.period for f in extract_figures(
        "到2030年将达40%。台积电今年第二季市占率达70.2%,较第一季的67.6%再提升。", "2025-10-15")]
    assert periods == ["2030", "2025Q2", "2025Q1"]


def test_last_year_with_a_month_and_same_year_after_it():
    figures = extract_figures("基金去年5月成立,注册资本3440亿元。同年,美国将140家实体列入清单。", "2025-05-18")
    assert [f.period for f in figures] == ["2024-05", "2024"]


def test_comparison_base_year_is_not_the_period_of_the_growth():
    figures = extract_figures("今年出货量有望达到150万片,较去年增加五成。", "2025-06-05")
    assert [f.period for f in figures] == ["2025", "2025"]


def test_comparison_base_year_is_the_period_of_its_own_level():
    figures = extract_figures("东京电子今年1至3月对华销售占其营收的44.6%,较去年同期的49.1%回落。", "2025-03-10")
    assert [(f.metric, f.subject, f.period) for f in figures] == [
        ("营收占比", "东京电子", "2025-01..2025-03"), ("营收占比", "东京电子", "2024")]


def test_comparison_base_is_not_a_quarter_of_context():
    figures = extract_figures("自给率达到30%,较去年提高4个百分点。中芯国际第二季度营收22.1亿美元。", "2025-09-20")
    assert figures[-1].period == "2025Q2"


def test_period_of_a_semicolon_part_comes_from_its_sentence():
    figures = extract_figures("2024年进口额为3856亿美元;出口额1595亿美元,同比增长17.4%。")
    assert [f.period for f in figures] == ["2024", "2024", "2024"]


def test_from_to_change_is_two_levels_of_one_measure():
    # 美方 is the entity 美国: a subject reads as its entity does in every table.
    assert described("美方加征的关税已从2024年的25%提高到2025年的50%。") == [
        ("25%", "关税", "美国", "2024"), ("50%", "关税", "美国", "2025")]


def test_figure_left_unsaid_takes_the_measure_of_the_last_like_figure():
    assert [f.metric for f in extract_figures("3纳米占晶圆营收的24%,5纳米占36%。") if f.unit == "%"] == ["营收占比"] * 2
    assert [f.metric for f in extract_figures("关税今年起已调升至50%,2024年时为25%。")] == ["关税", "关税"]


def test_percent_of_an_amount_after_zhan_is_a_share():
    assert described("中国占全球稀土开采产量约60%。")[0][1:3] == ("产量占比", "中国")


def test_place_before_a_firm_measure_is_a_segment_of_the_firm_named_in_the_sentence():
    assert described("根据英伟达财报,中国市场营收占比降至13%。")[0][1:3] == ("营收占比", "英伟达")


def test_company_anaphor_is_the_firm_named_before():
    figure = extract_figures("英伟达CEO黄仁勋坦言,公司在中国的AI芯片份额已从95%大幅下滑。")[0]
    assert figure.subject == "英伟达"


def test_change_word_as_head_moves_the_measure_before_it():
    assert only("今年美元营收成长可望接近三成。").metric == "营收增长"
    assert only("苹果公司产量较上一年增加近60%。").metric == "产量同比增长"


def test_quarter_on_quarter_change_after_the_number_is_not_the_next_change():
    assert [f.metric for f in extract_figures("营收新台币9337.9亿元,季增11.3%、年增38.6%。")][1:] == [
        "营收环比增长", "营收同比增长"]


def test_measure_inside_export_controls_is_not_exports():
    assert only("公司预计今年将因出口管制损失120.5亿美元收入。").metric == "收入损失"


def test_taiwan_accounting_words_are_measures():
    assert [f.metric for f in extract_figures("毛利率58.6%,营业利益率49.6%,税后纯益3982.7亿元。")] == [
        "毛利率", "营业利润率", "净利润"]


def test_hong_kong_year_on_year_change():
    assert only("出口量按年下跌12.3%。").metric == "出口量同比下降"


def test_plan_with_ni_is_a_target():
    assert only("特朗普拟对进口芯片课征100%关税。").modality == "target"


def test_source_is_the_named_organisation_in_the_phrase():
    """The name, canonical: 艾司摩尔 is 阿斯麦 in every script."""
    assert only("荷兰设备大厂艾司摩尔(ASML)财报显示,中国市场占其营收的41%。").attributed_to == "阿斯麦"
    assert only("〔编译/综合报导〕美国总统特朗普表示,将课征约100%关税。").attributed_to == "特朗普"


def test_source_trims_a_dateline_and_a_quoting_verb():
    assert only("外媒引述消息人士称,自给率已达45%。").attributed_to == "消息人士"


def test_bare_source_noun_is_no_source():
    assert only("据测算,人才缺口约为20万人。").attributed_to == ""


def test_subject_drops_period_and_manner_words():
    assert only("5月单月涨幅高达130.7%。").subject == ""
    assert only("通过“阶梯式攻关”向14纳米迈进。").subject == ""


def test_process_node_bound_under_a_control_is_its_threshold():
    (figure,) = extract_figures("2022年10月,美國商務部頒佈禁令,禁止向中國出售7納米及以下先進製程芯片。")
    assert (figure.value, figure.unit, figure.qualifier, figure.metric) == (7, "nm", "at_most", "管制门槛")
    (plain,) = extract_figures("中芯国际28纳米成熟制程良率稳定。")
    assert plain.metric != "管制门槛"


# ---------------------------------------------------------------- outlets and reporters are no subject


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [("〔编译王小明／综合报导〕美国商务部将17家中国实体列入清单。", "美国商务部"),
     ("(记者王小明/北京报道)星河科技去年营收增长22%。", "星河科技"),
     ("记者王小明报道，中芯国际去年营收增长22%。", "中芯国际"),
     ("路透社去年营收增长3%。", ""),
     ("美国联邦公报周二将17家中国实体列入清单。", "")],
)
def test_an_outlet_or_a_reporter_is_never_the_subject(sentence, subject):
    figure = extract_figures(sentence)[-1]
    assert figure.subject == subject


def test_a_bare_day_takes_the_month_it_was_published_in():
    # 11日 in a report of 2025-08-12 is 11 August, not a day of no month ("---11", which a CSV writes as '---11).
    (date,) = extract_dates("川普11日簽署行政命令，延長關稅休兵期。", published="2025-08-12")
    assert date.value == "2025-08-11"
    (date,) = extract_dates("川普11日簽署行政命令。")
    assert date.value == "---11"  # no publication date: the day is all there is
    (first, second) = extract_dates("美方5月12日宣布，中方14日回应。", published="2025-08-20")
    assert (first.value, second.value) == ("2025-05-12", "2025-05-14")  # a month named before wins
