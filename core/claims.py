"""Figure consistency: group figures that measure the same thing, and say whether they agree.

A *claim group* gathers figures that quantify the same measure (自给率, 市场份额,
关税 … through the synonym lexicon ``core/data/measures.tsv``) of the same scope
(芯片 = 半导体 = 晶片, ``core/data/scopes.tsv``) and subject (canonical entity
names), in compatible units. A value alone never makes a group: a figure
without a measure phrase is never grouped.

Every pair of figures in a group is compared, within one article too. Each
figure stands for an interval — its value widened by the tolerance its
qualifier allows (:data:`TOLERANCE`) or its stated range — and two figures
agree when their intervals meet. A difference is explained by a different
period, then a different modality (reported vs projected or target); what
remains is ``unexplained``: a real contradiction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from core.entities import canonical_name, known_entities
from core.lexicon import read_rows, read_words
from core.normalize import MappedText, to_simplified

# How far a stated figure reaches, relative to its value, by qualifier: (below, above).
# exact: rounding in print; about (约/近): ±10 %; over (超/突破): just past the value, not any larger number,
# so 超38% does not agree with 78%; at_least/at_most likewise reach 25 % beyond the bound.
TOLERANCE: dict[str, tuple[float, float]] = {
    "exact": (0.01, 0.01),
    "about": (0.10, 0.10),
    "over": (0.0, 0.10),
    "at_least": (0.0, 0.25),
    "under": (0.10, 0.0),
    "at_most": (0.25, 0.0),
}
STATUS_ORDER = {"contradiction": 0, "explained": 1, "agree": 2}
# Groups up to this many figures compare every pair; larger ones a bounded set (pairs_to_compare).
MAX_PAIRWISE = 40

CLAIM_COLUMNS = [
    "group_id", "metric", "subject", "file", "article_id", "source", "text", "value", "value_high", "unit",
    "qualifier", "period", "modality", "attributed_to", "sentence", "start", "end",
]
COMPARISON_COLUMNS = [
    "group_id", "metric", "subject", "file_a", "value_a", "unit_a", "period_a", "modality_a", "file_b",
    "value_b", "unit_b", "period_b", "modality_b", "verdict", "reason", "overlap", "explanation",
    "explanation_en",
]
GROUP_COLUMNS = [
    "group_id", "rank", "status", "metric", "subject", "unit", "figures", "articles", "sources",
    "contradictions", "explained", "agreements", "spread", "headline", "headline_en",
]
CONTEXT_COLUMNS = ["group_id", "file", "article_id", "source", "sentence"]

MODALITY_ZH = {"reported": "报告", "projected": "预测", "target": "目标", "estimate": "估算"}
QUALIFIER_ZH = {"over": "超", "under": "不到", "about": "约", "at_least": "至少", "at_most": "至多"}
QUALIFIER_EN = {"over": "over ", "under": "under ", "about": "about ", "at_least": "at least ", "at_most": "at most "}
MODALITY_EN = {"reported": "reports", "projected": "projects", "target": "targets", "estimate": "estimates"}
REASON_ZH = {
    "different_period": "时期不同",
    "different_modality": "性质不同（实测与预测或目标）",
    "unexplained": "同一时期、同一性质，数字矛盾",
    "change": "同一句中的前后变化",
}


@dataclass
class ClaimReport:
    """Claim groups ranked for display, their figures, pairwise verdicts and qualitative context."""

    groups: pd.DataFrame
    claims: pd.DataFrame
    comparisons: pd.DataFrame
    context: pd.DataFrame


@dataclass(frozen=True)
class Verdict:
    verdict: str   # agree | differ
    reason: str    # "" when agreeing; different_period | different_modality | unexplained
    overlap: str   # full | boundary | none


# --- measures and scopes -------------------------------------------------------------------------


@cache
def _synonyms(name: str) -> tuple[tuple[str, str], ...]:
    """(synonym, canonical) pairs from a lexicon, longest synonym first."""
    pairs = {(syn, row[0]) for row in read_rows(name) for syn in (row[0], *row[1].split("|")) if syn}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


def _lookup(text: str, lexicon: str) -> str:
    for synonym, canonical in _synonyms(lexicon):
        if synonym in text:
            return canonical
    return ""


@cache
def measure_of(metric: str) -> str:
    """The canonical measure a metric phrase names (芯片自給率 → 自给率, 出口额同比增长 → 出口额增长).

    A change word (增长, 下降 …) after a base measure makes a measure of its own: the growth of
    exports is not the level of exports. A phrase that matches no lexicon line is its own measure.
    """
    metric = to_simplified(metric or "").strip()
    change = _lookup(metric, "measure_changes.tsv")
    rest = _strip_changes(metric).strip()
    base = _lookup(rest, "measures.tsv") or (rest if change else "")
    if change and base:
        return base + change  # 产值同比增长 → 产值增长: an unlisted base still names what moves
    return base or change or metric


def _strip_changes(metric: str) -> str:
    for synonym, _ in _synonyms("measure_changes.tsv"):
        metric = metric.replace(synonym, " ")
    return metric


def is_vague(measure: str) -> bool:
    """A bare change or share (增长, 占比) says too little to group without a subject or scope."""
    return measure in {c for _, c in _synonyms("measure_changes.tsv")} or measure in _VAGUE


_VAGUE = {"占比", "比例", "数量", "规模", "金额", "价值"}


@cache
def scope_of(metric: str, subject: str = "") -> str:
    """What the measure is about when the phrase says (芯片/晶片/半导体 → 半导体), else ""."""
    return _lookup(to_simplified(f"{metric or ''} {subject or ''}"), "scopes.tsv")


@cache
def subject_key(subject: str) -> str:
    """The thing a figure is about, for matching across scripts and aliases.

    The first named entity in the subject phrase (长江存储闪存 → 长江存储), else the phrase. People
    are actors, not the measured thing (特朗普加征的关税 is a tariff on goods), so they are skipped.
    """
    subject = (subject or "").strip()
    if not subject:
        return ""
    named = known_entities(subject)
    for entity, kind in named:
        if kind != "person":
            return _metonyms().get(entity, entity)
    return "" if named or _is_generic(subject) else canonical_name(subject)


@cache
def _metonyms() -> dict[str, str]:
    """北京 → 中国: a capital standing for its country (``core/data/metonyms.tsv``)."""
    return {row[0]: row[1] for row in read_rows("metonyms.tsv")}


def _is_generic(subject: str) -> bool:
    """集成电路产业, 芯片企业: a generic noun with scope words at most names no one (光刻机 still does)."""
    rest = to_simplified(subject)
    for word in sorted(read_words("generic_subjects.txt"), key=len, reverse=True):
        rest = rest.replace(word, "")
    if rest == to_simplified(subject):
        return False
    for word, _ in _synonyms("scopes.tsv"):
        rest = rest.replace(word, "")
    return not rest.strip(" 的、和与及")


def qualitative_mentions(mapped: MappedText) -> list[dict]:
    """Sentences that name a measure of a scope without any number (半导体自给率稳步提升).

    The measure must follow its scope word directly (半导体自给率, 芯片的市场份额), and not be the
    first half of a policy word (芯片出口管制 names no export figure). Computed once per article at
    extraction; the claim groups attach them as context.
    """
    rows = []
    named = _scoped_measure()
    for match in _SENTENCE.finditer(mapped.text):
        for clause in _CLAUSE.finditer(match.group()):
            hit = named.search(clause.group())
            if hit and not _NUMBER.search(clause.group()):
                low, high = match.start(), match.end()
                if high - low > 2 * _CONTEXT_REACH:
                    # A sentence that never ends (a file pasted as one line): keep the part around the measure.
                    at = low + clause.start() + hit.start()
                    low, high = max(low, at - _CONTEXT_REACH), min(high, at + len(hit.group()) + _CONTEXT_REACH)
                start, end = mapped.to_original(low, high)
                rows.append({"measure": _lookup(hit.group("measure"), "measures.tsv"),
                             "scope": _lookup(hit.group("scope"), "scopes.tsv"),
                             "sentence": mapped.original[start:end].strip(), "start": start, "end": end})
                break
    return rows


@cache
def _scoped_measure() -> re.Pattern[str]:
    return re.compile(
        f"(?P<scope>{_pattern('scopes.tsv').pattern})的?(?P<measure>{_pattern('measures.tsv').pattern})"
        r"(?!管制|限制|禁令|禁运|壁垒|清单|政策|许可)"
    )


_SENTENCE = re.compile(r"[^。!?！？\n]+[。!?！？]?")
_CLAUSE = re.compile(r"[^,，;；:：]+")
# How far a context sentence reaches each way from its measure when the sentence has no end in sight.
_CONTEXT_REACH = 200
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十]成|百分之|[十百千万亿兆]+(?:亿|元|美元|倍)|万亿|亿")


@cache
def _pattern(lexicon: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(synonym) for synonym, _ in _synonyms(lexicon)))


# --- intervals and verdicts ----------------------------------------------------------------------


def interval(value: float, value_high: float | None = None, qualifier: str = "exact") -> tuple[float, float]:
    """The values a stated figure is consistent with: its range, or its value widened by :data:`TOLERANCE`."""
    if value_high is not None and not _missing(value_high):
        low, high = sorted((value, value_high))
        below, above = TOLERANCE["exact"]
        return low - abs(low) * below, high + abs(high) * above
    below, above = TOLERANCE.get(qualifier or "exact", TOLERANCE["exact"])
    return value - abs(value) * below, value + abs(value) * above


def overlap_kind(a: tuple[float, float], b: tuple[float, float]) -> str:
    """``full`` when two intervals share more than a point, ``boundary`` when they only touch, else ``none``."""
    low, high = max(a[0], b[0]), min(a[1], b[1])
    if high > low + 1e-12 * max(1.0, abs(low)):
        return "full"
    if math.isclose(high, low, rel_tol=1e-9, abs_tol=1e-12):
        return "boundary"
    return "none"


def periods_differ(a: str, b: str) -> bool:
    """Two periods differ when both are known and do not overlap in time (2025 overlaps 2025Q1)."""
    span_a, span_b = period_span(a), period_span(b)
    if span_a is None or span_b is None:
        return False
    return span_a[1] < span_b[0] or span_b[1] < span_a[0]


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-\d{2})?|Q([1-4])|H([12]))?$")


def period_span(period: str) -> tuple[int, int] | None:
    """A period as a span of months counted from year 0: 2025 → all of 2025, 2025Q1 → Jan–Mar, A..B → A to B."""
    period = (period or "").strip()
    if ".." in period:
        first, _, last = period.partition("..")
        start, end = period_span(first), period_span(last)
        return (start[0], end[1]) if start and end else None
    match = _PERIOD.match(period)
    if not match:
        return None
    year, month, quarter, half = match.groups()
    base = int(year) * 12
    if month:
        return base + int(month) - 1, base + int(month) - 1
    if quarter:
        return base + 3 * (int(quarter) - 1), base + 3 * int(quarter) - 1
    if half:
        return base + 6 * (int(half) - 1), base + 6 * int(half) - 1
    return base, base + 11


def compare(a: dict, b: dict) -> Verdict:
    """Verdict on two figures of one group; symmetric, and a figure always agrees with itself."""
    ia = interval(a["value"], a.get("value_high"), a.get("qualifier", "exact"))
    ib = interval(b["value"], b.get("value_high"), b.get("qualifier", "exact"))
    kind = overlap_kind(ia, ib)
    if kind != "none":
        return Verdict("agree", "", kind)
    if periods_differ(a.get("period", ""), b.get("period", "")):
        return Verdict("differ", "different_period", kind)
    if a.get("earlier") or b.get("earlier"):
        return Verdict("differ", "different_period", kind)  # 从约两成降至13%: 两成 is a former level
    if (a.get("modality") or "reported") != (b.get("modality") or "reported"):
        return Verdict("differ", "different_modality", kind)
    if _same_sentence(a, b):
        return Verdict("differ", "different_period", kind)
    return Verdict("differ", "unexplained", kind)


def is_earlier_level(sentence: str, offset: int) -> bool:
    """The figure at ``offset`` of its sentence opens a change (从约两成降至, 由2024年的25%): a former level."""
    return bool(_FROM_RE.search(to_simplified(sentence[:max(offset, 0)])))


_FROM_RE = re.compile(r"[从由](?:\d{4} ?年度?)?[^,，。;；\d%％]{0,8}$")


def _same_sentence(a: dict, b: dict) -> bool:
    """Two figures of one sentence in one article: a change (从28%降至15%) or a before/after."""
    return a.get("article_id") == b.get("article_id") and a.get("sentence_start") == b.get("sentence_start") \
        and a.get("sentence_start") is not None


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


# --- grouping ------------------------------------------------------------------------------------


def _group_keys(figures: pd.DataFrame) -> pd.Series:
    """A grouping key per figure, or None for figures that name no measure (or too vague a one)."""
    keys = []
    for row in figures.itertuples(index=False):
        metric = row.metric if isinstance(row.metric, str) else ""
        subject = row.subject if isinstance(row.subject, str) else ""
        measure = measure_of(metric) if metric.strip() else ""
        scope = scope_of(metric, subject) if measure else ""
        if not measure or is_vague(measure) and not scope and not subject_key(subject):
            keys.append(None)
        else:
            keys.append((measure, scope, row.unit))
    return pd.Series(keys, index=figures.index, dtype=object)


def _split_by_subject(members: pd.DataFrame, scope: str, named_in: dict) -> list[pd.DataFrame]:
    """Figures of one measure, split by subject.

    A figure that names no subject joins a subject's cluster when its sentence names that subject
    (the 30% tariff sentence names 美国), or, for a scoped measure (半导体自给率), when only one
    subject is named for that measure at all (我国芯片自给率 beside 中国芯片自给率); otherwise it
    stays out. Figures with no subject at all group together only when their measure has a scope,
    never on a bare measure.
    """
    subjects = members["subject"].fillna("").map(subject_key)
    named = sorted(s for s in subjects.unique() if s)
    if not named:
        return [members] if scope else []
    clusters = {s: list(members.index[subjects == s]) for s in named}
    for index in members.index[subjects == ""]:
        row = members.loc[index]
        mentioned = named_in(row["article_id"], row["sentence_start"], row["sentence_end"]) & set(named)
        if len(mentioned) == 1:
            clusters[mentioned.pop()].append(index)
        elif scope and not mentioned and len(named) == 1 and not is_vague(members["_key"].iloc[0][0]):
            clusters[named[0]].append(index)
    return [members.loc[sorted(ix)] for ix in clusters.values()]


def _sentence_entities(mentions: pd.DataFrame):
    """A lookup of the entities named between two offsets of an article, from its mentions.

    The per-article index is built once (numpy positions by article); a lookup touches only
    that article's mentions.
    """
    if mentions.empty:
        return lambda *_: set()
    positions = mentions.groupby("article_id", sort=False, observed=True).indices
    starts = mentions["start"].to_numpy()
    entities = mentions["entity"].astype(str).to_numpy()

    def named_in(article_id: str, start: object, end: object) -> set[str]:
        where = positions.get(article_id)
        if where is None or _missing(start) or _missing(end):
            return set()
        offsets = starts[where]
        return set(entities[where[(offsets >= start) & (offsets < end)]])

    return named_in


def group_claims(extraction) -> ClaimReport:
    """Claim groups over an :class:`~core.pipeline.Extraction` (uses its ``figures`` and ``texts``)."""
    figures = extraction.figures.copy()
    if figures.empty:
        return _empty_report()
    figures["_key"] = _group_keys(figures)
    figures["earlier"] = [
        isinstance(sentence, str) and not _missing(start) and not _missing(first)
        and is_earlier_level(sentence, int(start) - int(first))
        for sentence, start, first in zip(figures["sentence"], figures["start"], figures["sentence_start"], strict=True)
    ]
    clusters: list[pd.DataFrame] = []
    named_in = _sentence_entities(extraction.mentions)
    for _, members in figures[figures["_key"].notna()].groupby("_key", sort=True):
        scope = members["_key"].iloc[0][1]
        clusters.extend(c for c in _split_by_subject(members, scope, named_in) if len(c) >= 2)

    if not clusters:
        return _empty_report()
    claim_frames, comparison_rows, group_rows, context_rows = [], [], [], []
    for number, members in enumerate(clusters, start=1):
        group_id = f"G{number:03d}"
        measure, scope, unit = members["_key"].iloc[0]
        metric = scope + measure if scope and not measure.startswith(scope) else measure
        subject = next((s for s in members["subject"].fillna("").map(subject_key) if s), "")
        claims = members.assign(group_id=group_id, metric_label=metric)
        claim_frames.append(claims)
        records = claims.to_dict("records")
        pairs = [_comparison_row(group_id, metric, subject, a, b) for a, b in pairs_to_compare(records)]
        comparison_rows.extend(pairs)
        group_rows.append(_group_row(group_id, metric, subject, unit, claims, pairs))
        context_rows.extend(_context(group_id, measure, scope, extraction))

    groups = rank_groups(pd.DataFrame(group_rows, columns=[c for c in GROUP_COLUMNS if c != "rank"]))
    order = {g: r for g, r in zip(groups["group_id"], groups["rank"], strict=True)}

    claims = pd.concat(claim_frames, ignore_index=True)
    claims["metric"] = claims.get("metric_label", claims["metric"])
    claims = claims.sort_values(["group_id", "file", "start"], key=_by_rank(order), kind="stable")
    comparisons = pd.DataFrame(comparison_rows, columns=COMPARISON_COLUMNS)
    comparisons = comparisons.sort_values("group_id", key=_by_rank(order), kind="stable")
    return ClaimReport(
        groups=groups,
        claims=claims[CLAIM_COLUMNS + ["sentence_start", "sentence_end"]].reset_index(drop=True),
        comparisons=comparisons.reset_index(drop=True),
        context=pd.DataFrame(context_rows, columns=CONTEXT_COLUMNS),
    )


def status_of(contradictions: int, differences: int) -> str:
    """A group's status from its pairs: any unexplained difference makes it a contradiction."""
    return "contradiction" if contradictions else "explained" if differences else "agree"


