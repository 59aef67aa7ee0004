"""Content words of an article, its key terms, and terms that set one group apart.

Text comes in normalised (Simplified, folded widths: see ``core.normalize``) and
is segmented by the process-wide segmenter of ``core.segment``. A token can be
a term unless it is a stopword (``core/data/stopwords.txt``), a single
character, a number or numeral phrase (19, 2.0, 一是, 第一, 三大, 亿美元, 14nm),
punctuation, or a lowercase English word from a stray sentence or URL.

Key terms rank one document's terms by TF-IDF against the corpus; distinctive
terms compare two groups of documents with the log-odds ratio of Monroe,
Colaresi & Quinn (2008), "Fightin' Words".
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from core.doc import Doc
from core.lexicon import read_rows, read_words
from core.segment import cut

_NUMERALS = "〇零一二两三四五六七八九十百千万亿"
# What follows a numeral to make a count, an ordinal, a date or an amount: core/data/term_number_words.tsv.
_MEASURES = [row[0] for row in read_rows("term_number_words.tsv") if row[1] == "measure"]
_MEASURE = "|".join(sorted(_MEASURES, key=len, reverse=True))
_CURRENCY = "|".join(sorted((row[0] for row in read_rows("term_number_words.tsv") if row[1] == "currency"),
                            key=len, reverse=True))
_NUMBER_WORD = re.compile(
    rf"第?[{_NUMERALS}]*(?:{_MEASURE})?"  # 一是, 第一, 三大, 万亿, 小时
    rf"|[多几数半首每](?:[{_NUMERALS}]+(?:{_MEASURE})?|{_MEASURE})"  # 多年, 数十, 半年, 首次, 每年
    rf"|[{_NUMERALS}]+(?:{_CURRENCY})"  # 亿美元, 万元
    r"|(?:周|星期|礼拜)[一二三四五六日天]"
)
_NUMBER_WITH_UNIT = re.compile(
    r"[\d.,%]+(?:nm|mm|cm|km|kg|mb|gb|tb|pb|hz|khz|mhz|ghz|kw|mw|gw|kwh|ms|s|w|v|x)?", re.IGNORECASE
)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# The log-odds prior's total pseudo-count (alpha_0 in Monroe et al.).
_ALPHA0 = 500.0


@dataclass(frozen=True)
class Term:
    """A key term of one document: TF-IDF ``weight`` (L2-normalised within the
    document), raw ``count``, and ``rank`` (1 = most important)."""

    term: str
    weight: float
    count: int
    rank: int


@dataclass(frozen=True)
class DistinctiveTerm:
    """A term used more by the focus group: ``zscore`` of its log-odds ratio and
    its counts in the focus group and in the rest."""

    term: str
    zscore: float
    count_focus: int
    count_rest: int


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(word.casefold() for word in read_words("stopwords.txt"))


@lru_cache(maxsize=1 << 18)
def _is_term(token: str) -> bool:
    if len(token) < 2 or token.casefold() in _stopwords():
        return False
    if _HAN.search(token):
        return not _NUMBER_WORD.fullmatch(token)
    if not any(c.isalpha() for c in token) or not token.isascii() or _NUMBER_WITH_UNIT.fullmatch(token):
        return False
    # Acronyms and names (AI, ASML, DeepSeek, 5G) carry a capital or a digit; all-lowercase
    # Latin words come from English sentences, disclaimers and URLs.
    return not (token.islower() and token.isalpha())


def content_tokens(text: str) -> list[str]:
    """The segmenter tokens of normalised ``text`` that can be terms, in text order."""
    return [token for token in cut(text) if _is_term(token)]


def term_counts(text: str) -> Counter[str]:
    """How often each term occurs in normalised ``text``."""
    return _terms(Counter(cut(text)))


def term_counts_of(doc: Doc) -> Counter[str]:
    """How often each term occurs in a document, from its one segmentation pass.

    The words are those of the text with hard wraps rejoined (``Doc.joined``): a word a line
    break cut in two (生物/科技) counts whole, as the entity stage reads it.
    """
    return _terms(Counter(doc.words))


def _terms(counts: Counter[str]) -> Counter[str]:
    # Counting first and filtering the distinct tokens keeps the cost close to segmentation alone.
    return Counter({token: n for token, n in counts.items() if _is_term(token)})


def key_terms(doc_counts: Mapping[str, Counter[str]], top_n: int = 30) -> dict[str, list[Term]]:
    """The ``top_n`` key terms of every document, by TF-IDF against all of ``doc_counts``.

    ``doc_counts`` maps a document id to its term counts (``term_counts``). A
    convenience over :func:`key_terms_table`, which does the work on a long table.
    """
    rows = [(doc, term, n) for doc, counts in doc_counts.items() for term, n in counts.items()]
    table = key_terms_table(pd.DataFrame(rows, columns=["doc", "term", "count"]), top_n)
    result: dict[str, list[Term]] = {doc: [] for doc in doc_counts}
    for doc, term, weight, count, rank in table.itertuples(index=False):
        result[doc].append(Term(term, float(weight), int(count), int(rank)))
    return result


def key_terms_table(counts: pd.DataFrame, top_n: int = 30, doc: str = "doc") -> pd.DataFrame:
    """Key terms of every document from a long table of (``doc``, term, count) rows, vectorised.

    Term frequency is sublinear (1 + log tf); idf is smoothed, log((1 + N) / (1 + df)) + 1, so with
    a single document the ranking is by frequency alone. Weights are L2-normalised per document over
    all its terms; ties go to the term that sorts first. Returns (``doc``, term, weight, count, rank)
    with rank 1 the most important, at most ``top_n`` rows per document.
    """
    counts = counts[counts["count"] > 0]
    columns = [doc, "term", "weight", "count", "rank"]
    if counts.empty or top_n <= 0:
        return pd.DataFrame(columns=columns)
    # On integer codes: documents in the order they came in, terms in the order their column sorts (a
    # categorical's own order). pandas' sorts of the whole table held 2.8 M rows' strings at 10,000 articles.
    docs, distinct_docs = pd.factorize(counts[doc], sort=False)
    terms, _ = pd.factorize(counts["term"], sort=True)
    df = np.bincount(terms)[terms]
    idf = np.log((1 + len(distinct_docs)) / (1 + df)) + 1
    weight = (1 + np.log(counts["count"].to_numpy(dtype=float))) * idf
    # Summed per document by pandas (compensated, in row order), as a per-group transform would.
    norm = np.sqrt(pd.Series(weight**2).groupby(docs).transform("sum").to_numpy())
    weight = weight / np.where(norm > 0, norm, 1.0)
    kept, rank = _top_in_groups(docs, -weight, terms, top_n)
    table = counts[[doc, "term", "count"]].take(kept).assign(weight=weight[kept], rank=rank)
    return table[columns].reset_index(drop=True)


def _top_in_groups(
    groups: np.ndarray, first: np.ndarray, then: np.ndarray, top_n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the ``top_n`` rows of each group by (``first``, ``then``) ascending, equal rows in their
    order, and each one's rank (1 the first); groups in the order of their codes. ``groups`` is not empty.

    Sorted group by group: one sort of 2.8 M rows by three keys took 0.7-1.1 s at 10,000 articles, the
    groups' own sorts 0.2 s (a document has a few hundred terms).
    """
    by_group = np.argsort(groups, kind="stable")  # already in order in the pipeline: one pass
    sorted_groups = groups[by_group]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    first, then = first[by_group], then[by_group]
    kept = [np.lexsort((then[s:e], first[s:e]))[:top_n] + s
            for s, e in zip(starts.tolist(), [*starts[1:].tolist(), len(groups)], strict=True)]
    rank = [np.arange(1, len(k) + 1) for k in kept]
    return by_group[np.concatenate(kept)], np.concatenate(rank)


