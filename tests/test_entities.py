"""Entity recognition on short fixed sentences, one construction per test."""

from __future__ import annotations

import time

from core.entities import (
    ENTITY_TYPES,
    EntityCount,
    EntityMention,
    canonical_name,
    count_entities,
    entity_type,
    extract_entities,
    extract_entities_mapped,
)
from core.lexicon import read_rows
from core.normalize import normalize


def names(text: str) -> list[str]:
    return [m.entity for m in extract_entities(text)]


def mention(text: str, entity: str) -> EntityMention:
    return next(m for m in extract_entities(text) if m.entity == entity)


# -- canonical names ----------------------------------------------------------------------------


def test_traditional_and_simplified_share_canonical_name():
    assert names("中芯國際擴產") == names("中芯国际扩产") == ["中芯国际"]
    assert names("英偉達股價下跌") == names("輝達股價下跌") == ["英伟达"]


def test_english_alias_maps_to_canonical():
    assert names("SMIC and ASML") == ["中芯国际", "阿斯麦"]
    assert names("荷兰光刻机巨头ASML受限于禁令") == ["荷兰", "阿斯麦"]


def test_taiwan_name_not_converted_by_opencc_is_an_alias():
    assert names("川普宣布加征关税") == ["特朗普"]
    assert names("東京威力科創與艾司摩爾") == ["东京电子", "阿斯麦"]


def test_canonical_name_normalises_script_and_aliases():
    assert canonical_name("中芯國際") == "中芯国际"
    assert canonical_name("SMIC") == "中芯国际"
    assert canonical_name("nvidia") == "英伟达"
    assert canonical_name("美國國立衞生研究院") == "美国国立卫生研究院"
    assert canonical_name("某某科技") == "某某科技"


def test_entity_type_of_known_and_unknown_names():
    assert entity_type("黃仁勳") == "person"
    assert entity_type("CSIS") == "org"
    assert entity_type("華爾街日報") == "media"
    assert entity_type("星際之門") == "product"
    assert entity_type("荷蘭") == "place"
    assert entity_type("磨刀石") is None


def test_lexicon_rows_have_a_known_type():
    assert {row[1] for row in read_rows("entities.tsv")} <= set(ENTITY_TYPES)


def test_acronym_matches_whole_words_and_its_case():
    assert names("ASIAN markets") == []
    assert names("the sia said") == []
    assert names("据SIA测算") == ["美国半导体行业协会"]


# -- overlaps -----------------------------------------------------------------------------------


def test_longest_match_wins():
    assert names("美国商务部宣布") == ["美国商务部"]
    assert names("英国《金融时报》报道") == ["英国", "金融时报"]


def test_short_alias_inside_a_longer_word_is_not_a_match():
    assert names("东北大学的学生") == ["东北大学"]
    assert "中国" not in names("许多发展中国家")


def test_minister_title_is_not_the_ministry():
    text = "商务部长卢特尼克表示"
    assert [(m.entity, m.type) for m in extract_entities(text)] == [("卢特尼克", "person")]


def test_bracketed_alias_is_part_of_the_same_mention():
    found = extract_entities("美国半导体行业协会(SIA)测算")
    assert [m.entity for m in found] == ["美国半导体行业协会"]


# -- patterns -----------------------------------------------------------------------------------


def test_title_before_person_name():
    assert names("工研院研究總監楊瑞臨分析") == ["工业技术研究院", "杨瑞临"]
    assert names("发言人毛宁表示") == ["毛宁"]
    assert names("部长王某会见代表团") == ["王某"]


def test_name_before_verb_of_saying():
    assert names("王晓明指出,芯片产业") == ["王晓明"]
    assert names("分析人士表示,公司表示") == []


def test_title_before_transliterated_name():
    assert names("州长纽森签署法案") == ["纽森"]
    assert names("参议员提姆·史考特(Tim Scott)呼吁") == ["提姆·史考特"]


def test_title_does_not_take_an_ordinary_word():
    assert names("总统任期内,部长会议讨论了总统大选,大使馆发言人表示反对") == []


