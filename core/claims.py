"""Figure consistency: group figures that measure the same thing, and say whether they agree.

A *claim group* gathers figures whose frames (:mod:`core.frames`: unit dimension, the words
governing the number, subject entities, period, modality, role) are alike enough
(:mod:`core.matching`: character n-gram TF-IDF within blocks, average linkage). The lexicons
``measures.tsv`` and ``scopes.tsv`` are evidence there (scopes with none in common keep two figures apart), and a
value alone never links two figures.

Every pair of figures in a group is compared, within one article too, by the rules of
:mod:`core.verdicts` (intervals, tolerances, and why a difference is explained). A pair's ``note``
adds what a reader should know: a before/after inside one sentence, an article contradicting
itself, two articles quoting one original source. Groups are ranked for reading, and their
context is the sentences of :mod:`core.qualitative` that name their measure without a figure.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import glosses, words
from core.explanations import with_explanations
from core.frames import FRAME_COLUMNS as FRAME_TABLE_COLUMNS_BY_FIELD
from core.frames import Frame, figure_frames, frames_of_table
from core.matching import cluster_frames, lexicon_measure, lexicon_scope
from core.verdicts import (
    Verdict,
    compare,
    interval,
    kind_by_counts,
    kind_of_claim,
    missing,
    note_of,
    period_of,
    same_sentence,
    text_of,
)

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
    "explanation_en", "note", "text_a", "text_b", "role_a", "role_b", "attributed_to_a", "attributed_to_b",
    "qualifier_a", "qualifier_b", "source_a", "source_b", "article_id_a", "article_id_b",
]
GROUP_COLUMNS = [
    "group_id", "rank", "status", "metric", "subject", "unit", "figures", "articles", "sources",
    "contradictions", "explained", "agreements", "spread", "headline", "headline_en", "self_contradictions",
    "period_differences",
]
CONTEXT_COLUMNS = ["group_id", "file", "article_id", "source", "sentence"]


@dataclass(init=False)
class ClaimReport:
    """Claim groups ranked for display, their figures, pairwise verdicts and qualitative context.

    The pairs' explanations are rendered when ``comparisons`` is first read (a corpus of 300
    articles has some 10,000 pairs; grouping alone never builds their sentences).
    """

    groups: pd.DataFrame
    claims: pd.DataFrame
    context: pd.DataFrame
    _pairs: pd.DataFrame

    def __init__(self, groups: pd.DataFrame, claims: pd.DataFrame, comparisons: pd.DataFrame,
                 context: pd.DataFrame) -> None:
        self.groups, self.claims, self.context, self._pairs = groups, claims, context, comparisons

    @property
    def comparisons(self) -> pd.DataFrame:
        """Every compared pair, its explanation columns filled (rendered once, on first reading)."""
        if "explanation" in self._pairs and self._pairs["explanation"].isna().any():
            self._pairs = with_explanations(self._pairs)
        return self._pairs

    @property
    def pairs(self) -> pd.DataFrame:
        """Every compared pair as it stands: explanations not rendered yet are missing (for narrowing the report,
        or picking one pair whose explanation :func:`explanation_of` renders alone)."""
        return self._pairs


def group_kinds(claims: pd.DataFrame) -> dict[str, str]:
    """Group id → one of :data:`core.verdicts.GROUP_KINDS` (:func:`~core.verdicts.kind_of` its figures)."""
    def column(name: str) -> pd.Series:  # a column a table built by hand may lack: all missing
        return claims[name] if name in claims.columns else pd.Series(None, index=claims.index, dtype=object)

    by_group = pd.DataFrame({
        "group_id": claims["group_id"], "source": column("source").astype(str), "article_id": column("article_id"),
        "sentence_start": column("sentence_start"),
    }).groupby("group_id", sort=False)
    distinct = by_group.nunique(dropna=False)
    known = by_group["sentence_start"].count() > 0
    return {group_id: kind_by_counts(sources, articles, sentences == 1 and has_start)
            for group_id, sources, articles, sentences, has_start in zip(
                distinct.index, distinct["source"], distinct["article_id"], distinct["sentence_start"],
                known.reindex(distinct.index), strict=True)}


# --- grouping ------------------------------------------------------------------------------------

# Frame fields written to claims.csv beside the figure's own, and the group label in both languages.
FRAME_COLUMNS = [
    "dimension", "measure_phrase", "entities", "frame_period", "frame_modality", "role", "direction",
    "sentence_index", "label", "label_en",
]


FRAME_TABLE_COLUMNS = tuple(FRAME_TABLE_COLUMNS_BY_FIELD.values())


def _with_frames(extraction, figures: pd.DataFrame) -> pd.DataFrame:
    """The figures with their frames' fields as columns (see :mod:`core.frames`)."""
    articles = getattr(extraction, "articles", None)
    published = {}
    if articles is not None and "published" in getattr(articles, "columns", ()):
        published = {a: p for a, p in zip(articles["article_id"], articles["published"], strict=True)
                     if isinstance(p, str)}
    frames = frames_of_table(figures) or figure_frames(
        figures, getattr(extraction, "texts", None) or {}, extraction.mentions, published)
    figures = figures.drop(columns=[c for c in FRAME_TABLE_COLUMNS if c in figures.columns])
    return figures.assign(
        dimension=[f.dimension for f in frames], measure_phrase=[f.measure for f in frames],
        entities=["|".join(f.entities or f.sentence_entities) for f in frames],
        frame_period=[f.period for f in frames], frame_modality=[f.modality for f in frames],
        role=[f.role for f in frames], direction=[f.direction for f in frames],
        sentence_index=[f.sentence_index for f in frames],
        earlier=[f.role in ("from", "base") for f in frames],
        _frame=frames,
    )


