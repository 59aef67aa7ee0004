"""Dates and periods named in a text, resolved against the publication year.

2025年4月 → 2025-04, 今年一季度 (published 2025) → 2025Q1, 2024年4月至2025年3月 → one period.
Date-like spans (also 3天前, 10:30) are masked so that no figure is read inside them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta

from core.figures.cues import _COMPARISON_BASE_RE
from core.figures.exclusions import _TITLE_RE
from core.figures.numbers import _CN_DIGIT_CLASS, parse_number
from core.lexicon import led_by
from core.normalize import MappedText, normalize


@dataclass(frozen=True)
class DateMention:
    """A date or period named in an article: ``value`` is ISO-like (2025, 2025-04, 2025Q1, --04-16)."""

    text: str
    value: str
    start: int
    end: int


def extract_dates(text: str, published: str | None = None) -> list[DateMention]:
    """Dates and periods named in ``text``, in text order."""
    return extract_dates_mapped(normalize(text), published)


def extract_dates_mapped(mapped: MappedText, published: str | None = None) -> list[DateMention]:
    """Dates of a normalised text, with text and offsets in its original."""
    dates, _ = _find_dates(mapped.text, published)
    return _date_mentions(mapped, dates)


def _date_mentions(mapped: MappedText, dates: list[tuple[int, int, str]]) -> list[DateMention]:
    out = []
    for start, end, value in dates:
        s, e = mapped.to_original(start, end)
        out.append(DateMention(mapped.original[s:e], value, s, e))
    return out


# ---------------------------------------------------------------- dates and other non-figures

_M = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_D = r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_YEAR = r"(?:1[89]|20)\d{2}|[〇零一二三四五六七八九]{4}"
# 第三季 is Taiwan usage for 第三季度; without 第 a 季 needs 度 (一年四季 names no quarter).
# 首季 is Hong Kong and Taiwan usage for the first quarter; 前两个月 (首/头) the months of the year so far.
_MONTHS_SO_FAR = r"(?<![提此之以市])[前首](?:1[0-2]|[1-9]|十[一二]?|[一两二三四五六七八九])个月"
_RELATIVE_PART = (r"第[一二三四1-4]季度?|[一二三四1-4]季度|首季度?|Q[1-4]|[上下]半年|前三季度|全年|年初|年底|年末|年中|"
                  + _MONTHS_SO_FAR)
_PART = rf"{_RELATIVE_PART}|初|底|末"
_RELATIVE = r"今年|去年|明年|前年|后年|同年|当年|本年度?|上年度?"
_NUM_BEFORE = rf"(?<![\d.{_CN_DIGIT_CLASS}十百千])"
# (kind, the characters a match can start with, pattern). Compiled behind a lookahead on that first character
# (:func:`led_by`), which lets ``re`` skip the positions no match can start at: the same matches, about 3× faster.
_DATE_PATTERN_SOURCES = (
    ("iso", "12",
     r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2})([-/.])(?P<m>1[0-2]|0?[1-9])\2(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])"),
    ("years", "12",
     r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2}) ?年? ?[-~至到] ?(?P<y2>(?:1[89]|20)\d{2}) ?(?:财年|年度|年)"),
    ("decade", r"\d", r"(?<![\d.])(?P<c>1[89]|20)?(?P<d>\d)0 ?年代"),
    ("year", "12〇零一二三四五六七八九",
     rf"{_NUM_BEFORE}(?P<y>{_YEAR}) ?(?:财年|年度|年)"
     rf"(?: ?(?P<m>{_M}) ?(?:[-~至到] ?(?P<m2>{_M}) ?)?月份?(?: ?(?P<d>{_D}) ?[日号])?|(?P<part>{_PART}))?"),
    ("month", r"\d十一二三四五六七八九",
     rf"{_NUM_BEFORE}(?<![个第])(?P<m>{_M}) ?(?:[-~至到] ?(?P<m2>{_M}) ?)?月份?(?: ?(?P<d>{_D}) ?[日号])?"),
    ("day", r"\d", r"(?<![\d.月])(?P<d>3[01]|[12]\d|0?[1-9]) ?[日号](?![元圆])"),
    # 美國商務部三日宣布 (Taiwan usage): a day in Chinese numerals, not a span of days (三日内, 每日, 近三日).
    ("day", "一二三四五六七八九十",
     rf"(?<![{_CN_DIGIT_CLASS}十百千万每近前数几多第逾约共连隔])(?P<d>三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?"
     r"|[一二三四五六七八九])日(?![内之后前起间来以至到期元圆本])"),
    # 周二, 星期二: the last such weekday on or before the publication date (news tells what happened).
    ("weekday", "周星礼", r"(?<![上下本这每])(?:周|星期|礼拜)(?P<w>[一二三四五六日天])(?![末刊报年])"),
    ("relative", "今去明前后同当本上第一二三四下全首",
     rf"(?P<rel>{_RELATIVE})(?: ?(?P<part>{_RELATIVE_PART}))?"
     rf"|{_NUM_BEFORE}(?<!年)(?P<part2>第[一二三四1-4]季度?|[一二三四]季度|首季度?|前三季度|[上下]半年|全年"
     rf"|{_MONTHS_SO_FAR})"),
    ("ago", rf"\d{_CN_DIGIT_CLASS}十",
     rf"(?<!\d)(?:\d{{1,3}}|[{_CN_DIGIT_CLASS}十]+) ?个?(?:小时|分钟|秒钟?|天|周|星期|月|年)之?前"),
    ("clock", r"\d", r"(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)"),
)


_DATE_PATTERNS = tuple((kind, led_by(first, pattern)) for kind, first, pattern in _DATE_PATTERN_SOURCES)
_PART_VALUES = {"上半年": "H1", "下半年": "H2", "前三季度": "Q1..Q3"}
_RANGE_BETWEEN_RE = re.compile(r" ?[-~至到] ?")

def _year_of(published: str | None) -> int | None:
    m = re.match(r"\s*(\d{4})", published or "")
    return int(m.group(1)) if m else None


def _month_published(published: str | None) -> int | None:
    m = re.match(r"\s*\d{4}-(\d{2})", published or "")
    return int(m.group(1)) if m else None


def _find_dates(text: str, published: str | None) -> tuple[list[tuple[int, int, str]], bytearray]:
    """Resolved date mentions (start, end, value) and a mask of every date-like span, figures excluded there.

    ``published`` (YYYY-MM-DD) gives a bare year its context, and a bare day (川普11日签署) its month."""
    titles = [m.span() for m in _TITLE_RE.finditer(text)]
    title_starts = [s for s, _ in titles]

    def in_title(pos: int) -> bool:  # 《2021年战略竞争法案》 names no date
        i = bisect.bisect_right(title_starts, pos) - 1
        return i >= 0 and pos < titles[i][1]

    found = [
        (m.start(), m.end(), kind, m)
        for kind, pattern in _DATE_PATTERNS
        for m in pattern.finditer(text)
        if not in_title(m.start())
    ]
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    blocked = bytearray(len(text))
    chosen = []
    last_end = 0
    for start, end, kind, m in found:
        if start < last_end or end == start:
            continue
        last_end = end
        blocked[start:end] = b"\x01" * (end - start)
        if kind not in ("ago", "clock"):
            chosen.append((start, end, kind, m))
    resolved = _resolve_dates(chosen, _year_of(published), _month_published(published), published)
    return _merge_date_ranges(text, resolved), blocked


def _resolve_dates(
    chosen: list[tuple[int, int, str, re.Match]], published_year: int | None, published_month: int | None = None,
    published: str | None = None,
) -> list[tuple[int, int, str]]:
    """Give each mention a value; a missing year comes from the nearest year named before it, a bare day's
    month from the nearest month named before it, else the publication's (news names days of its own month).

    A comparison's base (较去年, 比2024年) names no context: the 第二季度 after it is still this year's.
    """
    out = []
    year: int | None = None
    month: int | None = None
    for start, end, kind, m in chosen:
        g = m.groupdict()
        value = ""
        context = (year, month) if _COMPARISON_BASE_RE.search(m.string, max(0, start - 3), start) else None
        if kind == "iso":
            year, month = int(g["y"]), int(g["m"])
            value = f"{year:04d}-{month:02d}-{int(g['d']):02d}"
        elif kind == "years":
            year = int(g["y2"])
            value = f"{g['y']}..{g['y2']}"
        elif kind == "decade":
            value = f"{g['c'] or '19'}{g['d']}0s"
        elif kind == "year":
            year = int(parse_number(g["y"]))
            value = _calendar_value(year, g)
            month = _month_of(g) or month
        elif kind == "weekday":
            value = _weekday_value(published, _WEEKDAYS[g["w"]])
        elif kind in ("month", "day"):
            context_year = year if year is not None else published_year
            if kind == "day":
                if month is None and published_month is not None:
                    context_year = published_year
                value = _day_value(context_year, month or published_month, int(parse_number(g["d"])))
            else:
                value = _calendar_value(context_year, g)
                month = _month_of(g) or month
        elif kind == "relative":
            value = _relative_value(g, year, published_year)
            # 去年5月, 今年第二季…较第一季: a relative year is the context of the bare parts after it
            year = int(value[:4]) if value[:4].isdigit() else year
        if context:
            year, month = context
        if value:
            out.append((start, end, value))
    return out


def _month_of(g: dict) -> int | None:
    m = g.get("m2") or g.get("m")
    return int(parse_number(m)) if m else None


def _calendar_value(year: int | None, g: dict) -> str:
    y = f"{year:04d}" if year is not None else "-"
    if g.get("m"):
        m = int(parse_number(g["m"]))
        if g.get("m2"):
            return f"{y}-{m:02d}..{y}-{int(parse_number(g['m2'])):02d}"
        if g.get("d"):
            return f"{y}-{m:02d}-{int(parse_number(g['d'])):02d}"
        return f"{y}-{m:02d}"
    if year is None:
        return ""
    return _part_value(year, g.get("part") or "")


def _part_value(year: int, part: str) -> str:
    if part in _PART_VALUES:
        return "..".join(f"{year}{p}" for p in _PART_VALUES[part].split(".."))
    if part.startswith("首季"):
        return f"{year}Q1"
    if part.endswith("个月"):  # 前两个月: January to February
        return f"{year}-01..{year}-{int(parse_number(part[1:-2].replace('两', '二'))):02d}"
    if "季" in part or part.startswith("Q"):
        quarter = part.strip("第度Q").replace("季", "")
        return f"{year}Q{int(parse_number(quarter))}"
    return f"{year}"


_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _weekday_value(published: str | None, weekday: int) -> str:
    """The date of the last ``weekday`` (0 is Monday) on or before the publication date, or ""."""
    try:
        day = date.fromisoformat(str(published or "")[:10])
    except ValueError:
        return ""
    return (day - timedelta(days=(day.weekday() - weekday) % 7)).isoformat()


def _day_value(year: int | None, month: int | None, day: int) -> str:
    if month is None:
        return f"---{day:02d}"
    y = f"{year:04d}" if year is not None else "-"
    return f"{y}-{month:02d}-{day:02d}"


def _relative_value(g: dict, context_year: int | None, published_year: int | None) -> str:
    """今年/去年 count from the publication year; 同年 and a bare 一季度 take the year in context."""
    offsets = {"今年": 0, "本年": 0, "本年度": 0, "去年": -1, "上年": -1, "上年度": -1, "前年": -2,
               "明年": 1, "后年": 2}
    rel = g.get("rel")
    if rel in offsets:
        base = published_year if published_year is not None else context_year
        year = base + offsets[rel] if base is not None else None
    else:
        year = context_year if context_year is not None else published_year
    if year is None:
        return ""
    return _part_value(year, g.get("part") or g.get("part2") or "")


def _merge_date_ranges(text: str, dates: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """2024年4月至2025年3月 is one period: two mentions joined by 至/-."""
    out: list[tuple[int, int, str]] = []
    for start, end, value in dates:
        if out and ".." not in out[-1][2] and ".." not in value:
            p_start, p_end, p_value = out[-1]
            if _RANGE_BETWEEN_RE.fullmatch(text, p_end, start):
                out[-1] = (p_start, end, f"{p_value}..{value}")
                continue
        out.append((start, end, value))
    return out

