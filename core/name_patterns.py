"""Names recognised by their shape rather than the lexicon: people's names, legal names, bylines,
Latin names, model codes.

In: a normalised text, its segmenter tokens and the lexicon's matches. Out: ``_Candidate`` spans
(with the source that found them, which breaks ties in ``core.entities``) and the short forms a
found name implies (a legal name's short name, a 简称 given in brackets, an outlet without 通讯社).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from core import aliases, gazetteer
from core.aliases import (
    _CJK,
    _chars,
    _curated_entries,
    _Entry,
    _is_ascii_alnum,
    _is_case_sensitive,
    _normalise_name,
    _org_suffixes,
    _stopwords,
    _surnames,
    _title_pattern,
)
from core.lexicon import alternation, first_characters, led_by, read_words

_LEXICON, _BRACKET, _TITLE, _SPEECH, _ORG, _TAGGED, _PROPAGATED = range(7)


_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&\-]{1,9}")
_BRACKETED = re.compile(r"\(([A-Za-z][A-Za-z0-9&\- .]{0,38})\)")
_PERSON_POS = {"nr", "nrt", "nrfg", "x"}
_JOINERS = {"与", "和", "及"}
_PLACE_SUFFIXES = ("省", "市", "州", "县")
_NAME_DOT = "·"


class _Candidate(NamedTuple):
    """A possible name: its span, canonical entity, type and which rule found it (an article makes thousands:
    a named tuple is built three times faster than a frozen dataclass)."""

    start: int  # offsets in the normalised text
    end: int
    entity: str
    type: str
    source: int



def _covered(spans: list[_Candidate]) -> list[bool]:
    size = max((c.end for c in spans), default=0)
    covered = [False] * (size + 1)
    for c in spans:
        for i in range(c.start, c.end):
            covered[i] = True
    return covered


def _starts_of(spans: list[_Candidate]) -> dict[int, _Candidate]:
    return {c.start: c for c in spans}


def _chinese_name_at(text: str, i: int, tokens_at: dict[int, tuple[int, int, str, str]]) -> int:
    """End of a Chinese name (surname + one or two given characters) starting at ``i``, or -1."""
    single, double = _surnames()
    if text[i:i + 2] in double:
        surname = 2
    elif text[i] in single:
        surname = 1
    else:
        return -1
    breaks = _chars("entity_name_breaks.txt")
    given = 0
    while given < 2 and i + surname + given < len(text):
        at = i + surname + given
        if not _CJK.match(text[at]) or text[at] in breaks or (given and _place_at(text, at)):
            break  # 记者张三台北5日电: 台北 is the dateline's place, not the name's last character
        given += 1
    if given == 0:
        return -1
    token = tokens_at.get(i)
    # A common word starting here (总统任期内) is not a name.
    if token and token[1] - token[0] >= 2 and token[3] not in _PERSON_POS:
        return -1
    return i + surname + given


def _place_at(text: str, i: int) -> bool:
    """Whether a place name of two to four characters starts at ``i``."""
    return any(aliases.entity_type(text[i:i + n]) == "place" for n in (2, 3, 4) if i + n <= len(text))


def _foreign_name_at(text: str, i: int) -> int:
    """End of a transliterated name (贝森特, 唐·格雷夫斯) starting at ``i``, or -1."""
    letters = _chars("entity_translit.txt")
    end = i
    count = 0
    while end < len(text) and count < 8:
        ch = text[end]
        if ch in letters:
            count += 1
        elif ch == _NAME_DOT and count and end + 1 < len(text) and text[end + 1] in letters:
            pass
        else:
            break
        end += 1
    return end if count >= 2 else -1


def _name_at(text: str, i: int, tokens_at: dict[int, tuple[int, int, str, str]]) -> int:
    chinese = _chinese_name_at(text, i, tokens_at)
    foreign = _foreign_name_at(text, i)
    if foreign > 0 and (chinese < 0 or foreign > chinese):
        token = tokens_at.get(i)
        if token and token[1] - token[0] >= 2 and token[3] not in _PERSON_POS and token[1] > foreign:
            return -1
        return foreign
    return chinese



def _plausible(name: str) -> bool:
    """Rules every name found without the lexicon must pass."""
    if name in _stopwords() or len(name) < 2 or name.isdigit():
        return False
    return not any(ch.isdigit() for ch in name if not ch.isascii()) and not re.search(r"[,。、;:!?\"“”《》()]", name)


# -- legal names, bylines, Latin names -----------------------------------------------------------


_LEGAL_SUFFIX = led_by("集股有", r"(?:集团)?(?:股份)?有限(?:责任)?公司|(?:集团)?股份公司")
_BRACKET_PLACE = re.compile(r"\(([\u4e00-\u9fff]{2,4})\)(公司|有限公司|集团)?")
# What a full name sheds to give the short name articles also use (华为技术有限公司 → 华为).
_LEGAL_TAIL = re.compile(r"(?:技术)?(?:集团)?(?:股份)?(?:有限)?(?:责任)?(?:公司)?$")
_MEDIA_TAIL = re.compile(r"(?:通讯社|新闻社|新闻网|通讯)$")
_NAME_STOP_POS = {"p", "c", "u", "uj", "ul", "d", "r", "m", "q", "f", "y", "zg", "ud", "uz", "ug", "uv", "e"}
_NAME_LIST = r"[\u4e00-\u9fff]{2,4}(?:[、,][\u4e00-\u9fff]{2,4}){0,3}"
# Bylines: 《某通讯社驻京记者某某15日北京专电》, 《某通讯社17日专讯》, 〔编译某某/综合报导〕, 记者某某、某某/综合报导.
_WIRE_FRAME = re.compile(
    r"《(?P<outlet>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:驻[\u4e00-\u9fff]{1,4}?记者(?P<names>" + _NAME_LIST + r"))?"
    r"\d{1,2}日[\u4e00-\u9fff]{0,4}?(?:专电|专讯|电|讯)》"
)
# A wire's dateline at a paragraph's start: 新华社北京5月12日电, 中央社台北12日电.
_DATELINE_FRAME = re.compile(
    r"(?:^|(?<=[\n(【〔\[]))(?P<outlet>[\u4e00-\u9fff]{2,6}?(?:通讯社|新闻社|社))"
    r"(?:记者(?P<names>" + _NAME_LIST + r"))?[\u4e00-\u9fff]{2,4}?(?:\d{1,2}月)?\d{1,2}日(?:专电|专讯|电|讯)"
)
# The rest of a bracketed byline after its names: /综合报导〕.
_BYLINE_TAIL = re.compile(r"[^\n。,;()〔〕【】\[\]]{0,12}[)〕】\]]")
_TITLED_OUTLET = re.compile(
    r"(?:据|根据|引述|援引|接受|美国|英国|日本|德国|法国)《(?P<name>[^《》\n]{2,20})》(?:\([^()\n]{1,30}\))?"
    r"(?:报导|报道|引述|指出|称|披露|分析|专访|获悉|取得|看到|的报导|的报道|的一篇)"
)
_REPORTER_FRAME = re.compile(
    r"(?:记者|编译|特派员|撰文|责任编辑|编辑)\s*[:：]?\s*(?P<names>" + _NAME_LIST + r")"
    r"(?=\s*(?:[/／]|\d{1,2}日|报导|报道|$|\n|[)〕\]】]))"
)
# Capitalised Latin words in a Chinese text: a firm, a person, a platform (Truth Social, Lipmann Walton & Co).
_LATIN_NAME = led_by(
    "A-Z",
    r"(?<![A-Za-z0-9&.])(?:The\s)?[A-Z][A-Za-z]+(?:[\s\-](?:(?:of|the|and|for|de|&)\s)*(?:&\s)?[A-Z][A-Za-z]*\.?){1,6}"
    r"(?![A-Za-z0-9])",
)
_LATIN_NOT_NAMES = frozenset({"No", "Article", "Section", "Announcement", "Chapter", "Page", "Vol"})
# A 简称 bracket names the short form an article goes on to use: 国家发展和改革委员会(以下简称“发改委”).
_SHORT_NAME = re.compile(
    r"\((?:以下)?(?:简称|下称|简称为)[\s:：]?[“\"「『]?([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]?\)"
)


def legal_core(name: str) -> str:
    """The name inside a company's full legal name, without its legal form.

    上海复旦微电子集团股份有限公司 → 上海复旦微电子; a subsidiary keeps its place, in full-width
    brackets as Chinese writes it: 吉存半导体科技(上海)公司 → 吉存半导体科技（上海）.
    """
    place = _BRACKET_PLACE.search(name)
    if place and place.end() == len(name):
        core = name[:place.start()]
        return f"{core}（{place.group(1)}）" if len(core) >= 2 else name
    core = _LEGAL_TAIL.sub("", name)
    return core if len(core) >= 2 else name


def _legal_entity(name: str) -> str:
    core = legal_core(name)
    return aliases.canonical_name(core) if aliases.is_known_name(core) else core


def _legal_names(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """Full company names: a legal form (股份有限公司) or a place in brackets (科技(无锡)) ends them.

    The name starts after the words of the sentence (a verb, a joiner, punctuation), crossing a
    lexicon name it is built on (复旦 in 复旦微电子有限公司); its entity is the short name.
    """
    anchors = [(m.start(), m.end()) for m in _LEGAL_SUFFIX.finditer(text)]
    for m in _BRACKET_PLACE.finditer(text):
        place = m.group(1)
        if aliases.entity_type(place) == "place" or place.endswith(_PLACE_SUFFIXES):
            anchors.append((m.start(), m.end()))
    if not anchors:
        return []
    ends_at = {t[1]: k for k, t in enumerate(tokens)}
    places = {(c.start, c.end) for c in lexical if c.type == "place"}
    out = []
    for head_start, head_end in anchors:
        k = ends_at.get(head_start)
        if k is None:
            continue
        first = _name_start(tokens, k, places)
        if first > k:
            continue
        if not _names_a_firm(tokens[first:k + 1], places):
            continue
        start = tokens[first][0]
        name = text[start:head_end]
        if first < k and (tokens[first][0], tokens[first][1]) in places and _is_country(tokens[first][2]):
            name = text[tokens[first][1]:head_end]  # 中国吉姆半导体科技: the country describes the firm
        if len(legal_core(name)) >= 2 and _plausible(name.replace("(", "").replace(")", "")):
            out.append(_Candidate(start, head_end, _legal_entity(name), "org", _ORG))
    return out


# Tags the segmenter gives to names (吉姆 nrt, 吉存 nr, 复旦 nz), not to common words.
_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "nt", "nz", "eng", "x"})


# A listed company's stock code in brackets after its name: 圣邦股份(300661), 新普(6121), 比亚迪(1211.HK),
# 中芯国际(00981). Four digits from 1900 to 2099 are more likely a year than a code, and are left alone.
_STOCK_CODE = led_by(r"\(", r"\((?:股票代码|代码|股份代号|港股|A股)?[:：]?\s?"
                     r"(?:[0-9]\d{5}|0\d{3,4}|(?!19|20)[1-9]\d{3})(?:\.(?:HK|SZ|SH|SS|TW|TWO|BJ))?\)")
# Words for what kind of firm a name is, which may stand right before it (模组厂新普, 负极材料龙头贝特瑞): the name
# starts after the last of them.
_FIRM_KIND = re.compile(r"(?:厂商|大厂|厂|企业|龙头|巨头|概念股|个股|股(?!份)|供应商|公司|集团|上市的?)")
# Taiwan's listing of a foreign-registered firm: 立凯-KY is 立凯.
_KY = re.compile(r"-KY(?![A-Za-z])")


def _listed_names(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """Firms named with their stock code (新普(6121)) or Taiwan's -KY (立凯-KY, the firm 立凯): the name is the words
    right before, from after the last word of the sentence or of the firm's kind (模组厂新普 → 新普)."""
    anchors = [*_STOCK_CODE.finditer(text), *_KY.finditer(text)]
    if not anchors:
        return []  # most articles: no token index to build
    known = {c.end: c for c in lexical}
    ends_at = {t[1]: k for k, t in enumerate(tokens)}
    places = {(c.start, c.end) for c in lexical if c.type == "place"}
    out = []
    for m in anchors:
        end = m.start()
        k = ends_at.get(end)
        if end in known:
            if m.group() == "-KY":  # a known firm's listing: 立凯-KY
                out.append(known[end]._replace(end=m.end(), source=_ORG))
            continue
        if k is None:
            continue
        start = tokens[min(_name_start(tokens, k, places), k)][0]  # the word right before a code is a name's
        kinds = list(_FIRM_KIND.finditer(text, start, end))
        if kinds and end - kinds[-1].end() >= 2:
            start = kinds[-1].end()
        name = text[start:end]
        if 2 <= len(name) <= 8 and _plausible(name):
            entity = aliases.canonical_name(name) if aliases.is_known_name(name) else name
            out.append(_Candidate(start, m.end() if m.group() == "-KY" else end, entity, "org", _ORG))
    return out


