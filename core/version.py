"""The extractor version: a hash of the code and lexicons that decide what extraction produces.

Cache entries are keyed by it, so editing a rule or a lexicon invalidates them without anyone
remembering to bump a number. Kept apart from the pipeline so a warm command-line run can
compute it without importing pandas.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path

from core.lexicon import DATA_DIR

CORE_DIR = Path(__file__).parent
# The modules whose code decides what extraction produces.
EXTRACTION_MODULES = (
    "corpus", "lexicon", "normalize", "segment", "figures", "entities", "terms", "claims", "pipeline",
)


@cache
def extractor_version(*extra_modules: str) -> str:
    """Hash of the extraction modules (plus ``extra_modules``) and every file in ``core/data``."""
    digest = hashlib.sha256()
    files = [CORE_DIR / f"{name}.py" for name in (*EXTRACTION_MODULES, *extra_modules)] + sorted(DATA_DIR.glob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    """``$DUIZHAO_CACHE`` when set, else ``~/.cache/duizhao``."""
    return Path(os.environ.get("DUIZHAO_CACHE") or Path.home() / ".cache" / "duizhao")


def corpus_key(corpus, *extra_modules: str) -> str:
    """Changes when an article's content or metadata, a load problem, the code or a lexicon does."""
    digest = hashlib.sha256(extractor_version(*extra_modules).encode())
    for a in corpus.articles:
        fields = (a.article_id, a.file, a.source, a.author, a.title, a.published, a.script, a.notes, a.content_hash)
        digest.update("\0".join(fields).encode() + b"\n")
    for problem in corpus.problems:
        digest.update(f"{problem.file}\0{problem.reason}\n".encode())
    return digest.hexdigest()[:24]
