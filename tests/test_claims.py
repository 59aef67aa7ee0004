import math
from types import SimpleNamespace

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from core.claims import group_claims, group_kinds
from core.doc import Doc
from core.explanations import explain, explanation_of
from core.figures.cues import modality_of
from core.qualitative import qualitative_mentions
from core.verdicts import TOLERANCE, compare, interval, kind_of, overlap_kind, period_span, periods_differ, verdict_of


def fig(value, *, unit="%", qualifier="exact", value_high=None, period="", modality="reported",
        metric="芯片自给率", subject="中国", article="a", sentence_start=0, attributed_to="", sentence=""):
    return {
        "file": f"{article}.txt", "article_id": article, "source": f"source {article}", "text": f"{value}{unit}",
        "value": value, "value_high": value_high, "unit": unit, "classifier": "", "qualifier": qualifier,
        "metric": metric, "subject": subject, "period": period, "modality": modality,
        "attributed_to": attributed_to, "sentence": sentence, "start": 0, "end": 1,
        "sentence_start": sentence_start,
        "sentence_end": 0,
    }


def extraction_of(*figures):
    frame = pd.DataFrame(list(figures))
    articles = frame.drop_duplicates("article_id")[["article_id", "file", "source"]]
    return SimpleNamespace(figures=frame, articles=articles, mentions=pd.DataFrame(), context=pd.DataFrame())


# --- tolerance rules ---

def test_about_agrees_within_three_percent():
    assert compare(fig(20, qualifier="about"), fig(20)).verdict == "agree"
    assert compare(fig(60, qualifier="about"), fig(61.5)).verdict == "agree"
    assert compare(fig(60, qualifier="about"), fig(63)).verdict == "differ"
    # 约45% against 约47%: two points of an average tariff are a disagreement, not rounding.
    assert compare(fig(45, qualifier="about"), fig(47, qualifier="about")).verdict == "differ"


def test_two_abouts_do_not_add_their_reach():
    """约19亿 and 约21亿 are two figures: one qualifier widens the reach of a pair, never both at once."""
    assert compare(fig(19, qualifier="about", unit="亿"), fig(21, qualifier="about", unit="亿")).verdict == "differ"
    assert compare(fig(19, qualifier="about", unit="亿"), fig(19.8, qualifier="about", unit="亿")).verdict == "agree"


def test_of_two_periods_only_the_same_written_value_agrees():
    """七成 in 2024 and 约64% in 2025 are two levels of one measure, however close 约 brings them; 约70% agrees."""
    seventy = {**fig(70, period="2024"), "text": "七成"}
    assert compare(seventy, fig(64, qualifier="about", period="2025")) == verdict_of("differ", "different_period",
                                                                                     "full")
    assert compare(seventy, fig(64, qualifier="about", period="2024")).verdict == "agree"
    assert compare(seventy, fig(70, qualifier="about", period="2025")).verdict == "agree"


def test_exact_agrees_only_within_rounding():
    assert compare(fig(38), fig(38.2)).verdict == "agree"
    assert compare(fig(38), fig(40)).verdict == "differ"


def test_over_does_not_reach_far_larger_values():
    assert compare(fig(38, qualifier="over"), fig(78), ).verdict == "differ"
    assert compare(fig(38, qualifier="over"), fig(39)).verdict == "agree"


def test_over_touches_range_only_at_boundary():
    low, high = interval(5e10, None, "over")
    assert low == 5e10 and math.isclose(high, 5e10 * (1 + TOLERANCE["over"][1]))
    verdict = compare(fig(5e10, unit="USD", qualifier="over"), fig(5.4e10, unit="USD"))
    assert verdict.verdict == "agree"
    edge = overlap_kind(interval(5e10, None, "over"), (3e10, 5e10))
    assert edge == "boundary"


def test_tiny_figures_are_compared_by_their_own_size_not_an_absolute_amount():
    # Found by hypothesis: an absolute tolerance of 1e-12 made 约1e-12 differ from itself.
    a = fig(1e-12, qualifier="about")
    assert compare(a, dict(a)).verdict == "agree"
    assert overlap_kind((5e-13, 1.5e-12), (1.5e-12, 2e-12)) == "boundary"
    assert overlap_kind((5e-13, 1e-12), (2e-12, 3e-12)) == "none"
    assert overlap_kind((0.0, 0.0), (0.0, 0.0)) == "boundary"


def test_ranges_overlap():
    assert compare(fig(3e10, value_high=5e10, unit="USD"), fig(4e10, unit="USD")).verdict == "agree"
    assert compare(fig(30, value_high=40), fig(45)).verdict == "differ"


