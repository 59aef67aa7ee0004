"""A frame per figure: what a number measures, of whom, when, how stated — the input of claim matching.

The figure extractor says where a number is and what it is worth; the frame says what it is
*about*, from the clause around it, so that figures can be matched by how alike their frames are
rather than by a lexicon hit::

    美國商務部將２３家中國實體列入「實體清單」
      → dimension count:家, measure "#家中国实体列入「实体清单」", entities (美国商务部,), role level

Every text field is normalised (Simplified script, ASCII digits) with the numbers masked as
``#``, so Taiwan, Hong Kong and mainland wording of one claim share their character n-grams and
a value never makes two frames alike. Fields:

- ``dimension``: what kind of quantity (share, money:USD, count:<classifier family>, duration:day …);
  only figures of one dimension are ever compared.
- ``measure``: the words governing the number — the masked clause cut to :data:`MEASURE_REACH`
  characters each side of it; ``context``: the whole masked clause.
- ``entities``: canonical names of the organisations, places and products named in the clause
  (people and media are actors, not what is measured); ``sentence_entities`` those of the sentence.
- ``period``: resolved from the clause (2023年全年 → 2023, 今年一季度 → 2025Q1 with the article's date,
  R-1Q1 without one), else the figure's own period.
- ``modality``: reported | projected | target | rule (a threshold or cap a rule sets); an estimate of
  a realised quantity counts as reported.
- ``role``: ``level``, ``from`` (the X of 从X降至Y), or ``base`` (the X of 较X增长).
- ``sentence_index``: the figure's sentence in its article.
- ``change``: the change word governing the number when it states by how much something moved
  (同比增长§, 提高§个百分点, 暂停其中§的税率 → 增长, 提高, 暂停); "" for a level (降至§ is a level).
  A change is never the same quantity as a level.
- ``direction``: ``actor>target`` when the sentence before the number says who does what to whom
  (美国对中国商品加征关税 → 美国>中国): a tariff of the US on China is not China's on the US.

A clause that only points back (这两个比例分别只有8%和17%) takes the entities and words of the
figures it points at in the sentence before: the k-th figure of 分别 stands for the k-th figure of
that sentence's unit.
"""

from __future__ import annotations

import bisect
import re
from functools import cache, lru_cache
from typing import NamedTuple

import pandas as pd

from core.doc import Doc, Layout, layout
from core.figures.cues import modality_of, role_of
from core.frame_links import ANAPHOR, linked
from core.frame_subjects import SUBJECT_TYPES, Subjects, outside_bylines, stands_for
from core.lexicon import alternation, read_rows
from core.measures import lexicon_measure
from core.normalize import fold_width, to_simplified

# How many characters each side of the number make its measure phrase.
MEASURE_REACH = 10
# The most of its clause (each side of the number) and of its sentence (before it) a frame reads: real clauses
# are far shorter, and a list of thousands of figures in one "sentence" must not cost each of them the whole list.
CLAUSE_REACH = 200
SENTENCE_REACH = 600
_DIGITS = re.compile(r"[0-9０-９][0-9０-９.,，．]*")


class Frame(NamedTuple):
    """What one figure measures (see the module docstring for each field).

    A named tuple, not a frozen dataclass: a corpus of 10,000 articles makes 65,000 of them on every grouping,
    and a frozen dataclass sets each field through ``object.__setattr__`` (0.36 s against 0.02 s).
    """

    dimension: str
    measure: str
    context: str
    entities: tuple[str, ...]
    sentence_entities: tuple[str, ...]
    period: str
    modality: str
    attribution: str
    role: str
    sentence_index: int
    direction: str = ""
    change: str = ""


FRAME_FIELDS: tuple[str, ...] = Frame._fields


# --- dimensions ----------------------------------------------------------------------------------


@cache
def _unit_kinds() -> dict[str, str]:
    return {row[1]: row[2] for row in read_rows("units.tsv") if len(row) > 2}


