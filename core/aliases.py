"""The curated alias lexicon and the word lists entity recognition reads, scanned with Aho-Corasick.

In: a normalised text or a name. Out: lexicon matches (start, end, entry) and lookups of a name's
canonical form and type. The lexicon is ``core/data/entities.tsv`` (an analyst's own aliases
first, see ``core.analyst``), CLDR territory names and the world-city gazetteer
(``core.gazetteer``), all in one automaton so a text is scanned once, whatever its length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import ahocorasick_rs

from core import analyst, gazetteer
from core.lexicon import read_rows, read_words
from core.normalize import MappedText, Translation, fold_width, to_simplified

_ascii_lower = Translation({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_CJK = re.compile(r"[\u3400-\u9fff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class _Entry:
    entity: str
    type: str
    alias: str  # normalised alias, original case
    case_sensitive: bool
    whole_word: bool = False  # a short Chinese alias that may not open a longer word either




class _AliasIndex:
    """All aliases of a lexicon in one Aho-Corasick automaton: a text is scanned once, whatever its length.

    Keys are ASCII-lowercased so Latin aliases match in any case, except short
    acronyms (SIA, BIS) whose case is checked. Latin aliases match whole words only.
    """

    def __init__(self, entries: list[_Entry]) -> None:
        self._by_key: dict[str, list[_Entry]] = {}
        for entry in entries:
            key = _ascii_lower(entry.alias)
            if key and not _SURROGATE.search(key):  # the automaton takes text it can write as UTF-8
                self._by_key.setdefault(key, []).append(entry)
        self._entries = [tuple(key_entries) for key_entries in self._by_key.values()]
        self._automaton = ahocorasick_rs.AhoCorasick(list(self._by_key), matchkind=ahocorasick_rs.MATCHKIND_STANDARD)

    def matches(self, text: str) -> list[tuple[int, int, _Entry]]:
        """The longest match at every position of ``text`` that has one: (start, end, entry)."""
        return _longest(text, self.occurrences(text), 0, len(text))

    def occurrences(self, text: str) -> list[_Occurrence]:
        """Every key found in ``text``, overlapping ones too, from one automaton pass."""
        entries, lowered = self._entries, _ascii_lower(text)
        try:
            found = self._automaton.find_matches_as_indexes(lowered, overlapping=True)
        except UnicodeEncodeError:  # a lone surrogate (decoding never makes one): no key holds it, offsets stay
            found = self._automaton.find_matches_as_indexes(_SURROGATE.sub("\ufffd", lowered), overlapping=True)
        return [(start, end, entries[key]) for key, start, end in found]

    def lookup(self, name: str) -> _Entry | None:
        entries = self._by_key.get(_ascii_lower(name), ())
        return next((e for e in entries if not e.case_sensitive or e.alias == name), None)


# (start, end, the entries of the key found there)
_Occurrence = tuple[int, int, tuple[_Entry, ...]]


def _longest(text: str, occurrences: Iterable[_Occurrence], low: int, high: int) -> list[tuple[int, int, _Entry]]:
    """The longest acceptable occurrence at every start inside ``text[low:high]``, as if that span were the text."""
    best: dict[int, tuple[int, _Entry]] = {}
    for start, end, entries in occurrences:
        if start < low or end > high or start in best and best[start][0] >= end:
            continue
        entry = _acceptable_entry(text, start, end, entries, low, high)
        if entry:
            best[start] = (end, entry)
    return [(start, end, entry) for start, (end, entry) in sorted(best.items())]


class LexiconHits:
    """The lexicon's matches in one text, found by one automaton pass and asked for span by span.

    ``within(low, high)`` answers exactly what a scan of ``text[low:high]`` alone would (a Latin
    alias at the span's edge counts as word-bounded there), so a figure's sentence or an article's
    organisations are looked up without scanning the text again.
    """

    def __init__(self, text: str, occurrences: list[_Occurrence]) -> None:
        self.text = text
        self._occurrences = sorted(occurrences, key=lambda o: o[0])
        self._starts = [o[0] for o in self._occurrences]

    @classmethod
    def scan(cls, text: str) -> LexiconHits:
        return cls(text, _lexicon().occurrences(text))

    def within(self, low: int = 0, high: int | None = None) -> list[tuple[int, int, _Entry]]:
        """The longest match at every position of ``text[low:high]``, offsets into ``text``."""
        high = len(self.text) if high is None else high
        first, last = bisect.bisect_left(self._starts, low), bisect.bisect_left(self._starts, high)
        return _longest(self.text, self._occurrences[first:last], low, high)

    def named_spans(self, low: int = 0, high: int | None = None) -> list[tuple[int, int, str, str]]:
        """As :func:`named_spans` of ``text[low:high]``, from this one scan."""
        return _leftmost(self.within(low, high), low)

    def mapped_back(self, joined: MappedText) -> LexiconHits:
        """These hits in ``joined.original``, for hits found in ``joined.text`` (a text with characters cut
        out of its original); a hit spanning a cut has no counterpart there and is left out."""
        out = []
        for start, end, entries in self._occurrences:
            s, e = joined.starts[start], joined.ends[end - 1]
            if e - s == end - start:
                out.append((s, e, entries))
        return LexiconHits(joined.original, out)

def _acceptable_entry(
    text: str, start: int, end: int, entries: tuple[_Entry, ...], low: int = 0, high: int | None = None,
) -> _Entry | None:
    """The first entry of a key that matches ``text[start:end]`` in case and at word edges (of ``text[low:high]``)."""
    for entry in entries:
        if entry.case_sensitive and text[start:end] != entry.alias:
            continue
        if _word_bounded(text, start, end, low, len(text) if high is None else high):
            return entry
    return None


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _word_bounded(text: str, start: int, end: int, low: int, high: int) -> bool:
    """Latin edges of a match must not continue a Latin word (SIA is not in ASIAN) inside ``text[low:high]``."""
    if _is_ascii_alnum(text[start]) and start > low and _is_ascii_alnum(text[start - 1]):
        return False
    return not (_is_ascii_alnum(text[end - 1]) and end < high and _is_ascii_alnum(text[end]))


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
def _org_suffixes_longest_first() -> tuple[str, ...]:
    return tuple(sorted(_org_suffixes(), key=len, reverse=True))


@cache
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


def is_company(name: str) -> bool:
    """Whether ``name`` is an organisation that keeps accounts of its own: an org whose name does not end as a
    ministry, agency, association or outlet does (工业和信息化部, 中国半导体行业协会 are sources of an industry's
    figures; 阿斯麦 and 帆宣系统 report their own)."""
    if entity_type(name) != "org":
        return False
    return not any(name.endswith(suffix) and kind != "commercial" for suffix, kind in _org_suffixes().items())


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
    return _leftmost([(start + s, start + e, entry) for s, e, entry in _lexicon().matches(text[start:end])], start)


def _leftmost(matches: list[tuple[int, int, _Entry]], start: int) -> list[tuple[int, int, str, str]]:
    """Non-overlapping matches, each the longest at the leftmost free position from ``start``."""
    found, covered_to = [], start
    for s, e, entry in matches:
        if s >= covered_to:
            found.append((s, e, entry.entity, entry.type))
            covered_to = e
    return found

