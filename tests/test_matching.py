"""Claim matching on sentences written for these tests: frames, similarity, clusters and verdicts.

Each case runs the whole pipeline (extraction without cache, then :func:`group_claims`) on a few
short articles, so the frames come from real figure and entity extraction.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.claims import group_claims
from core.entities import extract_entities
from core.figures import extract_figures
from core.figures.cues import modality_of
from core.frames import article_frame_rows, change_of, dimension_of, layout, resolve_period, role_of
from core.matching import canonical_words, cluster_frames
from core.pipeline import extract_corpus
from core.verdicts import compare, figure_interval, note_of

ARTICLES = {
    # One claim in Traditional (Hong Kong wire, full-width digits) and Simplified script.
    "a_hk.txt": "美國商務部１６日宣布將１７家中國實體列入出口管制「實體清單」，涉及人工智能晶片研發。\n",
    "b_cn.txt": "美国商务部16日宣布，将十七家中国实体列入实体清单，涉及人工智能芯片研发。\n"
                "华为今年智能手机出货量增长17%。\n",
    # A change in one sentence, and the same tariff level stated elsewhere.
    "c_tw.txt": "美國對越南商品的關稅將從46%降至20%，為期90天。\n",
    "d_cn.txt": "目前，美国对越南商品的关税维持在20%。\n",
    # One article that disagrees with itself, and an estimate beside a report.
    "e_cn.txt": "2024年，长江存储在全球闪存市场的份额为8%。\n"
                "分析师称，2024年长江存储在全球闪存市场的份额达到12%。\n",
    "f_cn.txt": "据估计，2024年长江存储在全球闪存市场的份额约为8%。\n",
    "g_cn.txt": "据业内估计，2024年长江存储在全球闪存市场的份额约为30%。\n",
}


@pytest.fixture(scope="module")
def extraction(tmp_path_factory):
    folder = tmp_path_factory.mktemp("matching")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return extract_corpus([folder], cache_dir=None)


@pytest.fixture(scope="module")
def report(extraction):
    return group_claims(extraction)


def groups_of(report, file: str, value: float) -> set[str]:
    claims = report.claims
    rows = claims[(claims["file"].map(lambda f: Path(f).name) == file) & (claims["value"] == value)]
    return set(rows["group_id"])


def grouped(tmp_path, **texts: str):
    """The claim report of articles written to ``tmp_path`` (``a="…"`` is a.txt), each text one line."""
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(f"{text}\n", encoding="utf-8")
    return group_claims(extract_corpus([tmp_path], cache_dir=None))


def pairs(report, a: tuple[str, float], b: tuple[str, float]) -> list[dict]:
    out = []
    for row in report.comparisons.to_dict("records"):
        sides = {(Path(row["file_a"]).name, row["value_a"]), (Path(row["file_b"]).name, row["value_b"])}
        if sides == {a, b}:
            out.append(row)
    return out


def test_traditional_and_simplified_forms_of_one_claim_group_and_agree(report):
    assert groups_of(report, "a_hk.txt", 17) & groups_of(report, "b_cn.txt", 17)
    rows = pairs(report, ("a_hk.txt", 17), ("b_cn.txt", 17))
    assert rows and all(r["verdict"] == "agree" for r in rows)


def test_same_value_of_another_measure_stays_apart(report):
    # 17% growth of Huawei's shipments is no count of listed entities, nor anything else here.
    assert not groups_of(report, "b_cn.txt", 17) & groups_of(report, "a_hk.txt", 17) - \
        set(report.claims.loc[report.claims["unit"] == "count", "group_id"])
    shares = report.claims[(report.claims["unit"] == "%") & (report.claims["value"] == 17)]
    assert shares.empty


def test_a_change_in_one_sentence_is_a_before_and_after(report):
    rows = pairs(report, ("c_tw.txt", 46), ("c_tw.txt", 20))
    assert rows
    assert all((r["verdict"], r["reason"], r["note"]) == ("differ", "different_period", "before_after") for r in rows)


def test_the_level_after_a_change_agrees_with_the_same_level_elsewhere(report):
    rows = pairs(report, ("c_tw.txt", 20), ("d_cn.txt", 20))
    assert rows and all(r["verdict"] == "agree" for r in rows)
    # The former level is a different period, not a contradiction of the level today.
    earlier = pairs(report, ("c_tw.txt", 46), ("d_cn.txt", 20))
    assert earlier and all(r["reason"] == "different_period" for r in earlier)


def test_an_article_contradicting_itself_says_so(report):
    rows = pairs(report, ("e_cn.txt", 8), ("e_cn.txt", 12))
    assert rows
    assert all((r["verdict"], r["reason"], r["note"]) == ("differ", "unexplained", "self_contradiction")
               for r in rows)
    assert "同一篇文章" in rows[0]["explanation"] and "contradicts itself" in rows[0]["explanation_en"]


def test_an_estimate_and_a_report_of_the_same_quantity_are_the_same_kind(report):
    agree = pairs(report, ("e_cn.txt", 8), ("f_cn.txt", 8))
    assert agree and all(r["verdict"] == "agree" for r in agree)
    # An estimate far from every report is a contradiction, not a difference of modality.
    differ = pairs(report, ("e_cn.txt", 12), ("g_cn.txt", 30)) + pairs(report, ("e_cn.txt", 8), ("g_cn.txt", 30))
    assert len(differ) == 2 and all(r["reason"] == "unexplained" for r in differ)


def test_an_article_is_contradicted_only_if_none_of_its_values_agrees(report):
    """e gives 8% and 12% (at odds with itself); f's 8% agrees with e's 8%, so f against e's 12% is e's own
    inconsistency, not a contradiction between the two articles: that pair is not reported."""
    assert pairs(report, ("e_cn.txt", 8), ("f_cn.txt", 8))[0]["verdict"] == "agree"
    assert pairs(report, ("e_cn.txt", 12), ("f_cn.txt", 8)) == []
    [own] = pairs(report, ("e_cn.txt", 8), ("e_cn.txt", 12))
    assert own["reason"] == "unexplained" and own["note"] == "self_contradiction"


def test_group_labels_read_in_both_languages(report):
    claims = report.claims
    label = claims.loc[claims["file"].map(lambda f: Path(f).name) == "e_cn.txt", ["label", "label_en"]].iloc[0]
    assert "份额" in label["label"]
    assert "share" in label["label_en"].lower()


# --- order invariance ------------------------------------------------------------------------------


def partition(report) -> set[frozenset[tuple[str, int]]]:
    return {frozenset(zip(part["file"], part["start"], strict=True)) for _, part in report.claims.groupby("group_id")}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(sorted(ARTICLES)))
def test_grouping_does_not_depend_on_article_order(extraction, order):
    rank = {Path(f).name: i for i, f in enumerate(order)}

    def reordered(frame: pd.DataFrame) -> pd.DataFrame:
        if frame.empty or "file" not in frame:
            return frame
        key = frame["file"].map(lambda f: rank[Path(f).name])
        return frame.assign(_order=key).sort_values(["_order"], kind="stable").drop(columns="_order")

    shuffled = type(extraction)(**{
        **vars(extraction),
        "figures": reordered(extraction.figures).reset_index(drop=True),
        "mentions": reordered(extraction.mentions).reset_index(drop=True),
        "articles": reordered(extraction.articles).reset_index(drop=True),
    })
    assert partition(group_claims(shuffled)) == partition(group_claims(extraction))


# --- the rules, one by one ------------------------------------------------------------------------


def fig(text: str, value: float, **fields) -> dict:
    return {"text": text, "value": value, "value_high": None, "qualifier": "exact", "article_id": "a",
            "modality": "reported", "period": "", **fields}


def test_rounding_follows_how_a_figure_is_written():
    assert compare(fig("5888.62亿", 5888.62e8), fig("5890亿", 5890e8)).verdict == "agree"
    assert compare(fig("46亿", 46e8), fig("45億", 45e8, article_id="b")).verdict == "differ"
    assert figure_interval(fig("九成", 90)) == (85, 95)
    assert figure_interval(fig("约九成", 90, qualifier="about")) == (85, 95)
    assert compare(fig("约九成", 90, qualifier="about"), fig("84%", 84, article_id="b")).verdict == "differ"


def test_projection_against_report_is_a_modality_difference_but_estimate_is_not():
    projected = compare(fig("40%", 40, modality="projected"), fig("30%", 30, article_id="b"))
    assert projected.reason == "different_modality"
    estimate = compare(fig("40%", 40, modality="estimate"), fig("30%", 30, article_id="b"))
    assert estimate.reason == "unexplained"


def test_same_source_quoted_by_two_articles_is_noted():
    a = fig("30%", 30, attributed_to="路透")
    b = fig("30%", 30, attributed_to="路透", article_id="b")
    assert note_of(a, b, compare(a, b)) == "same_source"


def test_frame_rules():
    assert dimension_of("pp") == dimension_of("%") == "share"
    assert dimension_of("count", "間") == dimension_of("count", "家")
    assert dimension_of("count", "种") != dimension_of("count", "家")
    # The general classifier counts what its noun is: 140个实体 are 140家实体, 3个项目 are no firms.
    assert dimension_of("count", "个", "实体列入清单") == dimension_of("count", "家") == "count:家"
    assert dimension_of("count", "个", "项目") == dimension_of("count", "个") == "count:个"
    assert dimension_of("count", "个", "人员") == dimension_of("count", "名")
    assert dimension_of("count", "宗") == dimension_of("count", "份") == dimension_of("count", "个", "许可申请")
    assert role_of("关税将从") == "from"
    assert role_of("较去年的") == "base"
    assert role_of("营收占比为") == "level"
    assert role_of("其中") == "part"
    # A date may stand between 由/较 and the number (由去年3月宣布的1,650億美元拉高至…, 较2025年全年的12.6%).
    assert role_of("在美总投资额由去年#月宣布的") == "from" and role_of("较#年全年的") == "base"
    assert role_of("由#家公司组成的联盟占") == "level"  # a count between is no date
    assert role_of("由#月#日起暂停执行「") == "level"  # 由…起 says when something starts, not a former level
    assert role_of("超过", "此次被列入清单的实体中,") == "part"  # the clause before names the whole
    assert role_of("超过", "在谈判中,") == role_of("超过", "在谈判的过程中,") == role_of("美方提出", "清单的实体中,") \
        == "level"
    assert change_of("同比增长") == "增长"
    assert change_of("暂停其中") == "暂停"
    assert change_of("营收按年跌约") == change_of("同比下降") == "下降"  # a one-character verb is its kind's
    assert change_of("股价涨") == change_of("增长了") == "增长"
    assert change_of("关税降至") == ""
    assert resolve_period("今年一季度,阿斯麦", None) == "R0Q1"
    # 低于2024年的#；…约为§: the year a comparison names belongs to its figure, not to the share after it.
    assert resolve_period("2025年进口#,低于2024年的#;中国产品的占比约为", None) == "2025"
    assert resolve_period("2025年进口#,低于2024年的", None) == "2024"  # the base figure itself keeps it
    assert resolve_period("对欧盟出口占比为#,比去年同期提高", 2026) == ""  # the change is not last year's
    assert resolve_period("较去年同期的", 2026) == "2025"
    # A rule sets the number it governs, not one it causes (因出口限制认列55亿美元费用 is a projected charge).
    assert modality_of("", "禁止出口") == "rule"
    assert modality_of("", "预计将因出口限制认列") == "projected"
    assert modality_of("", "受出口管制的芯片算力不得超过") == modality_of("", "基因检测设备出口限制在") == "rule"
    assert modality_of("", "美国GDP恐损失", "若中国全面断供,") == "projected"
    assert modality_of("", "若干") == modality_of("", "", "若干企业营收增长") == "reported"
    assert resolve_period("去年一季度,这两个比例", 2024) == "2023Q1"
    assert resolve_period("2024全年营收占比为", None) == "2024"
    assert resolve_period("今年前10个月", 2024) == "2024-01..2024-10"
    assert resolve_period("今年首季中国稀土出口量", 2026) == "2026Q1"
    assert resolve_period("今年首两个月,出口量", 2026) == resolve_period("前两个月", 2026) == "2026-01..2026-02"
    assert resolve_period("公司提前两个月", 2026) == resolve_period("行业龙头3个月", 2026) == ""


def test_hard_wrapped_lines_stay_one_sentence_and_headings_do_not():
    text = ("美國商務部１２日宣布將２３家中國實體列入出口管制「實體清單」，其中２家\n\n"
            "中國公司遭美方處罰。\n短標題\n正文。")
    lay = layout(text)
    assert lay.sentence(text.index("２家")) == lay.sentence(text.index("中國公司"))
    assert lay.sentence(text.index("短標題")) != lay.sentence(text.index("正文"))


def test_a_value_alone_never_links_two_figures(extraction):
    frames_only_value_alike = group_claims(extraction).claims
    # 8% of a flash market and 8 anything else of another dimension never share a group.
    by_group = frames_only_value_alike.groupby("group_id")["dimension"].nunique()
    assert (by_group == 1).all()
    assert cluster_frames([]) == []


def test_a_frame_names_no_outlet_and_no_reporter():
    """路透社 and the byline's reporter are in the sentence, but a frame names only what is measured."""
    text = "记者王小明报道，路透社引述美国联邦公报称，美国商务部将17家中国实体列入清单。"
    mentions = extract_entities(text)
    assert {m.type for m in mentions} >= {"person", "media"}  # the sentence does name both
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    [row] = article_frame_rows(figures, text, mentions)
    assert set(row["sentence_entities"].split("|")) == {"美国商务部", "中国"}


