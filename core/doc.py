"""Sentences of an article's normalised text: the one definition every stage uses."""

from __future__ import annotations

import re

_STATEMENT_END_RE = re.compile(r"[。!?\n]")
_SENTENCE_END_RE = re.compile(r"[。!?;\n]+")
def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        spans.append(_trimmed(text, start, m.end()))
        start = m.end()
    if start < len(text) or not spans:
        spans.append(_trimmed(text, start, len(text)))
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return start, end