def rank_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """Groups in reading order, ``rank`` from 1.

    Figures from different sources before figures within one source; then contradictions,
    differences explained by period or modality, agreements; then more sources, the wider
    disagreement (relative spread of the values), more figures.
    """
    ordered = groups.assign(_single=groups["sources"] < 2, _status=groups["status"].map(STATUS_ORDER))
    ordered = ordered.sort_values(
        ["_single", "_status", "sources", "spread", "figures", "group_id"],
        ascending=[True, True, False, False, False, True], kind="stable",
    )
    ordered = ordered.drop(columns=["_single", "_status", "rank"], errors="ignore").reset_index(drop=True)
    ordered.insert(1, "rank", range(1, len(ordered) + 1))
    return ordered


def spread(values: pd.Series) -> float:
    """How far a group's values lie apart, relative to the largest: 0 for one value, 0.51 for 38 vs 78."""
    values = values.dropna().astype(float)
    top = values.abs().max() if len(values) else 0.0
    return round(float((values.max() - values.min()) / top), 4) if top else 0.0


def _by_rank(order: dict[str, int]):
    return lambda s: s.map(order) if s.name == "group_id" else s


def _empty_report() -> ClaimReport:
    return ClaimReport(
        pd.DataFrame(columns=GROUP_COLUMNS), pd.DataFrame(columns=CLAIM_COLUMNS + ["sentence_start", "sentence_end"]),
        pd.DataFrame(columns=COMPARISON_COLUMNS), pd.DataFrame(columns=CONTEXT_COLUMNS),
    )


