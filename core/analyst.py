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

USERDICT_ENV = "DUIZHAO_USERDICT"
ALIASES_ENV = "DUIZHAO_ALIASES"
ENTITY_TYPES = ("person", "org", "place", "product", "media")


class AnalystFileError(ValueError):
    """An analyst lexicon file that cannot be read; the message names the file and the reason."""


def files() -> list[Path]:
    """The analyst files in use, user dictionary first."""
    return [Path(p) for p in (os.environ.get(USERDICT_ENV), os.environ.get(ALIASES_ENV)) if p]


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise AnalystFileError(f"{path.name}: cannot be read ({exc.strerror or 'error'})") from None
    except UnicodeDecodeError:
        raise AnalystFileError(f"{path.name}: not UTF-8 text") from None
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
    out = []
    for n, line in _lines(Path(path)):
        fields = line.split()
        if len(fields) > 3 or (len(fields) == 3 and not fields[1].isdigit()):
            raise AnalystFileError(f"{Path(path).name}: line {n}: expected 'word [frequency] [tag]'")
        tag = fields[-1] if len(fields) > 1 and not fields[-1].isdigit() else "n"
        out.append((fields[0], tag))
    return tuple(out)


@cache
def _alias_rows(path: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    out = []
    for n, line in _lines(Path(path)):
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) < 2 or not fields[0]:
            raise AnalystFileError(f"{Path(path).name}: line {n}: expected 'name<TAB>type<TAB>aliases'")
        if fields[1] not in ENTITY_TYPES:
            raise AnalystFileError(
                f"{Path(path).name}: line {n}: unknown type {fields[1]!r} (one of {', '.join(ENTITY_TYPES)})"
            )
        aliases = tuple(a.strip() for a in (fields[2].split("|") if len(fields) > 2 else []) if a.strip())
        out.append((fields[0], fields[1], aliases))
    return tuple(out)
