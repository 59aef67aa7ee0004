import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.export import csv_bytes, neutralise, pandas_csv_bytes, write_csv


def test_formula_cells_are_neutralised():
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert neutralise("+1") == "'+1"
    assert neutralise("-2%") == "'-2%"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("\tcmd") == "'\tcmd"


def test_plain_text_and_numbers_are_untouched():
    assert neutralise("芯片自给率") == "芯片自给率"
    assert neutralise(-5) == -5
    assert neutralise(None) is None


def test_csv_has_bom_and_keeps_chinese():
    data = csv_bytes(pd.DataFrame({"entity": ["中芯国际"], "count": [3]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert "中芯国际" in data.decode("utf-8-sig")


def test_numeric_columns_keep_negative_numbers():
    text = csv_bytes(pd.DataFrame({"value": [-1.5], "text": ["-1.5%"]})).decode("utf-8-sig")
    assert "-1.5,'-1.5%" in text


def test_write_csv_creates_parent_folders(tmp_path):
    path = write_csv(pd.DataFrame({"a": ["=1"]}), tmp_path / "x" / "t.csv")
    assert path.read_bytes().decode("utf-8-sig").splitlines() == ["a", "'=1"]


def test_column_names_are_neutralised_too():
    text = csv_bytes(pd.DataFrame({"=cmd|x": ["a"]})).decode("utf-8-sig")
    assert text.splitlines()[0] == "'=cmd|x"


def test_write_csv_keeps_the_old_file_whole_when_writing_fails_midway(tmp_path, monkeypatch):
    path = write_csv(pd.DataFrame({"a": ["old"]}), tmp_path / "t.csv")
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError("disk full")

    # The new bytes are already in the temporary file when flushing fails.
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="disk full"):
        write_csv(pd.DataFrame({"a": ["new"] * 1000}), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


_CELL_TEXT = st.text(alphabet=st.sampled_from(list("ab 中芯,\"'\r\n\t=+-@#") + ["\u00e9", "\U0001f600"]), max_size=6)


@st.composite
def _frames(draw) -> pd.DataFrame:
    """A table of the column types the product writes, with the cells that call for quoting or neutralising."""
    rows = draw(st.integers(0, 8))
    kinds = draw(st.lists(st.sampled_from(["int", "float", "bool", "str", "object", "category", "mixed"]),
                          min_size=1, max_size=4))
    columns = {}
    for i, kind in enumerate(kinds):
        name = draw(st.sampled_from(["a", "=b", "c,d", f"col{i}", ""])) + str(i)
        if kind == "int":
            values = pd.Series(draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=rows, max_size=rows)),
                               dtype="int64")
        elif kind == "float":
            values = pd.Series(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.just(-0.0),
                                             min_size=rows, max_size=rows)), dtype="float64")
        elif kind == "bool":
            values = pd.Series(draw(st.lists(st.booleans(), min_size=rows, max_size=rows)), dtype=bool)
        elif kind == "mixed":  # text and numbers in one column: left to pandas
            values = pd.Series(draw(st.lists(_CELL_TEXT | st.integers(), min_size=rows, max_size=rows)),
                               dtype=object)
        else:
            cells = draw(st.lists(_CELL_TEXT | st.none(), min_size=rows, max_size=rows))
            values = pd.Series(cells, dtype={"str": "str", "object": object, "category": "category"}[kind])
        columns[name] = values
    return pd.DataFrame(columns)


_EVERY_SPECIAL_CELL = ["x\ny", "p\rq", 'say "hi"', "a,b", "=1", "+1", "-1", "@A1", "\tx", "\r=", "中芯", "", None]


@settings(max_examples=300)
@given(_frames())
@example(pd.DataFrame({kind: pd.Series(_EVERY_SPECIAL_CELL, dtype=kind) for kind in ("str", object, "category")}))
@example(pd.DataFrame({"f": [0.1, -0.0, 0.0, float("nan"), float("inf"), 1e16, 1e-5, 123.0], "n": range(8)}))
def test_csv_bytes_are_those_pandas_writes(frame):
    assert csv_bytes(frame) == pandas_csv_bytes(frame)


def test_a_lone_empty_cell_is_quoted_as_the_csv_module_does():
    frame = pd.DataFrame({"a": ["", None, "x"]})
    assert csv_bytes(frame) == pandas_csv_bytes(frame) == '\ufeffa\r\n""\r\n""\r\nx\r\n'.encode()


def test_columns_the_fast_path_does_not_spell_go_through_pandas():
    frame = pd.DataFrame({
        "half": np.array([1.5, 2.5, 3.5], np.float16),  # neither 4 nor 8 bytes wide
        "nan32": pd.Series(["x", np.float32("nan"), None], dtype=object),  # numpy's NaN of another width
        "n": [1, 2, 3],
    })
    expected = "\ufeffhalf,nan32,n\r\n1.5,x,1\r\n2.5,,2\r\n3.5,,3\r\n".encode()
    assert csv_bytes(frame) == pandas_csv_bytes(frame) == expected
