import io
import zipfile

import pandas as pd

from core.claims import group_claims
from core.corpus import SUBFOLDER, LoadProblem, load_article_bytes, load_corpus
from core.pipeline import extract_corpus
from ui.bundle import FOLDER, uploads_zip
from ui.uploads import merge_corpus

BASE = "甲文\n2025年中國芯片自給率已突破38%。\n"
UPLOAD = "上传文\n中国半导体自给率将达到78%。\n=HYPERLINK(\"http://x\",\"y\")\n".encode("gb18030")


def session(tmp_path):
    folder = tmp_path / "base"
    folder.mkdir()
    (folder / "a.txt").write_text(BASE, encoding="utf-8")
    upload = load_article_bytes("a.txt", UPLOAD, {"source": "访客报"})
    corpus = merge_corpus(load_corpus([folder]), [upload])
    extraction = extract_corpus(corpus=corpus, cache_dir=None)
    uploaded = [(corpus.articles[-1], UPLOAD)]
    return uploaded, extraction, group_claims(extraction)


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def test_zip_holds_the_original_bytes_under_the_corpus_name(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    files = read_zip(uploads_zip(uploaded, extraction, report))
    # The upload clashed with the base's a.txt, so it is a-2.txt in the corpus and in the zip.
    assert files[f"{FOLDER}/a-2.txt"] == UPLOAD


def test_zip_manifest_and_tables_cover_the_uploads_only(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    files = read_zip(uploads_zip(uploaded, extraction, report))
    manifest = csv(files[f"{FOLDER}/manifest.csv"])
    assert list(manifest["file"]) == ["a-2.txt"] and list(manifest["source"]) == ["访客报"]
    figures = csv(files[f"{FOLDER}/extracted/figures.csv"])
    assert set(figures["article_id"]) == {"a-2"} and 78.0 in set(figures["value"])
    for name in ("articles", "dates", "entities", "terms", "removed", "comparisons", "claim_context"):
        assert f"{FOLDER}/extracted/{name}.csv" in files


def test_zip_claims_keep_the_whole_group_an_upload_joins(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    claims = csv(read_zip(uploads_zip(uploaded, extraction, report))[f"{FOLDER}/extracted/claims.csv"])
    assert set(claims["article_id"]) == {"a", "a-2"}
    assert sorted(claims["value"]) == [38.0, 78.0]


def test_zip_csvs_have_a_bom_and_neutralised_formulas(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    tables = {k: v for k, v in read_zip(uploads_zip(uploaded, extraction, report)).items() if k.endswith(".csv")}
    assert all(data.startswith(b"\xef\xbb\xbf") for data in tables.values())
    cells = [str(cell) for data in tables.values() for cell in csv(data).to_numpy().ravel()]
    assert any("HYPERLINK" in cell for cell in cells)
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@"))]


def test_zip_unpacks_to_a_corpus_the_command_line_reads(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    with zipfile.ZipFile(io.BytesIO(uploads_zip(uploaded, extraction, report))) as archive:
        archive.extractall(tmp_path / "unzipped")
    again = load_corpus([tmp_path / "unzipped" / FOLDER])
    assert [(a.file, a.source, a.text) for a in again.articles] == [("a-2.txt", "访客报", uploaded[0][0].text)]
    # The extracted tables are in a subfolder: said, not silently passed over.
    assert again.problems == (LoadProblem("extracted", SUBFOLDER),)


def test_zip_manifest_round_trips_names_and_sources_that_start_like_formulas(tmp_path):
    upload = load_article_bytes("-2.txt", "上传文\n中国半导体自给率将达到78%。\n".encode(), {"source": "-新华社"})
    corpus = merge_corpus(load_corpus([]), [upload])
    extraction = extract_corpus(corpus=corpus, cache_dir=None)
    data = uploads_zip([(corpus.articles[0], b"x")], extraction, group_claims(extraction))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path / "unzipped")
    again = load_corpus([tmp_path / "unzipped" / FOLDER])
    assert [(a.file, a.source) for a in again.articles] == [("-2.txt", "-新华社")]
    assert not [p for p in again.problems if "manifest" in str(p.reason)]


def test_same_uploads_give_the_same_zip(tmp_path):
    uploaded, extraction, report = session(tmp_path)
    assert uploads_zip(uploaded, extraction, report) == uploads_zip(uploaded, extraction, report)
