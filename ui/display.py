"""How the dashboard writes what it shows: numbers and figures (500亿美元 / US$50 billion), periods
(2025年一季度 / Q1 2025), sources, and article text made safe for markdown and Plotly (no autolinks, no bidi
controls, no emoji, spans highlighted). Plain Python and pandas; no Streamlit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from functools import lru_cache

import pandas as pd

from core.corpus import UNKNOWN_SOURCE
from ui import i18n

_QUALIFIER_MARK = {"about": "≈", "over": ">", "at_least": "≥", "under": "<", "at_most": "≤"}
# How each language writes a unit after a number (zh) or around it (en: prefix, suffix). A code not listed
# is written after the number as it is stored.
_UNIT_ZH = {
    "USD": "美元", "CNY": "元", "JPY": "日元", "EUR": "欧元", "HKD": "港元", "TWD": "新台币元", "GBP": "英镑",
    "KRW": "韩元", "SGD": "新加坡元", "pp": "个百分点", "times": "倍", "nm": "纳米", "um": "微米", "mm": "毫米",
    "km": "公里", "kg": "公斤", "t": "吨", "hour": "小时", "minute": "分钟", "second": "秒", "year": "年",
    "month": "个月", "week": "周", "quarter": "个季度", "inch": "英寸", "m2": "平方米", "count": "",
}
_UNIT_EN = {
    "USD": ("US$", ""), "CNY": ("RMB ", ""), "JPY": ("¥", ""), "EUR": ("€", ""), "HKD": ("HK$", ""),
    "TWD": ("NT$", ""), "GBP": ("£", ""), "KRW": ("₩", ""), "SGD": ("S$", ""), "pp": ("", " pp"),
    "times": ("", "×"), "nm": ("", " nm"), "um": ("", " µm"), "mm": ("", " mm"), "km": ("", " km"),
    "kg": ("", " kg"), "t": ("", " t"), "hour": ("", " hours"), "minute": ("", " minutes"),
    "second": ("", " seconds"), "year": ("", " years"), "month": ("", " months"), "week": ("", " weeks"),
    "quarter": ("", " quarters"), "inch": ("", " in"), "m2": ("", " m²"), "count": ("", ""),
}
_SCALES_ZH = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))
_SCALES_EN = ((1e12, " trillion"), (1e9, " billion"), (1e6, " million"))


def format_number(value: float, lang: str) -> str:
    """A number as a reader of ``lang`` writes it: 500亿 / 50 billion, 1.4万 / 14,000, 38, 2.5.

    Chinese counts in 万, 亿 and 万亿; English in million, billion and trillion. Four significant
    digits at most; whole numbers below the first scale keep their digits (2,000 / 2000).
    """
    v = float(value)
    for size, word in _SCALES_ZH if lang == "zh" else _SCALES_EN:
        if abs(v) >= size:
            return f"{v / size:.4g}{word}"
    if abs(v) >= 1e4 or v == int(v):
        return f"{v:,.0f}" if lang == "en" else f"{v:.0f}"
    return f"{v:.4g}"


def display_unit(unit: str, magnitude: float) -> tuple[float, str]:
    """(divisor, unit) a value of ``unit`` near ``magnitude`` is shown in: masses are kept in kg, and a ton or more
    reads in tonnes (2,350,000 kg → 2350吨); other units as they are."""
    return (1000.0, "t") if unit == "kg" and abs(magnitude) >= 1000 else (1.0, unit)


def format_figure(value: float, value_high: float | None, unit: str, qualifier: str | None, lang: str,
                  classifier: str = "") -> str:
    """A figure as a reader of ``lang`` writes it, qualifier kept: ``>38%``, ``≥500亿美元`` / ``≥US$50 billion``,
    ``25–30%``, ``7纳米`` / ``7 nm``, ``88所`` / ``88``."""
    unit = str(unit or "")
    factor, unit = display_unit(unit, float(value))
    if factor != 1:
        value = float(value) / factor
        value_high = None if value_high is None or pd.isna(value_high) else float(value_high) / factor
    text = format_number(value, lang)
    if value_high is not None and not pd.isna(value_high):
        text = f"{text}–{format_number(value_high, lang)}"
    if unit in ("%", "%", "‰"):
        text += unit
    elif lang == "zh":
        text += _UNIT_ZH.get(unit, unit) if unit != "count" else str(classifier or "")
    elif unit in _UNIT_EN:
        before, after = _UNIT_EN[unit]
        text = f"{before}{text}{after}"
    elif unit:
        text = f"{text} {unit}"
    return _QUALIFIER_MARK.get(qualifier or "", "") + text


def figure_column(rows: pd.DataFrame, lang: str) -> pd.Series:
    """Each figure as ``lang`` writes it, its qualifier kept (>38%, ≥500亿美元 / ≥US$50 billion)."""
    qualifiers = rows["qualifier"] if "qualifier" in rows else pd.Series("", index=rows.index)
    classifiers = rows["classifier"] if "classifier" in rows else pd.Series("", index=rows.index)
    return pd.Series([
        format_figure(v, h, u, q if isinstance(q, str) else "", lang, c if isinstance(c, str) else "")
        for v, h, u, q, c in zip(rows["value"], rows["value_high"], rows["unit"], qualifiers, classifiers,
                                 strict=True)
    ], index=rows.index, dtype=object)


def plot_labels(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with the named text columns made safe for Plotly (:func:`plot_label`)."""
    return frame.assign(**{c: frame[c].map(plot_label) for c in columns})




