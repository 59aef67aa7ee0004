"""Figures and dates stated in one article.

A figure is a number made a quantity by what stands next to it: a unit (38%,
500亿美元, 7纳米, 3个月), a scale word (14亿) or a classifier (88所). Dates,
ordinals, set phrases, model names (H20, 5G), titles in 《》 and registration or
contact numbers are not figures; dates are reported on their own as
:class:`DateMention`. Each figure is described from the clause around it: what
it measures (metric), of whom (subject), when (period), how it is put
(modality) and on whose word (attributed_to).

Analysis runs on the normalised copy of the article (Simplified script, ASCII
digits; see :mod:`core.normalize`); text, sentence and offsets are reported in
the original. Vocabulary lives in ``core/data/units.tsv`` and the
``core/data/figure_*`` files; this module holds the grammar.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace

from core.entities import is_known_name, named_spans
from core.lexicon import read_rows, read_words
from core.name_patterns import byline_spans
from core.normalize import MappedText, normalize
from core.segment import tag


@dataclass(frozen=True)
class Figure:
    """One quantity stated in an article; offsets and text refer to the original."""

    text: str
    value: float
    value_high: float | None
    unit: str
    classifier: str
    qualifier: str
    metric: str
    subject: str
    period: str
    modality: str
    attributed_to: str
    sentence: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class DateMention:
    """A date or period named in an article: ``value`` is ISO-like (2025, 2025-04, 2025Q1, --04-16)."""

    text: str
    value: str
    start: int
    end: int


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Figure))


@dataclass(frozen=True)
class FigureCap:
    """How many figures one article and one sentence may yield: reading and describing each costs time.

    A file of nothing but "1%、1%、…" would otherwise take minutes and gigabytes. Numbers past a
    cap are not read, only counted in :class:`CapCount`, so a notice can say what was left out.
    """

    per_article: int
    per_sentence: int


@dataclass(frozen=True)
class CapCount:
    """What a :class:`FigureCap` did to one article: figures kept, numbers left unread for each reason."""

    kept: int = 0
    unread_in_sentences: int = 0
    unread_in_article: int = 0


class _CapGate:
    """Admits numbers to be read while the article and its sentence are under the cap; counts the rest."""

    def __init__(self, cap: FigureCap, sentence_starts: list[int]) -> None:
        self.cap, self.sentence_starts = cap, sentence_starts
        self.per_sentence: dict[int, int] = {}
        self.kept = self.unread_in_sentences = self.unread_in_article = 0

    def _sentence(self, pos: int) -> int:
        return max(bisect.bisect_right(self.sentence_starts, pos) - 1, 0)

    def admits(self, start: int) -> bool:
        if self.kept >= self.cap.per_article:
            self.unread_in_article += 1
            return False
        if self.per_sentence.get(self._sentence(start), 0) >= self.cap.per_sentence:
            self.unread_in_sentences += 1
            return False
        return True

    def keep(self, q: _Quantity) -> None:
        index = self._sentence(q.start)
        self.per_sentence[index] = self.per_sentence.get(index, 0) + 1
        self.kept += 1

    def count(self) -> CapCount:
        return CapCount(self.kept, self.unread_in_sentences, self.unread_in_article)


# ---------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class _Unit:
    code: str
    kind: str
    factor: float


@dataclass(frozen=True)
class _Measure:
    name: str
    kind: str


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation that prefers the longest word at a position."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _cues(role: str) -> dict[str, str]:
    return {row[0]: row[2] if len(row) > 2 else "" for row in read_rows("figure_cues.tsv") if row[1] == role}


_UNITS = {
    row[0]: _Unit(row[1], row[2], float(row[3]) if len(row) > 3 and row[3] else 1.0)
    for row in read_rows("units.tsv")
}
_PREFIX_UNITS = {s: u for s, u in _UNITS.items() if u.kind == "prefix"}
_CURRENCIES = [s for s, u in _UNITS.items() if u.kind == "currency"]
# Currencies whose amounts are written in 元 (新台币5兆元): a bare 元 later in the paragraph is theirs.
_YUAN_CURRENCIES = [row[0] for row in read_rows("units.tsv") if len(row) > 4 and row[4] == "yuan"]
_MEASURES = {row[0]: _Measure(row[1], row[2]) for row in read_rows("figure_metrics.tsv")}
# A bound on a process node in a sentence about controls (禁止出口7纳米及以下芯片) is the rule's threshold.
_CONTROL_RE = re.compile(_alternation(_cues("control")))
CONTROL_THRESHOLD = "管制门槛"
# Measures of a firm's accounts (营收, 毛利率): a place before them is a market segment, not the subject.
_FIRM_METRICS = tuple({row[1] for row in read_rows("figure_metrics.tsv") if len(row) > 3 and row[3] == "firm"})
_QUALIFIER_BEFORE = _cues("qualifier_before")
_QUALIFIER_AFTER = _cues("qualifier_after")
_MODALITY = _cues("modality")
_SOURCE_VERBS = _cues("source_verb")
_SOURCE_NOUNS = _cues("source_noun")
_SOURCE_TITLES = _cues("source_title")
_IMPLIED_MODALITY = {**_SOURCE_NOUNS, **_SOURCE_VERBS}

# ---------------------------------------------------------------- numbers

_CN_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_DIGIT_CLASS = "〇零一二三四五六七八九两"
# 零/〇 never open a number (零部件, 零售); they stand inside one (一百零五, 二〇二五).
_CN_NUMBER = rf"[一二三四五六七八九两十][{_CN_DIGIT_CLASS}十百千万亿]*(?:点[〇零一二三四五六七八九]+)?"
_AR_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER_RE = re.compile(rf"{_AR_NUMBER}|{_CN_NUMBER}")
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
_FRACTION_RE = re.compile(
    rf"({_alternation(_DENOMINATORS)}|{_CN_NUMBER}|\d+)分之({_CN_NUMBER}|百|{_AR_NUMBER})([kK](?![A-Za-z]))?"
)
# A discount names the share of the price paid: 七五折 = 75 %, 9.9折 = 99 %, 对折 = 50 %. Not 转折, 折合, 折旧.
_DISCOUNT_RE = re.compile(
    rf"(?<![\d.{_CN_DIGIT_CLASS}十百千万亿转曲骨周波挫])"
    r"(对|半|[一二三四五六七八九两](?:点[一二三四五六七八九]|[一二三四五六七八九])?|\d{1,2}(?:\.\d)?)折"
    r"(?![合算旧叠射腾服返现扣价])"
)
# 半成 = 5 %; 半成品 is a half-finished product.
_HALF_TENTH_RE = re.compile(rf"(?<![\d{_CN_DIGIT_CLASS}十百千])半成(?!品)")
# A sign before a number: -22.2%, 负3.9% (not 正负3%, nor the dash of ——).
_NEGATIVE_BEFORE = re.compile(r"(?:(?<![-A-Za-z0-9%)])-|(?<!正)负) ?\Z")
# 两 counts before classifiers of listed things (两家企业, 两种材料, 两项措施); before 个, 位, 大, 国
# it mostly names a definite pair (两位部长, 两大诉求, 两国), which is no figure.
_TWO_COUNTS = frozenset("家种项类款批条件座艘架台颗次轮所")
# 万亿人民币: a scale word standing for "one" of it, in front of a currency; 数亿/上亿 are vague.
_BARE_SCALE_RE = re.compile(
    rf"(?<![\d{_CN_DIGIT_CLASS}十百千万亿数几上多余])(万亿|千亿|百亿|亿)(?= ?(?:{_alternation(_CURRENCIES)}))"
)
_RANGE_RE = re.compile(r" ?(?:至|到|-|~|–) ?")
_CURRENCY_BEFORE_RE = re.compile(rf"({_alternation(_CURRENCIES)}) ?\Z")
_YUAN_CURRENCY_RE = re.compile(_alternation(_YUAN_CURRENCIES))
_QUALIFIER_BEFORE_RE = re.compile(rf"({_alternation(_QUALIFIER_BEFORE)}) ?\Z")
_QUALIFIER_AFTER_RE = re.compile(rf" ?({_alternation(_QUALIFIER_AFTER)})")
_LATIN_WORD_BEFORE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]* \Z")

# ---------------------------------------------------------------- dates and other non-figures

_M = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_D = r"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_YEAR = r"(?:1[89]|20)\d{2}|[〇零一二三四五六七八九]{4}"
# 第三季 is Taiwan usage for 第三季度; without 第 a 季 needs 度 (一年四季 names no quarter).
_RELATIVE_PART = r"第[一二三四1-4]季度?|[一二三四1-4]季度|Q[1-4]|[上下]半年|前三季度|全年|年初|年底|年末|年中"
_PART = rf"{_RELATIVE_PART}|初|底|末"
_RELATIVE = r"今年|去年|明年|前年|后年|同年|当年|本年度?|上年度?"
_NUM_BEFORE = rf"(?<![\d.{_CN_DIGIT_CLASS}十百千])"
_DATE_PATTERNS = (
    ("iso", re.compile(
        r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2})([-/.])(?P<m>1[0-2]|0?[1-9])\2(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])")),
    ("years", re.compile(
        r"(?<![\d.])(?P<y>(?:1[89]|20)\d{2}) ?年? ?[-~至到] ?(?P<y2>(?:1[89]|20)\d{2}) ?(?:财年|年度|年)")),
    ("decade", re.compile(r"(?<![\d.])(?P<c>1[89]|20)?(?P<d>\d)0 ?年代")),
    ("year", re.compile(
        rf"{_NUM_BEFORE}(?P<y>{_YEAR}) ?(?:财年|年度|年)"
        rf"(?: ?(?P<m>{_M}) ?(?:[-~至到] ?(?P<m2>{_M}) ?)?月份?(?: ?(?P<d>{_D}) ?[日号])?|(?P<part>{_PART}))?")),
    ("month", re.compile(
        rf"{_NUM_BEFORE}(?<![个第])(?P<m>{_M}) ?(?:[-~至到] ?(?P<m2>{_M}) ?)?月份?(?: ?(?P<d>{_D}) ?[日号])?")),
    ("day", re.compile(r"(?<![\d.月])(?P<d>3[01]|[12]\d|0?[1-9]) ?[日号](?![元圆])")),
    ("relative", re.compile(
        rf"(?P<rel>{_RELATIVE})(?: ?(?P<part>{_RELATIVE_PART}))?"
        rf"|{_NUM_BEFORE}(?<!年)(?P<part2>第[一二三四1-4]季度?|[一二三四]季度|前三季度|[上下]半年|全年)")),
    ("ago", re.compile(rf"(?<!\d)(?:\d{{1,3}}|[{_CN_DIGIT_CLASS}十]+) ?个?(?:小时|分钟|秒钟?|天|周|星期|月|年)之?前")),
    ("clock", re.compile(r"(?<!\d)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?!\d)")),
)
_PART_VALUES = {"上半年": "H1", "下半年": "H2", "前三季度": "Q1..Q3"}
_RANGE_BETWEEN_RE = re.compile(r" ?[-~至到] ?")

_TITLE_RE = re.compile(r"《([^《》\n]{0,100})》")
_NOT_FIGURES = (
    _TITLE_RE,
    re.compile(r"〈[^〈〉\n]{0,100}〉"),
    re.compile(r"(?:https?://|www\.)[!-~]+", re.I),
    re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    re.compile(r"(?<![A-Za-z0-9.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
               r"\.(?:com|cn|net|org|gov|edu|hk|tw|io|info|top|cc|me)(?![A-Za-z0-9])", re.I),
    re.compile(r"(?:ICP|公网安备|备案号?|许可证)[^\n\d]{0,6}\d[\d-]*号?", re.I),
    re.compile(r"(?:QQ|电话|手机|传真|热线|微信|邮编|tel|fax)\s*(?:号码?)?\s*[::]?\s*[\d+()\- ]{5,}", re.I),
    re.compile(r"(?:©|\(c\)|copyright|版权所有)[^\n]*", re.I),
    re.compile(rf"(?<![\d{_CN_DIGIT_CLASS}十百千万亿])(?:{_alternation(read_words('figure_idioms.txt'))})"),
)

# ---------------------------------------------------------------- context

_SENTENCE_END_RE = re.compile(r"[。!?;\n]+")
# How far a figure's context reaches each way inside a sentence that never ends (see _sentence_window).
_REACH = 200
_CURRENCY_REACH = 3000
_CLAUSE_BREAK_RE = re.compile(r"[,:、]")
_STATEMENT_END_RE = re.compile(r"[。!?\n]")
_CLAUSE_SEPARATORS = frozenset(",;:!?。\n()")
_SOURCE_SEPARATORS = frozenset(",;:!?。\n")
_MEASURE_RE = re.compile(_alternation(_MEASURES))
_MODALITY_RE = re.compile(_alternation(_MODALITY))
_COMPARISON_BASE_RE = re.compile(r"(?:较|比|相比|相较|较之) ?\Z")
_COMPARISON_OPEN_RE = re.compile(r" ?(?:[并而但则也且])?(?:较之|相较于?|相比于?|较|比(?![重例率较如]))")
# 营收成长, 产量较上一年增加: what may stand between a measure and the change word moving it.
_BETWEEN_MEASURE_AND_CHANGE_RE = re.compile(r".?|(?:较|比|相比|相较)[^,;。]{0,8}")
_COMPARISON_CUT_RE = re.compile(r"(?<=..)(?:较|相比|相较|比起)")
_MOVES_TO_RE = re.compile(r"(?:已经?|将|均|则|也|分别|又|再|正)*[从由].*[至到]")
_NOT_FROM = frozenset({"由于", "理由", "自由", "从而", "从事", "从未", "从来", "从中", "从业"})
_TARGET_YEAR_RE = re.compile(r"到 ?\d{4} ?年.{0,12}?(?:实现|达到|要|将|力争)")
_SOURCE_PREPOSITION_RE = re.compile(r"根据|依据|(?<![数占证依根])据(?!悉)")
_SOURCE_VERB_END_RE = re.compile(rf"(?:{_alternation(_SOURCE_VERBS)})\Z")
_SOURCE_CUT_RE = re.compile(r"发布|公布|披露|的")
_SOURCE_DATE_RE = re.compile(r"\d{4} ?年(?: ?\d{1,2} ?月)?(?: ?\d{1,2} ?日)?[初底末]?|\d{1,2} ?月(?: ?\d{1,2} ?日)?")
_PARENTHETICAL_RE = re.compile(r"\([^()]*\)")
_SOURCE_TRAILING_RE = re.compile(rf"(?:{_alternation([*_SOURCE_NOUNS, *_SOURCE_VERBS])}|[却也则还都均亦更就又])\Z")
_SOURCE_TITLE_RE = re.compile(_alternation(_SOURCE_TITLES))
_DATELINE_RE = re.compile(r"[【〔\[][^】〕\]]*[】〕\]]")
_QUOTING_RE = re.compile(r"引述|援引|引用")
_VAGUE_SOURCES = frozenset({"相关", "有关", "官方", "最新", "公开", "该", "此", "这", "其"})
_SUBJECT_LEADING_RE = re.compile(
    r"(?:其中|同时|此外|另外|因此|所以|但是|然而|不过|而且|并且|甚至|尤其是|特别是|例如|比如|截至目前|目前|如今"
    r"|连续|持续|长达|历时|时隔|为期|致使|导致|当|而|但|并|且|让|使|令|若|如|则|即|在|和|与|也|更|仅|已|据"
    r"|单月|单季|当月|当季|同期|年内|全年|首季|及以下|及以上|以下|以上|占"
    rf"|{_alternation(_MODALITY)})+"
)
_SUBJECT_TRAILING_RE = re.compile(
    r"(?:的|之|将|已经|已|也|更|则|均|都|还|仍|正|又|就|再|首次|一度|对华|对美|对中|在华|在美|每年|每月|每季度"
    r"|年均|平均|同比|环比|较|共|合计|累计|总计|是|在|从|由|仅|只"
    rf"|{_alternation(_MODALITY)})+\Z"
)
_ANAPHORA_RE = re.compile(r"(?:该|此|这一?)\w")
_SUBJECT_MAX = 16
# Part-of-speech tags (jieba) that cannot open a subject, and that end the noun phrase opening it.
_NOT_SUBJECT_TAGS = frozenset(
    {"v", "p", "c", "d", "r", "q", "m", "x", "u", "ul", "uj", "uz", "ug", "uv", "y", "e", "o"}
)
_PHRASE_GLUE = frozenset({"、", "等", "和", "与"})
_SEGMENT_WORDS_RE = re.compile(r"(?:来自|在|的|市场|地区|区|业务|客户|、|和|与)*")
_FIRM_ANAPHORA = frozenset({"公司", "该公司", "其", "该企业", "该集团", "该厂", "企业"})


# ---------------------------------------------------------------- public API


def extract_figures(text: str, published: str | None = None) -> list[Figure]:
    """Figures of ``text`` in text order; ``published`` (YYYY-MM-DD) resolves 今年/去年."""
    return extract_figures_mapped(normalize(text), published)


def extract_dates(text: str, published: str | None = None) -> list[DateMention]:
    """Dates and periods named in ``text``, in text order."""
    return extract_dates_mapped(normalize(text), published)


def extract_dates_mapped(mapped: MappedText, published: str | None = None) -> list[DateMention]:
    """Dates of a normalised text, with text and offsets in its original."""
    dates, _ = _find_dates(mapped.text, _year_of(published))
    return _date_mentions(mapped, dates)


def _date_mentions(mapped: MappedText, dates: list[tuple[int, int, str]]) -> list[DateMention]:
    out = []
    for start, end, value in dates:
        s, e = mapped.to_original(start, end)
        out.append(DateMention(mapped.original[s:e], value, s, e))
    return out


def extract_figures_and_dates_mapped(
    mapped: MappedText, published: str | None = None,
) -> tuple[list[Figure], list[DateMention]]:
    """Figures and dates of a normalised text in one pass over its dates (what the pipeline wants)."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    return _figures(mapped, dates, blocked)[0], _date_mentions(mapped, dates)


