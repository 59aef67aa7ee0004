import pandas as pd
import pytest

from core.pipeline import FIGURE_COLUMNS, extract_corpus

ARTICLE = "2025年中國芯片自給率已突破38%，中芯國際28奈米良率超過95%。\n"


@pytest.fixture
def corpus_dir(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("甲文\n" + ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text("乙文\n中国半导体自给率将达到78%。\n", encoding="utf-8")
    (folder / "manifest.csv").write_text("file,source\na.txt,甲报\nb.txt,乙报\n", encoding="utf-8")
    return folder


def test_extraction_has_every_table_with_source(corpus_dir, tmp_path):
    result = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    assert list(result.articles["source"]) == ["甲报", "乙报"]
    assert list(result.figures.columns[: len(FIGURE_COLUMNS)]) == FIGURE_COLUMNS
    assert set(result.figures["source"]) == {"甲报", "乙报"}
    assert "中芯国际" in set(result.entities["entity"])
    assert not result.terms.empty


def test_figure_offsets_point_into_the_original_text(corpus_dir, tmp_path):
    result = extract_corpus([corpus_dir], cache_dir=None)
    for row in result.figures.itertuples():
        assert result.texts[row.article_id][row.start:row.end] == row.text
        assert row.text in row.sentence


def test_second_run_reads_the_cache(corpus_dir, tmp_path):
    first = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    second = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    assert (first.extracted, second.extracted, second.cache_hits) == (2, 0, 2)
    pd.testing.assert_frame_equal(first.figures, second.figures, check_dtype=False)
    pd.testing.assert_frame_equal(first.entities, second.entities, check_dtype=False)
    pd.testing.assert_frame_equal(first.terms, second.terms, check_dtype=False)


def test_adding_an_article_extracts_only_that_one(corpus_dir, tmp_path):
    extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    (corpus_dir / "c.txt").write_text("丙文\n关税提升至25%。\n", encoding="utf-8")
    result = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    assert (result.extracted, result.cache_hits) == (1, 2)


def test_process_pool_gives_the_same_result_in_the_same_order(corpus_dir, tmp_path):
    for i in range(6):
        (corpus_dir / f"x{i}.txt").write_text(f"文{i}\n营收增长{i + 1}0%。\n", encoding="utf-8")
    serial = extract_corpus([corpus_dir], cache_dir=None, jobs=1)
    pooled = extract_corpus([corpus_dir], cache_dir=None, jobs=2)
    pd.testing.assert_frame_equal(serial.figures, pooled.figures)
    pd.testing.assert_frame_equal(serial.articles, pooled.articles)


def test_unreadable_files_are_reported_and_the_rest_loads(corpus_dir, tmp_path):
    (corpus_dir / "empty.txt").write_bytes(b"")
    result = extract_corpus([corpus_dir], cache_dir=None)
    assert [p.file for p in result.problems] == ["empty.txt"]
    assert len(result.articles) == 2


def test_progress_is_reported_to_the_end(corpus_dir):
    seen = []
    extract_corpus([corpus_dir], cache_dir=None, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (2, 2)


def test_per_article_files_serve_a_corpus_the_snapshot_does_not_cover(corpus_dir, tmp_path):
    first = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    other = extract_corpus([corpus_dir / "b.txt"], cache_dir=tmp_path / "cache")
    assert other.extracted == 0
    again = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    assert (again.extracted, again.cache_hits) == (0, 2)
    pd.testing.assert_frame_equal(first.figures, again.figures, check_dtype=False)
    pd.testing.assert_frame_equal(first.context, again.context, check_dtype=False)


def test_private_extraction_reads_the_cache_but_writes_nothing(corpus_dir, tmp_path):
    extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    before = sorted(p for p in (tmp_path / "cache").rglob("*") if p.is_file())
    (corpus_dir / "upload.txt").write_text("上传\n良率达到90%。\n", encoding="utf-8")
    result = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache", write_cache=False)
    assert (result.cache_hits, result.extracted) == (2, 1)
    assert sorted(p for p in (tmp_path / "cache").rglob("*") if p.is_file()) == before


def test_fresh_articles_are_extracted_anew_whatever_the_cache_holds(corpus_dir, tmp_path):
    """A session's uploads read with its own lexicon must not take results cached without it."""
    first = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    hashes = frozenset(first.articles["content_hash"].iloc[:1])
    again = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache", write_cache=False, fresh=hashes)
    assert (again.cache_hits, again.extracted) == (1, 1)


def report(n: int):
    from core.claims import ClaimReport

    frame = pd.DataFrame({"group_id": [f"g{n}"], "n": [n]})
    return ClaimReport(groups=frame, claims=frame, comparisons=frame, context=frame)


def test_remembered_builds_once_per_key(tmp_path):
    from core.pipeline import remembered

    calls = []
    build = lambda: calls.append(1) or report(len(calls))  # noqa: E731
    assert remembered(tmp_path, "thing", "k1", build).groups["n"].tolist() == [1]
    assert remembered(tmp_path, "thing", "k1", build).groups["n"].tolist() == [1]
    assert remembered(tmp_path, "thing", "k2", build).groups["n"].tolist() == [2]
    assert remembered(None, "thing", "k1", build).groups["n"].tolist() == [3]


def test_per_article_files_hold_every_table_when_the_snapshot_is_another_corpus(corpus_dir, tmp_path):
    first = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    other = tmp_path / "other"
    other.mkdir()
    (other / "z.txt").write_text("别的\n关税提升至25%。\n", encoding="utf-8")
    extract_corpus([other], cache_dir=tmp_path / "cache")  # the snapshot now holds another corpus
    again = extract_corpus([corpus_dir], cache_dir=tmp_path / "cache")
    assert (again.extracted, again.cache_hits) == (0, 2)
    for table in ("figures", "mentions", "term_counts", "dates", "context"):
        pd.testing.assert_frame_equal(getattr(first, table), getattr(again, table), check_dtype=False,
                                      check_categorical=False)


def test_tables_of_cached_and_new_articles_join_without_losing_their_categories():
    from core.results import _concat

    cached = pd.DataFrame({"entity": pd.Series(["中芯国际", "华为"], dtype="category"), "count": [2, 1]})
    new = pd.DataFrame({"entity": ["阿斯麦", "华为"], "count": [1, 3]})
    joined = _concat([cached, new])
    assert isinstance(joined["entity"].dtype, pd.CategoricalDtype)
    assert list(joined["entity"]) == ["中芯国际", "华为", "阿斯麦", "华为"] and list(joined["count"]) == [2, 1, 1, 3]


def test_two_files_of_one_text_each_get_its_rows_in_text_order(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "甲文\n中芯國際28奈米良率超过95%，华为营收增长22%。中芯国际产能利用率达到85%。\n"
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "c.txt").write_text("乙文\n中国半导体自给率将达到78%。\n", encoding="utf-8")
    extraction = extract_corpus([folder], cache_dir=tmp_path / "cache")
    figures = extraction.figures
    assert figures["file"].astype(str).tolist() == ["a.txt"] * 4 + ["b.txt"] * 4 + ["c.txt"]
    assert figures[figures["file"] == "a.txt"]["start"].is_monotonic_increasing
    values = figures.groupby("file", observed=True)["value"].apply(list)
    assert values["a.txt"] == values["b.txt"]


def test_entity_rows_count_mentions_and_list_surface_forms_in_text_order(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = "甲文\nSMIC与华为合作。中芯國際称，中芯国际与SMIC的产能将扩大，华为未回应。\n"
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text("乙文\n华为发布新品。\n", encoding="utf-8")
    entities = extract_corpus([folder], cache_dir=tmp_path / "cache").entities.set_index(["file", "entity"])
    smic = entities.loc[("a.txt", "中芯国际")]
    assert smic["count"] == 4 and smic["surface_forms"] == "SMIC|中芯國際|中芯国际"
    assert entities.loc[("a.txt", "华为"), "count"] == 2 and entities.loc[("b.txt", "华为"), "surface_forms"] == "华为"
    a_rows = entities.loc["a.txt"].reset_index()
    assert a_rows["entity"].tolist()[:2] == ["中芯国际", "华为"]  # most mentioned first