def distinctive_terms(
    focus: Counter[str],
    rest: Counter[str],
    prior: Counter[str] | None = None,
    top_n: int = 30,
    min_count: int = 2,
) -> list[DistinctiveTerm]:
    """Terms most characteristic of ``focus`` against ``rest``, highest z-score first.

    Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
    2008): each term gets the pseudo-count alpha_w = alpha_0 * pi_w, where pi_w is
    its add-one smoothed share of ``prior`` (by default focus + rest) and alpha_0
    is 500. The z-score is the log-odds difference over its approximate standard
    deviation, sqrt(1 / (y_focus + alpha_w) + 1 / (y_rest + alpha_w)). Only terms
    seen at least ``min_count`` times in ``focus`` and with a positive z-score are
    returned, so swapping the groups never lists the same term for both.
    """
    focus = +focus
    rest = +rest
    prior = focus + rest if prior is None else +prior
    n_focus = sum(focus.values())
    n_rest = sum(rest.values())
    vocab_size = len(prior.keys() | focus.keys() | rest.keys())
    scale = _ALPHA0 / (sum(prior.values()) + vocab_size) if vocab_size else 0.0

    scored: list[DistinctiveTerm] = []
    for term, y_focus in focus.items():
        if y_focus < min_count:
            continue
        y_rest = rest[term]
        alpha = (prior[term] + 1) * scale
        delta = math.log((y_focus + alpha) / (n_focus + _ALPHA0 - y_focus - alpha)) - math.log(
            (y_rest + alpha) / (n_rest + _ALPHA0 - y_rest - alpha)
        )
        z = delta / math.sqrt(1 / (y_focus + alpha) + 1 / (y_rest + alpha))
        if z > 0:
            scored.append(DistinctiveTerm(term, z, y_focus, y_rest))
    return heapq.nsmallest(max(top_n, 0), scored, key=lambda d: (-d.zscore, d.term))