def extract_figures_and_dates_capped(
    mapped: MappedText, published: str | None, cap: FigureCap,
) -> tuple[list[Figure], list[DateMention], CapCount]:
    """As :func:`extract_figures_and_dates_mapped`, keeping the first figures within ``cap``, and what it cut."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    figures, count = _figures(mapped, dates, blocked, cap)
    return figures, _date_mentions(mapped, dates), count


def extract_figures_mapped(mapped: MappedText, published: str | None = None) -> list[Figure]:
    """Figures of a normalised text, described from their clauses; text and offsets in its original."""
    dates, blocked = _find_dates(mapped.text, _year_of(published))
    return _figures(mapped, dates, blocked)[0]


def _figures(
    mapped: MappedText, dates: list[tuple[int, int, str]], blocked: bytearray, cap: FigureCap | None = None,
) -> tuple[list[Figure], CapCount]:
    text = mapped.text
    for pattern in _NOT_FIGURES:
        for m in pattern.finditer(text):
            blocked[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    sentences = _sentence_spans(text)
    sentence_starts = [s for s, _ in sentences]
    gate = _CapGate(cap, sentence_starts) if cap is not None else None
    quantities = _units_from_restatements(
        _find_quantities(text, blocked, lambda i: _is_thousands_separator(mapped, i), gate))
    numbers = bytearray(len(text))
    for q in quantities:
        numbers[q.start:q.end] = b"\x01" * (q.end - q.start)
    occupied = bytearray(blocked)
    for q in quantities:
        occupied[q.start:q.end] = numbers[q.start:q.end]
    for start, end in byline_spans(text):  # 记者张三报道: the reporter is never a figure's subject
        occupied[start:end] = b"\x01" * (end - start)
    count = gate.count() if gate is not None else CapCount(len(quantities))
    statement_starts = [0] + [m.end() for m in _STATEMENT_END_RE.finditer(text)]
    date_ends = [e for _, e, _ in dates]
    paragraphs = [0] + [m.end() for m in re.finditer("\n", text)]
    firms = _Firms(text)
    figures: list[Figure] = []
    previous: tuple[int, str] | None = None  # (sentence index, subject) of the last figure
    described: dict[tuple[int, str], tuple[str, str]] = {}  # (sentence, unit) → last (metric, subject)
    for q in quantities:
        index = max(bisect.bisect_right(sentence_starts, q.lead) - 1, 0)
        whole_start = sentences[index][0]
        sent_start, sent_end = _sentence_window(text, whole_start, sentences[index][1], q)
        context = _Context(text, occupied, numbers, sent_start, sent_end, q)
        metric, anchor = context.metric()
        subject = context.subject(anchor)
        metric, subject = _elliptical(context, metric, subject, described.get((index, q.unit)))
        if not metric and q.unit == "nm" and q.qualifier in ("at_most", "under") \
                and _CONTROL_RE.search(text, sent_start, sent_end):
            metric = CONTROL_THRESHOLD
        if not subject and previous and previous[0] == index:
            subject = previous[1]
        subject = _owner(text, paragraphs, firms, sent_start, q.lead, metric, subject) or subject
        previous = (index, subject)
        described[(index, q.unit)] = (metric, subject)
        source, source_modality = context.source()
        # 2024年进口额…;出口额…: the parts of a sentence split at ; share the dates named in it.
        # A window cut from an overlong sentence is a statement of its own.
        statement = sent_start if sent_start > whole_start else \
            statement_starts[bisect.bisect_right(statement_starts, whole_start) - 1]
        period = _period(text, dates, date_ends, statement, q.lead)
        start, end = mapped.to_original(q.start, q.end)
        s_start, s_end = mapped.to_original(sent_start, sent_end)
        figures.append(Figure(
            text=mapped.original[start:end], value=q.value, value_high=q.value_high, unit=q.unit,
            classifier=q.classifier, qualifier=q.qualifier, metric=metric, subject=subject, period=period,
            modality=context.modality() or source_modality or "reported", attributed_to=source,
            sentence=mapped.original[s_start:s_end], start=start, end=end,
            sentence_start=s_start, sentence_end=s_end,
        ))
    return figures, count


def _elliptical(context: _Context, metric: str, subject: str, before: tuple[str, str] | None) -> tuple[str, str]:
    """A figure whose clause leaves its measure unsaid takes the one of the sentence's last like figure.

    3纳米占晶圆营收的24%，5纳米占36%: 36% is a revenue share too; 关税升至50%，2024年时为25%: so is
    25% a tariff; 较第一季的67.6%: the base of a comparison is the same measure of the same subject.
    """
    if before is None or not before[0]:
        return metric, subject
    if context.is_comparison_base():
        return before[0] if not metric else metric, before[1] or subject
    if not metric or metric == "占比" and before[0].endswith("占比"):
        return before[0], subject
    return metric, subject


def _owner(
    text: str, paragraphs: list[int], firms: _Firms, sentence_start: int, lead: int, metric: str, subject: str
) -> str:
    """The firm a figure is about when its subject phrase does not name it, or '' to keep the subject.

    根据英伟达财报，中国市场营收占比降至13%: the revenue share is Nvidia's, 中国市场 its segment;
    公司在中国的份额 / 该公司: the firm named last before. Looks back through the sentence, and for
    an anaphor through the paragraph (whose starts are ``paragraphs``).
    """
    if subject in _FIRM_ANAPHORA:
        return firms.last_within(paragraphs[bisect.bisect_right(paragraphs, sentence_start) - 1], lead)
    if not (metric.startswith(_FIRM_METRICS) and _is_place_phrase(subject)):
        return ""
    named = [name for _, _, name, kind in named_spans(text, sentence_start, lead) if kind == "org"]
    return named[-1] if named else ""


class _Firms:
    """The organisations a text names, found on first use (most articles never ask) and looked up by bisection.

    A paragraph can be a whole file pasted as one line: scanning it again for every figure would be quadratic.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[tuple[int, int, str]] | None = None
        self.ends: list[int] = []

    def last_within(self, start: int, end: int) -> str:
        """The last organisation named wholly inside ``text[start:end]``, or ''."""
        if self.spans is None:
            self.spans = [(s, e, name) for s, e, name, kind in named_spans(self.text) if kind == "org"]
            self.ends = [e for _, e, _ in self.spans]
        i = bisect.bisect_right(self.ends, end) - 1
        return self.spans[i][2] if i >= 0 and self.spans[i][0] >= start else ""