def group_claims(extraction) -> ClaimReport:
    """Claim groups over an :class:`~core.pipeline.Extraction` (uses its figures, mentions and texts)."""
    figures = extraction.figures.reset_index(drop=True)
    if figures.empty:
        return _empty_report()
    figures = _with_frames(extraction, figures)
    frames = list(figures["_frame"])
    clusters = cluster_frames(frames, [str(a) for a in figures["article_id"]])
    if not clusters:
        return _empty_report()
    records_by_row = _records(figures, _COMPARED)
    for record in records_by_row:
        _prepare(record)
    compared = [settled([(a, b, compare(a, b)) for a, b in pairs_to_compare([records_by_row[i] for i in members])])
                for members in clusters]
    # A cluster whose figures were never compared with each other (two parallel statements of one sentence)
    # is no claim group.
    clusters, compared = [m for m, c in zip(clusters, compared, strict=True) if c], [c for c in compared if c]
    if not clusters:
        return _empty_report()
    labels = [group_label([frames[i] for i in members]) for members in clusters]
    order = [i for members in clusters for i in members]
    group_ids = [f"G{n:03d}" for n, members in enumerate(clusters, start=1) for _ in members]
    grouped = figures.iloc[order].drop(columns="_frame").assign(
        group_id=group_ids,
        metric=[label.measure for label, members in zip(labels, clusters, strict=True) for _ in members],
        label=[label.zh for label, members in zip(labels, clusters, strict=True) for _ in members],
        label_en=[label.en for label, members in zip(labels, clusters, strict=True) for _ in members],
    )
    comparison_rows, group_rows, context_rows = [], [], []
    for number, (members, label, verdicts) in enumerate(zip(clusters, labels, compared, strict=True), start=1):
        group_id = f"G{number:03d}"
        part = [records_by_row[i] for i in members]
        pairs = [(group_id, label, a, b, verdict) for a, b, verdict in verdicts]
        comparison_rows.extend(pairs)
        group_rows.append(_group_row(group_id, label, part, [verdict for *_, verdict in pairs],
                                     [(a, b) for a, b, _ in verdicts]))
        context_rows.extend(_context(group_id, label.lexicon_measure, label.scope, extraction))

    groups = rank_groups(pd.DataFrame(group_rows, columns=[c for c in GROUP_COLUMNS if c != "rank"]))
    rank = {g: r for g, r in zip(groups["group_id"], groups["rank"], strict=True)}
    claims = grouped.sort_values(["group_id", "file", "start"], key=_by_rank(rank), kind="stable")
    comparisons = _comparison_table(comparison_rows)
    comparisons = comparisons.sort_values("group_id", key=_by_rank(rank), kind="stable")
    return ClaimReport(
        groups=groups,
        claims=claims[CLAIM_COLUMNS + ["sentence_start", "sentence_end"] + FRAME_COLUMNS].reset_index(drop=True),
        comparisons=comparisons.reset_index(drop=True),
        context=pd.DataFrame(context_rows, columns=CONTEXT_COLUMNS).drop_duplicates(ignore_index=True),
    )


