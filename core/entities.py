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
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import ahocorasick

from core import analyst, gazetteer
from core.lexicon import read_rows, read_words
from core.normalize import MappedText, fold_width, normalize, to_simplified
from core.segment import tag

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


# Sources, most trusted first; the order breaks ties between overlapping matches of equal length.
_LEXICON, _BRACKET, _TITLE, _SPEECH, _ORG, _TAGGED, _PROPAGATED = range(7)

_ASCII_LOWER = {cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)}
_CJK = re.compile(r"[\u3400-\u9fff]")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&\-]{1,9}")
_ROMANISED = re.compile(r"[A-Z][a-z]+(?:[ \-][A-Z][a-z]+){1,2}")
_BRACKETED = re.compile(r"\(([A-Za-z][A-Za-z0-9&\- .]{0,38})\)")
_ORG_POS = {"n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "j", "eng", "vn", "an", "b", "x", "l"}
_LENIENT_POS = _ORG_POS | {"v", "vn"}
# Tags the segmenter gives to proper names it does not know well enough to call common words.
_NAMELIKE_POS = {"nt", "nrt", "eng", "x"}
_PERSON_POS = {"nr", "nrt", "nrfg", "x"}
_JOINERS = {"与", "和", "及"}
_PLACE_SUFFIXES = ("省", "市", "州", "县")
_NAME_DOT = "·"


@dataclass(frozen=True)
class _Entry:
    entity: str
    type: str
    alias: str  # normalised alias, original case
    case_sensitive: bool
    whole_word: bool = False  # a short Chinese alias that may not open a longer word either


@dataclass(frozen=True)
class _Candidate:
    start: int  # offsets in the normalised text
    end: int
    entity: str
    type: str
    source: int


class _AliasIndex:
    """All aliases of a lexicon in one Aho-Corasick automaton: a text is scanned once, whatever its length.

    Keys are ASCII-lowercased so Latin aliases match in any case, except short
    acronyms (SIA, BIS) whose case is checked. Latin aliases match whole words only.
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self._by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            key = entry.alias.translate(_ASCII_LOWER)
            if key:
                self._by_key.setdefault(key, []).append(entry)
        self._automaton = ahocorasick.Automaton()
        for key, key_entries in self._by_key.items():
            self._automaton.add_word(key, (len(key), tuple(key_entries)))
        if self._by_key:
            self._automaton.make_automaton()

    def matches(self, text: str) -> list[tuple[int, int, _Entry]]:
        """The longest match at every position of ``text`` that has one: (start, end, entry)."""
        if not self._by_key:
            return []
        best: dict[int, tuple[int, _Entry]] = {}
        for last, (length, entries) in self._automaton.iter(text.translate(_ASCII_LOWER)):
            start, end = last + 1 - length, last + 1
            if start in best and best[start][0] >= end:
                continue
            entry = _acceptable_entry(text, start, end, entries)
            if entry:
                best[start] = (end, entry)
        return [(start, end, entry) for start, (end, entry) in sorted(best.items())]

    def lookup(self, name: str) -> _Entry | None:
        entries = self._by_key.get(name.translate(_ASCII_LOWER), ())
        return next((e for e in entries if not e.case_sensitive or e.alias == name), None)


def _acceptable_entry(text: str, start: int, end: int, entries: tuple[_Entry, ...]) -> _Entry | None:
    """The first entry of a key that matches ``text[start:end]`` in case and at word edges."""
    for entry in entries:
        if entry.case_sensitive and text[start:end] != entry.alias:
            continue
        if _word_bounded(text, start, end):
            return entry
    return None


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _word_bounded(text: str, start: int, end: int) -> bool:
    """Latin edges of a match must not continue a Latin word (SIA is not in ASIAN)."""
    if _is_ascii_alnum(text[start]) and start > 0 and _is_ascii_alnum(text[start - 1]):
        return False
    return not (_is_ascii_alnum(text[end - 1]) and end < len(text) and _is_ascii_alnum(text[end]))


def _normalise_name(name: str) -> str:
    return to_simplified(fold_width(name)).strip()


def _is_case_sensitive(alias: str) -> bool:
    letters = [c for c in alias if c.isascii() and c.isalpha()]
    return bool(letters) and all(c.isascii() for c in alias) and len(alias) <= 5


@lru_cache(maxsize=1)
def _lexicon() -> _AliasIndex:
    entries = _curated_entries()
    return _AliasIndex(entries + _gazetteer_entries(entries))


@lru_cache(maxsize=1)
def _curated_entries() -> list[_Entry]:
    """The analyst's aliases (``core.analyst``) first, so they win a clash, then ours."""
    rows = [(_normalise_name(c), kind, (c, *aliases)) for c, kind, aliases in analyst.alias_rows()]
    for row in read_rows("entities.tsv"):
        rows.append((row[0], row[1], (row[0], *(a for a in (row[2].split("|") if len(row) > 2 else []) if a))))
    normalised = iter(_normalise_names([name for _, _, names in rows for name in names]))
    return [
        _Entry(canonical, kind, alias, _is_case_sensitive(alias))
        for canonical, kind, names in rows
        for alias in (next(normalised) for _ in names)
    ]


def _normalise_names(names: list[str]) -> list[str]:
    """:func:`_normalise_name` of many names in one conversion (OpenCC is slow to call name by name)."""
    return [n.strip() for n in to_simplified(fold_width("\n".join(names))).split("\n")]


def _gazetteer_entries(curated: list[_Entry]) -> list[_Entry]:
    """Places of the CLDR territories and the world-city gazetteer, joined to curated entities they share a name with.

    A gazetteer-only name must be a word of its own (``whole_word``): 希拉 is a city, not the start of 希拉里.
    """
    known = {e.alias: e for e in curated}
    stop = _stopwords()
    out: list[_Entry] = []
    rows = [*gazetteer.territory_rows(), *gazetteer.city_rows()]
    normalised = iter(_normalise_names([f for _, forms in rows for f in forms]))
    for canonical, forms in rows:
        names = list(dict.fromkeys(next(normalised) for _ in forms))
        names += [short for name in names for short in gazetteer.sar_forms(name)]
        names = [n for n in dict.fromkeys(names) if n and n not in stop]
        shared = next((known[n] for n in names if n in known), None)
        if shared is not None and shared.type != "place":
            continue  # a name the lexicon gives to something else (a firm, a person) stays theirs
        entity = shared.entity if shared else _normalise_name(canonical)
        for name in names:
            if name not in known:
                known[name] = _Entry(entity, "place", name, False, whole_word=shared is None)
                out.append(known[name])
    return out


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    titles = sorted({_normalise_name(t) for t in read_words("entity_titles.txt")}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, titles)))


