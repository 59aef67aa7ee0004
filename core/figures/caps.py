"""How many figures one article and one sentence may yield, and what a cap left unread."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


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

    def keep(self, start: int) -> None:
        index = self._sentence(start)
        self.per_sentence[index] = self.per_sentence.get(index, 0) + 1
        self.kept += 1

    def count(self) -> CapCount:
        return CapCount(self.kept, self.unread_in_sentences, self.unread_in_article)
