"""CSV export that opens cleanly in Excel and cannot smuggle formulas.

Every table the product offers (command line and dashboard downloads) goes
through here: UTF-8 with a byte-order mark, so Excel shows Chinese intact, and
text cells that a spreadsheet would evaluate (starting with = + - @, or a tab or
carriage return) prefixed with an apostrophe, as OWASP recommends. Files are
written atomically: a run killed while writing leaves the previous file whole.

The bytes are those of pandas' ``to_csv`` (the standard library's minimal quoting, ``\r\n`` line ends), built
column by column in Arrow: pandas hands every cell to the ``csv`` module as a Python object, which was most of
the time of writing a 10,000-article corpus's tables. A column of a type the fast path does not know (dates, a
nullable integer, text mixed with numbers) sends its table through pandas instead; a property test holds the
two to the same bytes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    columns = [_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    if not columns or any(column is None for column in columns):
        return pandas_csv_bytes(frame)
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow([neutralise(str(c)) for c in frame.columns])
    return b"".join((b"\xef\xbb\xbf", header.getvalue().encode("utf-8"), _lines(columns)))


def pandas_csv_bytes(frame: pd.DataFrame) -> bytes:
    """:func:`csv_bytes` by pandas' own ``to_csv``: the way for any column, the slower one."""
    text = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


_TEXT = pa.large_string()
_FORMULA_BYTES = np.zeros(256, dtype=bool)
_FORMULA_BYTES[[ord(c) for c in _FORMULA_STARTS]] = True
# What makes the csv module quote a cell: the delimiter, the quote and the line end's characters.
_QUOTED = ',"\r\n'
_QUOTED_BYTES = np.zeros(256, dtype=bool)
_QUOTED_BYTES[[ord(c) for c in _QUOTED]] = True


def _cells(column: pd.Series) -> pa.Array | None:
    """Each cell of ``column`` as it is written in the CSV (neutralised, quoted), or None for a column of a
    type left to pandas. Numbers are spelled as pandas spells them: ``str`` of an integer, numpy's ``str`` of
    a float, nothing for a missing one."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        categories = pd.Series(dtype.categories)
        if pd.api.types.infer_dtype(categories, skipna=True) not in ("string", "empty"):
            return None
        spelled = _cells(categories)
        if spelled is None:
            return None
        spelled = pa.concat_arrays([spelled, pa.array([""], _TEXT)])
        codes = column.cat.codes.to_numpy()
        return spelled.take(pa.array(np.where(codes < 0, len(categories), codes)))
    if not isinstance(dtype, np.dtype):
        if isinstance(dtype, pd.StringDtype):
            return _text_cells_of(column)
        return None
    if dtype.kind == "b":
        return pa.array(["False", "True"], _TEXT).take(pa.array(column.to_numpy().view(np.uint8)))
    if dtype.kind in "iu":
        return pc.cast(pa.array(column.to_numpy()), _TEXT)
    if dtype.kind == "f":
        return _float_cells(column.to_numpy()) if dtype.itemsize in (4, 8) else None
    if dtype.kind == "O" and pd.api.types.infer_dtype(column, skipna=True) in ("string", "empty"):
        return _text_cells_of(column)
    return None


def _text_cells_of(column: pd.Series) -> pa.Array | None:
    values = text_array(column)
    return None if values is None else _text_cells(values)


def text_array(column: pd.Series) -> pa.Array | None:
    """A text column as one Arrow array of large strings, the cells pandas counts missing null (numpy's NaN of
    any width included); None when Arrow cannot take it as text."""
    if column.dtype == object:
        values = column.to_numpy()
        values = np.where(pd.isna(values), None, values)
    else:
        values = column
    try:
        values = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values.cast(_TEXT)


def _float_cells(values: np.ndarray) -> pa.Array:
    """Floats spelled once per distinct value (by their bits: -0.0 is not 0.0), as pandas' ``astype(str)``."""
    bits = values.view(np.int64 if values.itemsize == 8 else np.int32)
    codes, uniques = pd.factorize(bits)
    distinct = uniques.view(values.dtype)
    spelled = distinct.astype(str).astype(object)
    spelled[np.isnan(distinct)] = ""
    return pa.array(spelled, _TEXT).take(pa.array(codes))


def _text_cells(values: pa.Array) -> pa.Array:
    """Text cells neutralised and quoted. The bytes that call for either are found in the array's buffers;
    only the cells holding them are rebuilt."""
    values = pc.fill_null(values, pa.scalar("", _TEXT))
    _, offset_buffer, data_buffer = values.buffers()[:3]
    offsets = np.frombuffer(offset_buffer, np.int64)[values.offset:values.offset + len(values) + 1]
    data = np.frombuffer(data_buffer, np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    starts, ends = offsets[:-1], offsets[1:]
    rebuilt = np.zeros(len(values), dtype=bool)
    filled = starts < ends
    rebuilt[filled] = _FORMULA_BYTES[data[starts[filled]]]
    special = np.flatnonzero(_QUOTED_BYTES[data[offsets[0]:offsets[-1]]]) + offsets[0]
    rebuilt[np.searchsorted(offsets, special, side="right") - 1] = True
    rows = np.flatnonzero(rebuilt)
    if not rows.size:
        return values
    spelled = [_spelled(cell) for cell in values.take(pa.array(rows)).to_pylist()]
    return pc.replace_with_mask(values, pa.array(rebuilt), pa.array(spelled, _TEXT))


def _spelled(cell: str) -> str:
    """One text cell as the csv module writes it once neutralised."""
    cell = neutralise(cell)
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(c in cell for c in _QUOTED) else cell


def _lines(columns: list[pa.Array]) -> memoryview:
    """The rows of ``columns`` (cells already spelled) joined by commas, each ended by ``\r\n``. Consumes
    ``columns``: each is let go once joined, so a large table is held about twice, not four times."""
    last = columns.pop()
    if not len(last):
        columns.clear()
        return memoryview(b"")
    if not columns:  # the csv module quotes a row's only cell when it is empty
        last = pc.if_else(pc.equal(last, pa.scalar("", _TEXT)), pa.scalar('""', _TEXT), last)
    columns.append(pc.binary_join_element_wise(last, pa.scalar("", _TEXT), pa.scalar("\r\n", _TEXT)))
    del last
    lines = pc.binary_join_element_wise(*columns, pa.scalar(",", _TEXT)) if len(columns) > 1 else columns[0]
    columns.clear()
    offsets = np.frombuffer(lines.buffers()[1], np.int64)[lines.offset:lines.offset + len(lines) + 1]
    return memoryview(lines.buffers()[2])[offsets[0]:offsets[-1]]


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path`` as :func:`csv_bytes` does, replacing any old file in one step; returns the path."""
    return write_atomically(Path(path), csv_bytes(frame))
