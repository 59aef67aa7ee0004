import os

import pandas as pd
import pytest

from core.export import csv_bytes, neutralise, write_csv


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