def _is_place_phrase(subject: str) -> bool:
    """'' or places with only segment words around them (中国市场, 来自中国大陆的, 中国区)."""
    named = named_spans(subject)
    if any(kind != "place" for *_, kind in named):
        return False
    rest = subject
    for start, end, *_ in reversed(named):
        rest = rest[:start] + rest[end:]
    return _SEGMENT_WORDS_RE.fullmatch(rest) is not None and (bool(named) or not subject)


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


def _year_of(published: str | None) -> int | None:
    m = re.match(r"\s*(\d{4})", published or "")
    return int(m.group(1)) if m else None


def _find_dates(text: str, published_year: int | None) -> tuple[list[tuple[int, int, str]], bytearray]:
    """Resolved date mentions (start, end, value) and a mask of every date-like span, figures excluded there."""
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
    resolved = _resolve_dates(chosen, published_year)
    return _merge_date_ranges(text, resolved), blocked


def _resolve_dates(
    chosen: list[tuple[int, int, str, re.Match]], published_year: int | None
) -> list[tuple[int, int, str]]:
    """Give each mention a value; a missing year comes from the nearest year named before it.

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
        elif kind in ("month", "day"):
            context_year = year if year is not None else published_year
            if kind == "day":
                value = _day_value(context_year, month, int(g["d"]))
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
    if "季" in part or part.startswith("Q"):
        quarter = part.strip("第度Q").replace("季", "")
        return f"{year}Q{int(parse_number(quarter))}"
    return f"{year}"


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


def _period(
    text: str, dates: list[tuple[int, int, str]], date_ends: list[int], sentence_start: int, lead: int
) -> str:
    """The nearest date named before the figure in its sentence, unless it is a comparison's base.

    较去年增加五成: 去年 is what this year is compared with, not the period of the growth; but in
    较去年同期的49.1% the figure is the base's own level, so that date stays its period.
    """
    i = bisect.bisect_right(date_ends, lead) - 1
    while i >= 0 and dates[i][0] >= sentence_start:
        start, end, value = dates[i]
        if not (_COMPARISON_BASE_RE.search(text, max(sentence_start, start - 3), start)
                and any(_MEASURES[m.group()].kind == "change" for m in _MEASURE_RE.finditer(text, end, lead))):
            return value
        i -= 1
    return ""


# ---------------------------------------------------------------- quantities


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
    # Merged as found, in text order (ties: fraction, discount, half, scale, number), never all held at once.
    candidates = heapq.merge(
        ((m.start(), "fraction", m) for m in _FRACTION_RE.finditer(text)),
        ((m.start(), "discount", m) for m in _DISCOUNT_RE.finditer(text)),
        ((m.start(), "half", m) for m in _HALF_TENTH_RE.finditer(text)),
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
                gate.keep(q)
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
        for i, c in enumerate(m.group()):
            if c == ",":
                yield _NUMBER_RE.match(text, m.start() + i + 1)


def _qualifier_before(text: str, pos: int) -> tuple[str, int]:
    m = _QUALIFIER_BEFORE_RE.search(text, max(0, pos - 4), pos)
    return (_QUALIFIER_BEFORE[m.group(1)], m.start()) if m else ("", pos)


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
            if pos < len(text) and text[pos] in "多余" and _UNIT_RE.match(text, pos + 1):
                over, pos = True, pos + 1
            unit_m = _valid_unit(text, pos)
    if unit_m is None:
        return _Amount(start, pos, value, None, "", scale, scaled, over, numeral)
    surface = unit_m.group(1)
    unit = _UNITS[surface]
    if surface == "大" and scaled:  # 6亿大关: 大 belongs to the next word
        return _Amount(start, pos, value, None, "", scale, scaled, over, numeral)
    if surface == "成":
        tenths, unit_end = _tenths_after(text, unit_m.end())
        return _Amount(start, unit_end, (value + tenths) * unit.factor, unit, surface, scale, scaled, over, numeral)
    return _Amount(
        start, unit_m.end(), value * unit.factor, unit, surface, scale, scaled, over or "多" in surface, numeral
    )


def _tenths_after(text: str, pos: int) -> tuple[float, int]:
    """The tenth of a 成 written after it: 三成半 → 0.5, 七成六 → 0.6 (not 七成六家: that is a count)."""
    ch = text[pos:pos + 1]
    if ch == "半":
        return 0.5, pos + 1
    if ch and ch in _CN_DIGITS and ch not in "〇零两":
        after = text[pos + 1:pos + 2]
        if not (after and (after in _CN_DIGIT_CLASS or after in "十百千万亿" or _UNIT_RE.match(text, pos + 1))):
            return _CN_DIGITS[ch] / 10, pos + 1
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
    value, value_high, end = amount.value, None, amount.end
    unit = amount.unit
    classifier = ""
    if prefix:
        unit = _PREFIX_UNITS[prefix.group(1)]
        en = _EN_SCALE_RE.match(text, end)
        if amount.unit is None and en:
            value, end = value * _EN_SCALES[en.group(1).lower()], en.end()
        elif amount.unit is not None:
            return None
    elif unit is None:
        rng = _range_end(text, amount, blocked, separator_ok, lead)
        if rng is None:
            glued = text[amount.end:amount.end + 1]
            if not amount.scaled or glued.isascii() and glued.isalpha():
                return None
            unit = _Unit("count", "count", 1.0)
        else:
            value, value_high, end, unit, classifier = rng
    else:
        rng = _range_end(text, amount, blocked, separator_ok, lead)
        if rng is not None:
            value_high, end = rng[1], rng[2]
    if unit.kind == "count" and amount.unit is not None:
        classifier = classifier or amount.surface
    if named and (unit.code == "count" and not classifier or amount.surface == "元"):
        unit = _UNITS[named.group(1)]  # 新台币1兆元, 港元30亿: the currency named before the number
    elif amount.surface == "元":
        unit = _paragraph_currency(text, m.start()) or unit
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


def _is_article_or_pair(text: str, m: re.Match, amount: _Amount, unit: _Unit, qualifier: str) -> bool:
    """一家 (a firm), 两国 (both countries), 上一年: no count. 各一家 (one each), 两家, 两项, 一年期 are."""
    if amount.numeral == "两":
        return unit.kind == "count" and amount.surface not in _TWO_COUNTS
    if text[m.start() - 1:m.start()] == "各":
        return False
    if unit.kind == "duration" and text[amount.end:amount.end + 1] == "期":
        return False  # 一年期: a one-year term
    return unit.kind == "count" or (unit.kind == "duration" and qualifier in ("", "exact"))


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


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        spans.append(_trimmed(text, start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _sentence_window(text: str, start: int, end: int, q: _Quantity) -> tuple[int, int]:
    """The sentence ``[start, end)`` around ``q``, or, when it runs on past ``_REACH`` characters either
    side, the clauses of it within that reach.

    A page pasted as one line without full stops is one "sentence" of megabytes: reading (and
    quoting) all of it for every figure would make extraction quadratic. A cut falls at the clause
    break nearest the limit, else at the limit.
    """
    if q.lead - start > _REACH:
        floor = q.lead - _REACH
        cut = _CLAUSE_BREAK_RE.search(text, floor, q.lead)
        start = cut.end() if cut else floor
    if end - q.end > _REACH:
        ceiling = q.end + _REACH
        cuts = [m.start() for m in _CLAUSE_BREAK_RE.finditer(text, q.end, ceiling)]
        end = cuts[-1] if cuts else ceiling
    return _trimmed(text, start, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return start, end


class _Context:
    """The sentence and clause around one quantity, and what they say about it."""

    def __init__(self, text: str, occupied: bytearray, numbers: bytearray, sent_start: int, sent_end: int,
                 q: _Quantity):
        self.text, self.occupied, self.numbers, self.q = text, occupied, numbers, q
        self.sent_start, self.sent_end = sent_start, sent_end
        self.clause_start = self._boundary_before(q.lead, _CLAUSE_SEPARATORS)
        self.clause_end = self._boundary_after(q.end, _CLAUSE_SEPARATORS)

    def _boundary_before(self, pos: int, separators: frozenset[str]) -> int:
        i = pos
        while i > self.sent_start and not self._separates(i - 1, separators):
            i -= 1
        return i

    def _boundary_after(self, pos: int, separators: frozenset[str]) -> int:
        i = pos
        while i < self.sent_end and not self._separates(i, separators):
            i += 1
        return i

    def _separates(self, i: int, separators: frozenset[str]) -> bool:
        """A separator ends a clause; a comma between digits (7,596) does not."""
        text = self.text
        if text[i] not in separators:
            return False
        return not (text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())

    # -- metric

    def metric(self) -> tuple[str, int]:
        """The measure the number quantifies, and where the words about it begin."""
        text, q = self.text, self.q
        head = change = None
        for m in reversed(list(_MEASURE_RE.finditer(text, self.clause_start, q.lead))):
            measure = _MEASURES[m.group()]
            gap = text[m.end():q.lead].replace(" ", "")
            if measure.kind == "none":
                continue
            if measure.kind == "change":
                if gap.lstrip("了")[:1] in ("至", "到") or re.search(r"\d", gap):
                    continue  # 提升至25%: a level, named by an earlier word; or another number's verb
                if change is None and head is None and gap in ("", "了"):
                    change = m
                    continue
                if change is not None:
                    continue
            elif any(self.numbers[m.end():q.lead]) and not _MOVES_TO_RE.match(gap) and gap[-1:] not in "至到":
                continue  # another number's measure (投入270亿美元和5年), unless it moves to this one (从28%降至15%)
            head = m
            break
        # 从25%提高到50%, 较第一季的67.6%再提升: the change word after the number moves another figure.
        level = self._follows_from() or self.is_comparison_base()
        after = None
        if head is None and q.kind in ("percent", "currency"):
            m = _MEASURE_RE.search(text, q.end, min(self.clause_end, q.end + 8))
            if m and m.start() - q.end <= 3 and _MEASURES[m.group()].kind != "none":
                after = m
        if q.kind == "percent" and change is None and after is None and not level:
            m = _MEASURE_RE.match(text, q.end)
            if m and _MEASURES[m.group()].kind == "change":
                change = m  # 2.5%增长
        if head is not None and _MEASURES[head.group()].kind == "change" and change is None:
            head, change = self._measure_before(head), head  # 营收成长可望接近三成: the growth of 营收
        anchor = head.start() if head else change.start() if change and change.start() < q.lead else q.lead
        if after is not None and _MEASURES[after.group()].kind == "change":
            change, after = (after if change is None and not level else change), None
        name = ""
        share = self._share_of(head)
        if share is not None:
            anchor = share
        if head is not None:
            name = _MEASURES[head.group()].name + ("占比" if share is not None else "")
        elif after is not None:
            after_measure = _MEASURES[after.group()]
            name = after_measure.name
            if change is None and q.unit == "%" and after_measure.kind == "amount":
                name += "占比"  # 六成营收来自中国: a share of revenue
        elif share is not None:
            name = "占比"  # 占全球的42%
        if change is not None:
            moved = _MEASURES[change.group()].name
            if not name:
                name = self._amount_in_previous_clause()
            name = moved if not name or moved.startswith(name) else name + moved
        return name, anchor

    def _measure_before(self, change: re.Match) -> re.Match | None:
        """The amount or rate before a change word (营收成长, 产量较上一年增加), if one stands there."""
        before = [m for m in _MEASURE_RE.finditer(self.text, self.clause_start, change.start())
                  if _MEASURES[m.group()].kind in ("amount", "rate") and not any(self.numbers[m.end():change.start()])
                  and _BETWEEN_MEASURE_AND_CHANGE_RE.fullmatch(self.text, m.end(), change.start())]
        return before[-1] if before else None

    def _share_of(self, head: re.Match | None) -> int | None:
        """Where 占 stands in 中国占全球产量约60% / 占其营收的41%: a percentage of an amount is a share."""
        if self.q.unit != "%" or head is not None and _MEASURES[head.group()].kind != "amount":
            return None
        end = head.start() if head is not None else self.q.lead
        i = self.text.rfind("占", self.clause_start, end)
        return i if i >= 0 and not any(self.numbers[i:end]) else None

    def _follows_from(self) -> bool:
        """从2024年的25%, 由约两成: the figure is where a change starts, a level and not the change."""
        text, lead = self.text, self.q.lead
        i = max(text.rfind("从", self.clause_start, lead), text.rfind("由", self.clause_start, lead))
        if i < 0 or lead - i > 14 or text[i:i + 2] in _NOT_FROM or text[i - 1:i + 1] in _NOT_FROM:
            return False
        return not any(self.numbers[i:lead])

    def is_comparison_base(self) -> bool:
        """较第一季的67.6%, 较前一年的16%: the clause states what another figure is compared with."""
        return bool(_COMPARISON_OPEN_RE.match(self.text, self.clause_start, self.q.lead))

    def _amount_in_previous_clause(self) -> str:
        """同比增长82% after 出口额达5212亿日元: the change is of the previous clause's amount."""
        end = self.clause_start - 1
        if end <= self.sent_start:
            return ""
        start = self._boundary_before(end, _CLAUSE_SEPARATORS)
        amounts = [m for m in _MEASURE_RE.finditer(self.text, start, end) if _MEASURES[m.group()].kind == "amount"]
        return _MEASURES[amounts[-1].group()].name if amounts else ""

    # -- subject

    def subject(self, anchor: int) -> str:
        """Who or what the figure is about: the noun phrase opening its clause, before the measure."""
        text = self.text
        start = self.clause_start
        opening = _SUBJECT_LEADING_RE.match(text, start, anchor)
        if opening:
            start = opening.end()
        segments, current = [], []
        for i in range(start, anchor):
            if self.occupied[i]:
                if current:
                    segments.append("".join(current))
                    current = []
            else:
                current.append(text[i])
        if current:
            segments.append("".join(current))
        for segment in segments:
            if _ANAPHORA_RE.match(segment.strip()):
                titles = _TITLE_RE.findall(text, self.sent_start, start)
                if titles:
                    return titles[-1]  # 该法案 → the title named earlier in the sentence
            candidate = _clean_subject(segment)
            if candidate and not _is_outlet(candidate):
                return candidate
        return ""

    # -- modality and source

    def modality(self) -> str:
        """projected / target / estimate from words in the clause before the number, else ''."""
        text, q = self.text, self.q
        cues = list(_MODALITY_RE.finditer(text, self.clause_start, q.lead))
        if _TARGET_YEAR_RE.search(text, self.clause_start, q.lead) or "目标" in text[q.end:self.clause_end]:
            return "target"
        return _MODALITY[cues[-1].group()] if cues else ""

    def source(self) -> tuple[str, str]:
        """Who the sentence attributes the figure to (根据X数据, X显示, 据X), and the modality that implies."""
        text, lead = self.text, self.q.lead
        best: tuple[int, str] | None = None
        for m in _SOURCE_PREPOSITION_RE.finditer(text, self.sent_start, lead):
            end = self._boundary_after(m.end(), _SOURCE_SEPARATORS)
            phrase = text[m.end():end]
            if end < lead and (len(phrase) <= 12 or _SOURCE_TRAILING_RE.search(phrase)):
                best = (end, phrase)
        pos = self.sent_start
        while pos < lead:
            end = self._boundary_after(pos, _SOURCE_SEPARATORS)
            if end >= lead:
                break
            clause = text[pos:end].strip()
            verb = _SOURCE_VERB_END_RE.search(clause)
            if verb and verb.start() >= 2 and (best is None or end > best[0]):
                best = (end, clause)
            pos = end + 1
        if best is None:
            return "", ""
        phrase = best[1]
        implied = max(((phrase.rfind(w), v) for w, v in _IMPLIED_MODALITY.items() if v and w in phrase), default=None)
        return _clean_source(phrase), implied[1] if implied else ""


