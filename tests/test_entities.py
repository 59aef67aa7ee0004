"""Entity recognition on short fixed sentences, one construction per test."""

from __future__ import annotations

from core import aliases
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


def test_an_outlet_named_with_its_city_is_one_outlet_not_a_place_and_another_paper():
    # 香港經濟日報 (HKET) is neither 香港 nor the mainland's 经济日报.
    assert names("【香港經濟日報】美國總統簽署行政命令。") == ["香港经济日报", "美国"]


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
    # A trade guild (同业公会) is an institution like an association; the bare word is none.
    assert names("台灣區螺絲工業同業公會理事長表示") == ["台湾区螺丝工业同业公会"]
    assert names("这个公会表示反对") == []
    # 日方, 韩方, 欧方 are Japan, Korea and the EU as 中方 and 美方 are China and the US.
    assert names("日方表示关注，韓方则呼吁对话") == ["日本", "韩国"]


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


def test_a_long_article_is_scanned_against_the_lexicon_once(monkeypatch):
    text = ("美国商务部工业和安全局将中芯國際列入实体清单,英伟达CEO黄仁勋表示关注。" * 600)[:20000]
    lexicon = aliases._lexicon()
    calls = []
    original = lexicon.occurrences
    monkeypatch.setattr(lexicon, "occurrences", lambda t: calls.append(len(t)) or original(t))
    found = extract_entities(text)
    assert calls == [len(text)]
    assert {m.entity for m in found} >= {"中芯国际", "英伟达", "黄仁勋"}


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


# -- names as real articles write them ----------------------------------------------------------


def test_full_legal_name_and_its_short_name_are_one_entity():
    text = "名单包括杭州星河微电子集团股份有限公司等。星河微电子集团回应称，杭州星河微电子将申诉。"
    found = extract_entities(text)
    assert {m.entity for m in found if m.type == "org"} == {"杭州星河微电子"}
    assert [m.surface for m in found if m.type == "org"] == ["杭州星河微电子集团股份有限公司", "杭州星河微电子"]


def test_legal_name_resolves_to_the_lexicon_entity():
    assert names("華為技術有限公司發表聲明") == ["华为"]


def test_subsidiary_with_a_place_in_brackets_keeps_the_place():
    text = "制裁涉及德國光源半導體科技（蘇州）與寧遠精密製造（成都）公司。"
    orgs = [(m.entity, m.surface) for m in extract_entities(text) if m.type == "org"]
    # The country before a firm's name describes it: the mention keeps it, the entity does not.
    assert orgs == [
        ("光源半导体科技（苏州）", "德國光源半導體科技（蘇州）"),
        ("宁远精密制造（成都）", "寧遠精密製造（成都）公司"),
    ]


def test_short_name_given_in_brackets_is_an_alias():
    text = "国家发展和改革委员会（以下简称“发改委”）发布通知，发改委表示"
    assert names(text) == ["国家发展和改革委员会"] * 3


def test_government_body_and_its_short_form_share_a_name():
    assert names("國務院關稅稅則委員會公告") == names("税委会公告") == ["国务院关税税则委员会"]
    assert names("美國財政部長貝森特表示") == ["美国财政部", "贝森特"]


def test_wire_byline_gives_outlet_and_reporter():
    text = "《東方快訊通訊社駐滬記者林小雨３日上海專電》上海市政府公布"
    found = [(m.entity, m.type) for m in extract_entities(text)]
    assert ("东方快讯通讯社", "media") in found and ("林小雨", "person") in found
    assert "东方快讯通讯社" in names("《東方快訊通訊社8日專訊》據報，東方快訊稱")
    assert names("東方快訊稱") == []  # the short name counts only beside the outlet's full name


def test_reporter_bylines_name_people():
    assert names("〔編譯陳家豪／綜合報導〕日本首相表示") == ["陈家豪", "日本"]
    assert names("記者李文華、周若彤/綜合報導") == ["李文华", "周若彤"]
    assert names("责任编辑：王海涛") == ["王海涛"]


def test_capitalised_latin_names_in_chinese_text():
    text = "分析師Maria Lopez說，據Ocean Minerals Group和The Register披露，券商Harlow Finch & Co估計"
    assert names(text) == ["Maria Lopez", "Ocean Minerals Group", "The Register", "Harlow Finch & Co"]
    assert names("行政令（Executive Order）生效") == []  # a gloss of a word, not a name