def test_at_least_and_at_most_bounds():
    assert compare(fig(270, qualifier="at_least"), fig(300)).verdict == "agree"
    assert compare(fig(100, qualifier="at_most"), fig(120)).verdict == "differ"


# --- reasons ---

def test_different_period_explains_a_difference():
    verdict = compare(fig(25, period="2019", metric="关税"), fig(30, period="2025", metric="关税"))
    assert (verdict.verdict, verdict.reason) == ("differ", "different_period")


def test_different_modality_explains_a_difference():
    verdict = compare(fig(38, qualifier="over", period="2025"), fig(78, modality="projected"))
    assert (verdict.verdict, verdict.reason) == ("differ", "different_modality")


def test_same_period_and_modality_is_unexplained():
    verdict = compare(fig(38, period="2025", article="a"), fig(45, period="2025", article="b"))
    assert (verdict.verdict, verdict.reason) == ("differ", "unexplained")


def test_change_within_one_sentence_is_a_period_difference():
    a = fig(28, metric="市场份额", article="x", sentence_start=5)
    b = fig(15, metric="市场份额", article="x", sentence_start=5)
    assert compare(a, b).reason == "different_period"


# --- measures and grouping ---

def test_period_spans():
    assert period_span("2025Q1") == (2025 * 12, 2025 * 12 + 2)
    assert period_span("2024-01..2024-03") == (2024 * 12, 2024 * 12 + 2)
    assert periods_differ("2024-01..2024-03", "2024-05")
    assert periods_differ("2025H1", "2025-04")  # a month is not its half-year


def test_a_part_of_a_year_is_another_period_than_the_year():
    assert periods_differ("2025", "2025Q1")
    assert periods_differ("2023", "R-1Q1")  # a quarter of an unknown year is no full year
    assert not periods_differ("2025Q1", "2025Q1")
    assert periods_differ("2019", "2025")
    assert not periods_differ("", "2025")


def test_relative_years_compare_only_within_one_article():
    assert periods_differ("R-1Q1", "R0Q1", same_article=True)
    assert not periods_differ("R-1Q1", "R0Q1", same_article=False)
    assert period_span("同期") is None


# --- properties ---

qualifiers = st.sampled_from(sorted(TOLERANCE))
values = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(values, qualifiers, values, qualifiers, st.sampled_from(["", "2019", "2025"]),
       st.sampled_from(["reported", "projected"]))
def test_verdicts_are_symmetric(v1, q1, v2, q2, period, modality):
    a = fig(v1, qualifier=q1, article="a")
    b = fig(v2, qualifier=q2, period=period, modality=modality, article="b")
    assert compare(a, b) == compare(b, a)


@given(values, qualifiers, st.one_of(st.none(), values))
def test_a_figure_always_agrees_with_itself(value, qualifier, high):
    a = fig(value, qualifier=qualifier, value_high=high)
    assert compare(a, dict(a)).verdict == "agree"
    low, up = interval(value, high, qualifier)
    assert low <= up and not math.isnan(low)


def test_large_groups_compare_a_bounded_set_and_still_find_the_contradiction():
    many = [fig(30 + (i % 7) * 0.1, period="2025", article=f"a{i}") for i in range(400)]
    many.append(fig(55, period="2025", article="outlier"))
    report = group_claims(extraction_of(*many))
    assert len(report.comparisons) < 5000
    assert report.groups["status"].iloc[0] == "contradiction"
    assert (report.comparisons["reason"] == "unexplained").any()


def test_small_groups_compare_every_pair():
    report = group_claims(extraction_of(*(fig(20 + i, article=f"a{i}") for i in range(6))))
    assert len(report.comparisons) == 15


# --- subjects and grouping beyond the seeds ---


def test_qualitative_mention_needs_the_scope_right_before_the_measure():
    from core.normalize import normalize

    text = "中國芯片出口額已突破萬億人民幣,半導體自給率穩步提升。芯片出口管制越來越嚴。"
    found = qualitative_mentions(Doc(normalize(text)))
    assert [(m["measure"], m["scope"]) for m in found] == [("自给率", "半导体")]
    assert found[0]["sentence"].startswith("中國芯片")


def test_qualitative_mention_in_a_sentence_without_end_keeps_only_the_part_around_it():
    from core.normalize import normalize

    filler = "中美科技竞争持续" * 500
    text = filler + "半導體自給率穩步提升" + filler
    found = qualitative_mentions(Doc(normalize(text)))
    assert len(found) == 1
    sentence = found[0]["sentence"]
    assert "半導體自給率" in sentence and len(sentence) <= 2 * 200 + len("半导体自给率")
    assert text[found[0]["start"]:found[0]["end"]].strip() == sentence


