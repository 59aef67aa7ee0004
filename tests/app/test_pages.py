"""Each dashboard page renders on the seed corpus, follows the sidebar filters and offers its tables as CSV."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.claims import group_kinds
from core.corpus import UNKNOWN_SOURCE, load_corpus
from ui import uploads

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "streamlit_app.py")
PAGES = ["pages/overview.py", "pages/compare.py", "pages/figure_check.py", "pages/term_clouds.py", "pages/search.py",
         "pages/reading.py"]


@pytest.fixture(scope="module")
def seeds():
    return load_corpus([ROOT / "seeds"])


@pytest.fixture(scope="module")
def seed_report():
    """The seeds' claim groups as the core ranks them: the pages must show them in this order."""
    from core.claims import group_claims
    from core.pipeline import extract_corpus

    return group_claims(extract_corpus([ROOT / "seeds"], cache_dir=None))


def group_with_values(report, *values: float) -> str:
    """The id of the group holding figures of all ``values`` (38 and 78: the self-sufficiency group)."""
    for group_id, members in report.claims.groupby("group_id"):
        if set(values) <= set(members["value"]):
            return group_id
    raise AssertionError(f"no claim group holds {values}")


def open_app(page: str = "pages/overview.py", **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["中文", "English"])
def test_page_renders_on_the_seeds(page, lang):
    at = open_app(page, lang=lang)
    assert at.title, "every page has a title"
    assert not at.error


def test_overview_counts_follow_the_source_filter(seeds):
    at = open_app(lang="English")
    assert metric(at, "Articles") == str(len(seeds.articles))
    first = seeds.articles[0].source
    at.multiselect(key="sources").set_value([first]).run()
    assert not at.exception
    assert metric(at, "Articles") == "1"
    shown = at.dataframe[0].value
    assert len(shown) == 1 and shown["Source"].tolist() == [first]


def test_overview_table_is_what_the_csv_holds(seeds):
    at = open_app(lang="English")
    shown = at.dataframe[0].value
    articles = pd.DataFrame({"title": [a.title for a in seeds.articles]})
    assert shown["Title"].tolist() == articles["title"].tolist()
    assert any(b.label == "Download CSV" for b in at.get("download_button"))
    from core.export import csv_bytes

    again = pd.read_csv(io.BytesIO(csv_bytes(shown)), encoding="utf-8-sig", keep_default_na=False)
    assert again["Title"].tolist() == shown["Title"].tolist()


def test_sources_in_the_url_reopen_the_same_view(seeds):
    first = seeds.articles[0].source
    at = open_app(lang="English", sources=[first])
    assert metric(at, "Articles") == "1"
    assert at.multiselect(key="sources").value == [first]


def test_no_source_selected_gives_a_friendly_message():
    at = open_app(lang="English")
    at.multiselect(key="sources").set_value([]).run()
    assert not at.exception
    assert any("No articles" in i.value for i in at.info)


def test_session_uploads_join_the_corpus(seeds):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "English"
    loaded, _ = uploads.load_uploads([("extra.txt", "上传的文章\n\n2025年中国芯片自给率达到40%。".encode())], "上传")
    at.session_state["uploads"] = [article for article, _ in loaded]
    at.session_state["upload_originals"] = {article.content_hash: data for article, data in loaded}
    at.run()
    assert not at.exception
    assert metric(at, "Articles") == str(len(seeds.articles) + 1)


def test_bad_uploads_are_reported_by_name():
    def script():
        import streamlit as st

        from ui import session

        good = "一篇文章\n\n正文。".encode()
        messages = session.add_uploads([("empty.txt", b""), ("photo.html", bytes(range(256))), ("ok.txt", good)],
                                      "", "en")
        for message in messages:
            st.warning(message)
        st.markdown(str(len(st.session_state["uploads"])))

    at = AppTest.from_function(script, default_timeout=60).run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 2 and warnings[0].startswith("empty.txt: ") and warnings[1].startswith("photo.html: ")
    assert at.markdown[-1].value == "1"


def test_session_uploads_come_back_as_a_zip_with_their_tables():
    def script():
        import io
        import zipfile

        import streamlit as st

        from ui import bundle, session, shared

        if "added" not in st.session_state:
            text = "我的文章\n\n2025年中国芯片自给率达到40%。".encode()
            session.add_uploads([("../我的.txt", text)], "我的来源", "en")
            st.session_state["added"] = True
        board = shared.setup()
        data = bundle.uploads_zip(session.session_uploads(), board.extraction, board.selection.full_report)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            st.markdown(" ".join(sorted(archive.namelist())))

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    names = at.markdown[-1].value.split()
    assert "duizhao-uploads/我的.txt" in names and "duizhao-uploads/manifest.csv" in names
    assert "duizhao-uploads/extracted/figures.csv" in names
    assert not any(".." in name.split("/") for name in names)