def display_source(source: object, lang: str) -> str:
    """A source as shown: the unknown-source label in ``lang``; the data and the filters keep the stored one."""
    text = str(source)
    return i18n.t("unknown_source", lang) if text == UNKNOWN_SOURCE else text


_PERIOD_RE = re.compile(
    r"(?P<year>\d{4}|-)(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12]))?"
)
_DAY_ONLY_RE = re.compile(r"---(?P<day>\d{2})")
_DECADE_RE = re.compile(r"(?P<decade>\d{3}0)s")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUARTERS_ZH = ("一", "二", "三", "四")


def _period_parts(value: str) -> dict[str, str | None] | None:
    for pattern in (_PERIOD_RE, _DAY_ONLY_RE, _DECADE_RE):
        match = pattern.fullmatch(value)
        if match:
            parts = {"year": None, "month": None, "day": None, "quarter": None, "half": None, "decade": None}
            parts.update(match.groupdict())
            if parts["year"] == "-":
                parts["year"] = None
            return parts
    return None


def _period_text(parts: dict[str, str | None], lang: str, *, year: bool = True) -> str:
    """One end of a period in ``lang``; ``year=False`` leaves the year out (a range's second end)."""
    y = parts["year"] if year else None
    if parts["decade"]:
        return f"{parts['decade']}年代" if lang == "zh" else f"{parts['decade']}s"
    if lang == "zh":
        if parts["quarter"]:
            rest = f"{_QUARTERS_ZH[int(parts['quarter']) - 1]}季度"
        elif parts["half"]:
            rest = "上半年" if parts["half"] == "1" else "下半年"
        else:
            rest = "".join([f"{int(parts['month'])}月" if parts["month"] else "",
                            f"{int(parts['day'])}日" if parts["day"] else ""])
        return (f"{y}年" if y else "") + rest
    if parts["quarter"] or parts["half"]:
        rest = f"Q{parts['quarter']}" if parts["quarter"] else f"H{parts['half']}"
    else:
        month = _MONTHS_EN[int(parts["month"]) - 1] if parts["month"] else ""
        rest = " ".join(x for x in (str(int(parts["day"])) if parts["day"] else "", month) if x)
        if parts["day"] and not parts["month"]:
            rest = f"day {int(parts['day'])}"
    return " ".join(x for x in (rest, y or "") if x)


@lru_cache(maxsize=4096)
def format_period(value: object, lang: str) -> str:
    """A period as a reader writes it; ``value`` is the ISO-like code figures.py gives periods.

    ``2025Q1`` → 2025年一季度 / Q1 2025, ``2025H1`` → 2025年上半年 / H1 2025, ``2024-04..2025-03`` →
    2024年4月–2025年3月 / Apr 2024 – Mar 2025; a range within one year names the year once
    (2025年1月–5月 / Jan – May 2025). A value in no known form is returned as it is; CSVs keep the code.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    ends = text.split("..")
    parts = [_period_parts(end) for end in ends]
    if not text or len(ends) > 2 or any(p is None for p in parts):
        return text
    if len(parts) == 1:
        return _period_text(parts[0], lang)
    first, last = parts
    bare_years = all(p["year"] and not any(p[k] for k in ("month", "day", "quarter", "half")) for p in parts)
    if bare_years:
        return f"{first['year']}–{last['year']}" + ("年" if lang == "zh" else "")
    if first["year"] and first["year"] == last["year"]:
        if lang == "zh":
            return f"{_period_text(first, lang)}–{_period_text(last, lang, year=False)}"
        return f"{_period_text(first, lang, year=False)} – {_period_text(last, lang)}"
    return ("–" if lang == "zh" else " – ").join(_period_text(p, lang) for p in parts)


def display_values(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A labelled table as shown: periods in words and the unknown-source label in ``lang``.

    Only the columns headed with the ``period`` and ``source`` labels of ``lang`` change;
    each distinct value is formatted once. The CSV download keeps ``table`` as it is.
    """
    shown = table
    for column, show in (("period", format_period), ("source", display_source)):
        header = i18n.label(i18n.COLUMNS, column, lang)
        if header in table.columns:
            values = table[header]
            labels = {v: show(v, lang) for v in values.dropna().unique()}
            if any(str(k) != v for k, v in labels.items()):
                shown = shown.copy() if shown is table else shown
                shown[header] = values.map(labels)
    return shown