@cache
def _classifier_families() -> dict[str, str]:
    """Classifier → family (家/间/所 count firms alike; ``core/data/classifiers.tsv``)."""
    return {c: row[0] for row in read_rows("classifiers.tsv") for c in (row[0], *row[1].split("|")) if c}


# The general classifier: it counts any noun, so what it counts decides its family (140个实体 = 140家实体).
GENERAL_CLASSIFIER = "个"


@cache
def _counted_nouns() -> tuple[re.Pattern[str] | None, tuple[str, ...]]:
    """The nouns a family counts that :data:`GENERAL_CLASSIFIER` counts too (``core/data/classifiers.tsv``, third
    column), each captured in a group named by its family's index, and the families in that order."""
    rows = [row for row in read_rows("classifiers.tsv") if len(row) > 2 and row[2]]
    if not rows:
        return None, ()
    pattern = re.compile("|".join(f"(?P<f{n}>{alternation(row[2].split('|'))})" for n, row in enumerate(rows)))
    return pattern, tuple(row[0] for row in rows)


def dimension_of(unit: str, classifier: str = "", counted: str = "") -> str:
    """The kind of quantity a unit states: 24个百分点 and 24% are both ``share``; counts by classifier family.

    ``counted`` is the text right after the figure: a count in the general classifier (140个实体) takes the family
    of the noun it counts when the lexicon knows it (140家实体)."""
    unit = unit or ""
    if unit in ("%", "pp"):
        return "share"
    if unit == "count":
        classifier = to_simplified(classifier or "")
        family = _classifier_families().get(classifier, classifier)
        pattern, families = _counted_nouns()
        noun = pattern.match(counted) if family == GENERAL_CLASSIFIER and counted and pattern else None
        if noun and noun.lastgroup:
            family = families[int(noun.lastgroup[1:])]
        return f"count:{family}"
    kind = _unit_kinds().get(unit, "")
    if kind == "currency" or kind == "prefix":
        return f"money:{unit}"
    if kind == "duration":
        return f"duration:{unit}"
    return f"{kind or 'other'}:{unit}"


# --- masking and normalising ---------------------------------------------------------------------


@lru_cache(maxsize=65536)
def plain(text: str) -> str:
    """Simplified script, ASCII width, spaces and line breaks dropped."""
    return re.sub(r"\s+", "", to_simplified(fold_width(text)))


@lru_cache(maxsize=65536)
def normalised(text: str) -> str:
    """:func:`plain`, with digits masked as ``#``: a value never makes two phrases alike."""
    return _DIGITS.sub("#", plain(text))


def _masked(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """``text[start:end]`` with every figure span inside it replaced by ``#``."""
    out, at = [], start
    for s, e in spans[max(0, bisect.bisect_left(spans, (start, start)) - 1):]:
        if s >= end:
            break
        if e <= start:
            continue
        out.append(text[at:max(s, at)])
        out.append("#")
        at = max(at, e)
    out.append(text[at:end])
    return "".join(out)


# --- periods -------------------------------------------------------------------------------------

_CN_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_YEAR = r"(?:(?<!\d)(?P<year>(?:19|20)\d\d)(?!\d)年?度?|(?P<rel>今年|本年|去年|上年|前年|明年))"
_PART = (r"(?:全年|年度|(?:第)?(?P<q>[一二三四1-4])(?:季度|季)|(?P<q1>[一二三四1-4])(?P<q2>[一二三四1-4])季度"
         r"|(?P<first>首)季度?|(?P<h>上|下)半年|(?<![提此之以市])[前首](?P<m>\d{1,2}|[一两二三四五六七八九十]{1,2})个月"
         r"|(?P<mo>\d{1,2})月)")
_PERIOD_RE = re.compile(f"(?=[0-9今本去上下前明全第一二三四首])(?:{_YEAR}(?:的)?)?{_PART}?")
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_CN_NUMBER = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
              "十一": 11, "十二": 12}


