"""Subject and source phrases: cleaning a clause's opening into who a figure is about, and a
source phrase into who states it (美国智库战略与国际研究中心的最新模拟显示 → 战略与国际研究中心).
"""

from __future__ import annotations

import bisect
import re

from core.doc import Doc
from core.entities import is_known_name
from core.figures.vocabulary import (
    _IMPLIED_MODALITY,
    _MEASURE_RE,
    _MEASURES,
    _MODALITY,
    _SOURCE_NOUNS,
    _SOURCE_TITLES,
    _SOURCE_VERBS,
    FIRM_METRICS,
    _alternation,
)
from core.lexicon import read_rows

_COMPARISON_CUT_RE = re.compile(r"(?<=..)(?:较|相比|相较|比起)")
_DATELINE_RE = re.compile(r"[【〔\[][^】〕\]]*[】〕\]]")
_PARENTHETICAL_RE = re.compile(r"\([^()]*\)")
_QUOTING_RE = re.compile(r"引述|援引|引用")
_SOURCE_CUT_RE = re.compile(r"发布|公布|披露|的")
_SOURCE_DATE_RE = re.compile(r"\d{4} ?年(?: ?\d{1,2} ?月)?(?: ?\d{1,2} ?日)?[初底末]?|\d{1,2} ?月(?: ?\d{1,2} ?日)?")
_SOURCE_TITLE_RE = re.compile(_alternation(_SOURCE_TITLES))
_SOURCE_TRAILING_RE = re.compile(rf"(?:{_alternation([*_SOURCE_NOUNS, *_SOURCE_VERBS])}|[却也则还都均亦更就又])\Z")


def _subject_words(role: str) -> list[str]:
    """The words of ``role`` in ``core/data/subject_words.tsv`` (see its header)."""
    return [row[0] for row in read_rows("subject_words.tsv") if row[1] == role]


_SUBJECT_LEADING_RE = re.compile(f"(?:{_alternation([*_subject_words('leading'), *_MODALITY])})+")
_SUBJECT_TRAILING_RE = re.compile(f"(?:{_alternation([*_subject_words('trailing'), *_MODALITY])})+\\Z")
_VAGUE_SOURCES = frozenset(_subject_words("vague_source"))
# A firm named again by a description (这家美国芯片巨头, 该集团) or as the one a cause acts on (此举将使其…): who the
# figure is about is the firm named last before it (_owner), not the words the segmenter leaves around it.
FIRM_REFERENCE_RE = re.compile(
    f"(?:{_alternation(_subject_words('firm_demonstrative'))})[^，。；：、\\d]{{0,8}}?"
    f"(?:{_alternation(_subject_words('firm_noun'))})|{_alternation(_subject_words('firm_object'))}")
_SUBJECT_MAX = 16
# Part-of-speech tags (jieba) that cannot open a subject, and that end the noun phrase opening it.
_NOT_SUBJECT_TAGS = frozenset(
    {"v", "p", "c", "d", "r", "q", "m", "x", "u", "ul", "uj", "uz", "ug", "uv", "y", "e", "o"}
)
_PHRASE_GLUE = frozenset({"、", "等", "和", "与"})
_SEGMENT_WORDS_RE = re.compile(r"(?:来自|在|的|市场|地区|区|业务|客户|、|和|与)*")
_FIRM_ANAPHORA = frozenset(_subject_words("firm_anaphor"))

def _owner(
    doc: Doc, paragraphs: list[int], firms: _Firms, sentence_start: int, lead: int, metric: str, subject: str
) -> str:
    """The firm a figure is about when its subject phrase does not name it, or '' to keep the subject.

    根据英伟达财报，中国市场营收占比降至13%: the revenue share is Nvidia's, 中国市场 its segment;
    公司在中国的份额 / 该公司: the firm named last before. Looks back through the sentence, and for
    an anaphor through the paragraph (whose starts are ``paragraphs``).
    """
    if subject in _FIRM_ANAPHORA:
        return firms.last_within(paragraphs[bisect.bisect_right(paragraphs, sentence_start) - 1], lead)
    if not (metric.startswith(FIRM_METRICS) and _is_place_phrase(doc, subject, sentence_start, lead)):
        return ""
    named = [name for _, _, name, kind in doc.named_spans(sentence_start, lead) if kind == "org"]
    return named[-1] if named else ""