_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&=^\"'])")
# Characters that reorder or hide what follows them (U+202E shows "abc" as "cba"): never shown.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Pictographs (emoji) and what joins or varies them: the app's fonts draw none of them, so they are left out
# rather than drawn as boxes.
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\uFE0F\u200d\u20e3]")
# Where GitHub-flavoured markdown starts a link of its own: www., ://, and the @ of an e-mail address.
_AUTOLINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)|(?<=@)")
WORD_JOINER = "\u2060"


def display_text(text: object) -> str:
    """Article text as the app shows it anywhere: no bidi controls, no emoji (see the patterns above)."""
    return _EMOJI.sub("", _BIDI_CONTROLS.sub("", str(text)))


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows as written: every markdown, HTML, LaTeX and directive
    character backslash-escaped (CommonMark lets any ASCII punctuation be escaped), bidi controls and emoji
    removed, and an invisible word joiner (U+2060) put where markdown would turn a URL, a ``www.`` host or an
    e-mail address into a link: ``www\u2060.example.com`` is still read as written and is no link."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, display_text(text)))


def plot_label(text: object) -> str:
    """Text for a Plotly label or hover: Plotly reads ``<b>``, ``<a href>`` … in labels, so ``<``, ``>`` and ``&``
    are written as entities (which Plotly shows as the characters; it shows ``&quot;`` as is, so quotes stay)."""
    return html.escape(display_text(text), quote=False)


def merge_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Spans clipped to ``[0, length)``, sorted, overlapping ones merged, empty ones dropped."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted((max(0, int(s)), min(length, int(e))) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight_markdown(text: str, spans: Iterable[tuple[int, int]], color: str = "orange",
                       focus: tuple[int, int] | None = None, focus_color: str = "red") -> str:
    """``text`` as safe markdown with each span wrapped in ``:color-background[**…**]``; the ``focus`` span
    (the figure a reader came for) in ``focus_color``.

    Everything is escaped first (article text is never trusted), line breaks are kept
    as markdown hard breaks, and a span crossing a line break is marked on each line.
    """
    pieces, cursor = [], 0
    focus = tuple(focus) if focus else None
    marked = merge_spans([s for s in spans if tuple(s) != focus] + ([focus] if focus else []), len(text))
    for start, end in marked:
        color_here = focus_color if focus and start <= focus[0] < end else color
        pieces.append(escape_markdown(text[cursor:start]))
        for i, line in enumerate(text[start:end].split("\n")):
            if i:
                pieces.append("\n")
            if line.strip():
                pieces.append(f":{color_here}-background[**{escape_markdown(line)}**]")
            else:
                pieces.append(escape_markdown(line))
        cursor = end
    pieces.append(escape_markdown(text[cursor:]))
    paragraphs = re.split(r"\n\s*\n", "".join(pieces))
    return "\n\n".join("  \n".join(p.strip() for p in para.split("\n") if p.strip()) for para in paragraphs
                       if para.strip())


def figure_spans(figures: pd.DataFrame, article_id: str) -> list[tuple[int, int]]:
    """Where an article's figures are in its original text."""
    rows = figures[figures["article_id"] == article_id]
    spans = zip(rows["start"], rows["end"], strict=True)
    return [(int(s), int(e)) for s, e in spans if pd.notna(s) and pd.notna(e)]


def kwic_markdown(row) -> str:
    """A keyword-in-context row as safe markdown: …before **match** after…"""
    return (f"…{escape_markdown(row.before)}:red-background[**{escape_markdown(row.match)}**]"
            f"{escape_markdown(row.after)}…")


def period_start(period: object) -> float | None:
    """Where a period begins, in years (2025 → 2025.0, 2025Q2 → 2025.25, 2024-04..2025-03 → 2024.25), or None."""
    text = str(period or "").split("..")[0]
    parts = _period_parts(text) if text else None
    if not parts or not (parts["year"] or parts["decade"]):
        return None
    year = float(parts["year"] or parts["decade"])
    if parts["month"]:
        return year + (int(parts["month"]) - 1) / 12
    if parts["quarter"]:
        return year + (int(parts["quarter"]) - 1) / 4
    if parts["half"]:
        return year + (int(parts["half"]) - 1) / 2
    return year