# 低于2024年的#；…占比约为64%, 比去年同期提高: a period a comparison names is its base's, not the period of what
# follows it; only the base figure itself (较去年同期的§) stands in it.
_BASE_BEFORE = re.compile(r"(?:较|比|低于|高于|少于|多于|相比|相较|相较于|对比|不及)\Z")
_BASE_ITSELF = re.compile("(?:同期)?的?")


@lru_cache(maxsize=65536)
def resolve_period(clause: str, published_year: int | None) -> str:
    """The period the clause names before its number, as ``2025``, ``2025Q1``, ``2025H1``, ``2025-03``,
    ``2025-01..2025-10``; a relative year without a publication date stays relative (``R-1Q1``).

    >>> resolve_period("2023年全年中国大陆营收占比为", None)
    '2023'
    >>> resolve_period("今年一二季度的中国区收入占比均为", 2025)
    '2025H1'
    """
    best = None
    for match in _PERIOD_RE.finditer(clause):
        if match.group() and not (_BASE_BEFORE.search(clause, max(0, match.start() - 4), match.start())
                                  and not _BASE_ITSELF.fullmatch(clause, match.end())):
            best = match
    if best is None:
        return ""
    g = best.groupdict()
    if g["year"]:
        year = g["year"]
    elif g["rel"]:
        offset = _RELATIVE[g["rel"]]
        year = str(published_year + offset) if published_year else f"R{offset:+d}".replace("+0", "0")
    else:
        year = str(published_year) if published_year else "R0"
    if g["q"] or g["first"]:
        return f"{year}Q{_CN_DIGIT[g['q']] if g['q'] else 1}"
    if g["q1"]:
        first, last = _CN_DIGIT[g["q1"]], _CN_DIGIT[g["q2"]]
        return f"{year}H1" if (first, last) == (1, 2) else f"{year}H2" if (first, last) == (3, 4) else f"{year}Q{first}"
    if g["h"]:
        return f"{year}H{1 if g['h'] == '上' else 2}"
    if g["m"]:
        months = int(g["m"]) if g["m"].isdigit() else _CN_NUMBER.get(g["m"], 12)
        return f"{year}-01..{year}-{min(months, 12):02d}"
    if g["mo"] and 1 <= int(g["mo"]) <= 12:
        return f"{year}-{int(g['mo']):02d}"
    if g["year"] or g["rel"]:
        return year
    return ""


# --- change --------------------------------------------------------------------------------------

# Verbs that state a change by an amount when they stand right before the number, besides measure_changes.tsv.
_CHANGE_VERBS = ("提高", "提升", "上调", "调升", "下调", "调降", "降低", "削减", "暂停", "调高", "调低", "扩大", "缩小",
                 "回落")
# Between the change word and the number: particles, qualifiers and modal words only (增长了约, 暂停实施其中,
# 成长可望接近).
_CHANGE_GAP = re.compile(r"(?:了|约|近|逾|超过|超|达|实施|其中|的|再|可望|有望|预计|料将|将|或|可能|接近|至少)*$")


@cache
def _change_words() -> tuple[tuple[str, str], ...]:
    pairs = {(syn, row[0]) for row in read_rows("measure_changes.tsv") for syn in (row[0], *row[1].split("|")) if syn}
    pairs |= {(verb, verb) for verb in _CHANGE_VERBS}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@cache
def _change_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    words = _change_words()
    alternatives = "|".join(re.escape(w) for w, _ in words)
    return re.compile(f"({alternatives}){_CHANGE_GAP.pattern}"), dict(words)


def change_of(before: str) -> str:
    """The change word right before the number (增长了约§ → 增长), unless it leads to a level (降至§ is a level)."""
    pattern, canonical = _change_pattern()
    tail = before[-10:]
    for at in range(len(tail)):
        match = pattern.match(tail, at)
        if match and match.end() == len(tail):
            return canonical[match.group(1)]
    return ""


