"""Why two figures agree or differ, in a sentence of Chinese and one of English.

A comparison row of :attr:`core.claims.ClaimReport.pairs` carries its two figures' fields (``text_a``,
``source_b`` …) and its verdict; its explanation is rendered from those cells alone, lazily: a group's pairs are
many and most are never shown or exported. Each figure is worded once (:func:`_worded`), however many pairs it
is a side of; the words themselves are :mod:`core.words`'.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import pandas as pd

from core import words
from core.verdicts import Verdict, kind_of_claim, note_of, period_of, periods_differ, text_of, verdict_of


def with_explanations(comparisons: pd.DataFrame) -> pd.DataFrame:
    """``comparisons`` with the explanation columns of the rows that lack them rendered (中文 and English)."""
    missing = comparisons["explanation"].isna()
    if not missing.any():
        return comparisons
    rendered = _explanations(comparisons[missing])
    out = comparisons.copy()
    out.loc[missing, "explanation"] = [zh for zh, _ in rendered]
    out.loc[missing, "explanation_en"] = [en for _, en in rendered]
    return out


def explanation_of(pair: Mapping[str, object]) -> tuple[str, str]:
    """One pair's explanation (中文, English), rendered from a row of :attr:`ClaimReport.pairs` alone."""
    a, b = (tuple(pair.get(f"{field}_{side}") for field, _ in _WORDED_FIELDS) for side in "ab")
    return _explained(text_of(pair.get("metric")), text_of(pair.get("subject")), a, b, pair.get("verdict"),
                      text_of(pair.get("reason")), pair.get("overlap"), text_of(pair.get("note")),
                      pair.get("article_id_a") == pair.get("article_id_b"))


# A side's fields as :func:`_worded` takes them, each with the value a table without the column gives it (None:
# the column must be there).
_WORDED_FIELDS = (("source", ""), ("file", None), ("modality", None), ("qualifier", ""), ("text", ""),
                  ("period", None), ("attributed_to", ""))


def _explanations(rows: pd.DataFrame) -> list[tuple[str, str]]:
    """:func:`explain` of every comparison row, read column by column: each side from the row's ``_a``/``_b``
    columns, worded once per distinct figure."""
    def column(name: str, default: object = None) -> list:
        if name not in rows.columns and default is not None:
            return [default] * len(rows)
        return rows[name].to_numpy(dtype=object).tolist()

    def text(name: str, optional: bool = False) -> list[str]:  # text_of of every cell
        if optional and name not in rows.columns:
            return [""] * len(rows)
        cells = rows[name]
        return cells.astype(object).where(cells.notna(), "").astype(str).tolist()

    sides = {side: list(zip(*(column(f"{field}_{side}", default) for field, default in _WORDED_FIELDS),
                            strict=True)) for side in "ab"}
    same_article = [a == b for a, b in zip(column("article_id_a", ""), column("article_id_b", ""), strict=True)]
    return [_explained(*row) for row in zip(
        text("metric"), text("subject"), sides["a"], sides["b"], column("verdict"), text("reason"),
        column("overlap"), text("note", optional=True), same_article, strict=True)]


def _explained(metric: str, subject: str, a: tuple, b: tuple, verdict: str, reason: str, overlap: str,
               note: str, same_article: bool) -> tuple[str, str]:
    """One comparison's explanation from its cells (text fields as :func:`~core.verdicts.text_of` gives them),
    each side as :data:`_WORDED_FIELDS`."""
    return _said(metric, subject, _worded(*a), _worded(*b), verdict_of(verdict, reason, overlap), note,
                 same_article)


class _Side(NamedTuple):
    """A figure as one side of an explanation: worded in each language, its period and whom it quotes."""

    zh: str
    en: str
    period: str
    attributed_to: str


@lru_cache(maxsize=65536)
def _worded(source: object, file: object, modality: object, qualifier: object, text: object, period: object,
            attributed_to: object) -> _Side:
    """:class:`_Side` of a figure's fields, worded once: a figure is a side of many pairs."""
    figure = {"source": source, "file": file, "modality": kind_of_claim({"modality": modality}),
              "qualifier": qualifier, "text": text, "period": period_of({"period": period}),
              "attributed_to": attributed_to}
    return _Side(words.side_words(figure, "zh"), words.side_words(figure, "en"), figure["period"],
                 attributed_to or "")


def explain(metric: str, subject: str, a: dict, b: dict, verdict: Verdict, note: str | None = None) -> tuple[str, str]:
    """One readable sentence in Chinese and one in English on why two figures agree or differ (the words are
    :func:`core.words.explanation_of_sides`). ``note`` is the pair's :func:`note_of` when already known."""
    note = note_of(a, b, verdict) if note is None else note
    sides = [_worded(f.get("source"), f.get("file", ""), kind_of_claim(f), f.get("qualifier"), f["text"], period_of(f),
                     f.get("attributed_to")) for f in (a, b)]
    return _said(metric, subject, *sides, verdict, note, a.get("article_id") == b.get("article_id"))


def _said(metric: str, subject: str, a: _Side, b: _Side, verdict: Verdict, note: str,
          same_article: bool) -> tuple[str, str]:
    """:func:`explain`'s two sentences from its sides (:func:`core.words.explanations_of_sides`)."""
    what = f"{subject}{metric}" if subject and not metric.startswith(subject) else metric
    apart = verdict.verdict == "agree" and periods_differ(a.period, b.period, same_article)
    return words.explanations_of_sides(what, (a.zh, a.en), (b.zh, b.en), a.attributed_to, b.attributed_to,
                                       verdict.verdict, verdict.reason, boundary=verdict.overlap == "boundary",
                                       periods_apart=apart, note=note)
