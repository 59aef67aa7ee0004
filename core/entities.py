"""Named entities in one article: people, organisations, places, products, media.

In: an article's text (any script) or its normalised ``MappedText``. Out:
``EntityMention`` records in text order, each with one canonical Simplified
name per entity (中芯國際, SMIC → 中芯国际) and the surface form and offsets
as they stand in the original text.

Recognition runs in order of trust:

1. the curated alias lexicon ``core/data/entities.tsv`` (with an analyst's own aliases first, see
   ``core.analyst``), CLDR territory names and the world-city gazetteer (``core.gazetteer``),
   scanned in one pass with an Aho-Corasick automaton;
2. patterns: full legal names (股份有限公司, a place in brackets: 科技(无锡)) whose entity is the
   short name (华为技术有限公司 → 华为); bylines (《某通讯社驻京记者某某15日北京专电》, 〔编译某某/综合报导〕:
   outlet = media, reporter = person); capitalised Latin names (Truth Social), one entity with the
   Chinese name they stand beside in brackets; series words with model codes (昇腾910C); a title
   before a name (商务部长卢特尼克), a name before a verb of saying (金刻羽直言), a name followed by
   its romanisation in brackets (孙成昊(Sun Chenghao)), an organisation suffix after a sensible
   prefix of segmenter tokens (美国国防后勤局, 国家烟草专卖局);
3. the segmenter's own tags, only where they are trustworthy: organisation
   words (``nt``) ending in an organisation suffix and place words (``ns``)
   ending in 省/市/州/县.

A name found by a pattern is then looked up everywhere else in the article, with the short forms
it implies (a legal name's short name, a 简称 given in brackets, an outlet without 通讯社), so later
bare mentions count too. Overlaps go to the longest match; at equal length the more trusted source
wins. Hard-wrapped lines are rejoined first, so a line break does not cut a name.

The lexicon lives in ``core.aliases``, the shape patterns in ``core.name_patterns``; this module
runs them in order and keeps the rules that read the segmenter's tokens.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from core import analyst
from core.aliases import (
    _CJK,
    _AliasIndex,
    _chars,
    _Entry,
    _gov_openers,
    _is_ascii_alnum,
    _org_suffixes,
    _org_suffixes_longest_first,
    _speech_pattern,
    _stopwords,
    _surnames,
    _title_pattern,
    canonical_name,
    entity_type,
    is_known_name,
    known_entities,
    named_spans,
)
from core.doc import Doc
from core.lexicon import read_rows
from core.name_patterns import (
    _ACRONYM,
    _BRACKET,
    _BRACKETED,
    _JOINERS,
    _LATIN_NAME,
    _LEXICON,
    _NAME_DOT,
    _ORG,
    _PERSON_POS,
    _PLACE_SUFFIXES,
    _PROPAGATED,
    _SPEECH,
    _TAGGED,
    _TITLE,
    _bracket_aliases,
    _bylines,
    _Candidate,
    _chinese_name_at,
    _covered,
    _latin_names,
    _legal_entity,
    _legal_names,
    _listed_names,
    _model_names,
    _name_at,
    _plausible,
    _short_names,
    _starts_of,
    _sub_places,
    _titled_outlets,
    legal_core,
)
from core.normalize import MappedText, normalize

__all__ = [  # the public names, some defined in core.aliases and core.name_patterns
    "ENTITY_TYPES", "EntityCount", "EntityMention", "canonical_name", "count_entities", "entities_of", "entity_type",
    "extract_entities", "extract_entities_mapped", "is_known_name", "known_entities", "legal_core", "named_spans",
]

ENTITY_TYPES = analyst.ENTITY_TYPES


@dataclass(frozen=True)
class EntityMention:
    entity: str  # canonical Simplified name
    type: str  # person | org | place | product | media
    surface: str  # as written in the original text
    start: int  # offsets in the original text
    end: int


@dataclass(frozen=True)
class EntityCount:
    entity: str
    type: str
    count: int
    surface_forms: tuple[str, ...]  # distinct surfaces in order of first appearance



_ROMANISED = re.compile(r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){1,2}")
_ORG_POS = {"n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "j", "eng", "vn", "an", "b", "x", "l"}
_LENIENT_POS = _ORG_POS | {"v", "vn"}
# Tags the segmenter gives to proper names it does not know well enough to call common words.
_NAMELIKE_POS = {"nt", "nrt", "eng", "x"}


def extract_entities(text: str) -> list[EntityMention]:
    """Entity mentions in ``text`` (any script), in text order, with offsets into ``text``."""
    return extract_entities_mapped(normalize(text))


def extract_entities_mapped(mapped: MappedText) -> list[EntityMention]:
    """Entity mentions found in ``mapped.text``, reported at their place in ``mapped.original``."""
    return entities_of(Doc(mapped))


def entities_of(doc: Doc) -> list[EntityMention]:
    """Entity mentions of a document, from its tokens and its lexicon hits, at their place in the original."""
    if not doc.text.strip():
        return []
    mapped = doc.joined
    text = mapped.text
    tokens = doc.tokens
    boundaries = _Boundaries(len(text), (start for start, _, _, _ in tokens))
    lexical = _accepted(text, doc.hits.within(), boundaries, _LEXICON)
    found = [
        *_legal_names(text, tokens, lexical),
        *_listed_names(text, tokens, lexical),
        *_sub_places(text, lexical),
        *_bylines(text),
        *_titled_outlets(text),
        *_latin_names(text, lexical),
        *_model_names(text, lexical),
        *_bracketed_names(text, lexical),
        *_titled_names(text, tokens, lexical),
        *_speakers(text, tokens, lexical),
        *_organisations(text, tokens, lexical),
        *_tagged(tokens),
    ]
    accepted = [c for c in found if _plausible(c.entity) and not _is_title_part(text, c.start, c.end, c.type)]
    found_index = _AliasIndex(
        [_Entry(c.entity, c.type, text[c.start:c.end], False) for c in accepted]
        + _short_names(text, accepted)
        + _bracket_aliases(text, [*lexical, *accepted])
    )
    propagated = _accepted(text, found_index.matches(text), boundaries, _PROPAGATED)
    candidates = [c for c in (*lexical, *accepted, *propagated) if not _splits_phrase(mapped, c.start, c.end)]
    chosen = _bare_names_resolved(text, _resolve(text, candidates))
    mentions = []
    for c in chosen:
        start, end = mapped.to_original(c.start, c.end)
        surface = _LINE_BREAKS.sub("", mapped.original[start:end])  # a name cut by hard wrapping, rejoined
        mentions.append(EntityMention(c.entity, c.type, surface, start, end))
    return mentions


_LINE_BREAKS = re.compile(r"[ \t\u3000]*\n[\s]*")


_SPOKESMAN = re.compile("(?:新闻)?发言人|回应|答记者问")


def _bare_names_resolved(text: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """A bare 商务部 is the 某国商务部 named last before it, else (and always as 商务部发言人) the default of
    ``entity_bare_names.tsv``."""
    defaults = _bare_defaults()
    if not any(c.entity in defaults for c in chosen):
        return chosen
    out, last_full = [], {}
    for c in chosen:
        default = defaults.get(c.entity)
        if default is not None:
            # 商务部新闻发言人 speaks for China's ministry in Chinese-language news, whoever was named before.
            spokesman = _SPOKESMAN.match(text, c.end)
            c = c._replace(entity=default if spokesman else last_full.get(c.entity, default))
        else:
            for bare in defaults:
                if c.entity.endswith(bare) and c.entity != bare:
                    last_full[bare] = c.entity
        out.append(c)
    return out


@cache
def _bare_defaults() -> dict[str, str]:
    return {row[0]: row[1] for row in read_rows("entity_bare_names.tsv")}


def _splits_phrase(mapped: MappedText, start: int, end: int) -> bool:
    """A match that ends or starts inside a converted Taiwan phrase: 美中晶片 reads 美中芯片, not 中芯."""
    starts = mapped.starts
    return any(0 < i < len(starts) and starts[i] == starts[i - 1] for i in (start, end))


def count_entities(mentions: list[EntityMention]) -> list[EntityCount]:
    """Mentions grouped by entity, most mentioned first (ties by name)."""
    counts: Counter[str] = Counter()
    types: dict[str, str] = {}
    surfaces: dict[str, dict[str, None]] = {}
    for m in mentions:
        counts[m.entity] += 1
        types.setdefault(m.entity, m.type)
        surfaces.setdefault(m.entity, {})[m.surface] = None
    return [
        EntityCount(name, types[name], n, tuple(surfaces[name]))
        for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


# -- the lexicon scan ---------------------------------------------------------------------------


class _Boundaries:
    """Where words start (and the text's end), as a flag per position: a set of millions of ints costs ~50
    bytes each, a flag one byte."""

    def __init__(self, size: int, starts: Iterable[int]) -> None:
        self._flags = bytearray(size + 1)
        self._flags[size] = 1
        for start in starts:
            self._flags[start] = 1

    def __contains__(self, at: int) -> bool:
        return 0 <= at < len(self._flags) and self._flags[at] == 1


def _accepted(text: str, matches: list[tuple[int, int, _Entry]], boundaries: _Boundaries,
              source: int) -> list[_Candidate]:
    """The alias matches (the longest at every position) that stand where a name may."""
    return [
        _Candidate(start, end, entry.entity, entry.type, source)
        for start, end, entry in matches
        if _acceptable_match(text, start, end, entry, boundaries)
    ]


def _acceptable_match(text: str, start: int, end: int, entry: _Entry, boundaries: _Boundaries) -> bool:
    # A short Chinese alias must be a word of its own (北大 is not in 东北大学); a place may
    # also open a longer word (日本首相, 中国人) but not end inside one (发展中国家).
    if end - start <= 3 and _CJK.match(text, start) and not (
            start in boundaries and (end in boundaries or (entry.type == "place" and not entry.whole_word))):
        return False
    return not _is_title_part(text, start, end, entry.type)


def _is_title_part(text: str, start: int, end: int, kind: str) -> bool:
    """商务部长 is a title, not the ministry; 美国财政部长 still names the ministry of a named country."""
    if kind != "org" or end >= len(text) or text[end] != "长" or text[end - 1] not in "部局院署":
        return False
    return entity_type(text[start:end - 3]) != "place" if end - start > 3 else True


# -- patterns -----------------------------------------------------------------------------------


# -- names the segmenter's tokens delimit ----------------------------------------------------


def _titled_names(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """Names right after a title: 副总理何立峰, 商务部长卢特尼克, 作者:孙成昊."""
    known = _starts_of(lexical)
    tokens_at = {t[0]: t for t in tokens}
    out = []
    for m in _title_pattern().finditer(text):
        start = m.end()
        while start < len(text) and text[start] in ": ":
            start += 1
        if start >= len(text) or start in known:
            continue
        end = _name_at(text, start, tokens_at)
        if end > start:
            out.append(_Candidate(start, end, text[start:end], "person", _TITLE))
    return out


def _speakers(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """A Chinese name the segmenter tags as a person, right before a verb of saying: 毛宁表示."""
    verb_starts = {m.start() for m in _speech_pattern().finditer(text)}
    covered = _covered(lexical)
    tokens_at = {t[0]: t for t in tokens}
    out = []
    for k, (_, end, _, pos_tag) in enumerate(tokens):
        if end not in verb_starts:
            continue
        # The name may be one token or a surname split off by the segmenter (金刻/羽).
        for first in (k, k - 1):
            if first < 0:
                continue
            n_start = tokens[first][0]
            if not 2 <= end - n_start <= 3 or any(covered[i] for i in range(n_start, min(end, len(covered)))):
                continue
            if not all(t[3] in _PERSON_POS or t[1] - t[0] == 1 for t in tokens[first:k + 1]):
                continue
            if pos_tag not in _PERSON_POS:
                continue
            if _chinese_name_at(text, n_start, tokens_at) == end:
                out.append(_Candidate(n_start, end, text[n_start:end], "person", _SPEECH))
                break
    return out


def _bracketed_names(text: str, lexical: list[_Candidate]) -> list[_Candidate]:
    """A Chinese name followed by its romanisation: 孙成昊(Sun Chenghao), 唐·格雷夫斯(Don Graves)."""
    known_ends = {c.end for c in lexical}
    letters = _chars("entity_translit.txt")
    single, double = _surnames()
    out = []
    for m in _BRACKETED.finditer(text):
        latin, end = m.group(1).strip(), m.start()
        if end in known_ends or not _ROMANISED.fullmatch(latin):
            continue
        start = end
        while start > 0 and (text[start - 1] in letters or text[start - 1] == _NAME_DOT) and end - start < 9:
            start -= 1
        if _NAME_DOT in text[start:end] and not text[start:end].startswith(_NAME_DOT):
            out.append(_Candidate(start, end, text[start:end], "person", _BRACKET))
            continue
        for length in (3, 2):
            start = end - length
            if start < 0 or not all(_CJK.match(ch) for ch in text[start:end]):
                continue
            name = text[start:end]
            if name[0] in single or (length == 3 and name[:2] in double):
                out.append(_Candidate(start, end, name, "person", _BRACKET))
                break
    return out



def _organisations(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """Organisation names ending in a suffix (公司, 大学, 协会, 局 ...) after a fitting prefix."""
    suffixes = _org_suffixes()
    longest = max(map(len, suffixes))
    last_chars = {s[-1] for s in suffixes}
    places = {(c.start, c.end) for c in lexical if c.type == "place"}
    blocked = _covered([c for c in lexical if c.type != "place"])
    out = []
    for k, (t_start, t_end, word, _) in enumerate(tokens):
        if word[-1] not in last_chars:
            continue
        suffix = next((word[-n:] for n in range(min(longest, len(word)), 0, -1) if word[-n:] in suffixes), None)
        if suffix is None:
            continue
        kind = suffixes[suffix]
        if kind == "government" and len(word) == 2:
            continue  # 内部, 当局, 总部: ordinary words, not names
        if t_start < len(blocked) and blocked[t_start]:
            continue
        acronym = _BRACKETED.match(text, t_end)
        latin = acronym.group(1).strip() if acronym else ""
        evidence = bool(_ACRONYM.fullmatch(latin) or _LATIN_NAME.fullmatch(latin))
        first = _prefix_start(tokens, k, blocked, places, evidence, kind == "commercial")
        prefix = tokens[first:k]
        if not prefix and (len(word) == len(suffix) or word in _stopwords()):
            continue  # 子公司, a bare 委员会: ordinary words, not names
        start = tokens[first][0]
        name = text[start:t_end]
        if not evidence and not _fitting_prefix(prefix, kind, places):
            continue
        entity = _legal_entity(name) if kind == "commercial" else name
        out.append(_Candidate(start, t_end, entity, "media" if kind == "media" else "org", _ORG))
    return out


def _prefix_start(
    tokens, k: int, blocked: list[bool], places: set[tuple[int, int]], lenient: bool, lenient_blocked: bool = False
) -> int:
    """Index of the first token of the name whose head is ``tokens[k]``.

    With ``lenient_blocked`` a lexicon name may stand inside the prefix, not right before the head:
    a firm named after a university (复旦微电子公司), not the university's 公司.
    """
    allowed = _LENIENT_POS if lenient else _ORG_POS
    first = k
    length = tokens[k][1] - tokens[k][0]
    while first > 0 and k - first < 5:
        start, end, word, pos_tag = tokens[first - 1]
        joiner = lenient and word in _JOINERS
        if not joiner and (pos_tag not in allowed or not (_CJK.match(word[0]) or _is_ascii_alnum(word[0]))):
            break
        opener = word in _gov_openers()
        if start < len(blocked) and any(blocked[start:end]) and (first == k or not lenient_blocked) and not opener:
            break
        if length + len(word) > 14:
            break
        first -= 1
        length += len(word)
        if (start, end) in places or opener:
            break  # a place opens a name (美国国防后勤局); words before it belong to the sentence
    # A name starts with a noun, not with a verb or a joiner.
    while first < k and (tokens[first][3] in {"v", "vn"} or tokens[first][2] in _JOINERS):
        first += 1
    return first


def _fitting_prefix(prefix, kind: str, places: set[tuple[int, int]]) -> bool:
    is_place = [(s, e) in places for s, e, _, _ in prefix]
    namelike = [
        not p and (_namelike(word, tag_) or is_known_name(word))
        for (_, _, word, tag_), p in zip(prefix, is_place, strict=True)
    ]
    opens = bool(prefix) and (is_place[0] or prefix[0][2] in _gov_openers())
    if kind == "commercial":
        return any(namelike)
    if kind == "government":
        return opens and not all(is_place)
    if kind == "media":
        return opens or any(is_place) or any(namelike)
    return (opens or any(is_place) or any(namelike)) and not all(is_place)


def _namelike(word: str, pos_tag: str) -> bool:
    """A word the segmenter could not place among common words: a brand or a name (莱纳斯, Marvell)."""
    if pos_tag not in _NAMELIKE_POS or len(word) < 2 or word in _stopwords():
        return False
    return pos_tag != "eng" or len(word) >= 3


def _tagged(tokens) -> list[_Candidate]:
    """Segmenter organisation words with an organisation suffix, and place words ending in 省/市/州/县."""
    suffixes = _org_suffixes()
    out = []
    for start, end, word, pos_tag in tokens:
        if pos_tag not in ("nt", "ns", "nz") or len(word) < 3 or not _CJK.match(word[0]):
            continue
        suffix = next((s for s in _org_suffixes_longest_first() if word.endswith(s)), None)
        kind = suffixes.get(suffix or "")
        if pos_tag == "nz":
            # An outlet the segmenter knows as a word: a place and a media suffix (中国日报).
            if kind == "media" and entity_type(word[: -len(suffix)]) == "place":
                out.append(_Candidate(start, end, word, "media", _TAGGED))
            continue
        # 美国公司 is American companies, not a company called 美国 (but 南京大学 is a university).
        generic = kind == "commercial" and entity_type(word[: -len(suffix)]) == "place"
        # A government word counts when a place or an opener starts it (中共中央宣传部, 国家烟草专卖局).
        governed = kind != "government" or any(word.startswith(w) and len(word) > len(w) + 1 for w in _gov_openers())
        if pos_tag == "nt" and kind and governed and len(word) > 3 and not generic:
            entity = _legal_entity(word) if kind == "commercial" else word
            out.append(_Candidate(start, end, entity, "media" if kind == "media" else "org", _TAGGED))
        elif pos_tag == "ns" and word.endswith(_PLACE_SUFFIXES):
            out.append(_Candidate(start, end, word, "place", _TAGGED))
    return out





def _resolve(text: str, candidates: list[_Candidate]) -> list[_Candidate]:
    """Non-overlapping candidates, longest first, then most trusted; returned in text order.

    A name in brackets right after the same entity (孙成昊(Sun Chenghao)) is part of that mention.
    """
    taken: set[int] = set()
    chosen = []
    seen: set[tuple[int, int]] = set()
    for c in sorted(candidates, key=lambda c: (c.start - c.end, c.source, c.start)):
        if (c.start, c.end) in seen or any(i in taken for i in range(c.start, c.end)):
            continue
        seen.add((c.start, c.end))
        taken.update(range(c.start, c.end))
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    kept: list[_Candidate] = []
    for c in chosen:
        prev = kept[-1] if kept else None
        bracketed = prev and text[prev.end:c.start] == "(" and text[c.end:c.end + 1] == ")"
        latin = c.source == _BRACKET and c.type == "org"
        if bracketed and (prev.entity == c.entity or (latin and prev.type == "person")):
            continue  # 孙成昊(Sun Chenghao): the romanisation is part of the mention
        if latin and not bracketed and text[c.start - 1:c.start] == "(" and text[c.end:c.end + 1] == ")":
            continue  # 行政令(Executive Order): a gloss of a word, not a name
        if bracketed and latin and prev.type in ("org", "media", "product"):
            c = _Candidate(c.start, c.end, prev.entity, prev.type, c.source)  # 某公司(Some Firm): one entity
        kept.append(c)
    return kept