def test_one_sessions_uploads_never_reach_another_session(seeds):
    uploader = AppTest.from_file(APP, default_timeout=120)
    uploader.query_params["lang"] = "English"
    loaded, _ = uploads.load_uploads([("secret.txt", "机密文章\n\n2025年中国芯片自给率达到41%。".encode())], "访客甲")
    uploader.session_state["uploads"] = [article for article, _ in loaded]
    uploader.session_state["upload_originals"] = {article.content_hash: data for article, data in loaded}
    uploader.run()
    other = open_app(lang="English")
    assert metric(uploader, "Articles") == str(len(seeds.articles) + 1)
    assert metric(other, "Articles") == str(len(seeds.articles))
    assert "访客甲" not in other.multiselect(key="sources").options


def test_compare_shows_the_chosen_articles_side_by_side(seeds):
    ids = [a.article_id for a in seeds.articles[:3]]
    at = open_app("pages/compare.py", lang="English")
    at.multiselect(key="articles").set_value(ids).run()
    assert not at.exception
    titles = [m.value for m in at.markdown if m.value.startswith("##### ")]
    assert len(titles) == 3


def test_compare_asks_for_two_articles(seeds):
    at = open_app("pages/compare.py", lang="English")
    at.multiselect(key="articles").set_value([seeds.articles[0].article_id]).run()
    assert any("at least two" in i.value for i in at.info)


def test_compare_keeps_two_articles_when_a_source_filter_takes_one_away(seeds):
    first, second = seeds.articles[0], next(a for a in seeds.articles if a.source != seeds.articles[0].source)
    at = open_app("pages/compare.py", lang="English")
    at.multiselect(key="articles").set_value([first.article_id, second.article_id]).run()
    others = [s for s in at.multiselect(key="sources").value if s != second.source]
    at.multiselect(key="sources").set_value(others).run()
    assert not at.exception
    chosen = at.multiselect(key="articles").value
    assert first.article_id in chosen and second.article_id not in chosen and len(chosen) == 2
    assert not any("at least two" in i.value for i in at.info)


def test_figure_check_filters_by_verdict(seed_report):
    at = open_app("pages/figure_check.py", lang="en")
    status = next(b for b in at.get("button_group") if "status" in b.proto.id)
    status.set_value(["contradiction"]).run()
    assert not at.exception
    groups = seed_report.groups
    contradictions = [f"evidence_{g}" for g in groups.loc[groups["status"] == "contradiction", "group_id"]]
    assert contradictions, "the seeds hold a contradiction"
    assert [e.key for e in at.expander if e.key and e.key.startswith("evidence_")] == contradictions
    assert link_of(at)["status"] == ["contradiction"], "the link holds the code, not the label"


def test_term_clouds_every_scope_renders():
    at = open_app("pages/term_clouds.py", lang="English")
    for scope in ("source", "article", "contrast", "corpus"):
        at.segmented_control(key="scope").set_value(scope).run()
        assert not at.exception, scope
        assert not at.error, scope


def test_figure_check_claims_table_holds_only_the_chosen_sources(seeds):
    at = open_app("pages/figure_check.py", lang="English")
    everything = at.dataframe[-1].value
    if everything.empty:
        pytest.skip("no claim groups on the seeds")
    keep = everything["Source"].iloc[0]
    at.multiselect(key="sources").set_value([s for s in dict.fromkeys(a.source for a in seeds.articles) if s != keep])
    at.run()
    assert not at.exception
    if at.dataframe:
        assert keep not in set(at.dataframe[-1].value["Source"])
    else:
        assert any("No figures" in i.value for i in at.info)


def test_figure_check_claims_table_shows_reader_columns():
    at = open_app("pages/figure_check.py", lang="English")
    table = at.dataframe[-1].value
    assert list(table.columns) == ["Measure", "Subject", "Source", "Figure", "Figure as written", "Sentence", "Value",
                                   "Unit", "Qualifier", "Period", "Modality", "Attributed to"]
    assert ">38%" in set(table["Figure"]), "the qualifier stays with the figure"
    assert not any("自给率" in m for m in table["Measure"]), "measures read in English"
    assert "None" not in table.astype(str).to_numpy()
    assert not any(".." in str(p) for p in table["Period"]), "periods are worded, not codes"
    labels = {b.label for b in at.get("download_button")}
    assert {"Download claims.csv", "Download comparisons.csv", "Download CSV"} <= labels