def pairs_to_compare(records: list[dict]) -> list[tuple[dict, dict]]:
    """Every pair in a group of up to :data:`MAX_PAIRWISE` figures; beyond that, a bounded set.

    A large group (thousands of articles quoting one measure) would give millions of pairs. There,
    figures with the same statement (value, range, qualifier, unit, period, modality) are compared
    once, and each statement only against the extremes of its (period, modality) bucket: the figure
    whose interval ends lowest and the one that starts highest; across buckets, the extremes meet
    each other. That keeps the pairs linear in the number of statements and still finds a
    contradiction inside a bucket whenever one exists (two intervals that fail to meet include
    the bucket's extremes).
    """
    if len(records) <= MAX_PAIRWISE:
        return [(records[i], records[j]) for i in range(len(records)) for j in range(i + 1, len(records))]
    statements = list({_statement(r): r for r in reversed(records)}.values())[::-1]
    if len(statements) <= MAX_PAIRWISE:
        return [(statements[i], statements[j]) for i in range(len(statements)) for j in range(i + 1, len(statements))]
    buckets: dict[tuple[str, str], list[dict]] = {}
    for record in statements:
        buckets.setdefault((record.get("period") or "", record.get("modality") or ""), []).append(record)
    pairs: list[tuple[dict, dict]] = []
    extremes: list[dict] = []
    for members in buckets.values():
        spans = [interval(r["value"], r.get("value_high"), r.get("qualifier", "exact")) for r in members]
        low = members[min(range(len(members)), key=lambda i: spans[i][1])]
        high = members[max(range(len(members)), key=lambda i: spans[i][0])]
        ends = [low] if high is low else [low, high]
        pairs.extend((end, other) for end in ends for other in members if other is not low and other is not high)
        if high is not low:
            pairs.append((low, high))
        extremes.extend(ends)
    # Across buckets only the extremes meet: a difference there is explained by period or modality.
    pairs.extend((a, b) for i, a in enumerate(extremes) for b in extremes[i + 1:]
                 if (a.get("period"), a.get("modality")) != (b.get("period"), b.get("modality")))
    return pairs