# A place's own province, state, county or city named right after it: 加拿大卑诗省, 日本秋田县, 德州泰勒市. Japan has no
# 省 (日本财务省 is a ministry); 市场, 省长, 县政府 … are no place names.
_SUB_PLACE = re.compile(r"(?![各多数两几全部个在])[\u4e00-\u9fff]{2,4}?(?:省|州|县|(?<![上超门股城])市|郡)"
                        r"(?![场长民值况面政容价级份内外府委议])")


def _sub_places(text: str, lexical: list[_Candidate]) -> list[_Candidate]:
    """Places named right after a known place, by their suffix (卑诗省 after 加拿大); a known one (深圳市) is the
    lexicon's to find."""
    out = []
    for c in lexical:
        if c.type != "place":
            continue
        m = _SUB_PLACE.match(text, c.end)
        if m is None or c.entity == "日本" and m.group().endswith("省") or not _plausible(m.group()):
            continue
        name = next((n for n in (m.group(), m.group()[:-1]) if aliases.is_known_name(n)), "")
        if not name:
            out.append(_Candidate(m.start(), m.end(), m.group(), "place", _ORG))
    return out


def _names_a_firm(body, places: set[tuple[int, int]]) -> bool:
    """Whether the words before a legal tail name a firm: a name among them, or several words ending
    in other than an organisation word (光源半导体科技(苏州)). Not 美国公司(纽约), 科技公司(北京), 科技有限公司.
    """
    suffixes = tuple(_org_suffixes())
    words = [t for t in body if (t[0], t[1]) not in places]
    named = any(
        (tag_ in _NAME_TAGS and len(word) >= 2 and not word.endswith(suffixes)) or aliases.is_known_name(word)
        for _, _, word, tag_ in words
    )
    return named or (len(words) >= 2 and not words[-1][2].endswith(suffixes))


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    names = {_normalise_name(f) for _, forms in gazetteer.territory_rows() for f in forms}
    return frozenset(names | {aliases.canonical_name(n) for n in names})