def test_multiselects_have_placeholders_in_the_page_language():
    at = open_app("pages/figure_check.py")
    assert at.multiselect(key="measure").proto.placeholder == "全部指标"
    assert at.multiselect(key="sources").proto.placeholder == "选择来源"
    at = open_app("pages/compare.py", lang="English")
    assert at.multiselect(key="articles").proto.placeholder == "Choose 2–4 articles"


def test_unknown_source_reads_in_english_but_filters_by_its_stored_name(seeds):
    unknown = [a.source for a in seeds.articles if a.source == UNKNOWN_SOURCE]
    if not unknown:
        pytest.skip("no article without a source in the seeds")
    at = open_app(lang="English")
    assert "Unknown source" in at.dataframe[0].value["Source"].tolist()
    assert UNKNOWN_SOURCE in at.multiselect(key="sources").value
    assert "Unknown source" in at.multiselect(key="sources").options


def test_overview_counts_contradictions_and_explained_differences_apart():
    at = open_app(lang="English")
    groups = int(metric(at, "Claim groups"))
    assert int(metric(at, "Contradictions")) + int(metric(at, "Explained differences")) <= groups


def test_figure_check_draws_the_evidence_of_open_groups_only(seed_report):
    at = open_app("pages/figure_check.py", lang="English")
    charts = [c.key for c in at.get("plotly_chart")]
    kinds = group_kinds(seed_report.claims)
    drawn = [f"dots_{g}" for g in seed_report.groups["group_id"] if kinds[g] != "before_after"]
    assert "before_after" in kinds.values() and drawn
    assert [c for c in charts if c.startswith("dots_")] == drawn, "every group but a before/after has its dot plot"
    details = [e for e in at.expander if e.key and e.key.startswith("evidence_")]
    assert details and not any(e.proto.expanded for e in details)
    assert len(at.dataframe) == 1, "closed details draw no table; only the all-claims table is drawn"


def test_a_frames_csv_is_made_once_and_forgotten_with_the_frame():
    from ui import downloads

    frame = pd.DataFrame({"来源": ["甲"], "数值": [-2]})
    first = downloads.frame_csv(frame)
    assert downloads.frame_csv(frame) is first
    assert first.startswith(b"\xef\xbb\xbf") and "甲".encode() in first
    key = id(frame)
    del frame
    assert key not in downloads._CSV_BYTES


def link_of(at: AppTest) -> dict[str, list[str]]:
    """The page's query parameters as the browser's address bar holds them, each as a list of values."""
    return {k: list(v) if isinstance(v, list | tuple) else [v] for k, v in at.query_params.items()}


def test_overview_shows_cross_source_disagreements_first_and_one_article_apart(seed_report):
    at = open_app(lang="en")
    kinds = group_kinds(seed_report.claims)
    self_sufficiency = group_with_values(seed_report, 38, 78)
    headers = [h.value for h in at.subheader]
    assert headers[:2] == ["Where the sources disagree", "Changes stated in one sentence (not disagreements)"]
    charts = [c.key for c in at.get("plotly_chart")]
    assert charts[0].startswith("dots_") and kinds[charts[0].removeprefix("dots_")] == "cross_source", \
        "the first card is a disagreement between sources, with its dot plot"
    assert f"dots_{self_sufficiency}" in charts, "the 38 % vs 78 % of two sources is among the cards"
    texts = [m.value for m in at.markdown]
    reasons = [t for t in texts if t.startswith("#####")]
    assert any("reported vs projected" in r for r in reasons)
    badges = [t for t in texts if "-badge[" in t]
    assert badges[:2] == [":blue-badge[Different sources]", ":blue-badge[Different sources]"]
    changes = [g for g, kind in kinds.items() if kind == "before_after"]
    assert changes and not {f"dots_{g}" for g in changes} & set(charts), \
        "a before/after is shown as a change, with no disagreement chart"


