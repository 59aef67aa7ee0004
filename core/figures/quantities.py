"""Quantities: a number made a figure by its unit, scale word or classifier, with qualifier, range and sign.

38%, 500亿美元, 约三成半, 300亿至500亿美元, 七五折, 万分之三, -22.2%. A number that names something
(第三, H20, F-35), an identifier (eight digits or more) or an article or pair (一个, 两国) is none.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from core.figures.caps import _CapGate
from core.figures.numbers import _AR_NUMBER, _CN_DIGIT_CLASS, _CN_DIGITS, _CN_NUMBER, _NUMBER_RE, parse_number
from core.figures.vocabulary import (
    _CURRENCIES,
    _INDEX,
    _PREFIX_UNITS,
    _QUALIFIER_AFTER,
    _QUALIFIER_BEFORE,
    _TERM_VERB_RE,
    _UNITS,
    _YUAN_CURRENCIES,
    _alternation,
    _Unit,
)
from core.lexicon import led_by
from core.normalize import MappedText

_CURRENCY_REACH = 3000
_SCALES = {
    "万亿": 1e12, "兆": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8,
    "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3,
}
_EN_SCALES = {"trillion": 1e12, "billion": 1e9, "bn": 1e9, "million": 1e6, "mn": 1e6}
_SCALE_RE = re.compile(rf" ?({_alternation(_SCALES)})")
_EN_SCALE_RE = re.compile(rf" ?({_alternation(_EN_SCALES)})(?![A-Za-z])", re.I)
_UNIT_RE = re.compile(rf" ?({_alternation(s for s, u in _UNITS.items() if u.kind != 'prefix')})")
_PREFIX_RE = re.compile(rf"({_alternation(_PREFIX_UNITS)}) ?\Z")
_DENOMINATORS = {"百": 1e2, "千": 1e3, "万": 1e4, "十万": 1e5, "百万": 1e6, "千万": 1e7, "万万": 1e8, "亿": 1e8}
_FRACTION_RE = led_by(
    r"\d百千万亿一二三四五六七八九两十",
    rf"({_alternation(_DENOMINATORS)}|{_CN_NUMBER}|\d+)分之({_CN_NUMBER}|百|{_AR_NUMBER})([kK](?![A-Za-z]))?"
)
# A discount names the share of the price paid: 七五折 = 75 %, 9.9折 = 99 %, 对折 = 50 %. Not 转折, 折合, 折旧.
_DISCOUNT_RE = led_by(
    r"\d对半一二三四五六七八九两",
    rf"(?<![\d.{_CN_DIGIT_CLASS}十百千万亿转曲骨周波挫])"
    r"(对|半|[一二三四五六七八九两](?:点[一二三四五六七八九]|[一二三四五六七八九])?|\d{1,2}(?:\.\d)?)折"
    r"(?![合算旧叠射腾服返现扣价])"
)
# 半成 = 5 %; 半成品 is a half-finished product.
_HALF_TENTH_RE = led_by("半", rf"(?<![\d{_CN_DIGIT_CLASS}十百千])半成(?!品)")
# Half of a whole: 一半, 半数, and 近半/过半/逾半 with their qualifier (近半年, 过半天 name no share).
_HALF_RE = led_by("一半近过逾超", r"(?:(近|过|逾|超过)一?|一)半数?(?![年月天日周个小时世纪岛导径场成价夜途])|半数")
_HALF_QUALIFIERS = {"近": "about", "过": "over", "逾": "over", "超过": "over"}
# A sign before a number: -22.2%, 负3.9% (not 正负3%, nor the dash of ——).
_NEGATIVE_BEFORE = re.compile(r"(?:(?<![-A-Za-z0-9%)])-|(?<!正)负) ?\Z")
# 两 counts before classifiers of listed things (两家企业, 两种材料, 两项措施); before 个, 位, 大, 国
# it mostly names a definite pair (两位部长, 两大诉求, 两国), which is no figure.
_TWO_COUNTS = frozenset("家种项类款批条件座艘架台颗次轮所")
# 万亿人民币: a scale word standing for "one" of it, in front of a currency; 数亿/上亿 are vague.
_BARE_SCALE_RE = led_by(
    "万千百亿",
    rf"(?<![\d{_CN_DIGIT_CLASS}十百千万亿数几上多余])(万亿|千亿|百亿|亿)(?= ?(?:{_alternation(_CURRENCIES)}))"
)
_RANGE_RE = re.compile(r" ?(?:至|到|-|~|–) ?")
_CURRENCY_BEFORE_RE = re.compile(rf"({_alternation(_CURRENCIES)}) ?\Z")
_YUAN_CURRENCY_RE = re.compile(_alternation(_YUAN_CURRENCIES))
_QUALIFIER_BEFORE_RE = re.compile(rf"({_alternation(_QUALIFIER_BEFORE)}) ?\Z")
_QUALIFIER_AFTER_RE = re.compile(rf" ?({_alternation(_QUALIFIER_AFTER)})")
# 约占全球的, 超过占该公司营收的: a qualifier on 占, the whole named before the number.
_QUALIFIED_SHARE_RE = re.compile(rf"({_alternation(_QUALIFIER_BEFORE)})占[^，。,;；:：!?！？\d%#]{{1,12}}\Z")
# 恒生指数收报26842点: points are an index's level or move when an index is named before in the sentence.
_INDEX_BEFORE_RE = re.compile(rf"(?:{_INDEX})[^。！？!?\n]*\Z")
_INDEX_REACH = 40
# 大 opening an adverb or verb (大幅, 大关, 大涨): no 三大-style count of major things.
_NOT_MAJOR_RE = re.compile("[幅关涨跌增减举量砍降升]")
_TIME_OF_DAY_RE = re.compile(r"(?:上午|下午|晚上|凌晨|早上|中午|傍晚|晚间|今晨|早晨|夜间)\Z")
_CLOCK_AFTER_RE = re.compile(r"[半钟整]|[0-9０-９]+分|[一二三四五]?十?[一二三四五六七八九]?分")


def _opens_adverb(text: str, unit_m: re.Match) -> bool:
    """The unit read is the 大 of an adverb or verb (4800大幅下调, 6亿大关), not the 大 of 三大领域."""
    return unit_m.group(1) == "大" and _NOT_MAJOR_RE.match(text, unit_m.end()) is not None


def _index_points(text: str, start: int, end: int) -> bool:
    """The number at ``start`` with 点 up to ``end`` is an index's points: an index is named before it in its
    sentence (:data:`_INDEX_BEFORE_RE`), and it is no time of day (下午3点, 3点半, 9点30分)."""
    return _INDEX_BEFORE_RE.search(text, max(0, start - _INDEX_REACH), start) is not None \
        and _TIME_OF_DAY_RE.search(text, max(0, start - 2), start) is None and not _CLOCK_AFTER_RE.match(text, end)
_LATIN_WORD_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]* \Z")


@dataclass(frozen=True)
class _Amount:
    """A number with its scale and unit, as read at one place."""

    start: int
    end: int
    value: float
    unit: _Unit | None
    surface: str
    scale: float  # the scale word's factor (亿 = 1e8), 1 when none was written
    scaled: bool  # a scale word, or 万/亿 inside a Chinese numeral
    over: bool
    numeral: str


@dataclass(frozen=True)
class _Quantity:
    start: int
    end: int
    lead: int  # where the figure's words begin: its qualifier or currency sign
    value: float
    value_high: float | None
    unit: str
    kind: str
    classifier: str
    qualifier: str


def _is_thousands_separator(mapped: MappedText, i: int) -> bool:
    """A comma between digits groups thousands unless it was a Chinese comma between ASCII digits."""
    original = mapped.original[mapped.starts[i]] if i < len(mapped.starts) else ","
    if original != "，":
        return True
    before = mapped.original[mapped.starts[i] - 1] if mapped.starts[i] > 0 else ""
    return "０" <= before <= "９"


_SeparatorCheck = Callable[[int], bool]


def _find_quantities(
    text: str, blocked: bytearray, separator_ok: _SeparatorCheck, gate: _CapGate | None = None,
) -> list[_Quantity]:
    out: list[_Quantity] = []
    consumed = 0
    # Merged as found, in text order (ties: fraction, discount, half, whole half, scale, number), never all held
    # at once.
    candidates = heapq.merge(
        ((m.start(), "fraction", m) for m in _FRACTION_RE.finditer(text)),
        ((m.start(), "discount", m) for m in _DISCOUNT_RE.finditer(text)),
        ((m.start(), "half", m) for m in _HALF_TENTH_RE.finditer(text)),
        ((m.start(), "whole half", m) for m in _HALF_RE.finditer(text)),
        ((m.start(), "scale", m) for m in _BARE_SCALE_RE.finditer(text)),
        ((m.start(), "number", m) for m in _numbers(text)),
        key=lambda c: c[0],
    )
    for start, kind, m in candidates:
        if start < consumed or any(blocked[start:m.end()]):
            continue
        if gate is not None and not gate.admits(start):
            consumed = m.end()  # counted once: the shorter readings of the same number are not counted again
            continue
        try:
            if kind == "fraction":
                q = _fraction_quantity(text, m)
            elif kind in ("discount", "half"):
                q = _share_quantity(text, m, _discount_value(m.group(1)) if kind == "discount" else 5.0)
            elif kind == "whole half":
                q = _half_quantity(text, m)
            elif kind == "scale":
                q = _bare_scale_quantity(text, m)
            else:
                q = _number_quantity(text, m, blocked, separator_ok)
        except ValueError:
            continue  # a number too large to be a quantity (亿亿亿…, 400 digits)
        if q is not None and _finite_quantity(q) and not any(blocked[q.start:q.end]):
            out.append(q)
            consumed = q.end
            if gate is not None:
                gate.keep(q.start)
    return out


def _finite_quantity(q: _Quantity) -> bool:
    """A scale word or unit factor can still carry a large number past what a float holds."""
    return math.isfinite(q.value) and (q.value_high is None or math.isfinite(q.value_high))


def _units_from_restatements(quantities: list[_Quantity]) -> list[_Quantity]:
    """A bare scaled number takes the unit the article states the same value in elsewhere.

    A headline's 营收八千六百二十一亿 is the body's 八千六百二十一亿元人民币, not a count.
    """
    stated = {}
    for q in quantities:
        if q.kind != "count" and q.value_high is None:
            stated.setdefault(q.value, q)
    out = []
    for q in quantities:
        unit = stated.get(q.value) if q.kind == "count" and not q.classifier and q.value_high is None else None
        out.append(replace(q, unit=unit.unit, kind=unit.kind) if unit else q)
    return out


def _numbers(text: str) -> Iterator[re.Match]:
    """Every number; after a comma also the number it opens, in case the comma ends a clause (增长100,200家)."""
    for m in _NUMBER_RE.finditer(text):
        yield m
        number = m.group()
        if "," in number:
            for i, c in enumerate(number):
                if c == ",":
                    yield _NUMBER_RE.match(text, m.start() + i + 1)


def _qualifier_before(text: str, pos: int) -> tuple[str, int]:
    """The qualifier right before the number and where the figure then starts; or one on the verb of a share whose
    whole stands between (约占全球的九成: about 90 %), the figure starting at its number."""
    m = _QUALIFIER_BEFORE_RE.search(text, max(0, pos - 4), pos)
    if m:
        return _QUALIFIER_BEFORE[m.group(1)], m.start()
    m = _QUALIFIED_SHARE_RE.search(text, max(0, pos - 16), pos)
    return (_QUALIFIER_BEFORE[m.group(1)], pos) if m else ("", pos)


def _qualifier_after(text: str, pos: int) -> str:
    m = _QUALIFIER_AFTER_RE.match(text, pos)
    return _QUALIFIER_AFTER[m.group(1)] if m else ""


def _fraction_quantity(text: str, m: re.Match) -> _Quantity | None:
    """百分之七十八 → 78 %, 三分之一 → 33.33 %, 万分之三 → 0.03 %, 百分之3.2k → 3200 %.

    None for a zero denominator (0分之5).
    """
    denominator = _DENOMINATORS.get(m.group(1)) or parse_number(m.group(1))
    if not denominator:
        return None
    numerator = parse_number(m.group(2)) * (1000 if m.group(3) else 1)
    share = numerator / denominator * 100
    value = round(share, 2 if share >= 1 else 4)  # 万分之三 is 0.03 %, not 0
    qualifier, lead = _qualifier_before(text, m.start())
    qualifier = qualifier or _qualifier_after(text, m.end()) or "exact"
    return _Quantity(m.start(), m.end(), lead, value, None, "%", "percent", "", qualifier)


def _discount_value(paid: str) -> float:
    """The share of the price paid, in %: 对 → 50, 七 → 70, 七五 → 75, 三点一 → 31, 9.9 → 99, 75 → 75."""
    if paid in ("对", "半"):
        return 50.0
    if paid.isdigit() and len(paid) == 2:
        return float(paid)
    if paid[0].isdigit():
        return float(paid) * 10
    digits = [_CN_DIGITS[c] for c in paid if c != "点"]
    return float(digits[0] * 10 + (digits[1] if len(digits) > 1 else 0))


def _share_quantity(text: str, m: re.Match, value: float) -> _Quantity:
    """A percentage written as a word: 七五折, 半成."""
    qualifier, lead = _qualifier_before(text, m.start())
    qualifier = qualifier or _qualifier_after(text, m.end()) or "exact"
    return _Quantity(m.start(), m.end(), lead, value, None, "%", "percent", "", qualifier)


def _half_quantity(text: str, m: re.Match) -> _Quantity:
    """一半, 半数 → 50 %; 近半 about, 过半 and 逾半 over it."""
    if m.group(1):
        qualifier, lead = _HALF_QUALIFIERS[m.group(1)], m.start()
    else:
        qualifier, lead = _qualifier_before(text, m.start())
    qualifier = qualifier or _qualifier_after(text, m.end()) or "exact"
    return _Quantity(m.start(), m.end(), lead, 50.0, None, "%", "percent", "", qualifier)


def _bare_scale_quantity(text: str, m: re.Match) -> _Quantity | None:
    """万亿人民币: one of the scale, in a currency."""
    u = _UNIT_RE.match(text, m.end())
    unit = _UNITS[u.group(1)]
    qualifier, lead = _qualifier_before(text, m.start())
    qualifier = qualifier or _qualifier_after(text, u.end()) or "exact"
    return _Quantity(m.start(), u.end(), lead, _SCALES[m.group(1)] * unit.factor, None, unit.code, unit.kind, "",
                     qualifier)


def _read_amount(text: str, m: re.Match, separator_ok: _SeparatorCheck) -> _Amount:
    """Read number, 多/余, scale word and unit from a number match."""
    numeral = m.group()
    start, end = m.start(), m.end()
    for i, c in enumerate(numeral):
        if c == "," and not separator_ok(start + i):
            numeral, end = numeral[:i], start + i
            break
    value = parse_number(numeral)
    scaled = bool(re.search("[万亿]", numeral))
    scale = 1.0
    over = False
    pos = end
    if pos < len(text) and text[pos] in "多余" and (_SCALE_RE.match(text, pos + 1) or _UNIT_RE.match(text, pos + 1)):
        over, pos = True, pos + 1
    unit_m = _valid_unit(text, pos)
    if unit_m is None:
        scale_m = _SCALE_RE.match(text, pos)
        if scale_m and (scale_m.group(1) != "千" or _valid_unit(text, scale_m.end())):
            scale = _SCALES[scale_m.group(1)]
            value *= scale
            scaled, pos = True, scale_m.end()
            value, pos = _with_smaller_part(text, value, scale, pos)
            if pos < len(text) and text[pos] in "多余" and _UNIT_RE.match(text, pos + 1):
                over, pos = True, pos + 1
            unit_m = _valid_unit(text, pos)
    if unit_m is None:
        return _Amount(start, pos, value, None, "", scale, scaled, over, numeral)
    surface = unit_m.group(1)
    unit = _UNITS[surface]
    if surface == "大" and (scaled or value > 20 or _opens_adverb(text, unit_m)) \
            or surface == "点" and not _index_points(text, start, unit_m.end()) or surface == "日" and value <= 31:
        # 6亿大关, 4800大幅下调: 大 belongs to the next word (三大领域 counts); 下午3点 is a time, 这两点 no index's
        # points; 10日 is a day of the month, 90日 (Hong Kong's 90 days) a length of time
        return _Amount(start, pos, value, None, "", scale, scaled, over, numeral)
    if surface == "成":
        tenths, unit_end = _tenths_after(text, unit_m.end())
        return _Amount(start, unit_end, (value + tenths) * unit.factor, unit, surface, scale, scaled, over, numeral)
    return _Amount(
        start, unit_m.end(), value * unit.factor, unit, surface, scale, scaled, over or "多" in surface, numeral
    )


def _with_smaller_part(text: str, value: float, scale: float, pos: int) -> tuple[float, int]:
    """1兆6,820億, 2億5000萬: a number in a smaller scale right after one in 兆 or 亿 is its remainder, added to it;
    ``value`` and where the amount then ends."""
    part = _SMALLER_PART_RE.match(text, pos) if scale >= 1e8 else None
    if part is None:
        return value, pos
    smaller = _SCALES[part.group(2)]
    remainder = float(part.group(1).replace(",", "")) * smaller
    return (value + remainder, part.end()) if smaller < scale and remainder < scale else (value, pos)


_SMALLER_PART_RE = re.compile(r"(\d{1,4}(?:,\d{3})?(?:\.\d+)?)(亿|千万|万)")


def _tenths_after(text: str, pos: int) -> tuple[float, int]:
    """The tenth of a 成 written after it: 三成半 → 0.5, 七成六 and 8成5 → 0.6 and 0.5 (not 七成六家: that is a
    count)."""
    ch = text[pos:pos + 1]
    if ch == "半":
        return 0.5, pos + 1
    if ch and (ch in _CN_DIGITS and ch not in "〇零两" or ch in "123456789"):
        after = text[pos + 1:pos + 2]
        if not (after and (after in _CN_DIGIT_CLASS or after in "十百千万亿0123456789"
                           or _UNIT_RE.match(text, pos + 1))):
            return (_CN_DIGITS[ch] if ch in _CN_DIGITS else int(ch)) / 10, pos + 1
    return 0.0, pos


def _valid_unit(text: str, pos: int) -> re.Match | None:
    """A unit at ``pos``, unless it is the start of a longer Latin word (5nmX) or of 年代/年级."""
    m = _UNIT_RE.match(text, pos)
    if m is None:
        return None
    after = text[m.end():m.end() + 1]
    if m.group(1)[-1].isascii() and m.group(1)[-1].isalpha() and after.isascii() and after.isalpha():
        return None
    if _UNITS[m.group(1)].kind == "duration" and after in ("前", "级", "代"):
        return None
    return m


def _is_name_or_ordinal(text: str, start: int, numeral: str) -> bool:
    """第三, 数十亿, H20, F-35, v1.2: the digits are not a quantity here."""
    before = text[max(0, start - 2):start]
    last = before[-1:]
    if last in ("第", "数", "几") or (last in ("周", "拜") or before == "星期") and numeral in _CN_DIGITS:
        return True
    if not numeral[0].isdigit():
        return False  # AI三大领域: letters before a Chinese numeral do not make a model name
    if last.isascii() and (last.isalpha() or last == "."):
        return True
    return len(before) == 2 and before[1] == "-" and before[0].isascii() and before[0].isalpha()


def _number_quantity(
    text: str, m: re.Match, blocked: bytearray, separator_ok: _SeparatorCheck
) -> _Quantity | None:
    prefix = _PREFIX_RE.search(text, max(0, m.start() - 5), m.start())
    if prefix is None and _is_name_or_ordinal(text, m.start(), m.group()):
        return None
    numeral = m.group()
    if numeral[0].isdigit() and "," not in numeral and "." not in numeral and len(numeral) >= 8:
        return None  # an identifier (phone, QQ, registration number), not an amount
    amount = _read_amount(text, m, separator_ok)
    named = None if prefix else _CURRENCY_BEFORE_RE.search(text, max(0, m.start() - 5), m.start())
    lead = prefix.start() if prefix else named.start() if named else m.start()
    qualifier, lead = _qualifier_before(text, lead)
    read = _unit_and_range(text, amount, prefix, blocked, separator_ok, lead)
    if read is None:
        return None
    value, value_high, end, unit, classifier = read
    if unit.kind == "count" and amount.unit is not None:
        classifier = classifier or amount.surface
    if named and (unit.code == "count" and not classifier or amount.surface == "元"):
        unit = _UNITS[named.group(1)]  # 新台币1兆元, 港元30亿: the currency named before the number
    elif amount.surface == "元":
        unit = _paragraph_currency(text, m.start()) or _market_currency(text) or unit
    if unit.kind == "count" and amount.unit is not None and _LATIN_WORD_BEFORE_RE.search(
        text, max(0, m.start() - 20), m.start()
    ):
        return None  # iPhone 16, Mate 60 台
    if amount.numeral in ("一", "两") and not amount.scaled and value_high is None:
        if _is_article_or_pair(text, m, amount, unit, qualifier):
            return None  # 一个/两国: an article or "both", not a count; 上一年 is a date
    qualifier = qualifier or ("over" if amount.over else "") or _qualifier_after(text, end) or "exact"
    start = m.start() if not prefix else prefix.start()
    sign = _NEGATIVE_BEFORE.search(text, max(0, start - 3), start) if value_high is None and not prefix else None
    if sign:
        value, start, lead = -value, sign.start(), min(lead, sign.start())
    return _Quantity(start, end, lead, value, value_high, unit.code, unit.kind, classifier, qualifier)


def _unit_and_range(
    text: str, amount: _Amount, prefix: re.Match | None, blocked: bytearray, separator_ok: _SeparatorCheck, lead: int,
) -> tuple[float, float | None, int, _Unit, str] | None:
    """(value, upper end, end, unit, classifier) of an amount: a currency sign before it (US$5 billion),
    its own unit, or the unit of the range it opens (30至40%); None when it has none and is no scaled count."""
    value, end = amount.value, amount.end
    if prefix:
        en = _EN_SCALE_RE.match(text, end)
        if amount.unit is not None:
            return None
        if en:
            value, end = value * _EN_SCALES[en.group(1).lower()], en.end()
        return value, None, end, _PREFIX_UNITS[prefix.group(1)], ""
    rng = _range_end(text, amount, blocked, separator_ok, lead)
    if amount.unit is not None:
        return (value, rng[1], rng[2], amount.unit, "") if rng is not None else (value, None, end, amount.unit, "")
    if rng is not None:
        return rng
    glued = text[amount.end:amount.end + 1]
    if glued.isascii() and glued.isalpha() or not (amount.scaled or _bare_change(text, amount, lead)):
        return None
    return value, None, end, _Unit("count", "count", 1.0), ""


def _bare_change(text: str, amount: _Amount, lead: int) -> bool:
    """门槛从4,800砍至1,600, 由TPP 4800下调至1600: two bare numbers a change joins (从/由 X … 至/到 Y, neither with a
    unit or scale) are the levels of what changes, figures without a unit; a year (从2019至2021) is none."""
    if not _is_bare(text, amount.start, amount.end):
        return False
    if _FROM_BEFORE_RE.search(text, max(0, lead - _BARE_CHANGE_REACH), lead):
        to = _TO_BARE_RE.match(text, amount.end)
        if to and _is_bare(text, to.start(1), to.end(1)):
            return True
    before = _FROM_BARE_RE.search(text, max(0, amount.start - _BARE_CHANGE_REACH), amount.start)
    return before is not None and _is_bare(text, before.start(1), before.end(1))


def _is_bare(text: str, start: int, end: int) -> bool:
    """The digits at ``[start, end)`` stand alone: no unit or scale after them, and no year."""
    number = text[start:end].replace(",", "")
    try:
        value = float(number)
    except ValueError:
        return False
    if 1900 <= value <= 2100 and value == int(value) or text[end:end + 1] in ("年", "%", "."):
        return False
    unit = _valid_unit(text, end)
    return (unit is None or _opens_adverb(text, unit)) and _SCALE_RE.match(text, end) is None


_BARE_CHANGE_REACH = 32
# 从/由 and then words, no digit or clause mark, up to the number: the from-level of a change.
_FROM_BEFORE_RE = re.compile(r"[从由][^\d,;。!?\n]{0,14}\Z")
_TO_BARE_RE = re.compile(r"[^\d,;。!?\n]{0,6}?(?:至|到)(\d[\d,]*(?:\.\d+)?)")
_FROM_BARE_RE = re.compile(r"[从由][^\d,;。!?\n]{0,14}?(\d[\d,]*(?:\.\d+)?)[^\d,;。!?\n]{0,6}?(?:至|到)\Z")


def _is_article_or_pair(text: str, m: re.Match, amount: _Amount, unit: _Unit, qualifier: str) -> bool:
    """一家 (a firm), 两国 (both countries), 上一年: no count. 各一家 (one each), 两家, 两项, 一年期 are."""
    if amount.numeral == "两":
        return unit.kind == "count" and amount.surface not in _TWO_COUNTS
    if text[m.start() - 1:m.start()] == "各":
        return False
    if unit.kind == "duration" and text[amount.end:amount.end + 1] == "期":
        return False  # 一年期: a one-year term
    if unit.kind == "duration" and _is_term(text, m.start(), amount.end):
        return False  # 暂停该规则一年: the suspension's term
    return unit.kind == "count" or (unit.kind == "duration" and qualifier in ("", "exact"))


def _is_term(text: str, start: int, end: int) -> bool:
    """暂停实施该规则一年，…: the duration at ``[start, end)`` ends its clause, and a verb putting a term on
    something (:data:`_TERM_VERB_RE`) stands earlier in that clause, within :data:`_TERM_REACH` characters."""
    if not _CLAUSE_END_RE.match(text, end):
        return False
    low = max(0, start - _TERM_REACH)
    clause = max(low, *(text.rfind(c, low, start) + 1 for c in "，。；！？,;!?\n"))
    return _TERM_VERB_RE.search(text, clause, start) is not None


_TERM_REACH = 24
# What may follow a term that ends its clause: punctuation, the text's end, or 并/和 joining the next verb phrase.
_CLAUSE_END_RE = re.compile(r"[，。；！？,;!?、\n]|并|\Z")


@lru_cache(maxsize=4)
def _market_currency(text: str) -> _Unit | None:
    """The currency of a bare 元 in a report on one local market: Taiwan's (台股, 证交所: TWD) or Hong Kong's (港股,
    恒指: HKD), when the article shows the cues of one and not the other and names no 人民币; None otherwise (a
    currency named is no market: a mainland article may quote 新台币 once). 收218.5元 in a Taiwan market report is
    a share price in New Taiwan dollars."""
    taiwan, hong_kong = _TAIWAN_MARKET_RE.search(text), _HONG_KONG_MARKET_RE.search(text)
    if bool(taiwan) == bool(hong_kong) or _RENMINBI_RE.search(text):
        return None
    return _UNITS["新台币" if taiwan else "港元"]


_TAIWAN_MARKET_RE = re.compile("台股|证交所|柜买中心|集中市场|加权指数")
_HONG_KONG_MARKET_RE = re.compile("港股|恒指|恒生指数|港交所")
_RENMINBI_RE = re.compile("人民币")


def _paragraph_currency(text: str, pos: int) -> _Unit | None:
    """The currency of a bare 元: the last 元-denominated currency named earlier in the paragraph.

    营收新台币9337.9亿元…税后纯益3982.7亿元: the second amount is in 新台币 too. Looks back at most
    ``_CURRENCY_REACH`` characters: a file pasted as one line is not read again for every amount.
    """
    reach = max(0, pos - _CURRENCY_REACH)
    paragraph = text.rfind("\n", reach, pos) + 1 or reach
    named = list(_YUAN_CURRENCY_RE.finditer(text, paragraph, pos))
    return _UNITS[named[-1].group()] if named else None


def _range_end(
    text: str, first: _Amount, blocked: bytearray, separator_ok: _SeparatorCheck, lead: int
) -> tuple[float, float, int, _Unit, str] | None:
    """The upper end of 300亿至500亿美元 / 30%-40% / 3到5年, read after ``first``; None if no range."""
    sep = _RANGE_RE.match(text, first.end)
    if sep is None or text[max(0, lead - 1):lead] in ("从", "由"):
        return None
    m = _NUMBER_RE.match(text, sep.end())
    if m is None or any(blocked[m.start():m.end()]) or _is_name_or_ordinal(text, m.start(), m.group()):
        return None
    second = _read_amount(text, m, separator_ok)
    if second.unit is None:
        return None
    low = first.value
    if first.unit is None:
        if not first.scaled:
            low *= second.scale
        low *= second.unit.factor
    elif first.unit.code != second.unit.code:
        return None
    if second.value <= low:
        return None
    classifier = second.surface if second.unit.kind == "count" else ""
    return low, second.value, second.end, second.unit, classifier


# ---------------------------------------------------------------- sentences and clauses