# Regions whose name opens their firms' legal names (香港索辰信息科技有限公司), unlike a country's.
_NAMING_REGIONS = frozenset({"香港", "澳门", "台湾"})


def _is_country(word: str) -> bool:
    name = aliases.canonical_name(word)
    return name in _countries() and name not in _NAMING_REGIONS


def _name_start(tokens, k: int, places: set[tuple[int, int]]) -> int:
    """Index of the first token of a name whose last word before its legal tail is ``tokens[k]``."""
    first, length = k + 1, 0
    while first > 0 and length < 16:
        start, end, word, pos_tag = tokens[first - 1]
        function_word = pos_tag in _NAME_STOP_POS and not (pos_tag == "f" and len(word) > 1)  # 北方 may name
        if function_word or word in _JOINERS or not (_CJK.match(word[0]) or _is_ascii_alnum(word[0])):
            break
        first -= 1
        length += len(word)
        if (start, end) in places:
            break
    while first <= k and tokens[first][3] in {"v", "vn"} and (tokens[first][0], tokens[first][1]) not in places:
        first += 1
    return first


def _short_names(text: str, found: list[_Candidate]) -> list[_Entry]:
    """Aliases of found organisations: the short name of a legal name, and a 简称 in brackets."""
    out = []
    for c in found:
        if c.type == "media":
            bare = _MEDIA_TAIL.sub("", text[c.start:c.end])
            if len(bare) >= 3 and bare != text[c.start:c.end]:
                out.append(_Entry(c.entity, c.type, bare, False))  # 经济通通讯社 → 经济通
            continue
        if c.type != "org":
            continue
        if text.endswith("-KY", c.start, c.end):
            out.append(_Entry(c.entity, c.type, text[c.start:c.end - 3], False))  # 立凯-KY → 立凯
            continue
        core = legal_core(text[c.start:c.end])
        for alias in (core, core + "集团", core + "公司"):
            if alias != text[c.start:c.end] and len(alias) >= 4:
                out.append(_Entry(c.entity, c.type, alias, False))
    by_end = {c.end: c for c in found}
    for m in _SHORT_NAME.finditer(text):
        named = by_end.get(m.start())
        if named is not None:
            out.append(_Entry(named.entity, named.type, m.group(1), _is_case_sensitive(m.group(1))))
    return out