def _prepare(figure: dict) -> None:
    """Work out once per figure what every comparison of it needs (a group of n figures has up to n² pairs).

    Its interval is left to its first comparison (:func:`~core.verdicts.compare` keeps it here): a large group
    compares a bounded set of its figures (:func:`pairs_to_compare`)."""
    figure["_interval"] = None
    figure["_period"] = period_of(figure)
    figure["_kind"] = kind_of_claim(figure)


# The fields of a figure its comparisons and its group's row read.
_COMPARED = ("file", "article_id", "source", "text", "value", "value_high", "unit", "qualifier", "period", "modality",
             "frame_period", "frame_modality", "role", "attributed_to", "sentence_start", "earlier")


def _records(frame: pd.DataFrame, columns: tuple[str, ...]) -> list[dict]:
    """Rows as dicts of ``columns`` (those present), built column-wise: far cheaper than ``to_dict("records")``."""
    present = [c for c in columns if c in frame.columns]
    values = [frame[c].to_numpy(dtype=object).tolist() for c in present]
    return [dict(zip(present, row, strict=True)) for row in zip(*values, strict=True)]


@dataclass(frozen=True)
class GroupLabel:
    """What a group measures, for people: ``zh`` 阿斯麦 · 营收占比, ``en`` ASML · revenue share."""

    measure: str
    subject: str
    zh: str
    en: str
    lexicon_measure: str
    scope: str


def group_label(frames: list[Frame]) -> GroupLabel:
    """The shared measure words and subject of a group's frames, in Chinese and English.

    The measure is the lexicon measure most members name, else the longest run of words every
    member's measure phrase shares; the subject the entity most members name. English comes from
    the lexicons' English column, else the Chinese stands in brackets.
    """
    measures = Counter(m for m in (lexicon_measure(f.measure) for f in frames) if m)
    scopes = Counter(s for s in (lexicon_scope(f.context) for f in frames) if s)
    lexical = measures.most_common(1)[0][0] if measures else ""
    scope = scopes.most_common(1)[0][0] if scopes else ""
    measure = lexical or _shared_words([f.measure for f in frames])
    subjects = Counter(e for f in frames for e in dict.fromkeys(f.entities or f.sentence_entities))
    subject = subjects.most_common(1)[0][0] if subjects else ""
    zh = " · ".join(x for x in (subject, scope if scope and scope not in measure else "", measure) if x)
    scope_shown = scope if scope and scope not in measure else ""
    en = " · ".join(x for x in (_english_entity(subject), _english(scope_shown, "scopes.tsv"),
                                _english(measure, "measures.tsv")) if x)
    return GroupLabel(measure, subject, zh, en, lexical, scope)


def _shared_words(phrases: list[str]) -> str:
    """The longest run of characters (no mask) every phrase contains: 营收占比 of 营收占比为§, 中国区营收占比均为§."""
    pieces = [p for p in re.split(r"[#§\s，,。;；:：、()（）【】「」]+", phrases[0]) if p]
    best = ""
    for piece in pieces:
        for i in range(len(piece)):
            for j in range(len(piece), i + len(best), -1):
                if all(piece[i:j] in p for p in phrases[1:]):
                    best = piece[i:j]
                    break
    return best if len(best) >= 2 else phrases[0].strip("#§ ")


def _english(word: str, lexicon: str) -> str:
    return (glosses.lexicon_gloss(word, lexicon) or f"[{word}]") if word else ""


def _english_entity(name: str) -> str:
    """An entity's name in Latin letters (阿斯麦 → ASML, :func:`core.glosses.entity_gloss`), else [阿斯麦]."""
    return (glosses.entity_gloss(name) or f"[{name}]") if name else ""


def status_of(contradictions: int, differences: int) -> str:
    """A group's status from its pairs: any unexplained difference makes it a contradiction."""
    return "contradiction" if contradictions else "explained" if differences else "agree"