def test_on_the_seeds_the_self_sufficiency_disagreement_of_two_sources_ranks_first():
    from pathlib import Path

    from core.pipeline import extract_corpus

    report = group_claims(extract_corpus([Path(__file__).parents[1] / "seeds"], cache_dir=None))
    groups = report.groups[report.groups["metric"].str.endswith("自给率") & (report.groups["subject"] == "中国")]
    assert len(groups) == 1
    top = groups.iloc[0]
    # First: the process-node group has more sources, but its articles agree where they can (7nm) and its one
    # contradiction is an article's own (≤14nm and ≤7nm for one rule), so it ranks by its other pairs.
    assert top["sources"] == 2 and top["rank"] == 1
    pair = report.comparisons[report.comparisons["group_id"] == top["group_id"]].iloc[0]
    assert sorted([pair.value_a, pair.value_b]) == [38, 78]
    assert (pair.verdict, pair.reason) == ("differ", "different_modality")
    assert "projects 78%" in pair.explanation_en


def test_equal_values_for_different_periods_say_so():
    a = fig(70, period="2025", modality="target", article="a")
    b = fig(70, period="2030", modality="target", article="b")
    verdict = compare(a, b)
    assert verdict.verdict == "agree"
    assert "not the same fact" in explain("自给率", "中国", a, b, verdict)[1]


def test_every_pair_is_explained_the_same_column_wise_one_by_one_and_from_its_figures():
    figures = [
        fig(38, period="2025", article="a", attributed_to="海关"), fig(78, period="2025", modality="projection",
                                                                      article="b"),
        fig(40, qualifier="about", period="2025", article="c", attributed_to="海关"),
        fig(70, period="2024", article="d"), fig(39, period="2025", article="e", subject=""),
    ]
    report = group_claims(extraction_of(*figures))
    pairs, explained = report.pairs, report.comparisons
    assert pairs["explanation"].isna().all() and explained["explanation"].notna().all()
    by_file = {f["file"]: f for f in figures}
    kinds = set()
    for pair, row in zip(pairs.to_dict("records"), explained.itertuples(), strict=True):
        sentences = (row.explanation, row.explanation_en)
        assert explanation_of(pair) == sentences
        a, b = ({**by_file[pair[f"file_{s}"]], "text": pair[f"text_{s}"]} for s in "ab")
        verdict = compare(a, b)
        assert explain(pair["metric"], pair["subject"], a, b, verdict) == sentences
        kinds.add((row.verdict, row.reason))
    assert {("agree", ""), ("differ", "different_modality"), ("differ", "unexplained")} <= kinds


@given(st.lists(st.tuples(st.sampled_from(["G001", "G002"]), st.sampled_from(["新华社", "联合早报", None]),
                          st.sampled_from(["a", "b"]), st.sampled_from([0, 17, None])), min_size=1, max_size=8))
def test_group_kinds_counted_column_wise_say_what_kind_of_says_of_each_group(rows):
    claims = pd.DataFrame(rows, columns=["group_id", "source", "article_id", "sentence_start"])
    members = {}
    for group_id, source, article_id, start in rows:
        members.setdefault(group_id, []).append(
            {"source": source, "article_id": article_id, "sentence_start": start})
    assert group_kinds(claims) == {group_id: kind_of(figures) for group_id, figures in members.items()}


def test_two_bounds_or_ranges_agree_only_end_for_end():
    """最多52亿 and 最高42亿 are two estimates of one bound; 32–42 and 32–52 two ranges, however they overlap; a
    figure inside a range still agrees with it."""
    assert compare(fig(52, qualifier="at_most", unit="亿"), fig(42, qualifier="at_most", unit="亿")).verdict == "differ"
    assert compare(fig(52, qualifier="at_most", unit="亿"), fig(52, qualifier="at_most", unit="亿")).verdict == "agree"
    assert compare(fig(32, value_high=42), fig(32, value_high=52)).verdict == "differ"
    assert compare(fig(32, value_high=42), fig(35)).verdict == "agree"


def test_what_a_ban_may_cause_is_projected_not_a_rule():
    """禁令或令美国损失最多52亿美元: a ban's possible cost, not a number the ban sets; 禁止出口7纳米及以下 is a rule."""
    assert modality_of("", "禁令或令美国损失最多") == "projected"
    assert modality_of("", "禁止出口") == "rule"
    assert modality_of("", "承诺在美投资不低于", after="的企业可申请豁免") == "rule"  # what a rule exempts