def _bracket_aliases(text: str, spans: list[_Candidate]) -> list[_Entry]:
    """An acronym in brackets right after an entity names it in the rest of the article: NIH."""
    by_end = {c.end: c for c in spans}
    out = []
    for m in _BRACKETED.finditer(text):
        entity = by_end.get(m.start())
        acronym = m.group(1).strip()
        if entity and entity.type in ("org", "media") and _ACRONYM.fullmatch(acronym):
            out.append(_Entry(entity.entity, entity.type, acronym, True))
    return out


def _bylines(text: str) -> list[_Candidate]:
    """The outlet and the reporters a byline names: outlets are media, reporters people."""
    out = []
    for m in _WIRE_FRAME.finditer(text):
        out.append(_Candidate(m.start("outlet"), m.end("outlet"), m.group("outlet"), "media", _TITLE))
        if m.group("names"):
            out.extend(_reporters(text, m.start("names"), m.group("names")))
    for m in _DATELINE_FRAME.finditer(text):
        out.append(_Candidate(m.start("outlet"), m.end("outlet"), m.group("outlet"), "media", _TITLE))
        if m.group("names"):
            out.extend(_reporters(text, m.start("names"), m.group("names")))
    for m in _REPORTER_FRAME.finditer(text):
        out.extend(_reporters(text, m.start("names"), m.group("names")))
    return out