@lru_cache(maxsize=1)
def _org_suffixes() -> dict[str, str]:
    return {row[0]: row[1] for row in read_rows("entity_org_suffixes.tsv")}


@lru_cache(maxsize=1)
def _chars(name: str) -> frozenset[str]:
    return frozenset("".join(read_words(name)))


@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = read_words("entity_surnames.txt")
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


@lru_cache(maxsize=1)
def _gov_openers() -> frozenset[str]:
    return read_words("entity_gov_openers.txt")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return read_words("entity_stopwords.txt")


@lru_cache(maxsize=1)
def _speech_pattern() -> re.Pattern[str]:
    return re.compile("|".join(sorted(read_words("entity_speech_verbs.txt"), key=len, reverse=True)))


def canonical_name(name: str) -> str:
    """The canonical Simplified name of ``name`` (中芯國際, SMIC → 中芯国际); unknown names normalised."""
    normalised = _normalise_name(name)
    entry = _lexicon().lookup(normalised)
    return entry.entity if entry else normalised


def entity_type(name: str) -> str | None:
    """The lexicon type of ``name`` (any alias, any script), or None when it is not in the lexicon."""
    entry = _lexicon().lookup(_normalise_name(name))
    return entry.type if entry else None


def known_entities(phrase: str) -> list[tuple[str, str]]:
    """(canonical name, type) of lexicon entities in a short phrase, longest match first in order.

    A lexicon scan without segmentation: cheap enough for every figure's subject phrase, where
    the phrase is too short for word boundaries to matter (长江存储闪存 → 长江存储).
    """
    text = _normalise_name(phrase)
    if not text:
        return []
    found, covered_to = [], 0
    for start, end, entry in _lexicon().matches(text):
        if start >= covered_to:
            found.append((entry.entity, entry.type))
            covered_to = end
    return found


