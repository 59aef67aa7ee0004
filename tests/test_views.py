"""The dashboard's pure functions (ui/views.py and its siblings) on small hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from core.claims import ClaimReport, group_kinds
from core.corpus import UNKNOWN_SOURCE, Corpus, load_article_bytes
from ui import clouds, display, overlap, search, uploads, views


def articles_table() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a", "b", "c"], "file": ["000_a.txt", "001_b.txt", "002_c.txt"],
        "source": ["網易號", "中美聚焦", UNKNOWN_SOURCE], "author": ["", "孙成昊", None],
        "title": ["标题甲", "标题乙", "标题丙"], "published": ["", "2025-11-14", None],
        "script": ["traditional", "simplified", "simplified"], "body_chars": [100, 200, 300],
        "figures": [2, 1, 1], "collapsed_chars": [0, 50, 0],
    })


def report() -> ClaimReport:
    """One group (自给率) with a reported 38% and a projected 78% from two sources, and an agreeing third."""
    claims = pd.DataFrame({
        "group_id": ["G001"] * 3, "metric": ["自给率"] * 3, "subject": ["中国"] * 3,
        "file": ["000_a.txt", "002_c.txt", "001_b.txt"], "article_id": ["a", "c", "b"],
        "source": ["網易號", UNKNOWN_SOURCE, "中美聚焦"], "text": ["突破 38%", "达到78%", "约40%"],
        "value": [38.0, 78.0, 40.0], "value_high": [None, None, None], "unit": ["%"] * 3,
        "qualifier": ["over", "exact", "about"], "period": ["2025", "", "2025"],
        "modality": ["reported", "projected", "reported"], "attributed_to": ["协会", "CSIS", ""],
        "sentence": ["s1", "s2", "s3"], "start": [0, 5, 9], "end": [4, 9, 12],
    })
    comparisons = pd.DataFrame({
        "group_id": ["G001"] * 3, "file_a": ["000_a.txt", "000_a.txt", "002_c.txt"],
        "file_b": ["002_c.txt", "001_b.txt", "001_b.txt"], "source_a": ["網易號", "網易號", UNKNOWN_SOURCE],
        "source_b": [UNKNOWN_SOURCE, "中美聚焦", "中美聚焦"], "verdict": ["differ", "agree", "differ"],
        "reason": ["different_modality", "", "unexplained"],
        "explanation": ["实测与预测", "一致", "矛盾"], "explanation_en": ["reported vs projected", "agree", "clash"],
    })
    groups = pd.DataFrame({
        "group_id": ["G001"], "rank": [1], "status": ["contradiction"], "metric": ["自给率"], "subject": ["中国"],
        "unit": ["%"], "figures": [3], "articles": [3], "sources": [3], "contradictions": [1], "explained": [1],
        "agreements": [1], "headline": [""], "headline_en": [""],
    })
    context = pd.DataFrame({"group_id": ["G001"], "file": ["001_b.txt"], "article_id": ["b"],
                            "source": ["中美聚焦"], "sentence": ["半导体自给率稳步提升"]})
    return ClaimReport(groups=groups, claims=claims, comparisons=comparisons, context=context)


def test_source_options_keep_the_unknown_source_label():
    assert views.source_options(articles_table()) == ["網易號", "中美聚焦", UNKNOWN_SOURCE]


def test_filter_by_sources_keeps_only_chosen_rows():
    table = views.filter_by_sources(articles_table(), ["網易號", UNKNOWN_SOURCE])
    assert list(table["article_id"]) == ["a", "c"]
    assert views.filter_by_sources(articles_table(), []).empty


def test_filter_report_recomputes_status_from_remaining_pairs():
    narrowed = views.filter_report(report(), ["網易號", UNKNOWN_SOURCE])
    group = narrowed.groups.iloc[0]
    assert group["status"] == "explained"
    assert (group["figures"], group["sources"], group["contradictions"]) == (2, 2, 0)
    assert list(narrowed.comparisons["reason"]) == ["different_modality"]
    assert narrowed.context.empty


def test_filter_report_drops_groups_left_with_one_figure():
    narrowed = views.filter_report(report(), ["網易號"])
    assert narrowed.groups.empty and narrowed.claims.empty and narrowed.comparisons.empty


def test_rank_groups_puts_differences_between_sources_first():
    groups = pd.DataFrame({
        "group_id": ["G001", "G002", "G003", "G004", "G005"],
        "status": ["contradiction", "explained", "agree", "contradiction", "explained"],
        "sources": [1, 2, 3, 2, 2], "figures": [2, 2, 3, 2, 2], "spread": [0.5, 0.1, 0.0, 0.2, 0.5],
    })
    ranked = views.rank_groups(groups)
    assert list(ranked["group_id"]) == ["G004", "G005", "G002", "G003", "G001"]
    assert list(ranked["rank"]) == [1, 2, 3, 4, 5]


def test_select_groups_by_status_and_measure():
    groups = report().groups
    assert len(views.select_groups(groups, ["contradiction"], [])) == 1
    assert views.select_groups(groups, ["agree"], []).empty
    assert views.select_groups(groups, [], ["关税"]).empty


def test_headline_numbers_count_contradictions_and_explained_differences_apart():
    numbers = views.headline_numbers(articles_table(), report().groups)
    assert numbers == {"articles": 3, "sources": 3, "figures": 4, "groups": 1, "contradictions": 1, "explained": 0}
    explained = report().groups.assign(status="explained")
    numbers = views.headline_numbers(articles_table(), explained)
    assert (numbers["contradictions"], numbers["explained"]) == (0, 1)
    assert views.headline_numbers(articles_table(), explained.iloc[0:0])["contradictions"] == 0


def test_corpus_table_has_the_shown_columns_in_each_language():
    zh = views.corpus_table(articles_table(), "zh")
    en = views.corpus_table(articles_table(), "en")
    assert list(en.columns) == ["Title", "Source", "Author", "Date", "Script", "Length", "Figures",
                                "Duplicates (chars)"]
    assert zh.columns[0] == "标题" and list(zh["字体"]) == ["繁体", "简体", "简体"]
    assert en["Author"].iloc[2] == ""


def test_group_card_puts_the_contradiction_first_in_why():
    card = views.group_card(report(), "G001", "en")
    assert card.status == "contradiction" and card.why == "clash"
    assert card.label == "China self-sufficiency rate"
    assert views.group_card(report(), "G001", "zh").label == "中国 自给率"
    assert [v["figure"] for v in card.values] == [">38%", "78%", "≈40%"]


@pytest.mark.parametrize(("value", "high", "unit", "qualifier", "lang", "expected"), [
    (38, None, "%", "over", "zh", ">38%"),
    (5e10, None, "USD", "", "zh", "500亿美元"),
    (5e10, None, "USD", "", "en", "US$50 billion"),
    (5.25e11, None, "USD", "over", "en", ">US$525 billion"),
    (1.794e13, None, "CNY", "", "zh", "17.94万亿元"),
    (14000, None, "count", "", "en", "14,000"),
    (7, None, "nm", "at_most", "en", "≤7 nm"),
    (25, 30, "%", "exact", "en", "25–30%"),
    (7, None, "纳米", None, "zh", "7纳米"),
    (2.35e6, None, "kg", "about", "zh", "≈2350吨"),  # a mass of a ton or more reads in tonnes
    (4.5e7, 5e7, "kg", "", "en", "45,000–50,000 t"),
    (417, None, "kg", "", "zh", "417公斤"),
])
def test_format_figure(value, high, unit, qualifier, lang, expected):
    assert display.format_figure(value, high, unit, qualifier, lang) == expected


def test_chart_frame_widens_qualified_figures():
    points = views.chart_frame(report().claims, "zh").set_index("text")
    assert points.loc["突破 38%", "minus"] == 0 and points.loc["突破 38%", "plus"] == pytest.approx(3.8)
    assert points.loc["约40%", "low"] == pytest.approx(38.8)  # ±3 %
    assert points.loc["达到78%", "modality"] == "预测"


def test_aligned_measures_cover_only_pairs_between_chosen_articles():
    names = {"a": "A", "b": "B", "c": "C"}
    table = overlap.aligned_measures(report(), ["a", "b"], names, "en")
    assert list(table.columns) == ["Measure", "A", "B", "Verdict"]
    assert table.iloc[0].tolist() == ["中国 自给率", "突破 38%", "约40%", "✔ Agree"]
    assert overlap.aligned_measures(report(), ["a", "c"], names, "en")["Verdict"].iloc[0] == "◐ Differs (explained)"


def test_aligned_measures_empty_when_nothing_in_common():
    assert overlap.aligned_measures(report(), ["a"], {"a": "A"}, "zh").empty


def test_short_names_number_and_cut_titles():
    table = articles_table().assign(title=["标题甲", "一个很长很长的标题", ""])
    assert overlap.short_names(table, width=4) == {"a": "000 标题甲", "b": "001 一个很长…", "c": "002 002_…"}
    assert overlap.article_numbers({"a": "000 标题甲"}) == {"a": "000"}


def test_default_articles_are_those_of_the_top_group():
    assert overlap.default_articles(report(), ["b", "a", "c"]) == ["a", "c"]
    assert overlap.default_articles(report(), ["b", "x"]) == ["b", "x"]


def test_shared_items_and_marked_list():
    entities = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "entity": ["美国", "华为", "美国", "*星号*"]})
    shared = overlap.shared_items(entities, "entity", ["a", "b"])
    assert shared == {"美国"}
    assert overlap.marked_list(entities, "entity", "a", shared) == "**● 美国**、华为"
    assert overlap.marked_list(entities, "entity", "c", shared) == r"\*星号\*"


def test_marked_list_puts_every_shared_item_first_so_both_columns_show_it():
    # 美国 is a's 20th entity: beyond a top-15 list, but shared with b, so it leads a's list.
    own = [f"实体{i}" for i in range(19)]
    entities = pd.DataFrame({"article_id": ["a"] * 20 + ["b"], "entity": [*own, "美国", "美国"]})
    shared = overlap.shared_with(entities, "entity", ["a", "b"])
    assert shared == {"美国": ["a", "b"]}
    listed = overlap.marked_list(entities, "entity", "a", shared, limit=15).split("、")
    assert listed[0] == "**● 美国**" and len(listed) == 15
    assert overlap.marked_list(entities, "entity", "b", shared) == "**● 美国**"


def test_marked_list_names_the_other_articles_that_share_an_item():
    entities = pd.DataFrame({"article_id": ["a", "b", "c", "c"], "entity": ["美国", "美国", "美国", "中国"]})
    shared = overlap.shared_with(entities, "entity", ["a", "b", "c"])
    numbers = {"a": "001", "b": "002", "c": "003"}
    assert overlap.marked_list(entities, "entity", "c", shared, numbers=numbers) == "**● 美国** :gray[(001, 002)]、中国"


def test_overlap_table_counts_pairs():
    entities = pd.DataFrame({"article_id": ["a", "b", "c"], "entity": ["美国", "美国", "中国"]})
    terms = pd.DataFrame({"article_id": ["a", "c"], "term": ["芯片", "芯片"]})
    table = overlap.overlap_table(entities, terms, ["a", "b", "c"], {"a": "A", "b": "B", "c": "C"}, "en")
    assert table.values.tolist() == [["A × B", 1, 0], ["A × C", 0, 1], ["B × C", 0, 0]]


def test_evidence_table_has_labelled_reader_columns_and_no_file():
    table = views.evidence_table(report().claims, "en")
    assert list(table.columns) == ["Source", "Figure", "Figure as written", "Sentence", "Period", "Modality",
                                   "Attributed to"]
    assert table["Figure"].tolist() == [">38%", "78%", "≈40%"], "the qualifier stays in the table and its CSV"
    assert table["Modality"].tolist() == ["reported", "projected", "reported"]


def test_claims_table_leaves_out_ids_and_offsets():
    claims = report().claims.assign(period=["2025", None, "2025Q1"])
    table = views.claims_table(claims, "zh")
    assert list(table.columns) == ["指标", "对象", "来源", "数字", "原文数字", "原句", "数值", "单位", "限定", "时期",
                                   "性质", "出处"]
    assert table["限定"].tolist() == ["超", "", "约"], "the words comparisons.csv explains qualifiers with"
    assert table["时期"].tolist() == ["2025", "", "2025Q1"], "the table keeps the codes; display_values words them"
    assert "None" not in table.astype(str).to_numpy()


@pytest.mark.parametrize(("code", "zh", "en"), [
    ("2025", "2025年", "2025"),
    ("2025-04", "2025年4月", "Apr 2025"),
    ("2025-04-16", "2025年4月16日", "16 Apr 2025"),
    ("2025Q1", "2025年一季度", "Q1 2025"),
    ("2025H1", "2025年上半年", "H1 2025"),
    ("2024H2", "2024年下半年", "H2 2024"),
    ("2024-04..2025-03", "2024年4月–2025年3月", "Apr 2024 – Mar 2025"),
    ("2025-01..2025-05", "2025年1月–5月", "Jan – May 2025"),
    ("2025Q1..2025Q3", "2025年一季度–三季度", "Q1 – Q3 2025"),
    ("2020..2025", "2020–2025年", "2020–2025"),
    ("--04-16", "4月16日", "16 Apr"),
    ("---16", "16日", "day 16"),
    ("1990s", "1990年代", "1990s"),
    ("", "", ""),
    (None, "", ""),
    ("去年", "去年", "去年"),
])
def test_format_period(code, zh, en):
    assert display.format_period(code, "zh") == zh
    assert display.format_period(code, "en") == en


def test_display_source_names_the_unknown_source_in_english_only():
    assert display.display_source(UNKNOWN_SOURCE, "en") == "Unknown source"
    assert display.display_source(UNKNOWN_SOURCE, "zh") == UNKNOWN_SOURCE
    assert display.display_source("風聞", "en") == "風聞"


def test_display_values_words_periods_and_sources_but_leaves_the_table_alone():
    table = pd.DataFrame({"Source": [UNKNOWN_SOURCE, "風聞"], "Period": ["2025Q1", ""],
                          "Figure as written": ["25%", "30%"]})
    shown = display.display_values(table, "en")
    assert shown["Source"].tolist() == ["Unknown source", "風聞"]
    assert shown["Period"].tolist() == ["Q1 2025", ""]
    assert table["Period"].tolist() == ["2025Q1", ""], "the CSV keeps the stored values"


def test_group_card_and_chart_show_worded_periods_and_sources():
    claims = report().claims.assign(period=["2025H1", "", "2025"])
    card = views.group_card(replace_claims(claims), "G001", "en")
    assert [v["period"] for v in card.values] == ["H1 2025", "", "2025"]
    assert card.values[1]["source"] == "Unknown source"
    points = views.chart_frame(claims, "zh")
    assert points["period"].tolist() == ["2025年上半年", "—", "2025年"]


def replace_claims(claims: pd.DataFrame) -> ClaimReport:
    base = report()
    return ClaimReport(groups=base.groups, claims=claims, comparisons=base.comparisons, context=base.context)


def test_highlight_markdown_shows_article_markdown_as_written():
    text = "**一是**加强合作；_二是_ 1. 标题"
    marked = display.highlight_markdown(text, [])
    assert marked == r"\*\*一是\*\*加强合作；\_二是\_ 1\. 标题"


def test_escape_markdown_neutralises_markdown_html_latex_and_directives():
    text = "**粗** _斜_ <script>alert(1)</script> $x$ :red[红] [链](http://x) # 标题 1. 项"
    escaped = display.escape_markdown(text)
    for raw in ("**", "<script>", "$x$", ":red[", "]("):
        assert raw not in escaped
    assert "\\# 标题 1\\. 项" in escaped
    assert escaped.replace("\\", "").replace(display.WORD_JOINER, "") == text


def test_highlight_markdown_marks_figures_and_escapes_the_rest():
    text = "自给率*已*突破 38%[注]，<b>预计</b>达到78%。"
    start = text.index("突破")
    marked = display.highlight_markdown(text, [(start, start + 6), (text.index("78%"), text.index("78%") + 3)])
    assert ":orange-background[**突破 38%**]" in marked
    assert ":orange-background[**78%**]" in marked
    assert "\\*已\\*" in marked and "\\[注\\]" in marked and "\\<b\\>" in marked
    assert "<b>" not in marked


def test_highlight_markdown_keeps_lines_and_splits_spans_across_them():
    text = "第一段 12%\n\n第二段\n第三行"
    marked = display.highlight_markdown(text, [(4, 12)])
    assert marked == "第一段 :orange-background[**12%**]\n\n:orange-background[**第二段**]  \n第三行"


def test_merge_spans_merges_overlaps_and_clips():
    assert display.merge_spans([(5, 8), (0, 3), (2, 4), (9, 99), (7, 7)], 20) == [(0, 4), (5, 8), (9, 20)]


def test_figure_spans_read_offsets_of_one_article():
    figures = pd.DataFrame({"article_id": ["a", "b", "a"], "start": [3, 0, 10], "end": [6, 2, None]})
    assert display.figure_spans(figures, "a") == [(3, 6)]


def test_term_totals_and_distinctive_frequencies():
    counts = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "source": ["x", "x", "y", "y"],
                           "term": ["芯片", "关税", "芯片", "稀土"], "count": [30, 2, 3, 20]})
    totals = clouds.term_totals(counts)
    assert totals.to_dict() == {"芯片": 33, "稀土": 20, "关税": 2}
    assert clouds.top_terms(totals, 2) == {"芯片": 33.0, "稀土": 20.0}
    assert clouds.as_counter(totals)["稀土"] == 20
    assert "稀土" in clouds.distinctive_frequencies(counts, "y", ["x"])


def test_term_frequencies_sum_over_articles_and_keep_the_top():
    counts = pd.DataFrame({"article_id": ["a", "b", "b"], "source": ["x", "y", "y"],
                           "term": ["芯片", "芯片", "关税"], "count": [3, 2, 1]})
    assert clouds.term_frequencies(counts, 1) == {"芯片": 5.0}
    assert clouds.term_frequencies(counts.iloc[0:0]) == {}


def test_weights_table_sorted_with_language_labels():
    table = clouds.weights_table({"甲": 1.0, "乙": 3.0}, "en")
    assert list(table.columns) == ["Term", "Count"] and list(table["Term"]) == ["乙", "甲"]


def test_load_uploads_reports_bad_files_and_keeps_good_ones():
    good = "中美科技脱钩\n\n2025年中国芯片自给率突破38%。".encode()
    files = [("ok.txt", good), ("empty.txt", b""), ("blank.md", b"  \n "), ("image.html", bytes(range(256)))]
    loaded, problems = uploads.load_uploads(files, source="上传来源")
    assert [(a.file, data) for a, data in loaded] == [("ok.txt", good)] and loaded[0][0].source == "上传来源"
    assert [p.file for p in problems] == ["empty.txt", "blank.md", "image.html"]
    assert all(p.reason for p in problems)


def test_load_uploads_refuses_a_file_over_the_limit_by_name():
    big = ("正文。" * 1000).encode()
    loaded, problems = uploads.load_uploads([("big.txt", big), ("small.txt", "短文。".encode())], max_bytes=1000)
    assert [a.file for a, _ in loaded] == ["small.txt"]
    assert [p.file for p in problems] == ["big.txt"] and "too large" in str(problems[0].reason)


def test_load_uploads_stops_at_the_session_budget_and_says_why():
    text = ("正文。" * 100).encode()
    files = [(f"{n}.txt", text + str(n).encode()) for n in range(4)]
    loaded, problems = uploads.load_uploads(files, budget=2 * len(text) + 5)
    assert [a.file for a, _ in loaded] == ["0.txt", "1.txt"]
    assert [p.file for p in problems] == ["2.txt", "3.txt"]
    assert "limited to" in str(problems[0].reason)


def test_load_uploads_does_not_count_unreadable_files_against_the_budget():
    text = ("正文。" * 100).encode()
    loaded, _ = uploads.load_uploads([("bad.txt", b"\x00" * len(text)), ("ok.txt", text)], budget=len(text))
    assert [a.file for a, _ in loaded] == ["ok.txt"]


def test_merge_corpus_renames_clashing_uploads_and_skips_duplicates():
    base_article = load_article_bytes("a.txt", "第一篇文章。".encode())
    base = Corpus(articles=(base_article,), problems=())
    clash = load_article_bytes("a.txt", "另一篇文章。".encode())
    same = load_article_bytes("copy.txt", "第一篇文章。".encode())
    merged = uploads.merge_corpus(base, [clash, same])
    assert [a.file for a in merged.articles] == ["a.txt", "a-2.txt"]
    assert merged.articles[1].article_id == "a-2"


def test_short_names_are_unique_even_for_equal_titles():
    articles = pd.DataFrame({"article_id": ["x_1", "x_2"], "file": ["xinhua_1.txt", "xinhua_2.txt"],
                             "title": ["同一标题", "同一标题"]})
    names = overlap.short_names(articles)
    assert len(set(names.values())) == 2


def test_top_up_keeps_the_choice_and_fills_from_the_candidates_in_order():
    assert overlap.top_up(["b"], ["a", "b", "c"], 2) == ["b", "a"]
    assert overlap.top_up(["b", "c", "d"], ["a"], 2) == ["b", "c", "d"], "never drops what is kept"
    assert overlap.top_up([], ["a"], 2) == ["a"], "stops when the candidates run out"


# --- kinds of difference, derived from the claims report as it stands ------------------------------


def kinds_report() -> ClaimReport:
    """Three differing groups: two sources (G001), one article in two sentences (G002), one sentence (G003)."""
    def claim(group, article, source, text, value, sentence_start, qualifier="exact", modality="reported"):
        return {"group_id": group, "metric": "份额", "subject": "", "file": f"{article}.txt", "article_id": article,
                "source": source, "text": text, "value": value, "value_high": None, "unit": "%",
                "qualifier": qualifier, "period": "2025", "modality": modality, "attributed_to": "",
                "sentence": "从28%降至15%" if group == "G003" else f"句子含{text}",
                "start": sentence_start + ("从28%降至15%".index(text) if group == "G003" else 3),
                "end": 0, "sentence_start": sentence_start}
    claims = pd.DataFrame([
        claim("G003", "c", "丙报", "28%", 28.0, 50), claim("G003", "c", "丙报", "15%", 15.0, 50),
        claim("G002", "b", "乙报", "14%", 14.0, 10), claim("G002", "b", "乙报", "7%", 7.0, 90),
        claim("G001", "a", "甲报", "38%", 38.0, 0, "over"), claim("G001", "b", "乙报", "78%", 78.0, 200,
                                                                   modality="projected"),
    ])
    comparisons = pd.DataFrame({
        "group_id": ["G003", "G002", "G001"], "file_a": ["c.txt", "b.txt", "a.txt"],
        "file_b": ["c.txt", "b.txt", "b.txt"],
        "modality_a": ["reported", "reported", "reported"], "modality_b": ["reported", "reported", "projected"],
        "verdict": ["differ"] * 3, "reason": ["different_period", "unexplained", "different_modality"],
        "explanation": ["变化", "矛盾", "实测与预测"], "explanation_en": ["change", "clash", "reported vs projected"],
    })
    groups = pd.DataFrame({
        "group_id": ["G003", "G002", "G001"], "rank": [1, 2, 3],
        "status": ["explained", "contradiction", "explained"], "metric": ["份额"] * 3, "subject": [""] * 3,
    })
    return ClaimReport(groups=groups, claims=claims, comparisons=comparisons,
                       context=pd.DataFrame(columns=["group_id", "file", "article_id", "source", "sentence"]))


def test_group_kinds_tell_sources_apart_from_one_article_and_one_sentence():
    assert group_kinds(kinds_report().claims) == {
        "G003": "before_after", "G002": "self_contradiction", "G001": "cross_source"}


def test_overview_puts_only_cross_source_groups_in_the_disagreements():
    sections = views.overview_sections(kinds_report())
    assert sections == {"disagreements": ["G001"], "within": ["G002"], "changes": ["G003"]}


def test_a_series_of_periods_in_one_article_is_not_at_odds_with_itself():
    """One article's 2019 and 2021 figures differ by period: explained, so not among the articles at odds with
    themselves (only an unexplained difference is)."""
    report = kinds_report()
    report.groups.loc[report.groups["group_id"] == "G002", "status"] = "explained"
    assert views.overview_sections(report)["within"] == []


def test_card_says_the_reason_in_words_and_keeps_each_sentence_with_its_figure():
    card = views.group_card(kinds_report(), "G001", "zh")
    assert card.kind == "cross_source" and card.reason == "实测 vs 预测"
    first = card.evidence[0]
    assert first.sentence[first.figure_start:first.figure_end] == "38%" and first.figure == ">38%"
    change = views.group_card(kinds_report(), "G003", "en")
    assert change.kind == "before_after" and change.reason == "a change over time"
    assert [len(items) for items in views.by_sentence(change.evidence)] == [2], "one sentence, both figures"
    assert views.group_card(kinds_report(), "G002", "en").reason == "inconsistent within the article"


def test_dot_plot_marks_open_ended_figures_and_modality_by_shape():
    frame = views.dot_plot_frame(kinds_report().claims[lambda c: c["group_id"] == "G001"], "en")
    assert frame["open"].tolist() == [1, 0]
    assert frame["symbol"].tolist() == ["circle", "diamond"]
    assert frame["figure"].tolist() == ["&gt;38%", "78%"], "Plotly reads < and > as markup: written as entities"


def test_axis_ticks_write_numbers_as_the_language_does():
    _, zh = views.axis_ticks(0, 6e10, "USD", "zh")
    _, en = views.axis_ticks(0, 6e10, "USD", "en")
    assert "200亿" in zh and "20 billion" in en
    assert all("B" not in label for label in zh)


# --- display safety -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["见 www.example.com", "https://evil.example/x", "写信 a.b@example.com"])
def test_escape_markdown_breaks_every_autolink(text):
    escaped = display.escape_markdown(text)
    assert display.WORD_JOINER in escaped
    assert "www." not in escaped and "://" not in escaped.replace("\\", "")
    assert "@" not in escaped.replace(display.WORD_JOINER + "@" + display.WORD_JOINER, "")


def test_display_text_drops_bidi_controls_and_emoji():
    assert display.display_text("来源\u202e甲乙\u2066丙\u2069 😀👍🏽") == "来源甲乙丙 "
    assert display.escape_markdown("\u202eabc") == "abc"


def test_plot_label_escapes_markup_but_not_quotes():
    assert display.plot_label('<b>B<i>I "引"') == '&lt;b&gt;B&lt;i&gt;I "引"'


# --- uploads take their own source ----------------------------------------------------------------


def test_uploads_without_a_source_take_their_file_name_and_never_share_one():
    loaded, _ = uploads.load_uploads([("报道甲.txt", "美国加征关税。".encode()), ("报道乙.txt", "中国回应。".encode())])
    assert [a.source for a, _ in loaded] == ["报道甲", "报道乙"]
    base = Corpus(articles=(load_article_bytes("报道甲.txt", "另一篇文章。".encode(), meta={"source": "报道甲"}),),
                  problems=())
    merged = uploads.merge_corpus(base, [a for a, _ in loaded])
    sources = [a.source for a in merged.articles]
    assert len(sources) == len(set(sources)) and UNKNOWN_SOURCE not in sources
    typed, _ = uploads.load_uploads([("x.txt", "文字。".encode())], "我的来源")
    assert typed[0][0].source == "我的来源"


# --- analyst tools ----------------------------------------------------------------------------------------


def entities_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a", "b", "b"], "source": ["甲", "乙", "乙"], "entity": ["中芯国际", "中芯国际", "美国"],
        "type": ["org", "org", "place"], "count": [2, 1, 3], "surface_forms": ["中芯國際", "中芯国际|中芯", "美國"],
    })


def test_entity_table_joins_surface_forms_across_articles():
    table = search.entity_table(entities_frame(), "en")
    assert list(table.columns) == ["Type", "Entity", "Surface forms", "Articles", "Count"]
    first = table.iloc[0]
    assert (first["Entity"], first["Surface forms"], first["Articles"], first["Type"]) == (
        "中芯国际", "中芯國際 | 中芯国际 | 中芯", 2, "organisation")


def test_search_finds_an_entity_by_any_of_its_forms_in_context():
    forms = search.search_forms("中芯國際", entities_frame())
    assert set(forms) == {"中芯国际", "中芯國際", "中芯"}
    articles = pd.DataFrame({"article_id": ["a", "b"], "source": ["甲", "乙"], "title": ["一", "二"]})
    texts = {"a": "第一行\n據報道，中芯國際擴產。", "b": "中芯与华为。"}
    hits = search.keyword_in_context(texts, articles, forms, width=4)
    assert hits[["article_id", "match"]].values.tolist() == [["a", "中芯國際"], ["b", "中芯"]]
    assert hits.iloc[0]["before"] == "據報道，" and hits.iloc[0]["after"] == "擴產。"
    assert "**中芯國際**" in display.kwic_markdown(next(hits.itertuples(index=False)))


@pytest.mark.parametrize(("period", "start"), [
    ("2025", 2025.0), ("2025Q2", 2025.25), ("2024-04..2025-03", 2024.25), ("2025H2", 2025.5), ("", None),
])
def test_period_start(period, start):
    assert display.period_start(period) == start


def test_timeline_orders_a_measures_figures_by_period():
    claims = report().claims.assign(period=["2025", "2019", ""])
    frame = views.timeline_frame(claims, "自给率", "en")
    assert frame["x"].tolist() == [2019.0, 2025.0] and frame["figure"].tolist() == ["78%", "&gt;38%"]
    assert views.timeline_metrics(claims) == ["自给率"]


def test_search_finds_traditional_text_from_a_simplified_word():
    articles = pd.DataFrame({"article_id": ["a"], "source": ["甲"], "title": ["一"]})
    hits = search.keyword_in_context({"a": "全面放開高科技出口。"}, articles, ["放开"], width=2)
    assert hits[["match", "before", "after", "start"]].values.tolist() == [["放開", "全面", "高科", 2]]


def test_a_card_of_thousands_of_figures_shows_each_article_first_and_few_in_all():
    claims = pd.concat([report().claims.iloc[[0]]] * 500 + [report().claims.iloc[[1, 2]]], ignore_index=True)
    claims["start"] = range(len(claims))
    shown = views.representative(claims, 8)
    assert len(shown) == 8 and set(shown["article_id"]) == {"a", "b", "c"}


def test_the_dot_figure_built_unvalidated_is_the_one_plotly_validates():
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    from ui import blocks

    frame = views.dot_plot_frame(kinds_report().claims[lambda c: c["group_id"] == "G001"], "en")
    frame.loc[1, "value_high"] = frame.loc[1, "value"] + 5  # a stated range: a line
    figure = blocks.dot_figure(frame, "en")
    assert figure.layout.shapes and figure.layout.annotations, "a range and an open end are drawn"
    validated = go.Figure(figure.to_dict())  # raises on a property Plotly does not know
    assert json.loads(pio.to_json(validated, validate=False)) == json.loads(pio.to_json(figure, validate=False))


def test_every_groups_telling_pair_found_in_one_pass_is_the_one_found_alone():
    report = kinds_report()
    telling = views.telling_comparisons(report.pairs)
    assert set(telling) == set(report.pairs["group_id"])
    for group_id, label in telling.items():
        assert report.pairs.loc[label].equals(views.telling_comparison(report.pairs, group_id))
    card = views.group_card(report, "G001", "en", kinds=group_kinds(report.claims), telling=telling)
    assert card == views.group_card(report, "G001", "en")