def test_latin_name_beside_its_chinese_name_is_one_entity():
    found = extract_entities("挪威北極礦業公司（Arctic Mining Company）表示")
    assert len({m.entity for m in found}) == 1
    assert [m.surface for m in found] == ["挪威北極礦業公司", "Arctic Mining Company"]


def test_products_are_series_words_with_model_codes():
    text = "華為昇騰９２０Ｘ與輝達B40Z，另有Mate 90 Pro+手機和寒武紀思元690，以及920Y"
    products = [(m.entity, m.surface) for m in extract_entities(text) if m.type == "product"]
    assert products == [("昇腾920X", "昇騰９２０Ｘ"), ("B40Z", "B40Z"), ("Mate 90 Pro+", "Mate 90 Pro+"),
                        ("思元690", "思元690"), ("920Y", "920Y")]
    assert [m for m in extract_entities("5G網絡、100G光模塊與4K屏幕") if m.type == "product"] == []


def test_countries_in_taiwan_and_hong_kong_forms_from_cldr():
    assert names("阿拉伯聯合大公國") == names("阿拉伯联合酋长国") == ["阿联酋"]
    assert names("敘利亞與厄瓜多爾") == ["叙利亚", "厄瓜多尔"]
    assert names("澳門特別行政區") == names("中国澳门特别行政区") == ["澳门"]


def test_world_cities_from_the_gazetteer():
    assert names("會議先後在海牙、慕尼黑與曼徹斯特舉行") == ["海牙", "慕尼黑", "曼彻斯特"]
    assert names("希拉里到访") == []  # a city name is no piece of a longer word


def test_stock_indices_and_their_short_names():
    assert names("納斯達克指數收跌，納指本週") == ["纳斯达克综合指数", "纳斯达克综合指数"]


def test_hard_wrapped_line_does_not_cut_a_name():
    line = "美国商务部将二十三家中国实体列入清单，包括北京星河微电子"
    found = extract_entities(line + "\n\n技术有限公司等。")
    org = next(m for m in found if m.entity == "北京星河微电子")
    assert org.surface == "北京星河微电子技术有限公司"


def test_wire_dateline_gives_outlet_and_reporter_without_the_place():
    found = [(m.entity, m.type) for m in extract_entities("（東方社記者張小明高雄5日電）港口貨量回升")]
    assert found == [("东方社", "media"), ("张小明", "person"), ("高雄", "place")]
    assert names("南方通讯社广州3月2日电 港口货量回升")[:2] == ["南方通讯社", "广州"]
    assert names("（北方社記者周文博華盛頓5日專電）")[:2] == ["北方社", "周文博"]


def test_government_bodies_open_with_a_state_word():
    assert names("國家煙草專賣局與國務院反壟斷委員會表示") == ["国家烟草专卖局", "国务院反垄断委员会"]
    assert names("该委员会表示，其子公司") == []


def test_latin_name_after_a_title_is_a_person():
    found = [(m.entity, m.type) for m in extract_entities("分析師Anna Berg說，Nordic Ore Partners不同意")]
    assert found == [("Anna Berg", "person"), ("Nordic Ore Partners", "org")]


def test_outlets_named_as_sources_in_title_brackets():
    found = [(m.entity, m.type) for m in extract_entities("據《南海週報》報導，引述《The Ledger》指出")]
    assert found == [("南海周报", "media"), ("The Ledger", "media")]
    assert names("根據《出口管制條例》規定，據《年度報告》指出") == []  # documents, not outlets


def test_a_place_alone_may_open_an_outlet_name():
    assert names("瑞典之聲與芬蘭日報") == ["瑞典之声", "芬兰日报"]


def test_common_words_before_a_legal_tail_are_no_firm():
    text = "不少美國公司（紐約）與這家工廠（上海）、科技公司（北京）以及中國科技有限公司"
    assert [m.type for m in extract_entities(text)] == ["place"] * 5
    assert [m.entity for m in extract_entities("归属于上市公司股东的净亏损扩大。")] == []


