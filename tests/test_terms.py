import math
from collections import Counter

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from core.normalize import normalize
from core.terms import (
    DistinctiveTerm,
    Term,
    content_tokens,
    distinctive_terms,
    key_terms,
    key_terms_table,
    term_counts,
)


def test_content_tokens_of_a_fixed_sentence():
    text = "2025年5月,美国商务部将中芯国际列入实体清单,一是限制14nm以下先进制程,二是收紧光刻机出口管制。"
    assert content_tokens(text) == [
        "美国商务部",
        "中芯国际",
        "列入",
        "实体清单",
        "限制",
        "先进制程",
        "收紧",
        "光刻机",
        "出口管制",
    ]


def test_numbers_and_punctuation_are_not_terms():
    figures = "2025年全球半导体销售额达6,272亿美元,增长19.5%;"
    numerals = "一是芯片,二是稀土,第一、第三,数十家企业、两国、万亿、14nm、2.0!"
    tokens = content_tokens(figures + numerals)
    assert tokens == ["全球", "半导体", "销售额", "增长", "芯片", "稀土", "企业"]


def test_stopwords_removed():
    tokens = content_tokens("我们认为这也就是说,美国进行了新的出口管制,并且表示将会继续。")
    assert tokens == ["美国", "出口管制"]


def test_single_characters_removed():
    tokens = content_tokens("美对华加征关税,A股和港股下跌,AI芯片受限")
    assert all(len(token) >= 2 for token in tokens)
    assert "A" not in tokens
    assert {"对华", "加征关税", "AI", "芯片"} <= set(tokens)


def test_latin_acronyms_kept_and_english_prose_dropped():
    tokens = content_tokens("ASML的EUV光刻机与DeepSeek模型。Notice: the content above is uploaded by a user.")
    assert {"ASML", "EUV", "DeepSeek"} <= set(tokens)
    assert not {"the", "content", "above", "uploaded", "user", "a", "is"} & set(tokens)


def test_user_dictionary_keeps_domain_terms_whole():
    tokens = content_tokens("美国把更多中国企业列入实体清单,并收紧出口管制,卡脖子问题凸显,稀土永磁成为筹码。")
    assert {"实体清单", "出口管制", "卡脖子", "稀土永磁"} <= set(tokens)
    assert not {"实体", "清单", "出口", "管制", "永磁"} & set(tokens)


def test_traditional_text_yields_simplified_terms():
    tokens = content_tokens(normalize("美國擴大晶片出口管制,半導體設備受限").text)
    assert {"芯片", "出口管制", "半导体", "设备"} <= set(tokens)


def test_term_counts_counts_content_tokens():
    text = "芯片、芯片、稀土和出口管制;芯片。"
    assert term_counts(text) == Counter({"芯片": 3, "稀土": 1, "出口管制": 1})


@given(st.text(alphabet="芯片稀土的了一是第二年月亿美元出口管制实体清单AIab 12,。、", max_size=60))
def test_term_counts_agrees_with_content_tokens(text):
    assert term_counts(text) == Counter(content_tokens(text))


def test_tfidf_prefers_terms_unique_to_a_document():
    docs = {
        "a": Counter({"芯片": 3, "光刻机": 3}),
        "b": Counter({"芯片": 3, "稀土": 3}),
        "c": Counter({"芯片": 3, "关税": 3}),
    }
    terms = key_terms(docs)
    assert [t.term for t in terms["a"]] == ["光刻机", "芯片"]
    assert [t.term for t in terms["b"]] == ["稀土", "芯片"]
    assert terms["a"][0].weight > terms["a"][1].weight


def test_tfidf_is_sublinear_and_smoothed():
    terms = key_terms({"a": Counter({"芯片": 4, "稀土": 1}), "b": Counter({"芯片": 1})})["a"]
    chip, rare_earth = terms
    # idf(芯片) = log(3/3) + 1 = 1, idf(稀土) = log(3/2) + 1; tf 4 counts as 1 + log 4.
    expected_ratio = (1 + math.log(4)) / (math.log(1.5) + 1)
    assert chip.term == "芯片" and rare_earth.term == "稀土"
    assert abs(chip.weight / rare_earth.weight - expected_ratio) < 1e-9
    assert abs(chip.weight**2 + rare_earth.weight**2 - 1) < 1e-9