def is_known_name(word: str) -> bool:
    """Whether a word of a normalised text is a lexicon name or alias, without converting it again."""
    return _lexicon().lookup(word) is not None


def named_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, canonical name, type) of lexicon entities in ``text[start:end]`` of a normalised text.

    Like :func:`known_entities`, a lexicon scan without segmentation, for the short spans a figure's
    description looks at (its sentence before it, its source phrase); offsets are into ``text``.
    """
    found, covered_to = [], 0
    for s, e, entry in _lexicon().matches(text[start:end]):
        if s >= covered_to:
            found.append((start + s, start + e, entry.entity, entry.type))
            covered_to = e
    return found


def extract_entities(text: str) -> list[EntityMention]:
    """Entity mentions in ``text`` (any script), in text order, with offsets into ``text``."""
    return extract_entities_mapped(normalize(text))


def extract_entities_mapped(mapped: MappedText) -> list[EntityMention]:
    """Entity mentions found in ``mapped.text``, reported at their place in ``mapped.original``."""
    if not mapped.text.strip():
        return []
    joined = _joined_wraps(mapped.text)
    if joined is not None:
        mapped = mapped.then(joined)
    text = mapped.text
    tokens = _tokens(text)
    boundaries = {start for start, _, _, _ in tokens} | {len(text)}
    lexical = _scan(text, _lexicon(), boundaries, _LEXICON)
    found = [
        *_legal_names(text, tokens, lexical),
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
    accepted = [c for c in found if _plausible(c.entity) and not _is_title_part(text, c)]
    found_index = _AliasIndex(
        [_Entry(c.entity, c.type, text[c.start:c.end], False) for c in accepted]
        + _short_names(text, accepted)
        + _bracket_aliases(text, [*lexical, *accepted])
    )
    propagated = _scan(text, found_index, boundaries, _PROPAGATED)
    candidates = [c for c in (*lexical, *accepted, *propagated) if not _splits_phrase(mapped, c.start, c.end)]
    chosen = _resolve(text, candidates)
    mentions = []
    for c in chosen:
        start, end = mapped.to_original(c.start, c.end)
        surface = _LINE_BREAKS.sub("", mapped.original[start:end])  # a name cut by hard wrapping, rejoined
        mentions.append(EntityMention(c.entity, c.type, surface, start, end))
    return mentions


# A line break inside a sentence of a hard-wrapped text (a long line, Chinese on both sides, no
# sentence punctuation before it) cuts names in two: 北京复旦微电子 / 技术有限公司.
_WRAP = re.compile(r"(?<=[\u3400-\u9fff])\n+(?=[\u3400-\u9fff])")
_WRAPPED_LINE = 25
_LINE_BREAKS = re.compile(r"[ \t\u3000]*\n[\s]*")


def _joined_wraps(text: str) -> MappedText | None:
    """``text`` without the line breaks of hard wrapping, every character mapped back; None if it has none."""
    cuts = []
    for m in _WRAP.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.start() - line_start >= _WRAPPED_LINE:
            cuts.append((m.start(), m.end()))
    if not cuts:
        return None
    keep = [True] * len(text)
    for start, end in cuts:
        keep[start:end] = [False] * (end - start)
    idx = tuple(i for i, k in enumerate(keep) if k)
    return MappedText("".join(text[i] for i in idx), text, idx, tuple(i + 1 for i in idx))


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


def _tokens(text: str) -> list[tuple[int, int, str, str]]:
    """Segmenter tokens as (start, end, word, tag) in ``text``."""
    tagged = tag(text)
    if sum(len(word) for word, _ in tagged) == len(text):  # the usual case: the words tile the text
        ends = list(accumulate(len(word) for word, _ in tagged))
        return [(end - len(word), end, word, pos_tag) for (word, pos_tag), end in zip(tagged, ends, strict=True)]
    out = []
    pos = 0
    for word, pos_tag in tagged:
        start = pos if text.startswith(word, pos) else text.find(word, pos)
        if start < 0:
            continue
        out.append((start, start + len(word), word, pos_tag))
        pos = start + len(word)
    return out


def _scan(text: str, index: _AliasIndex, boundaries: set[int], source: int) -> list[_Candidate]:
    """The longest alias match at every position where one is acceptable."""
    return [
        _Candidate(start, end, entry.entity, entry.type, source)
        for start, end, entry in index.matches(text)
        if _acceptable_match(text, start, end, entry, boundaries)
    ]


def _acceptable_match(text: str, start: int, end: int, entry: _Entry, boundaries: set[int]) -> bool:
    surface = text[start:end]
    # A short Chinese alias must be a word of its own (北大 is not in 东北大学); a place may
    # also open a longer word (日本首相, 中国人) but not end inside one (发展中国家).
    aligned = start in boundaries and (end in boundaries or (entry.type == "place" and not entry.whole_word))
    if _CJK.match(surface[0]) and len(surface) <= 3 and not aligned:
        return False
    return not _is_title_part(text, _Candidate(start, end, entry.entity, entry.type, _LEXICON))


def _is_title_part(text: str, c: _Candidate) -> bool:
    """商务部长 is a title, not the ministry; 美国财政部长 still names the ministry of a named country."""
    if c.type != "org" or c.end >= len(text) or text[c.end] != "长" or text[c.end - 1] not in "部局院署":
        return False
    return entity_type(text[c.start:c.end - 3]) != "place" if c.end - c.start > 3 else True


# -- patterns -----------------------------------------------------------------------------------


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
    return any(entity_type(text[i:i + n]) == "place" for n in (2, 3, 4) if i + n <= len(text))


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


def _bracket_aliases(text: str, spans: list[_Candidate]) -> list[_Entry]:
    """An acronym in brackets right after an entity names it in the rest of the article: NIH."""
    by_end = {c.end: c for c in spans}
    aliases = []
    for m in _BRACKETED.finditer(text):
        entity = by_end.get(m.start())
        acronym = m.group(1).strip()
        if entity and entity.type in ("org", "media") and _ACRONYM.fullmatch(acronym):
            aliases.append(_Entry(entity.entity, entity.type, acronym, True))
    return aliases


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
        suffix = next((s for s in sorted(suffixes, key=len, reverse=True) if word.endswith(s)), None)
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


def _plausible(name: str) -> bool:
    """Rules every name found without the lexicon must pass."""
    if name in _stopwords() or len(name) < 2 or name.isdigit():
        return False
    return not any(ch.isdigit() for ch in name if not ch.isascii()) and not re.search(r"[,。、;:!?\"“”《》()]", name)


# -- legal names, bylines, Latin names -----------------------------------------------------------

# A legal form ends a company's full name; a place in brackets marks a subsidiary (科技(无锡)).
_LEGAL_SUFFIX = re.compile(r"(?:集团)?(?:股份)?有限(?:责任)?公司|(?:集团)?股份公司")
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
_TITLED_OUTLET = re.compile(
    r"(?:据|根据|引述|援引|接受|美国|英国|日本|德国|法国)《(?P<name>[^《》\n]{2,20})》(?:\([^()\n]{1,30}\))?"
    r"(?:报导|报道|引述|指出|称|披露|分析|专访|获悉|取得|看到|的报导|的报道|的一篇)"
)
_REPORTER_FRAME = re.compile(
    r"(?:记者|编译|特派员|撰文|责任编辑|编辑)\s*[:：]?\s*(?P<names>" + _NAME_LIST + r")"
    r"(?=\s*(?:[/／]|\d{1,2}日|报导|报道|$|\n|[)〕\]】]))"
)
# Capitalised Latin words in a Chinese text: a firm, a person, a platform (Truth Social, Lipmann Walton & Co).
_LATIN_NAME = re.compile(
    r"(?<![A-Za-z0-9&.])(?:The\s)?[A-Z][A-Za-z]+(?:[\s\-](?:(?:of|the|and|for|de|&)\s)*(?:&\s)?[A-Z][A-Za-z]*\.?){1,6}"
    r"(?![A-Za-z0-9])"
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
    return canonical_name(core) if is_known_name(core) else core


def _legal_names(text: str, tokens, lexical: list[_Candidate]) -> list[_Candidate]:
    """Full company names: a legal form (股份有限公司) or a place in brackets (科技(无锡)) ends them.

    The name starts after the words of the sentence (a verb, a joiner, punctuation), crossing a
    lexicon name it is built on (复旦 in 复旦微电子有限公司); its entity is the short name.
    """
    anchors = [(m.start(), m.end()) for m in _LEGAL_SUFFIX.finditer(text)]
    for m in _BRACKET_PLACE.finditer(text):
        place = m.group(1)
        if entity_type(place) == "place" or place.endswith(_PLACE_SUFFIXES):
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


def _names_a_firm(body, places: set[tuple[int, int]]) -> bool:
    """Whether the words before a legal tail name a firm: a name among them, or several words ending
    in other than an organisation word (光源半导体科技(苏州)). Not 美国公司(纽约), 科技公司(北京), 科技有限公司.
    """
    suffixes = tuple(_org_suffixes())
    words = [t for t in body if (t[0], t[1]) not in places]
    named = any(
        (tag_ in _NAME_TAGS and len(word) >= 2 and not word.endswith(suffixes)) or is_known_name(word)
        for _, _, word, tag_ in words
    )
    return named or (len(words) >= 2 and not words[-1][2].endswith(suffixes))


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    names = {_normalise_name(f) for _, forms in gazetteer.territory_rows() for f in forms}
    return frozenset(names | {canonical_name(n) for n in names})


# Regions whose name opens their firms' legal names (香港索辰信息科技有限公司), unlike a country's.
_NAMING_REGIONS = frozenset({"香港", "澳门", "台湾"})


def _is_country(word: str) -> bool:
    name = canonical_name(word)
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


_MODEL_CODE = r"(?:[A-Z]{0,3}\d{1,4}[A-Z]{0,3})(?:\s?(?:Pro|Max|Ultra|Plus|Lite|Mini|Air)\b)*\+?"
# A bare code mixing capitals and digits (B30A, 910D, H20) names a model too; unit letters (100G, 4K) do not.
_BARE_MODEL = re.compile(r"(?<![A-Za-z0-9.\-])(?:[A-Z]{1,3}\d{2,4}[A-Z]{0,2}|\d{3,4}[A-Z]{1,2})(?![A-Za-z0-9])")
_UNIT_LETTERS = frozenset({"G", "K", "M", "B", "T", "W", "V", "GB", "TB", "MB", "KB", "KW", "MW", "GW", "HZ", "Q", "H"})


@lru_cache(maxsize=1)
def _series_pattern() -> re.Pattern[str]:
    series = {_normalise_name(w) for w in read_words("entity_series.txt")}
    series |= {e.alias for e in _curated_entries() if e.type == "product" and not any(c.isdigit() for c in e.alias)}
    words = "|".join(re.escape(w) for w in sorted(series, key=len, reverse=True) if len(w) >= 2)
    return re.compile(rf"(?<![A-Za-z])(?:{words})(?:(?<=[A-Za-z])\s)?{_MODEL_CODE}(?![A-Za-z0-9])")


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
        canonical = canonical_name(series)
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