def byline_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every byline frame of a normalised text (《某社驻京记者某某15日电》, 记者某某报道,
    〔编译某某/综合报导〕): a header naming who reports, never what a figure is about."""
    spans = []
    for frame in (_WIRE_FRAME, _DATELINE_FRAME, _REPORTER_FRAME):
        for m in frame.finditer(text):
            tail = _BYLINE_TAIL.match(text, m.end()) if text[m.start() - 1:m.start()] in "(〔【[" else None
            spans.append((m.start(), tail.end() if tail else m.end()))
    return sorted(spans)


def _titled_outlets(text: str) -> list[_Candidate]:
    """An outlet named in 《》 as a source: 据《南方周报》报道, 引述《The Information》指出.

    A document (《报告》, 《条例》, 《声明》) is not an outlet: see ``core/data/entity_documents.txt``.
    """
    out = []
    documents = tuple(read_words("entity_documents.txt"))
    for m in _TITLED_OUTLET.finditer(text):
        name = m.group("name").strip()
        if name.endswith(documents) or name in _stopwords() or len(name) < 2:
            continue
        out.append(_Candidate(m.start("name"), m.start("name") + len(name), name, "media", _TITLE))
    return out


def _reporters(text: str, start: int, names: str) -> list[_Candidate]:
    single, double = _surnames()
    out = []
    for part in re.finditer(r"[^、,]+", names):
        name = part.group()
        at = start + part.start()
        cut = next((n for n in (2, 3) if _place_at(text, at + n)), None)
        name = name[:cut] if cut else name  # 记者张三华盛顿5日专电: the place is the dateline's
        if 2 <= len(name) <= 3 and (name[0] in single or name[:2] in double) and name not in _stopwords():
            out.append(_Candidate(start + part.start(), start + part.start() + len(name), name, "person", _TITLE))
    return out


def _latin_names(text: str, lexical: list[_Candidate]) -> list[_Candidate]:
    """Capitalised Latin word sequences (two words or more) in a Chinese text, as organisations.

    A Latin name in brackets right after a Chinese one is an alias of it (see ``_resolve``), and a
    sequence the lexicon covers keeps the lexicon's entity.
    """
    matches = list(_LATIN_NAME.finditer(text)) if _CJK.search(text) else []
    covered = _covered(lexical) if matches else []
    out = []
    for m in matches:
        words = m.group().split()
        while words and words[0] in _LATIN_NOT_NAMES:
            words = words[1:]
        if len(words) < 2:
            continue
        name = " ".join(words)
        start = text.find(name, m.start())
        end = start + len(name)
        if start < 0 or any(covered[i] for i in range(start, min(end, len(covered)))):
            continue
        title = _title_pattern().search(text, max(0, start - 8), start)
        titled = title is not None and text[title.end():start].strip(": ") == ""
        kind = "person" if titled else "media" if text[start - 1:start] == "《" else "org"  # 分析师Ann Lee
        out.append(_Candidate(start, end, name, kind, _BRACKET))
    return out


_MODEL_CODE = r"(?:[A-Z]{0,3}\d{1,4}[A-Z]{0,3})(?:[ \t]?(?:Pro|Max|Ultra|Plus|Lite|Mini|Air)\b)*\+?"
# A bare code mixing capitals and digits (B30A, 910D, H20) names a model too; unit letters (100G, 4K) do not.
_BARE_MODEL = led_by(r"A-Z\d", r"(?<![A-Za-z0-9.\-])(?:[A-Z]{1,3}\d{2,4}[A-Z]{0,2}|\d{3,4}[A-Z]{1,2})(?![A-Za-z0-9])")
_UNIT_LETTERS = frozenset({"G", "K", "M", "B", "T", "W", "V", "GB", "TB", "MB", "KB", "KW", "MW", "GW", "HZ", "Q", "H"})


@lru_cache(maxsize=1)
def _series_pattern() -> re.Pattern[str]:
    series = {_normalise_name(w) for w in read_words("entity_series.txt")}
    series |= {e.alias for e in _curated_entries() if e.type == "product" and not any(c.isdigit() for c in e.alias)}
    series = {w for w in series if len(w) >= 2}
    return led_by(first_characters(series),
                  rf"(?<![A-Za-z])(?:{alternation(series)})(?:(?<=[A-Za-z])[ \t])?{_MODEL_CODE}(?![A-Za-z0-9])")


def _model_names(text: str, lexical: list[_Candidate]) -> list[_Candidate]:
    """Products named by a series word and a model code (昇腾910C, Mate 70 Pro+), and bare codes (B30A).

    A bare code that one of the article's series names ends with is that product (910C after 昇腾910C).
    """
    out = []
    by_code: dict[str, str] = {}
    for m in _series_pattern().finditer(text):
        name = m.group()
        code = re.search(_MODEL_CODE + "$", name)
        if code is None or not any(ch.isdigit() for ch in code.group()):
            continue
        series = name[:code.start()].strip()
        canonical = aliases.canonical_name(series)
        # 升腾910C is written 昇腾910C; but 麒麟9020 stays itself, not 麒麟芯片9020.
        entity = (canonical if len(canonical) == len(series) else series) + name[len(series):]
        out.append(_Candidate(m.start(), m.end(), entity, "product", _ORG))
        by_code.setdefault(code.group().strip(), entity)
    bare = list(_BARE_MODEL.finditer(text))
    taken = _covered([*lexical, *out]) if bare else []
    for m in bare:
        code = m.group()
        letters = re.sub(r"\d", "", code)
        if (code[0].isdigit() and letters in _UNIT_LETTERS) or any(taken[m.start():m.end()]):
            continue
        out.append(_Candidate(m.start(), m.end(), by_code.get(code, code), "product", _TAGGED))
    return out


# -- overlaps -----------------------------------------------------------------------------------