# --- frames --------------------------------------------------------------------------------------


def figure_frames(figures: pd.DataFrame, texts: dict[str, str], mentions: pd.DataFrame,
                  published: dict[str, str] | None = None) -> list[Frame]:
    """One :class:`Frame` per row of ``figures`` (in order), from the article texts and entity mentions.

    An article whose text is not at hand is framed from the figure's sentence alone.
    """
    published = published or {}
    by_article = _mentions_by_article(mentions)
    columns = [c for c in _FRAME_INPUTS if c in figures.columns]
    values = [figures[c].astype(object).tolist() for c in columns]
    records = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
    parts: dict[str, list[int]] = {}
    for i, row in enumerate(records):
        parts.setdefault(str(row["article_id"]), []).append(i)
    frames: list[Frame | None] = [None] * len(records)
    for article_id, indexes in parts.items():
        year = _year(published.get(article_id, ""))
        text = texts.get(article_id)
        named = by_article.get(article_id, [])
        framed = _article_frames([records[i] for i in indexes], text,
                                 outside_bylines(named, Doc.of(text)) if text is not None else named, year)
        for index, frame in zip(indexes, framed, strict=True):
            frames[index] = frame
    return [f for f in frames if f is not None]


# The figure fields a frame is built from.
_FRAME_INPUTS = ("article_id", "start", "end", "sentence", "sentence_start", "unit", "classifier", "period",
                 "modality", "attributed_to", "subject")


# Frame fields as figure-table columns (computed once per article at extraction, cached with the figures).
FRAME_COLUMNS = {
    "dimension": "dimension", "measure": "measure_phrase", "context": "context_phrase", "entities": "entities",
    "sentence_entities": "sentence_entities", "period": "frame_period", "modality": "frame_modality",
    "attribution": "frame_attribution", "role": "role", "sentence_index": "sentence_index",
    "direction": "direction", "change": "change",
}
_JOINED = ("entities", "sentence_entities")


def article_frame_rows(figures: list[dict], text: str, mentions: list, published: str = "") -> list[dict]:
    """The frame of each figure of one article as column values (``FRAME_COLUMNS``), for its figure rows.

    ``mentions`` are the article's entity mentions (with ``start``, ``entity`` and ``type``).
    """
    return doc_frame_rows(figures, Doc.of(text, published), mentions)


def doc_frame_rows(figures: list[dict], doc: Doc, mentions: list) -> list[dict]:
    """As :func:`article_frame_rows`, for the figures of ``doc``: its frame sentences are read once."""
    named = outside_bylines(sorted((int(m.start), str(m.entity), str(m.type)) for m in mentions), doc)
    order = sorted(range(len(figures)), key=lambda i: int(figures[i]["start"]))
    framed = _article_frames([figures[i] for i in order], doc.mapped.original, named, _year(doc.published),
                             doc.layout)
    rows: list[dict] = [{}] * len(figures)
    for i, frame in zip(order, framed, strict=True):
        rows[i] = {column: "|".join(getattr(frame, field)) if field in _JOINED else getattr(frame, field)
                   for field, column in FRAME_COLUMNS.items()}
    return rows


def frames_of_table(figures: pd.DataFrame) -> list[Frame] | None:
    """The frames stored in a figure table's columns, or None when the table has none (made without the pipeline)."""
    if any(column not in figures.columns for column in FRAME_COLUMNS.values()) \
            or figures["dimension"].isna().any():
        return None
    values = {}
    for field, column in FRAME_COLUMNS.items():
        cells = figures[column]
        if field == "sentence_index":
            values[field] = cells.astype(int).tolist()
        elif field in _JOINED:
            values[field] = [tuple(v.split("|")) if v else () for v in _texts(cells)]
        else:
            values[field] = _texts(cells)
    # Positional, in the fields' order: a dict per frame cost as much as the frame (65,000 at 10,000 articles).
    return [Frame(*row) for row in zip(*(values[field] for field in FRAME_FIELDS), strict=True)]