def rank_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """Groups in reading order, ``rank`` from 1.

    Figures from different sources before figures within one source; then contradictions between
    articles (an article at odds only with itself ranks its group as its other pairs do), differences
    explained, agreements; among explained ones, differences of modality before those of period alone
    (a series over time); then the smaller share of agreeing pairs, more sources, the wider
    disagreement (relative spread of the values), more figures.
    """
    def count(name: str) -> pd.Series:  # a count the table may lack (a table built by hand): 0
        return groups[name] if name in groups else pd.Series(0, index=groups.index)

    contradictions, explained, agreements = count("contradictions"), count("explained"), count("agreements")
    ordered = groups.assign(
        _single=groups["sources"] < 2,
        _status=[STATUS_ORDER[between_status(*row)] for row in zip(
            groups["status"], count("articles"), contradictions, explained, count("self_contradictions"),
            strict=True)],
        # Figures of different periods are a series more than a disagreement: after the groups with other reasons.
        _series=(explained > 0) & (count("period_differences") >= explained),
        _agreeing=agreements / (contradictions + explained + agreements).clip(lower=1),
    )
    ordered = ordered.sort_values(
        ["_single", "_status", "_series", "_agreeing", "sources", "spread", "figures", "group_id"],
        ascending=[True, True, True, True, False, False, False, True], kind="stable",
    )
    ordered = ordered.drop(columns=["_single", "_status", "_series", "_agreeing", "rank"],
                           errors="ignore").reset_index(drop=True)
    ordered.insert(1, "rank", range(1, len(ordered) + 1))
    return ordered


def between_status(status: str, articles: int, contradictions: int, explained: int, own: int) -> str:
    """A group's status as its articles compare with each other: an article at odds with itself (``own``
    unexplained pairs) makes a contradiction of its own group, but ranks a group of several articles no higher."""
    if articles < 2 or not own:
        return status
    return status_of(contradictions - own, contradictions - own + explained)


def spread(values: pd.Series) -> float:
    """How far a group's values lie apart, relative to the largest: 0 for one value, 0.51 for 38 vs 78."""
    values = values.dropna().astype(float)
    return _relative_spread(values.min(), values.max()) if len(values) else 0.0


def spreads(claims: pd.DataFrame) -> pd.Series:
    """:func:`spread` of each group's values and range ends (``group_id``, ``value``, ``value_high`` columns),
    by group id, computed for all groups at once."""
    codes, groups = pd.factorize(claims["group_id"], sort=True)  # grouped on codes, not by comparing strings
    ends = pd.concat([claims["value"], claims["value_high"]], ignore_index=True).astype(float)
    both = np.concatenate([codes, codes])
    extremes = ends[both >= 0].groupby(both[both >= 0]).agg(["min", "max"])
    extremes.index = pd.Index(groups[extremes.index], name=claims["group_id"].name)
    return pd.Series([_relative_spread(low, high) for low, high in zip(extremes["min"], extremes["max"], strict=True)],
                     index=extremes.index, dtype=float)


def _relative_spread(low: float, high: float) -> float:
    """(high - low) relative to the larger magnitude of the two (the largest of the values between them)."""
    top = max(abs(low), abs(high))
    return round(float((high - low) / top), 4) if top and not math.isnan(top) else 0.0


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
        return [(records[i], records[j]) for i in range(len(records)) for j in range(i + 1, len(records))
                if not _parallel(records[i], records[j])]
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


def _parallel(a: dict, b: dict) -> bool:
    """Two levels of one period in one sentence (14nm及以上…，7nm…; 高通约六成…，英伟达约两成…): parallel statements,
    not a change and not two claims on one fact, so never compared with each other. A change keeps its pair
    (从28%降至15%: the from-level and the level), and so does a series (2023年一季度29%，2024年一季度36%), or a
    level beside one of a period the sentence names (自给率为41%，高于去年的33%: this year's against last year's), or a
    level beside a target or projection (月产能约3万片，目标年底前扩充至4.5万片: where it stands against its goal)."""
    return same_sentence(a, b) and not (a.get("earlier") or b.get("earlier")) and period_of(a) == period_of(b) \
        and kind_of_claim(a) == kind_of_claim(b)


def settled(pairs: list[tuple[dict, dict, Verdict]]) -> list[tuple[dict, dict, Verdict]]:
    """The pairs a group reports: an unexplained difference between two articles is dropped when another
    figure of one agrees with a figure of the other.

    An article that gives several values of a measure (14nm及以上成熟制程…，7nm制程…) is contradicted by another
    article only if none of its values agrees with any of the other's: 7nm against 突破7纳米 agrees, so its 14nm
    is another statement, not a contradiction of the other article.
    """
    agreeing = {_articles_and_periods(a, b) for a, b, verdict in pairs if verdict.verdict == "agree"
                and a.get("article_id") != b.get("article_id")}
    return [(a, b, verdict) for a, b, verdict in pairs
            if not (verdict.reason == "unexplained" and _articles_and_periods(a, b) in agreeing)]


def _articles_and_periods(a: dict, b: dict) -> tuple[str, ...]:
    """The two articles of a pair and the periods of its figures: another figure agreeing settles a difference
    only of its own period (two articles agreeing on 2026's forecast still differ on the first quarter)."""
    return (*sorted((str(a.get("article_id")), str(b.get("article_id")))), *sorted((period_of(a), period_of(b))))