def _clean_subject(segment: str) -> str:
    s = _noun_phrase(_PARENTHETICAL_RE.sub("", segment).strip(" “”\"'《》、"))
    s = _COMPARISON_CUT_RE.split(s, 1)[0]  # 产量较上一年: what follows 较 is the comparison's base
    for _ in range(3):
        opening = _SUBJECT_LEADING_RE.match(s)
        s = s[opening.end():] if opening else s
        s = _SUBJECT_TRAILING_RE.sub("", s).strip(" “”\"'《》、")
        verb = _MEASURE_RE.search(s)
        if verb and verb.end() == len(s) and _MEASURES[verb.group()].kind == "change":
            s = s[:verb.start()]
    if len(s) > _SUBJECT_MAX and "的" in s:
        s = s.rsplit("的", 1)[1]
    if len(s) < 2 or len(s) > _SUBJECT_MAX:
        return ""
    return s


def _is_outlet(phrase: str) -> bool:
    """路透社, 美国联邦公报周二: a phrase opened by an outlet and naming nothing else; an outlet states
    figures, it is not what they measure."""
    named = named_spans(phrase)
    return bool(named) and named[0][0] == 0 and all(kind == "media" for *_, kind in named)


def _noun_phrase(words: str) -> str:
    """The noun phrase opening ``words``: leading verbs and particles dropped, cut at the next one.

    苹果公司在印度组装了 → 苹果公司, 聚焦美国 → 美国, 源于 → ''.
    """
    kept: list[str] = []
    for word, pos in tag(words):
        # 阶梯式, 跨越式: a word in 式 describes a manner, not a thing
        manner = len(word) > 2 and word.endswith("式")
        if (manner or pos in _NOT_SUBJECT_TAGS and word not in _PHRASE_GLUE) and not is_known_name(word):
            if kept:
                break
            continue
        kept.append(word)
    return "".join(kept)