def _texts(cells: pd.Series) -> list[str]:
    """A column's cells as text, "" for a missing one (as :func:`_blank` tells), in one pass per column."""
    if cells.dtype != object and not cells.hasnans:
        return cells.astype(str).tolist()
    return ["" if _blank(v) else str(v) for v in cells.astype(object).tolist()]


def _year(date: str) -> int | None:
    match = re.match(r"((?:19|20)\d\d)", str(date or ""))
    return int(match.group(1)) if match else None


def _mentions_by_article(mentions: pd.DataFrame) -> dict[str, list[tuple[int, str, str]]]:
    if mentions is None or mentions.empty or "article_id" not in mentions:
        return {}
    out: dict[str, list[tuple[int, str, str]]] = {}
    columns = [mentions[c].astype(object).tolist() for c in ("article_id", "start", "entity", "type")]
    for article_id, start, entity, kind in zip(*columns, strict=True):
        out.setdefault(str(article_id), []).append((int(start), str(entity), str(kind)))
    for rows in out.values():
        rows.sort()
    return out


def _article_frames(part: list[dict], text: str | None, mentions: list[tuple[int, str, str]],
                    year: int | None, lay: Layout | None = None) -> list[Frame]:
    starts = [int(row["start"]) for row in part]
    ends = [int(row["end"]) for row in part]
    if text is None:
        # No article text: each figure's sentence stands for its article, offsets made relative to it.
        return [_sentence_frame(row, year) for row in part]
    spans = sorted(zip(starts, ends, strict=True))
    lay = lay or layout(text)
    subjects = Subjects(text, mentions, lay)
    frames = []
    described: tuple[int, tuple[str, ...]] = (-1, ())  # the firm the sentence's figures were described with
    firms = {e: stands_for(e) for _, e, kind in mentions if kind in SUBJECT_TYPES}  # the article's, named
    for row, start, end in zip(part, starts, ends, strict=True):
        c_start, c_end = lay.clause(start)
        s_start, s_end = lay.sentence(start)
        firm = _described(row, firms)
        if firm:
            described = (s_start, firm)
        c_start, c_end = max(c_start, s_start, start - CLAUSE_REACH), min(c_end, s_end, end + CLAUSE_REACH)
        before = normalised(_masked(text, c_start, start, spans))
        after = normalised(_masked(text, end, c_end, spans))
        dated = plain(_masked(text, max(s_start, start - SENTENCE_REACH), start, spans))
        clause_entities = subjects.respective(c_start, c_end, start, spans) or subjects.of_clause(c_start, c_end)
        low = max(s_start, start - SENTENCE_REACH)  # a sentence of thousands of clauses is read within reach
        span = subjects.previous_clause(low, c_start)
        previous = normalised(_masked(text, *span, spans)) if span else ""
        carried, own = "", bool(clause_entities)
        if not own and not ANAPHOR.search(f"{before}{after}"):
            # 該公司宣布加碼350億美元，令在美總投資增至2,000億美元: the firm the sentence is about, named again.
            clause_entities = subjects.carried(low, span) \
                or firm or (described[1] if described[0] == s_start else ())
            carried = previous
        sentence_entities = subjects.of_sentence(s_start, s_end)
        frame = _frame(row, before, after, dated, clause_entities, sentence_entities, lay.sentence_index(start), year,
                       carried, previous)
        # A clause naming its own subjects (…，中方则同步暂停每净吨400元) is not acted on by a 向/对 before it.
        direction = subjects.direction(c_start if own else s_start, start)
        frames.append(frame._replace(direction=direction) if direction else frame)
    return linked(frames)


def _described(row: dict, subjects: dict[str, str]) -> tuple[str, ...]:
    """The firm the figure's description found for it (当季公司实现营收681亿美元: 公司 is the firm named last before),
    when that is a subject the article names (``subjects``: each entity, as what it stands for)."""
    subject = "" if _blank(row.get("subject")) else str(row["subject"])
    named = subjects.get(subject, "") if subject else ""
    return (named,) if named else ()