def _statement(record: dict) -> tuple:
    high = record.get("value_high")
    return (record["value"], None if _missing(high) else high, record.get("qualifier"), record.get("unit"),
            record.get("period") or "", record.get("modality") or "")


def _comparison_row(group_id: str, metric: str, subject: str, a: dict, b: dict) -> dict:
    verdict = compare(a, b)
    zh, en = explain(metric, subject, a, b, verdict)
    row = {"group_id": group_id, "metric": metric, "subject": subject}
    for side, fig in (("a", a), ("b", b)):
        row.update({
            f"file_{side}": fig["file"], f"value_{side}": fig["value"], f"unit_{side}": fig["unit"],
            f"period_{side}": fig.get("period") or "", f"modality_{side}": fig.get("modality") or "",
        })
    row.update({"verdict": verdict.verdict, "reason": verdict.reason, "overlap": verdict.overlap,
                "explanation": zh, "explanation_en": en})
    return row


def _group_row(group_id: str, metric: str, subject: str, unit: str, claims: pd.DataFrame, pairs: list[dict]) -> dict:
    reasons = [p["reason"] for p in pairs if p["verdict"] == "differ"]
    contradictions = reasons.count("unexplained")
    status = status_of(contradictions, len(reasons))
    values = " / ".join(dict.fromkeys(claims["text"].astype(str)))
    label = f"{subject}{metric}" if subject and not metric.startswith(subject) else metric
    headline = {
        "contradiction": f"{label}：{values}，同一时期说法矛盾",
        "explained": f"{label}：{values}，差异可由时期或性质解释",
        "agree": f"{label}：{values}，各方一致",
    }[status]
    headline_en = {
        "contradiction": f"{label}: {values} — the figures contradict each other",
        "explained": f"{label}: {values} — they differ, explained by period or modality",
        "agree": f"{label}: {values} — the figures agree",
    }[status]
    return {
        "group_id": group_id, "status": status, "metric": metric, "subject": subject, "unit": unit,
        "figures": len(claims), "articles": claims["article_id"].nunique(), "sources": claims["source"].nunique(),
        "contradictions": contradictions, "explained": len(reasons) - contradictions,
        "agreements": len(pairs) - len(reasons), "spread": spread(pd.concat([claims["value"], claims["value_high"]])),
        "headline": headline, "headline_en": headline_en,
    }