def _clean_source(phrase: str) -> str:
    """美国智库战略与国际研究中心(CSIS)的最新模拟显示 → 战略与国际研究中心.

    A named organisation, outlet or person in the phrase is the source (荷兰设备大厂艾司摩尔财报 →
    艾司摩尔, 美国总统特朗普 → 特朗普); otherwise the phrase is trimmed of dates, descriptions and
    the words for what the source put out.
    """
    s = _PARENTHETICAL_RE.sub("", _DATELINE_RE.sub("", phrase))
    named = [s[start:end] for start, end, _, kind in named_spans(s) if kind in ("org", "media", "person")]
    if named:
        return named[-1]
    s = _QUOTING_RE.split(s)[-1]
    pieces = [p.strip() for p in _SOURCE_DATE_RE.split(s)]
    s = next((p for p in pieces if p), "")
    cut = _SOURCE_CUT_RE.search(s)
    if cut and cut.start() > 0:
        s = s[:cut.start()]
    s = s.strip()
    while (m := _SOURCE_TRAILING_RE.search(s)) and m.start() > 0:
        s = s[:m.start()].strip()
    titles = list(_SOURCE_TITLE_RE.finditer(s))
    if titles and titles[-1].end() < len(s):
        s = s[titles[-1].end():]
    s = s.strip(" “”\"'")
    if len(s) < 2 or s in _VAGUE_SOURCES or s in _IMPLIED_MODALITY:
        return ""
    return s