def _sentence_frame(row: dict, year: int | None) -> Frame:
    sentence = str(row.get("sentence") or "")
    offset = int(row["start"]) - int(row["sentence_start"]) if not _blank(row.get("sentence_start")) else -1
    if 0 <= offset <= len(sentence):
        lay = layout(sentence)
        c_start, c_end = lay.clause(offset)
        end = offset + max(int(row["end"]) - int(row["start"]), 1)
        before, after = normalised(sentence[c_start:offset]), normalised(sentence[end:c_end])
        dated = plain(sentence[:offset])
    else:
        before, after, dated = "", normalised(sentence), ""
    return _frame(row, before, after, dated, (), (), 0, year)


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or isinstance(value, float) and value != value


def _frame(row: dict, before: str, after: str, dated: str, entities: tuple[str, ...],
           sentence_entities: tuple[str, ...],
           sentence_index: int, year: int | None, carried: str = "", previous: str = "") -> Frame:
    """A figure's frame from its clause's words around it (``before``, ``after``), the words before it in its
    sentence (``dated``) and its subjects; ``previous`` is the clause before it, ``carried`` the same when the
    figure takes its subjects from there."""
    measure = f"{before[-MEASURE_REACH:]}§{after[:MEASURE_REACH]}"
    classifier = "" if _blank(row.get("classifier")) else str(row["classifier"])
    dimension = dimension_of(str(row.get("unit") or ""), classifier, after)
    carried_measure = _carried_measure(carried, measure, dimension, before, after)
    measure, carried = (f"{carried_measure}{measure}", carried) if carried_measure else (measure, "")
    clause = f"{carried}{before}§{after}"
    stated_period = "" if _blank(row.get("period")) else str(row.get("period"))
    period = resolve_period(dated, year) or _usable_period(stated_period)
    attribution = "" if _blank(row.get("attributed_to")) else str(row.get("attributed_to"))
    return Frame(
        dimension=dimension,
        measure=measure, context=clause, entities=entities, sentence_entities=sentence_entities,
        period=period,
        modality=modality_of("" if _blank(row.get("modality")) else str(row["modality"]), before, dated, after),
        attribution=attribution, role=role_of(before, previous), sentence_index=sentence_index,
        change=change_of(before),
    )


def _carried_measure(carried: str, measure: str, dimension: str, before: str, after: str) -> str:
    """What a change or a share whose own words name no measure (同比增长§, 约为§) measures: the measure of the clause
    before it (集成电路销售额1.27万亿元，同比增长约12%: the sales grew), or ""."""
    if not carried or lexicon_measure(measure) or _WORDS_AFTER.search(after) \
            or not (dimension == "share" or change_of(before) or _BARE_LEVEL.match(before)):
        return ""
    return lexicon_measure(f"{carried}§")


# A clause naming only a period, a copula and a word for "how many" or "how much" before its number (去年同期为§,
# 5月则达§, 数量逾§, 总金额约§): a level of what the clause before it measures.
_BARE_LEVEL = re.compile(r"(?:[#年月日的为达约是仅有共则而但仍亦也只逾超近到]|去年|今年|同期|全年|上月|本月|首季"
                         r"|[上下]半年|录得|达到|合计|超过|数量|总量|数目|总金额|金额|总额|规模|涉资)*$")


# Words after a figure in its clause (过半受访者表示): the clause says what it measures, whatever it omits before.
_WORDS_AFTER = re.compile(r"(?!左右|以上|以下|上下|之多)[\u4e00-\u9fff]{2}")


def _usable_period(period: str) -> str:
    """The extractor's period when it names a year (a bare day of month ---12 says nothing comparable)."""
    return period if re.match(r"(?:19|20)\d\d", period) else ""