def test_an_article_at_odds_with_itself_is_shown_apart_after_the_sources_disagreeing(tmp_path, monkeypatch):
    """Two sources' self-sufficiency rates first, then the article giving two growth rates for one year."""
    (tmp_path / "a.txt").write_text("青岚科技周二公布，公司2025年营收增长12%，创历史新高。\n"
                                    "多位分析师指出，青岚科技2025年营收增长20%，高于同业。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("据报道，中国芯片自给率2025年达到30%。\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("另据报道，中国芯片自给率2025年为45%。\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,source\na.txt,甲报\nb.txt,乙报\nc.txt,丙报\n", encoding="utf-8")
    monkeypatch.setenv("DUIZHAO_CORPUS", str(tmp_path))
    at = open_app(lang="en")
    headers = [h.value for h in at.subheader]
    assert headers[:2] == ["Where the sources disagree", "A source or an article at odds with itself"]
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [":blue-badge[Different sources]", ":violet-badge[One article contradicts itself]"]


def test_a_link_made_in_chinese_opens_the_same_filters_in_english(seeds):
    first = seeds.articles[0].source
    zh = open_app("pages/figure_check.py")
    zh.multiselect(key="sources").set_value([first, seeds.articles[2].source]).run()
    link = link_of(zh)
    assert "lang" not in link and sorted(link["sources"]) == sorted([first, seeds.articles[2].source])
    en = open_app("pages/figure_check.py", lang="en", **link)
    assert sorted(en.multiselect(key="sources").value) == sorted(link["sources"])
    assert en.session_state["lang_code"] == "en"
    assert all(not any("\u4e00" <= c <= "\u9fff" for c in e.label.split("·")[0]) for e in en.expander
               if e.key and e.key.startswith("evidence_"))


def test_reading_view_opens_the_linked_article_at_its_figure(seeds):
    from core.pipeline import extract_corpus

    figures = extract_corpus(corpus=seeds, jobs=1).figures
    figure = figures[figures["text"] == "78%"].iloc[0]
    at = open_app("pages/reading.py", lang="en", article=figure["article_id"], at=str(figure["start"]))
    assert at.selectbox(key="article").value == figure["article_id"]
    assert [i.value for i in at.info] == ["The figure you came for: 78%"]
    texts = [m.value for m in at.markdown]
    assert sum(t.count(":red-background[") for t in texts) == 1
    assert any(":red-background[**78%**]" in t for t in texts) and any(":orange-background[" in t for t in texts)
    assert [e.label for e in at.expander if e.key == "reading_before"] == ["Earlier paragraphs (open to read)"], \
        "the text opens at the linked figure's paragraph"
    missing = open_app("pages/reading.py", article=figure["article_id"], at="999999")
    assert not missing.info, "an offset naming no figure marks nothing"


LEXICON_ARTICLE = "青岚与合作伙伴\n\n青岚和蓝潮去年合作，营收增长22%。".encode()


def lexicon_session(aliases: bytes | None) -> AppTest:
    """A session that uploads LEXICON_ARTICLE (and the alias file, when given); its markdown lists the
    entities found in the uploaded article, the lexicon's message, and how many articles were uploaded."""
    def script():
        import streamlit as st

        from ui import session, shared

        if "added" not in st.session_state:
            if st.session_state.get("aliases_file") is not None:
                message = session.set_lexicon("aliases", "mine.tsv", st.session_state["aliases_file"], "en")
                st.session_state["lexicon_message"] = message or ""
            session.add_uploads([("lexicon.txt", st.session_state["article"])], "分析员", "en")
            st.session_state["added"] = True
        board = shared.setup()
        ids = set(board.articles.loc[board.articles["source"] == "分析员", "article_id"])
        found = board.entities.loc[board.entities["article_id"].isin(ids), "entity"]
        st.markdown("|".join(sorted(set(found))) or "-")
        st.markdown(st.session_state.get("lexicon_message") or "-")
        st.markdown(str(len(ids)))

    at = AppTest.from_function(script, default_timeout=120)
    at.session_state["article"] = LEXICON_ARTICLE
    at.session_state["aliases_file"] = aliases
    return at.run()


def test_a_sessions_alias_file_names_its_entity_in_its_uploads_only():
    with_lexicon = lexicon_session("# my firms\n青岚科技\torg\t青岚|蓝潮\n".encode())
    without = lexicon_session(None)
    assert not with_lexicon.exception, [e.value for e in with_lexicon.exception]
    assert not without.exception, [e.value for e in without.exception]
    assert "青岚科技" in with_lexicon.markdown[0].value.split("|")
    assert "青岚科技" not in without.markdown[0].value.split("|")


def test_a_bad_alias_file_is_named_with_its_line_and_nothing_else_is_lost():
    at = lexicon_session("青岚科技\torg\t青岚\n蓝潮\tcompany\n".encode())
    assert not at.exception, [e.value for e in at.exception]
    assert at.markdown[1].value.startswith("mine.tsv: line 2: unknown type 'company'")
    assert "青岚科技" not in at.markdown[0].value.split("|")
    assert at.markdown[2].value == "1"  # the upload itself is kept
