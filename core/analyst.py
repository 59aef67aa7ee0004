"""An analyst's own lexicon, extending ours without touching the code.

Two optional files, named by environment variables so that worker processes (which inherit the
environment) read the same ones, and hashed into the extractor version so that the cache is keyed
by them like by the corpus (``python -m core extract --userdict FILE --aliases FILE`` sets both):

- ``$DUIZHAO_USERDICT``: a jieba user dictionary, one word a line, ``word [frequency] [tag]``
  separated by spaces (``昇腾 5 nz``); the segmenter learns every word.
- ``$DUIZHAO_ALIASES``: entities as in ``core/data/entities.tsv``, tab-separated ``canonical name,
  type, aliases joined by |`` (``星河微电子	org	星河微|Galaxy Micro``); they win over ours on a clash.

Lines starting with ``#`` and blank lines are skipped. A file that cannot be used raises
:class:`AnalystFileError` naming the file by its name only and the line and reason.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from core.words import Reason

USERDICT_ENV = "DUIZHAO_USERDICT"
ALIASES_ENV = "DUIZHAO_ALIASES"
ENTITY_TYPES = ("person", "org", "place", "product", "media")


class AnalystFileError(ValueError):
    """An analyst lexicon file that cannot be read: ``file`` (its name), ``line`` (0: the whole file), ``reason``
    (a :class:`~core.words.Reason`; ``where`` adds its line)."""

    def __init__(self, file: str, reason: Reason, line: int = 0) -> None:
        self.file, self.reason, self.line = file, reason, line
        super().__init__(f"{file}: {self.where}")

    @property
    def where(self) -> Reason:
        """The reason with its line: ``line 2: expected 'word [frequency] [tag]'``."""
        return Reason.of("at_line", line=self.line, detail=self.reason) if self.line else self.reason


def files() -> list[Path]:
    """The analyst files in use, user dictionary first."""
    return [Path(p) for p in (os.environ.get(USERDICT_ENV), os.environ.get(ALIASES_ENV)) if p]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AnalystFileError(path.name, Reason.of("cannot_read", detail=exc.strerror or "error")) from None


def _lines(name: str, data: bytes) -> list[tuple[int, str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AnalystFileError(name, Reason.of("not_utf8")) from None
    lines = ((n, line.strip()) for n, line in enumerate(text.splitlines(), 1))
    return [(n, line) for n, line in lines if line and not line.startswith("#")]


def user_words(path: str | None = None) -> tuple[tuple[str, str], ...]:
    """(word, tag) pairs of the user dictionary (``$DUIZHAO_USERDICT`` unless ``path``); the tag defaults to n."""
    path = path or os.environ.get(USERDICT_ENV)
    return _user_words(path) if path else ()


def alias_rows(path: str | None = None) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(canonical name, type, aliases) of the alias file (``$DUIZHAO_ALIASES`` unless ``path``)."""
    path = path or os.environ.get(ALIASES_ENV)
    return _alias_rows(path) if path else ()


@cache
def _user_words(path: str) -> tuple[tuple[str, str], ...]:
    return read_user_words(Path(path).name, _read(Path(path)))


@cache
def _alias_rows(path: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return read_alias_rows(Path(path).name, _read(Path(path)))


def read_user_words(name: str, data: bytes) -> tuple[tuple[str, str], ...]:
    """The (word, tag) pairs of a user dictionary's bytes; errors name the file as ``name``.

    >>> read_user_words("mine.txt", "昇腾 5 nz".encode())
    (('昇腾', 'nz'),)
    """
    out = []
    for n, line in _lines(name, data):
        fields = line.split()
        if len(fields) > 3 or (len(fields) == 3 and not fields[1].isdigit()):
            raise AnalystFileError(name, Reason.of("userdict_line"), n)
        tag = fields[-1] if len(fields) > 1 and not fields[-1].isdigit() else "n"
        out.append((fields[0], tag))
    return tuple(out)


def read_alias_rows(name: str, data: bytes) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(canonical name, type, aliases) of an alias file's bytes; errors name the file as ``name``."""
    out = []
    for n, line in _lines(name, data):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2 or not fields[0]:
            raise AnalystFileError(name, Reason.of("alias_line"), n)
        if fields[1] not in ENTITY_TYPES:
            wrong = Reason.of("alias_type", type=repr(fields[1]), types=", ".join(ENTITY_TYPES))
            raise AnalystFileError(name, wrong, n)
        aliases = tuple(a.strip() for a in (fields[2].split("|") if len(fields) > 2 else []) if a.strip())
        out.append((fields[0], fields[1], aliases))
    return tuple(out)