def test_a_government_agency_may_end_in_ting():
    """韓國關稅廳 (Korea Customs Service) is an agency like 海关总署; 餐厅 and 大厅 are rooms."""
    assert [(m.entity, m.type) for m in extract_entities("據韓國關稅廳數據，餐廳與大廳營業額下跌。")] == [
        ("韩国关税厅", "org")]


def test_a_lone_surrogate_in_a_text_leaves_the_names_around_it_found_in_place():
    # Decoding never makes one, but a caller may hand one in: the automaton reads UTF-8.
    spans = aliases.named_spans("美国\ud800商务部")
    assert [(start, end, name) for start, end, name, _ in spans] == [(0, 2, "美国"), (3, 6, "商务部")]


def test_a_firm_named_with_its_stock_code_is_an_organisation():
    """新普(6121), 圣邦股份(300661), 比亚迪(1211.HK): the words right before a stock code name a listed firm, after
    the word for its kind (模组厂); a year in brackets is no code. The names here are in no lexicon."""
    text = "模組廠星聯（6123）、泰恆（3219）的儲能電池出貨增加；負極材料龍頭宏碩新材（835186）全日升12%，" \
           "宏碩新材早前公布業績。港股的鋒鑫鋰業（01779.HK）亦漲。《產業報告（2025）》指出。"
    found = {(m.entity, m.type) for m in extract_entities(text)}
    assert {("星联", "org"), ("泰恒", "org"), ("宏硕新材", "org"), ("锋鑫锂业", "org")} <= found
    mentions = [m for m in extract_entities(text) if m.entity == "宏硕新材"]
    assert len(mentions) == 2  # the bare name later in the article too
    assert not any(m.surface.startswith(("模組廠", "龍頭", "產業報告")) for m in extract_entities(text))


def test_a_taiwan_listing_of_a_foreign_firm_is_the_firm():
    """晶泓-KY is the firm 晶泓, named so later too."""
    text = "具備自有技術的晶泓-KY被看好。晶泓近年以技術授權與外商合作。"
    mentions = [m for m in extract_entities(text) if m.type == "org"]
    assert [(m.entity, m.surface) for m in mentions] == [("晶泓", "晶泓-KY"), ("晶泓", "晶泓")]


def test_a_bare_commerce_ministry_is_the_one_named_before_else_china_s():
    """美国商务部宣布… 商务部称: the US one; 商务部新闻发言人 with none named before: China's; 內地 is China."""
    us = extract_entities("美国商务部周二宣布新规。商务部称，规则即日生效。")
    assert [m.entity for m in us if m.surface in ("美国商务部", "商务部")] == ["美国商务部", "美国商务部"]
    china = extract_entities("商務部新聞發言人表示，內地將對相關產品實施出口管制。")
    assert [(m.entity, m.surface) for m in china] == [("中国商务部", "商務部"), ("中国", "內地")]
    both = extract_entities("美國商務部宣布新規。中國商務部回應稱，商務部將採取措施。")
    assert [m.entity for m in both if "商" in m.surface] == ["美国商务部", "中国商务部", "中国商务部"]


def test_a_province_or_city_named_right_after_its_country_is_a_place():
    """加拿大卑诗省, 日本秋田县, 德州泰勒市: a suffix after a known place names a place; Japan has no 省 (财务省 is a
    ministry) and 市场 is no city."""
    found = {(m.entity, m.type) for m in extract_entities("加拿大卑詩省與日本秋田縣的工廠，以及德州泰勒市的新廠。")}
    assert {("卑诗省", "place"), ("秋田县", "place"), ("泰勒市", "place")} <= found
    assert all(m.entity not in ("财务省", "市场") for m in extract_entities("日本財務省稱，美國市場需求回升。"))


def test_listing_places_and_spokesmen_are_read_as_such():
    """在台灣掛牌上市 names no place 掛牌上市; 商务部新闻发言人 is China's ministry even after 美国商务部."""
    assert [m.entity for m in extract_entities("該公司在台灣掛牌上市") if m.type == "place"] == ["台湾"]
    found = extract_entities("美国商务部将140家中国实体列入实体清单。商务部新闻发言人表示，坚决反对。")
    assert [m.entity for m in found if "商务部" in m.surface] == ["美国商务部", "中国商务部"]