def explain(metric: str, subject: str, a: dict, b: dict, verdict: Verdict) -> tuple[str, str]:
    """One readable sentence in Chinese and one in English on why two figures agree or differ."""
    def side_zh(f: dict) -> str:
        bits = [x for x in (f.get("period"), f.get("attributed_to") and f"据{f['attributed_to']}") if x]
        extra = f"（{'，'.join(bits)}）" if bits else ""
        verb = MODALITY_ZH.get(f.get("modality") or "reported", "报告")
        return f"{_who(f, '（{}）')}{verb}{QUALIFIER_ZH.get(f.get('qualifier'), '')}{f['text']}{extra}"

    def side_en(f: dict) -> str:
        bits = [x for x in (f.get("period") and f"for {f['period']}",
                            f.get("attributed_to") and f"({f['attributed_to']})") if x]
        verb = MODALITY_EN.get(f.get("modality") or "reported", "reports")
        qualifier = QUALIFIER_EN.get(f.get("qualifier"), "")
        return " ".join([_who(f, " ({})"), verb, qualifier + str(f["text"]), *bits])

    what = f"{subject}{metric}" if subject and not metric.startswith(subject) else metric
    if verdict.verdict == "agree":
        edge = "，仅在边界处相合" if verdict.overlap == "boundary" else ""
        edge_en = ", meeting only at the boundary" if verdict.overlap == "boundary" else ""
        if periods_differ(a.get("period", ""), b.get("period", "")):
            edge += "，但时期不同，并非同一事实"
            edge_en += ", but for different periods: not the same fact"
        return (f"{what}：{side_zh(a)}，{side_zh(b)}：两者一致{edge}。",
                f"{what}: {side_en(a)}; {side_en(b)}: consistent{edge_en}.")
    source_note = ""
    source_note_en = ""
    if (a.get("attributed_to") or "") != (b.get("attributed_to") or ""):
        source_note, source_note_en = "，出处也不同", "; the sources differ too"
    reason = verdict.reason
    if reason == "different_period" and _same_sentence(a, b):
        reason_zh, reason_en = REASON_ZH["change"], "a change stated in one sentence (before and after)"
    else:
        reason_zh = REASON_ZH[reason]
        reason_en = {
            "different_period": "different periods, not the same fact",
            "different_modality": "a projection or target, not the same fact as a reported figure",
            "unexplained": "same period and modality: a real contradiction",
        }[reason]
    return (f"{what}：{side_zh(a)}；{side_zh(b)}：{reason_zh}{source_note}。",
            f"{what}: {side_en(a)}; {side_en(b)}: {reason_en}{source_note_en}.")


def _who(figure: dict, brackets: str) -> str:
    """The source that states a figure, with its article in ``brackets``: 網易號（000）."""
    file = str(figure.get("file", ""))
    short = file.split("_", 1)[0] if re.match(r"\d+_", file) else Path(file).stem
    source = figure.get("source")
    return source + brackets.format(short) if isinstance(source, str) and source else short


def _context(group_id: str, measure: str, scope: str, extraction) -> list[dict]:
    """The qualitative mentions of the group's measure and scope, from every article."""
    context = extraction.context
    if not scope or context.empty:
        return []
    measures = context["measure"].fillna("").astype(str)
    hits = context[(context["scope"] == scope) & measures.map(lambda m: bool(m) and measure.startswith(m))]
    return [{"group_id": group_id, **row} for row in hits[CONTEXT_COLUMNS[1:]].to_dict("records")]