def test_key_terms_single_document():
    terms = key_terms({"only": Counter({"稀土": 5, "芯片": 2, "关税": 2, "盟友": 1})}, top_n=3)["only"]
    assert terms == [
        Term("稀土", terms[0].weight, 5, 1),
        Term("关税", terms[1].weight, 2, 2),
        Term("芯片", terms[2].weight, 2, 3),
    ]
    assert terms[1].weight == terms[2].weight


def test_key_terms_of_empty_document_is_empty():
    assert key_terms({"empty": Counter(), "b": Counter({"芯片": 1})})["empty"] == []


def test_ranks_are_dense_from_one():
    docs = {
        "a": Counter({"芯片": 2, "稀土": 2, "关税": 2, "光刻机": 1, "脱钩": 1}),
        "b": Counter({"芯片": 1, "关税": 5}),
    }
    for terms in key_terms(docs, top_n=4).values():
        assert [t.rank for t in terms] == list(range(1, len(terms) + 1))
        assert [t.weight for t in terms] == sorted((t.weight for t in terms), reverse=True)


def test_distinctive_terms_favours_focus_vocabulary():
    focus = Counter({"稀土": 30, "磁体": 12, "美国": 40, "中国": 40})
    rest = Counter({"芯片": 30, "光刻机": 12, "美国": 40, "中国": 40})
    result = distinctive_terms(focus, rest)
    assert [d.term for d in result] == ["稀土", "磁体"]
    assert result[0] == DistinctiveTerm("稀土", result[0].zscore, 30, 0)
    assert result[0].zscore > result[1].zscore > 0


def test_distinctive_terms_symmetry():
    a = Counter({"稀土": 20, "芯片": 5, "关税": 10, "美国": 30})
    b = Counter({"稀土": 3, "芯片": 25, "关税": 10, "美国": 28})
    a_vs_b = {d.term: d.zscore for d in distinctive_terms(a, b)}
    b_vs_a = {d.term: d.zscore for d in distinctive_terms(b, a)}
    assert "稀土" in a_vs_b and "稀土" not in b_vs_a
    assert "芯片" in b_vs_a and "芯片" not in a_vs_b
    assert not a_vs_b.keys() & b_vs_a.keys()


def test_distinctive_terms_min_count_and_top_n():
    focus = Counter({"稀土": 9, "磁体": 6, "镓": 3, "偶见": 1})
    rest = Counter({"芯片": 20})
    assert "偶见" not in {d.term for d in distinctive_terms(focus, rest)}
    assert [d.term for d in distinctive_terms(focus, rest, top_n=2)] == ["稀土", "磁体"]


def test_distinctive_terms_with_background_prior():
    focus = Counter({"稀土": 10, "芯片": 10})
    rest = Counter({"稀土": 2, "芯片": 2, "关税": 16})
    prior = Counter({"芯片": 10_000, "稀土": 10, "关税": 10_000})
    result = distinctive_terms(focus, rest, prior=prior)
    assert {d.term for d in result} == {"稀土", "芯片"}
    assert all(d.zscore > 0 for d in result)


def test_key_terms_table_keeps_documents_in_the_order_they_come():
    # Interleaved rows of a categorical column whose categories sort the other way round.
    counts = pd.DataFrame({
        "doc": pd.Categorical(["b", "a", "b", "a", "c"], categories=["c", "b", "a"]),
        "term": ["芯片", "稀土", "关税", "芯片", "稀土"],
        "count": [3, 1, 1, 2, 4],
    })
    table = key_terms_table(counts, top_n=1)
    assert table["doc"].astype(str).tolist() == ["b", "a", "c"]
    assert table["term"].tolist() == ["芯片", "芯片", "稀土"]
    assert table["rank"].tolist() == [1, 1, 1]


def test_key_terms_table_breaks_ties_in_the_term_columns_order():
    counts = pd.DataFrame({"doc": ["a"] * 3, "term": ["关税", "芯片", "稀土"], "count": [2, 2, 2]})
    assert key_terms_table(counts)["term"].tolist() == ["关税", "稀土", "芯片"]
    reversed_order = counts.assign(term=pd.Categorical(counts["term"], categories=["芯片", "稀土", "关税"]))
    assert key_terms_table(reversed_order)["term"].astype(str).tolist() == ["芯片", "稀土", "关税"]
