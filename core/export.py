"""CSV export that opens cleanly in Excel and cannot smuggle formulas.

Every table the product offers (command line and dashboard downloads) goes
through here: UTF-8 with a byte-order mark, so Excel shows Chinese intact, and
text cells that a spreadsheet would evaluate (starting with = + - @, or a tab or
carriage return) prefixed with an apostrophe, as OWASP recommends. Files are
written atomically: a run killed while writing leaves the previous file whole.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.version import write_atomically

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """Prefix a text cell that a spreadsheet would read as a formula; leave others alone."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are neutralised; numbers keep their type."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = _neutralise_column(out[column])
    return out


def _neutralise_column(column: pd.Series) -> pd.Series:
    """``neutralise`` over a column, vectorised: only the cells that start like a formula are rebuilt."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.map(neutralise)  # maps each category once
    try:
        starts = column.str.startswith(_FORMULA_STARTS, na=False).astype(bool)
    except (AttributeError, TypeError):  # no text in the column, or bytes: cell by cell
        return column.map(neutralise)
    if not starts.any():
        return column
    column = column.copy()
    column[starts] = "'" + column[starts]
    return column


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV bytes: UTF-8 with BOM, formulas neutralised, no index."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` as :func:`csv_bytes` does, replacing any old file in one step; returns the path."""
    return write_atomically(Path(path), csv_bytes(frame))