def test_name_found_by_pattern_is_counted_everywhere():
    counts = count_entities(extract_entities("经济学家金刻羽认为,放开出口是上策。金刻羽还说,管制无效。"))
    assert counts == [EntityCount("金刻羽", "person", 2, ("金刻羽",))]


def test_romanised_name_in_brackets():
    found = extract_entities("作者:孙成昊(Sun Chenghao),清华大学副研究员。")
    assert [m.entity for m in found] == ["孙成昊", "清华大学"]


def test_org_suffix_pattern():
    assert names("美国国防后勤局发布清单") == ["美国国防后勤局"]
    assert names("华中科技大学的研究人员") == ["华中科技大学"]


def test_org_suffix_needs_a_name_not_a_common_phrase():
    assert names("美国公司和中国企业") == ["美国", "中国"]
    assert names("多家科技公司与子公司") == []
    assert names("外资研发中心与技术封锁联盟") == []


def test_acronym_in_brackets_confirms_an_org_and_names_it_later():
    found = extract_entities("无线宽带联盟(WBA)暂停会员资格。WBA随后声明。")
    assert [(m.entity, m.surface) for m in found] == [("无线宽带联盟", "无线宽带联盟"), ("无线宽带联盟", "WBA")]


def test_ordinary_words_are_not_entities():
    text = "越封锁越卡脖子,磨刀石,温水煮青蛙,脱钩,一是霸权。特别声明:逆向毒计。"
    assert names(text) == []


# -- offsets and surfaces -----------------------------------------------------------------------


def test_surface_forms_keep_original_script():
    counts = count_entities(extract_entities("輝達與英偉達,英伟达和NVIDIA"))
    assert counts == [EntityCount("英伟达", "org", 4, ("輝達", "英偉達", "英伟达", "NVIDIA"))]


def test_offsets_point_at_original():
    text = "據報導,臺灣積體電路製造公司(台積電)與輝達合作。"
    for m in extract_entities(text):
        assert text[m.start:m.end] == m.surface
    assert mention(text, "英伟达").surface == "輝達"


def test_offsets_survive_phrase_conversion_that_changes_length():
    text = "晶片禁令後,執行長黃仁勳訪華"
    m = mention(text, "黄仁勋")
    assert (m.surface, text[m.start:m.end]) == ("黃仁勳", "黃仁勳")


def test_mapped_and_plain_extraction_agree():
    text = "卢特尼克与贝森特在伦敦会谈"
    assert extract_entities_mapped(normalize(text)) == extract_entities(text)


def test_mentions_are_in_text_order():
    found = extract_entities("英特尔、高通与英伟达")
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert [m.entity for m in found] == ["英特尔", "高通", "英伟达"]


def test_empty_text_has_no_entities():
    assert extract_entities("") == []
    assert count_entities([]) == []


# -- counting -----------------------------------------------------------------------------------


def test_count_sorts_by_count_then_name():
    counts = count_entities(extract_entities("高通、英特尔、高通、华为、英特尔、高通"))
    assert [(c.entity, c.count) for c in counts] == [("高通", 3), ("英特尔", 2), ("华为", 1)]


def test_a_long_article_is_fast():
    text = ("美国商务部工业和安全局将中芯國際列入实体清单,英伟达CEO黄仁勋表示关注。" * 600)[:20000]
    extract_entities(text)
    start = time.perf_counter()
    extract_entities(text)
    assert time.perf_counter() - start < 0.5


def test_taiwan_phrase_conversion_does_not_make_a_name():
    # 美中晶片 reads 美中芯片 after conversion; 中芯 there straddles the converted 晶片.
    assert "中芯国际" not in names("美中晶片戰再升溫")
    assert "中芯国际" in names("中芯國際市占率為5.1%")


def test_market_research_firms_and_agencies_are_known():
    assert names("TrendForce指出") == ["TrendForce"]
    assert canonical_name("集邦科技") == "TrendForce"
    assert canonical_name("國際能源署") == "国际能源署"
    assert canonical_name("USGS") == "美国地质调查局"


def test_sides_in_negotiation_are_their_countries():
    assert canonical_name("美方") == "美国"
    assert canonical_name("中方") == "中国"
