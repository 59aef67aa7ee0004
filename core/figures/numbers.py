"""Numerals and their values: Arabic digits with thousands separators, Chinese numerals.

>>> parse_number("1,250.5")
1250.5
>>> parse_chinese_number("五百亿")
50000000000.0
"""

from __future__ import annotations

import math
import re

# ---------------------------------------------------------------- numbers

_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_DIGIT_CLASS = "〇零一二三四五六七八九两"
# 零/〇 never open a number (零部件, 零售); they stand inside one (一百零五, 二〇二五).
_CN_NUMBER = rf"[一二三四五六七八九两十][{_CN_DIGIT_CLASS}十百千万亿]*(?:点[〇零一二三四五六七八九]+)?"
_AR_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# 逾百家, 近千家: a round hundred or thousand after its qualifier, counting with a classifier.
_ROUND_NUMBER = r"(?<=[逾近超约])[百千](?=[家个名项种款所座位台])"
_NUMBER_RE = re.compile(rf"{_AR_NUMBER}|{_CN_NUMBER}|{_ROUND_NUMBER}")

def parse_chinese_number(numeral: str) -> float:
    """The value of a Chinese numeral: 五百亿 → 5e10, 一百二十点五 → 120.5, 二〇二五 → 2025.

    Raises ``ValueError`` for a character that is not part of a numeral and for a value too
    large for a float (亿 forty times over).
    """
    whole, _, decimals = numeral.partition("点")
    if any(c not in _CN_DIGITS and c not in _CN_SMALL and c not in "万亿" for c in whole) \
            or any(c not in _CN_DIGITS for c in decimals):
        raise ValueError(f"not a Chinese numeral: {numeral[:40]!r}")
    fraction = float("0." + "".join(str(_CN_DIGITS[c]) for c in decimals)) if decimals else 0.0
    if len(whole) > 1 and all(c in _CN_DIGITS for c in whole):
        return float("".join(str(_CN_DIGITS[c]) for c in whole)) + fraction
    total = section = number = 0.0
    for c in whole:
        if c in _CN_DIGITS:
            number = _CN_DIGITS[c]
        elif c in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[c]
            number = 0
        elif c == "万":
            total += (section + number) * 1e4
            section = number = 0
        elif c == "亿":
            total = (total + section + number) * 1e8
            section = number = 0
    return _finite(total + section + number + fraction, numeral)


def parse_number(numeral: str) -> float:
    """The value of a number written in Arabic digits (with thousands separators) or Chinese numerals.

    Raises ``ValueError`` for text that is neither, and for a value too large for a float (400 digits).
    """
    if numeral[:1].isdigit():
        return _finite(float(numeral.replace(",", "")), numeral)
    return parse_chinese_number(numeral)


def _finite(value: float, numeral: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"too large to be a quantity: {numeral[:40]!r}")
    return value


# ---------------------------------------------------------------- dates