def test_a_figure_in_a_sentence_of_thousands_reads_a_bounded_window_of_it():
    """营收增长1%、2%、… with no clause break: each figure's phrases are cut to its reach, not the whole list,
    so the cost per figure does not grow with the sentence (it made a 200 KB line take a minute)."""
    from core.frames import CLAUSE_REACH, SENTENCE_REACH

    text = "2024年，公司营收增长" + "、".join(f"{n % 90 + 1}%" for n in range(3000)) + "。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text)][:50]
    rows = article_frame_rows(figures, text, [])
    assert len(rows) == 50
    assert all(len(row["context_phrase"]) <= 2 * CLAUSE_REACH + 1 for row in rows)
    assert rows[0]["frame_period"] == "2024"  # the sentence's year is still read: it stands within reach
    assert max(len(text) - f["end"] for f in figures) > 10 * SENTENCE_REACH


def test_one_articles_figures_sharing_only_their_subject_stay_apart(tmp_path):
    """An article names its subject throughout: 日本's monthly growth and 日本's market share in two sentences
    share a subject and a dimension but no word of what they measure, so they are no claim group."""
    (tmp_path / "a.txt").write_text(
        "日本的出口方面，5月单月涨幅高达45%。\n另据经济产业省，日本半导体设备对华市场份额为31%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert report.groups.empty


def test_two_levels_of_one_period_in_one_sentence_are_parallel_not_a_change(tmp_path):
    """高通约六成营收来自中国，英伟达约两成: two statements side by side, never a before/after of one measure."""
    text = "据统计，高通约六成营收来自中国，英伟达约两成营收依赖中国市场。\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text("美国对越南商品的关税将从46%降至20%。\n", encoding="utf-8")
    # A level beside one of the period the sentence names (去年) is this year's against last year's: a pair.
    (tmp_path / "c.txt").write_text("长江存储表示，其芯片自给率为41%，高于去年的33%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    notes = dict(zip(report.comparisons["value_a"], report.comparisons["note"], strict=True))
    assert 0.6 not in notes and 0.2 not in notes and 60 not in notes
    assert notes.get(46) == "before_after" and notes.get(41) == "before_after"


def test_a_market_size_and_an_import_total_of_one_country_stay_apart(tmp_path):
    """Two dollar amounts about 中国 in two articles: the size of a market is not what the country imports."""
    (tmp_path / "a.txt").write_text("业内人士表示，中国人工智能芯片市场规模今年预计超过600亿美元。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("海关数据显示，中国去年进口芯片总额达3500亿美元，同比增长8%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 6e10) & groups_of(report, "b.txt", 3.5e11)


def test_one_charge_reported_by_three_outlets_is_one_group_that_agrees(tmp_path):
    """A write-down named 计提, 認列…費用 and 费用 in two scripts, the firm named again as 其 or 公司."""
    texts = {
        "a.txt": "超微表示，出口新规将使其本季度计提约8亿美元费用。\n",
        "b.txt": "超微公告指出，公司預計本季將認列8億美元相關費用。\n",
        "c.txt": "受出口限制影响，超微本季度将计提8亿美元费用。\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    (group,) = groups_of(report, "a.txt", 8e8)
    assert groups_of(report, "b.txt", 8e8) == groups_of(report, "c.txt", 8e8) == {group}
    assert set(report.comparisons[report.comparisons["group_id"] == group]["verdict"]) == {"agree"}


def test_changes_of_different_kinds_are_never_one_measure(tmp_path):
    """Quarter-on-quarter growth is not year-on-year growth, and a fall in margin is not a rise in revenue."""
    (tmp_path / "a.txt").write_text("台積電第二季營收季增11.3%，年增38.6%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("台积电第二季度营收同比增长38.6%。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("中芯国际二季度销售收入同比增长16.2%，毛利率环比下降2.1个百分点。\n",
                                    encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 38.6) == groups_of(report, "b.txt", 38.6) != set()
    assert not groups_of(report, "a.txt", 11.3) & groups_of(report, "a.txt", 38.6)
    assert not groups_of(report, "c.txt", 16.2) & groups_of(report, "c.txt", 2.1)


def test_economic_growth_and_export_growth_are_two_measures(tmp_path):
    (tmp_path / "a.txt").write_text("中國今年首季經濟按年增長5.4%，出口增長約6.9%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("一季度我国经济同比增长5.4%，出口同比增长6.9%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    growth, exports = groups_of(report, "a.txt", 5.4), groups_of(report, "a.txt", 6.9)
    assert growth == groups_of(report, "b.txt", 5.4) and exports == groups_of(report, "b.txt", 6.9)
    assert growth and exports and not growth & exports


def test_parallel_clauses_about_two_firms_carry_each_its_own_subject(tmp_path):
    """A clause naming no subject (按年增长10%) speaks of the clause before it: two firms' growth rates side by side
    are two measures, never an article contradicting itself; the same firm's growth elsewhere joins its own."""
    (tmp_path / "a.txt").write_text("中微公司營收80億元，按年增長12%；北方华创營收300億元，按年增長30%。\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("北方华创去年营收约300亿元，同比增长约三成。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 12) & groups_of(report, "a.txt", 30)
    assert groups_of(report, "a.txt", 30) & groups_of(report, "b.txt", 30)
    rows = article_frame_rows([dataclasses.asdict(f) for f in extract_figures(TEXT_OF_TWO_FIRMS)],
                              TEXT_OF_TWO_FIRMS, extract_entities(TEXT_OF_TWO_FIRMS))
    growth = {row["entities"]: row["measure_phrase"] for row, f in zip(rows, extract_figures(TEXT_OF_TWO_FIRMS),
                                                                       strict=True) if f.unit == "%"}
    assert set(growth) == {"中微公司", "北方华创"}
    assert all(phrase.startswith("营收") for phrase in growth.values())  # what grows, from the clause before


TEXT_OF_TWO_FIRMS = "中微公司營收80億元，按年增長12%；北方华创營收300億元，按年增長30%。"


def test_a_subject_is_never_carried_from_the_clause_naming_a_source():
    """中国半导体行业协会报告称，…: the association is whom the figure is quoted from, not what it measures."""
    text = "中国半导体行业协会报告称，今年芯片销售额将达到1.2万亿元。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    [row] = article_frame_rows(figures, text, extract_entities(text))
    assert row["entities"] == ""


def test_a_standing_part_of_an_organisation_names_its_parent_too():
    """美国商务部工业和安全局 (BIS) and 美国商务部 announce one round of listings: the part names its parent."""
    text = "美国商务部工业和安全局（BIS）将12个实体列入实体清单。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    [row] = article_frame_rows(figures, text, extract_entities(text))
    assert set(row["entities"].split("|")) == {"工业和安全局", "美国商务部"}
    assert row["dimension"] == "count:家"


def test_figures_stated_respectively_take_each_its_own_subject_and_stay_apart(tmp_path):
    """华为和寒武纪的份额分别升至28%和11%: the first figure is 华为's, the second 寒武纪's; in one sentence each names
    the other's subject, which is no evidence that they measure one thing. The same firm's share elsewhere joins."""
    text = "英伟达在中国的份额降至38%；华为昇腾和寒武纪的份额则分别升至28%和11%。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    rows = article_frame_rows(figures, text, extract_entities(text))
    assert [row["entities"] for row in rows] == ["英伟达|中国", "华为|昇腾", "寒武纪"]
    (tmp_path / "a.txt").write_text(text + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("研究机构指出，寒武纪在中国的份额约为11%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 28) & groups_of(report, "a.txt", 11)
    assert groups_of(report, "a.txt", 11) & groups_of(report, "b.txt", 11)


def test_a_level_naming_only_its_period_measures_what_the_clause_before_it_does():
    """4月出口量為2,350噸，去年同期為3,980噸: the second figure is last year's exports, not a figure of nothing."""
    text = "4月中國稀土磁體出口量為2,350噸，去年同期為3,980噸。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text, "2026-05-20")]
    rows = article_frame_rows(figures, text, extract_entities(text), "2026-05-20")
    assert rows[1]["measure_phrase"].startswith("出口量") and rows[1]["entities"] == "中国"


def test_a_level_and_a_target_in_one_sentence_are_compared(tmp_path):
    """月产能约3万片，目标年底前扩充至4.5万片: where a firm stands against its goal is a pair (a projection or target
    against a report), unlike two levels side by side."""
    (tmp_path / "a.txt").write_text("中芯国际7纳米月产能目前约3万片，目标在年底前扩充至4.5万片。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    [pair] = pairs(report, ("a.txt", 30000), ("a.txt", 45000))
    assert (pair["verdict"], pair["reason"]) == ("differ", "different_modality")


def test_hong_kong_and_mainland_wordings_of_one_change_are_one_measure(tmp_path):
    """按年減少62% (Hong Kong) and 同比下降约六成 (mainland) both say the year-on-year fall of Korea's HBM exports."""
    (tmp_path / "a.txt").write_text("南韓今年首季對中國出口的高頻寬記憶體（HBM）按年減少62%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("韩国今年第一季度对华高带宽内存（HBM）出口同比下降约六成。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    [pair] = pairs(report, ("a.txt", 62), ("b.txt", 60))
    assert pair["verdict"] == "agree"
    assert canonical_words("按年减少§") == canonical_words("同比下降§") == "同比下降§"
    assert canonical_words("按月增加§") == canonical_words("环比增长§")


def test_the_growth_of_imports_is_never_the_growth_of_exports(tmp_path):
    """同比增长 after 进口额 and after 出口额: two changes of two measures, never one group, however alike the
    words around them."""
    (tmp_path / "a.txt").write_text("2024年中国集成电路进口额为3856亿美元，同比增长10.4%；"
                                    "出口额1595亿美元，同比增长17.4%；贸易逆差约2261亿美元。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("海关总署数据显示，2024年中国集成电路出口额同比增长约17%。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("另据统计，2024年中国集成电路进口额同比增长约10%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 10.4) & groups_of(report, "a.txt", 17.4)
    from core.frames import frames_of_table
    from core.matching import _vectors, similarity

    text = "中国集成电路进口额同比增长10.4%，出口额同比增长17.4%。"
    rows = article_frame_rows([dataclasses.asdict(f) for f in extract_figures(text)], text, extract_entities(text))
    frames = frames_of_table(pd.DataFrame(rows))
    assert [f.change for f in frames] == ["增长", "增长"]
    assert similarity(*frames, *_vectors(frames)) == 0.0


def test_share_price_moves_in_hong_kong_and_taiwan_wording_are_one_measure(tmp_path):
    """收市跌 and 股價重挫 say one fall of one share price; the firm's revenue growth is another measure."""
    (tmp_path / "a.txt").write_text("德儀周五收市跌6.2%，報每股182美元。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("消息一出，德儀股價當天在美股重挫6.2%。德儀去年營收按年增長6.2%。\n",
                                    encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    (price,) = groups_of(report, "a.txt", 6.2)
    b = report.claims[report.claims["file"].map(lambda f: Path(f).name) == "b.txt"]
    in_price = b[b["group_id"] == price]["sentence"].tolist()
    assert in_price == ["消息一出，德儀股價當天在美股重挫6.2%。"]


def test_domestic_in_the_mainland_press_is_china(tmp_path):
    """国产…自给率 in Simplified script is China's rate, as a Taiwan outlet's 中國類比晶片自給率 (类比: analog, no
    comparison) is: the reported level of 2025 agrees across the two, the 2027 projection differs by period."""
    (tmp_path / "a.txt").write_text("据行业协会统计，2025年国产模拟芯片自给率约为18%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("市調機構分析，中國類比晶片自給率去年約18%，2027年可望提升至28%。\n",
                                    encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,source,published\na.txt,A,2026-04-02\nb.txt,B,2026-04-08\n",
                                           encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    (group,) = groups_of(report, "a.txt", 18)
    assert groups_of(report, "b.txt", 18) == groups_of(report, "b.txt", 28) == {group}


def test_equipment_localisation_is_not_chip_self_sufficiency(tmp_path):
    """半导体设备国产化率 and 芯片自给率 are both rates of making at home, of two different things (scopes.tsv);
    人工智能芯片 and 芯片 name a scope in common."""
    (tmp_path / "a.txt").write_text("据测算，中国半导体设备国产化率约为30%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("业内估计，中国芯片自给率约为30%。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("机构估计，华为今年将生产约60万颗昇腾人工智能芯片。\n", encoding="utf-8")
    (tmp_path / "d.txt").write_text("华为计划今年生产约60万颗昇腾芯片。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 30) & groups_of(report, "b.txt", 30)
    assert groups_of(report, "c.txt", 6e5) == groups_of(report, "d.txt", 6e5) != set()


def test_a_measure_restated_without_its_subject_continues_the_sentence_before(tmp_path):
    """4月出口量为2350吨 names no subject: it is the export volume the sentence before stated for China's magnets, and
    agrees with another outlet's 4月中國稀土磁體出口量; a sentence naming its own subject keeps it."""
    (tmp_path / "a.txt").write_text("海关数据显示，5月我国稀土永磁体出口量为3120吨，环比增长32.8%。"
                                    "4月出口量为2350吨，是新规实施后的首个完整月份。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("海關數據顯示，4月中國稀土磁體出口量為2,350噸。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("5月日本稀土永磁体出口量为300吨。4月出口量为2350吨。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    (group,) = groups_of(report, "b.txt", 2.35e6)  # in kg
    assert groups_of(report, "a.txt", 2.35e6) == {group}
    assert groups_of(report, "a.txt", 3.12e6) == {group}  # the May volume: one measure, another month
    assert not groups_of(report, "c.txt", 2.35e6) & {group}  # Japan's, by the same restating


def test_a_firm_named_again_as_the_company_is_the_figure_subject(tmp_path):
    """当季公司实现营收681亿美元: 公司 is the firm named last before it, as the figure's description says; the same
    revenue stated with the firm's name in another outlet agrees with it."""
    (tmp_path / "a.txt").write_text("英伟达周三公布财报。当季公司实现营收681亿美元，同比增长73%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("輝達上季營收681億美元，年增73%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 6.81e10) == groups_of(report, "b.txt", 6.81e10) != set()
    assert groups_of(report, "a.txt", 73) == groups_of(report, "b.txt", 73) != set()


def test_the_ratio_pointed_back_at_is_the_last_level_before_it(tmp_path):
    """該比例 and 这一比例 point at the last level share stated before them, in their own sentence too; a change
    between (恒指升1.5%) is no 比例."""
    (tmp_path / "a.txt").write_text("英偉達來自中國的收入佔總收入13%；而在2022財年，該比例一度高達26%。\n",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text("英伟达中国收入占总营收约6%，恒生指数则升1.5%。而上一财年这一比例为13%。\n",
                                    encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    (group,) = groups_of(report, "a.txt", 13)
    assert groups_of(report, "a.txt", 26) == groups_of(report, "b.txt", 13) == groups_of(report, "b.txt", 6) == {group}
    assert not groups_of(report, "b.txt", 1.5) & {group}


def test_a_byline_place_is_no_subject_and_taiwan_s_lu_zhi_is_china(tmp_path):
    """〔記者某某／台北報導〕 says where the reporter writes from, not what the first sentence's figure is about;
    陸製電池 are batteries made in mainland China, as the mainland press's 中国产 are."""
    (tmp_path / "a.txt").write_text("電池關稅調升\n\n〔記者林某／台北報導〕美國宣布，"
                                    "陸製電動車鋰電池的關稅由25%調升至50%。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("美方宣布将中国产电动汽车锂电池的关税由25%提高至50%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 50) == groups_of(report, "b.txt", 50) != set()
    frames = report.claims[report.claims["file"].map(lambda f: Path(f).name) == "a.txt"]["entities"]
    assert not any("台湾" in str(e) for e in frames)


def test_orders_placed_and_their_number_are_one_measure(tmp_path):
    """落單，數量逾200萬顆 counts the orders of the clause before (数量 says how many, not of what); 订购超过两百万颗
    states the same orders."""
    (tmp_path / "a.txt").write_text("內地多家科技企業已就今年交付的H200落單，數量逾200萬顆。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("消息称，中国企业已向英伟达订购超过两百万颗H200芯片。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("英伟达今年的H200出货量约为200万颗。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 2e6) == groups_of(report, "b.txt", 2e6) != set()
    assert not groups_of(report, "c.txt", 2e6) & groups_of(report, "a.txt", 2e6)


def test_a_firm_named_again_in_a_sentence_is_the_subject_of_its_other_figures(tmp_path):
    """該公司本月宣布加碼350億美元，令在美總投資增至2,000億美元: both figures are the firm's, as its description
    found for the first."""
    (tmp_path / "a.txt").write_text("台積電首季北美營收占比升至77%。"
                                    "該公司本月宣布加碼350億美元，令在美總投資增至2,000億美元。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("台积电15日宣布将在美投资总额提高至2000亿美元。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 2e11) == groups_of(report, "b.txt", 2e11) != set()


@pytest.mark.parametrize(("before", "role"), [
    ("出口额比#年增长", "level"),  # the growth, not its base
    ("较去年增长", "level"),
    ("从事芯片设计的企业达", "level"),
    ("由于关税出口额降至", "level"),
])
def test_words_that_look_like_a_base_or_a_start_but_are_not(before, role):
    assert role_of(before) == role


@pytest.mark.parametrize("before", ["新规禁止中国企业使用", "限制向中国转让", "禁止出口或使用"])
def test_a_ban_on_using_or_transferring_sets_a_rule(before):
    assert modality_of("", before) == "rule"


@pytest.mark.parametrize("text", [
    "韩国内存芯片出口额增长20%。", "美国第一季度国内生产总值增长2.8%。", "美国产大豆出口增长20%。",
])
def test_another_country_s_domestic_is_not_china(text):
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    rows = article_frame_rows(figures, text, extract_entities(text))
    assert all("中国" not in row["entities"].split("|") for row in rows)


def test_a_figure_of_the_whole_world_does_not_take_the_sentence_before_s_subject(tmp_path):
    text = "5月中国稀土永磁体出口量为3120吨。全球出口量约为5000吨。"
    figures = [dataclasses.asdict(f) for f in extract_figures(text)]
    rows = article_frame_rows(figures, text, extract_entities(text))
    assert [row["entities"] for row in rows] == ["中国", ""]


def test_figures_whose_sentences_name_no_subject_meet_by_their_lexicon_measure(tmp_path):
    """采用40纳米及以上制程 and 只限于40纳米及以上工艺 state one process node of one case, in words alike only through
    measures.tsv (工艺 = 制程), and neither sentence names a subject."""
    (tmp_path / "a.txt").write_text("涉案產品為採用40納米及以上製程的通用接口晶片。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("被调查产品只限于40纳米及以上工艺的接口芯片和栅极驱动芯片。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert groups_of(report, "a.txt", 40) == groups_of(report, "b.txt", 40) != set()


def test_a_price_rise_and_a_rise_in_liabilities_are_two_measures(tmp_path):
    """较年初上升三至四成 of magnet parts' prices and 较年初增长96% of a firm's contract liabilities share only their
    words for since the start of the year."""
    (tmp_path / "a.txt").write_text("分銷商透露，部分含鏑磁體零件的報價已較年初上升三至四成。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("截至一季度末，寒武纪合同负债为12.6亿元，较年初增长96%。\n", encoding="utf-8")
    report = group_claims(extract_corpus([tmp_path], cache_dir=None))
    assert not groups_of(report, "a.txt", 30) & groups_of(report, "b.txt", 96)


def test_a_body_named_after_its_place_is_not_apart_from_it(tmp_path):
    """新加坡海事及港务管理局 and 新加坡港 give one April throughput: a body named after its place speaks of that
    place, so the two clauses' subjects are not disjoint."""
    report = grouped(tmp_path, a="新加坡海事及港务管理局星期四公布，4月集装箱吞吐量为366万个标准箱。",
                     b="据统计，新加坡港4月集装箱吞吐量为366万个标准箱，按年增长6%。")
    [pair] = pairs(report, ("a.txt", 3_660_000), ("b.txt", 3_660_000))
    assert pair["verdict"] == "agree"


def test_one_account_of_two_companies_is_two_measures(tmp_path):
    """ASML's and Tokyo Electron's revenue shares from China are two measures, however alike the words; a ministry
    quoted for an industry's sales is its source, not a company whose accounts these are."""
    report = grouped(tmp_path, a="阿斯麦今年首季来自中国大陆的营收占比为27%。",
                     b="东京电子今年首季来自中国大陆的营收占比为29%。", c="阿斯麦第一季度来自中国大陆的收入占比为27%。",
                     d="工业和信息化部数据显示，上半年中国集成电路产业销售额同比增长15%。",
                     e="中国半导体行业协会称，上半年中国集成电路销售额同比增长约15%。")
    assert groups_of(report, "a.txt", 27) == groups_of(report, "c.txt", 27)
    assert not groups_of(report, "a.txt", 27) & groups_of(report, "b.txt", 29)
    assert groups_of(report, "d.txt", 15) == groups_of(report, "e.txt", 15) != set()


def test_agreeing_on_one_period_does_not_settle_another(tmp_path):
    """Two articles that agree on the year's forecast still contradict each other on the first quarter."""
    report = grouped(tmp_path, a="阿斯麦第一季度来自中国大陆的营收占比为27%，公司预计全年占比约为20%。",
                     b="阿斯麦第一季度来自中国大陆的营收占比为25%，公司预计全年占比约为20%。")
    [pair] = pairs(report, ("a.txt", 27), ("b.txt", 25))
    assert (pair["verdict"], pair["reason"]) == ("differ", "unexplained")


def test_this_proportion_points_back_at_the_share_before_it(tmp_path):
    """這項比重將降至約30%: 比重 is named again as 比例 is, so the forecast is the same firm's share as the level."""
    report = grouped(tmp_path, a="東京威力科創去年的中國大陸營收占比仍有36.8%，該公司先前預估，這項比重將降至約30%。")
    assert groups_of(report, "a.txt", 36.8) == groups_of(report, "a.txt", 30) != set()


def test_the_other_party_of_a_trade_is_not_what_its_figure_is_about():
    """中国对美国出口 is China's trade, 一季度进口光刻机127台，其中自荷兰进口… is not the Netherlands' count; a clause
    naming only the other party keeps it (对美国出口额达21.6亿新元), and 禁止向中国出口 stays about China."""
    from core.doc import layout
    from core.frame_subjects import Subjects

    text = ("美国禁止向中国出口先进芯片。中国对美国出口增长。一季度进口光刻机127台，其中自荷兰进口占六成。"
            "对美国出口额达5亿元。")
    mentions = [(m.start, m.entity, m.type) for m in extract_entities(text)]
    subjects = Subjects(text, mentions, layout(text))
    first, second, third, fourth = (text.index(s) for s in ("美国禁止", "中国对", "一季度", "对美国出口额"))
    assert subjects.of_clause(first, second) == ("美国", "中国")
    assert subjects.of_clause(second, third) == ("中国",)
    assert subjects.of_sentence(third, fourth) == ()
    assert subjects.of_clause(fourth, len(text)) == ("美国",)
    # Singapore's 非石油国内出口 (domestic exports) names no China, as 我国 and 国产 do.
    nodx = "新加坡3月非石油国内出口按年增长12.6%。"
    assert Subjects(nodx, [], layout(nodx)).of_clause(0, len(nodx)) == ()


def test_who_acts_on_whom_is_read_within_a_clause_naming_its_own_subject():
    """美方…向中国船舶收取每净吨50美元: the US charges China; the next clause, 中方则同步暂停每净吨400元, names its own
    subject and is acted on by no 向 before it."""
    text = "美方宣布暂停向中国船舶收取每净吨50美元的港口费，中方则同步暂停每净吨400元人民币的特别港务费。"
    rows = article_frame_rows([dataclasses.asdict(f) for f in extract_figures(text)], text, extract_entities(text))
    assert [row["direction"] for row in rows] == ["美国>中国", ""]


def test_a_national_agency_speaks_for_its_country():
    """海关总署 is China's customs: a clause naming it names China too (entity_parents.tsv), so its export growth
    meets the same figure of 我国."""
    from core.doc import layout
    from core.frame_subjects import Subjects

    text = "海关总署日前公布，今年首季锂电池出口额约1700亿元，年增13.1%。"
    mentions = [(m.start, m.entity, m.type) for m in extract_entities(text)]
    subjects = Subjects(text, mentions, layout(text))
    assert subjects.of_clause(0, text.index("，")) == ("海关总署", "中国")