class _Firms:
    """The organisations a document names, listed on first use (most articles never ask) and looked up
    by bisection.

    A paragraph can be a whole file pasted as one line: looking through it again for every figure would
    be quadratic.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.spans: list[tuple[int, int, str]] | None = None
        self.ends: list[int] = []

    def last_within(self, start: int, end: int) -> str:
        """The last organisation named wholly inside ``text[start:end]``, or ''."""
        if self.spans is None:
            self.spans = [(s, e, name) for s, e, name, kind in self.doc.named_spans() if kind == "org"]
            self.ends = [e for _, e, _ in self.spans]
        i = bisect.bisect_right(self.ends, end) - 1
        return self.spans[i][2] if i >= 0 and self.spans[i][0] >= start else ""


def _is_place_phrase(doc: Doc, subject: str, low: int, high: int) -> bool:
    """'' or places with only segment words around them (中国市场, 来自中国大陆的, 中国区)."""
    named = doc.phrase_spans(subject, low, high)
    if any(kind != "place" for *_, kind in named):
        return False
    rest = subject
    for start, end, *_ in reversed(named):
        rest = rest[:start] + rest[end:]
    return _SEGMENT_WORDS_RE.fullmatch(rest) is not None and (bool(named) or not subject)

def _clean_subject(doc: Doc, start: int, end: int) -> str:
    """Who a figure is about, from ``text[start:end]``, the words before its measure (see :func:`_noun_phrase`)."""
    s = _noun_phrase(doc, _phrase_runs(doc.text, start, end))
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


def _is_outlet(doc: Doc, phrase: str, low: int, high: int) -> bool:
    """路透社, 美国联邦公报周二: a phrase opened by an outlet and naming nothing else; an outlet states
    figures, it is not what they measure."""
    named = doc.phrase_spans(phrase, low, high)
    return bool(named) and named[0][0] == 0 and all(kind == "media" for *_, kind in named)


_PHRASE_EDGES = " “”\"'《》、"


def _phrase_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` without its parentheticals and the quotes and spaces at its ends, as spans."""
    runs, at = [], start
    for m in _PARENTHETICAL_RE.finditer(text, start, end):
        runs.append((at, m.start()))
        at = m.end()
    runs = [(a, b) for a, b in (*runs, (at, end)) if b > a]
    while runs and text[runs[0][0]] in _PHRASE_EDGES:
        runs[0] = (runs[0][0] + 1, runs[0][1])
        runs = runs if runs[0][0] < runs[0][1] else runs[1:]
    while runs and text[runs[-1][1] - 1] in _PHRASE_EDGES:
        runs[-1] = (runs[-1][0], runs[-1][1] - 1)
        runs = runs if runs[-1][0] < runs[-1][1] else runs[:-1]
    return runs


def _noun_phrase(doc: Doc, runs: list[tuple[int, int]]) -> str:
    """The noun phrase opening the words of ``runs``: leading verbs and particles dropped, cut at the next one.

    苹果公司在印度组装了 → 苹果公司, 聚焦美国 → 美国, 源于 → ''. The words and their tags are the
    article's own (:meth:`core.doc.Doc.tagged_within`), not a new tagging of the phrase.
    """
    kept: list[str] = []
    for word, pos in (tagged for a, b in runs for tagged in doc.tagged_within(a, b)):
        # 阶梯式, 跨越式: a word in 式 describes a manner, not a thing
        manner = len(word) > 2 and word.endswith("式")
        if (manner or pos in _NOT_SUBJECT_TAGS and word not in _PHRASE_GLUE) and not is_known_name(word):
            if kept:
                break
            continue
        kept.append(word)
    return "".join(kept)


def _clean_source(doc: Doc, phrase: str, low: int, high: int) -> str:
    """美国智库战略与国际研究中心(CSIS)的最新模拟显示 → 战略与国际研究中心.

    A named organisation, outlet or person in the phrase is the source, by its canonical name (荷兰设备大厂艾司摩尔
    财报 → 阿斯麦, 美国总统川普 → 特朗普: two articles quoting one source say so in any script); otherwise the
    phrase is trimmed of dates, descriptions and the words for what the source put out.
    """
    s = _PARENTHETICAL_RE.sub("", _DATELINE_RE.sub("", phrase))
    named = [name for _, _, name, kind in doc.phrase_spans(s, low, high) if kind in ("org", "media", "person")]
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