def _statement(record: dict) -> tuple:
    high = record.get("value_high")
    return (record["value"], None if missing(high) else high, record.get("qualifier"), record.get("unit"),
            record.get("period") or "", record.get("modality") or "")


def _comparison_table(pairs: list[tuple[str, GroupLabel, dict, dict, Verdict]]) -> pd.DataFrame:
    """The compared pairs as codes and the fields their explanations are rendered from, built column by column
    (see :func:`with_explanations`)."""
    columns: dict[str, list] = {
        "group_id": [p[0] for p in pairs], "metric": [p[1].measure for p in pairs],
        "subject": [p[1].subject for p in pairs],
    }
    for side, at in (("a", 2), ("b", 3)):
        columns[f"file_{side}"] = [p[at]["file"] for p in pairs]
        columns[f"value_{side}"] = [p[at]["value"] for p in pairs]
        columns[f"unit_{side}"] = [p[at]["unit"] for p in pairs]
        columns[f"period_{side}"] = [period_of(p[at]) for p in pairs]
        columns[f"modality_{side}"] = [kind_of_claim(p[at]) for p in pairs]
        sides = [_side_texts(p[at]) for p in pairs]
        for n, field in enumerate(_SIDE_FIELDS):
            columns[f"{field}_{side}"] = [texts[n] for texts in sides]
    columns["verdict"] = [p[4].verdict for p in pairs]
    columns["reason"] = [p[4].reason for p in pairs]
    columns["overlap"] = [p[4].overlap for p in pairs]
    columns["explanation"] = [None] * len(pairs)
    columns["explanation_en"] = [None] * len(pairs)
    columns["note"] = [note_of(p[2], p[3], p[4]) for p in pairs]
    return pd.DataFrame({c: columns[c] for c in COMPARISON_COLUMNS}, columns=COMPARISON_COLUMNS)


# Fields of each figure a comparison row keeps (as ``text_a``, ``text_b`` …) to render its explanation.
_SIDE_FIELDS = ("text", "role", "attributed_to", "qualifier", "source", "article_id")


def _side_texts(figure: dict) -> tuple[str, ...]:
    """The ``_SIDE_FIELDS`` of ``figure`` as text, worked out once, on its first pair (a figure can be a side of many
    pairs, or of none)."""
    texts = figure.get("_sides")
    if texts is None:
        texts = figure["_sides"] = tuple(text_of(figure.get(field)) for field in _SIDE_FIELDS)
    return texts


def _group_row(group_id: str, label: GroupLabel, members: list[dict], pairs: list[Verdict],
               sides: list[tuple[dict, dict]]) -> dict:
    reasons = [p.reason for p in pairs if p.verdict == "differ"]
    contradictions = reasons.count("unexplained")
    own = sum(1 for p, (a, b) in zip(pairs, sides, strict=True)
              if p.reason == "unexplained" and a.get("article_id") == b.get("article_id"))
    status = status_of(contradictions, len(reasons))
    values = " / ".join(dict.fromkeys(str(m["text"]) for m in members))
    unit = "|".join(dict.fromkeys(str(m["unit"]) for m in members))
    numbers = [m[key] for m in members for key in ("value", "value_high") if not missing(m.get(key))]
    return {
        "group_id": group_id, "status": status, "metric": label.measure, "subject": label.subject, "unit": unit,
        "figures": len(members), "articles": len({m["article_id"] for m in members}),
        "sources": len({m["source"] for m in members if not missing(m.get("source"))}),
        "contradictions": contradictions, "explained": len(reasons) - contradictions,
        "agreements": len(pairs) - len(reasons), "spread": spread(pd.Series(numbers, dtype=float)),
        "headline": words.headline(status, label.zh, values, "zh"),
        "headline_en": words.headline(status, label.en, values, "en"), "self_contradictions": own,
        "period_differences": reasons.count("different_period"),
    }


def _context(group_id: str, measure: str, scope: str, extraction) -> list[dict]:
    """The qualitative mentions of the group's measure and scope, from every article."""
    context = extraction.context
    if not scope or context.empty:
        return []
    measures = context["measure"].fillna("").astype(str)
    hits = context[(context["scope"] == scope) & measures.map(lambda m: bool(m) and measure.startswith(m))]
    return [{"group_id": group_id, **row} for row in hits[CONTEXT_COLUMNS[1:]].to_dict("records")]
