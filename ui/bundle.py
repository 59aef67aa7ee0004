"""A session's uploads as one zip: the files as they came, a manifest, and what was extracted from them.

The zip unpacks to a corpus folder that ``python -m core extract`` reads again (its manifest as
written, every other CSV neutralised)::

    duizhao-uploads/
        manifest.csv            file, source, author, title, published, script, notes
        <the uploaded files>    byte for byte as uploaded, under their (safe) names in the corpus
        extracted/<table>.csv   the command line's tables, narrowed to the uploaded articles

Claim tables keep every row of a group that an uploaded article takes part in, so a
figure's disagreement with the base corpus travels with it. CSVs are written by
``core.export`` (UTF-8 with BOM, formula-like cells neutralised).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import pandas as pd

from core.claims import ClaimReport
from core.corpus import MANIFEST_COLUMNS, MANIFEST_NAME, Article
from core.export import csv_bytes
from core.pipeline import Extraction

FOLDER = "duizhao-uploads"
# A fixed time stamp: the same uploads give the same zip bytes.
_STAMP = (2000, 1, 1, 0, 0, 0)


def uploads_zip(uploads: Sequence[tuple[Article, bytes]], extraction: Extraction, report: ClaimReport) -> bytes:
    """The zip of ``uploads`` (each article as it stands in the session corpus, with its original bytes)."""
    ids = {article.article_id for article, _ in uploads}
    files = {article.file for article, _ in uploads}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(f"{FOLDER}/{name}", _STAMP), data, compress_type=zipfile.ZIP_DEFLATED)

        add(MANIFEST_NAME, manifest_bytes([article for article, _ in uploads]))
        for article, data in uploads:
            add(article.file, data)
        for name, table in upload_tables(extraction, report, ids, files).items():
            add(f"extracted/{name}.csv", csv_bytes(table))
    return buffer.getvalue()


def manifest(articles: Sequence[Article]) -> pd.DataFrame:
    """A ``manifest.csv`` for ``articles``: their file names and metadata."""
    return pd.DataFrame(
        [{"file": a.file, **{column: getattr(a, column) for column in MANIFEST_COLUMNS}} for a in articles],
        columns=["file", *MANIFEST_COLUMNS],
    )


def manifest_bytes(articles: Sequence[Article]) -> bytes:
    """The manifest as ``core.corpus`` reads it back: our input format, not a spreadsheet export.

    Not neutralised: an apostrophe before ``-2.txt`` or ``-新华社`` would change the file it names
    and the source it gives. UTF-8 with BOM, as the other CSVs.
    """
    return manifest(articles).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def upload_tables(
    extraction: Extraction, report: ClaimReport, ids: set[str], files: set[str]
) -> dict[str, pd.DataFrame]:
    """The command line's tables narrowed to the articles ``ids`` (named ``files``), by file stem."""
    tables = {name: frame[frame["article_id"].isin(ids)] for name, frame in extraction.tables().items()}
    groups = set(report.claims.loc[report.claims["article_id"].isin(ids), "group_id"])
    comparisons = report.comparisons
    tables["claims"] = report.claims[report.claims["group_id"].isin(groups)]
    tables["comparisons"] = comparisons[comparisons["file_a"].isin(files) | comparisons["file_b"].isin(files)]
    tables["claim_context"] = report.context[report.context["group_id"].isin(groups)]
    return tables
