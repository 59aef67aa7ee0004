"""Pieces of screen several pages draw: claim-group cards with their dot plots and evidence, the article list,
an article's facts and text, search links, a measure's timeline and stacked rows for a phone.

Each draws from a :class:`~ui.shared.Dashboard`; what it shows is computed in :mod:`ui.views` and remembered per
selection.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from ui import display, downloads, i18n, views
from ui.shared import PAGES, Dashboard


def card_for(board: Dashboard, group_id: str) -> views.GroupCard:
    """The card of a claim group in the board's language, made once per selection."""
    return board.remember(("card", group_id, board.lang), lambda: views.group_card(
        board.report, group_id, board.lang, claims=board.group_claims(group_id),
        kinds=board.group_kinds(),
        telling=board.remember("telling_pairs", lambda: views.telling_comparisons(board.report.pairs))))


STATUS_ICON = {"contradiction": ":material/error:", "explained": ":material/info:", "agree": ":material/check:"}


KIND_COLOR = {"cross_source": "blue", "one_source": "violet", "self_contradiction": "violet", "before_after": "gray"}


# Plotly's toolbar would sit over the data on a phone; nothing in these charts needs it.
CHART_CONFIG = {"displayModeBar": False, "scrollZoom": False, "responsive": True}


MODALITY_COLOR = {"circle": "#1F77B4", "diamond": "#B22222", "square": "#2CA02C", "cross": "#7F7F7F"}


def group_card(board: Dashboard, group_id: str, *, link: bool = False, chart: bool = True) -> None:
    """A bordered card: the measure, the reason in words first, a dot plot of the values by source, and under it
    each figure's sentence with the figure highlighted, its attribution and a link to the article."""
    card, lang = card_for(board, group_id), board.lang
    t = partial(i18n.t, lang=lang)
    with st.container(border=True, key=f"card_{card.group_id}"):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown(f"**{display.escape_markdown(card.label)}**")
            st.badge(i18n.kind_label(card.kind, lang), color=KIND_COLOR[card.kind])
        if card.kind == "before_after":
            st.markdown(f"##### :material/trending_flat: {display.escape_markdown(card.reason)}")
        else:
            st.markdown(f"##### {STATUS_ICON[card.status]} {display.escape_markdown(card.reason)}")
        if chart and card.kind != "before_after":
            dot_plot(board, card)
        for items in views.by_sentence(card.evidence):
            evidence_block(items, lang)
        if card.why:
            st.caption(display.escape_markdown(card.why))
        if link:
            st.page_link(PAGES["figures"], label=t("open_check"), icon=":material/arrow_forward:",
                         query_params={"group": card.group_id})


def evidence_block(items: list[views.Evidence], lang: str) -> None:
    """The evidence of one sentence: source, figure(s), period, kind and attribution in a line; the sentence,
    wrapped, with its figures highlighted (28% → 15% for a change); a link to the reading view at the figure."""
    t = partial(i18n.t, lang=lang)
    item = items[0]
    facts = [f"**{display.escape_markdown(item.source)}**",
             " → ".join(f"**{display.escape_markdown(i.figure)}**" for i in items),
             display.escape_markdown(item.modality)]
    if item.period:
        facts.append(display.escape_markdown(item.period))
    if item.attributed_to:
        facts.append(f"{t('attributed')}: {display.escape_markdown(item.attributed_to)}")
    spans = [(i.figure_start, i.figure_end) for i in items if i.figure_start >= 0]
    with st.container(gap="small"):
        st.markdown(" · ".join(facts))
        st.markdown(display.highlight_markdown(item.sentence, spans, color="red"))
        if item.start >= 0:
            st.page_link(PAGES["reading"], label=t("read_article"), icon=":material/article:",
                         query_params={"article": item.article_id, "at": str(item.start)})


def dot_plot(board: Dashboard, card: views.GroupCard) -> None:
    """The card's values by source as dots (:func:`dot_figure`); no toolbar, no zoom. The figure is built once per
    selection, card and language: Plotly validates every property as it is set, which costs more than drawing."""
    lang = board.lang

    def build():
        frame = views.dot_plot_frame(group_claims_of(board, card.group_id), lang)
        return None if frame.empty else dot_figure(frame, lang)

    figure = board.remember(("dot_figure", card.group_id, lang), build)
    if figure is not None:
        st.plotly_chart(figure, width="stretch", config=CHART_CONFIG, key=f"dots_{card.group_id}")


def dot_figure(frame: pd.DataFrame, lang: str):
    """Dots of :func:`ui.views.dot_plot_frame`: shape by modality, an arrow for a figure open on one side (超,
    至少), a line for a stated range; numbers on the axis as ``lang`` writes them.

    Built from plain properties without Plotly's validation, which took ten times as long as the rest (a card's
    figure is built again for every selection of sources); a test builds it validated and compares.
    """
    import plotly.graph_objects as go

    highs = frame["value_high"].fillna(frame["value"])
    low, high = float(frame["value"].min()), float(highs.max())
    pad = max((high - low) * 0.15, abs(high) * 0.08) or 1.0
    low_end = min(0.0, low - pad) if low >= 0 else low - pad
    ticks, labels = views.axis_ticks(low_end, high + pad, frame["unit"].iloc[0], lang)
    traces = [{
        "type": "scatter", "x": part["value"].to_numpy(), "y": part["row"].tolist(), "mode": "markers+text",
        "text": part["figure"].tolist(), "textposition": "top center",
        "marker": {"symbol": symbol, "size": 14, "color": MODALITY_COLOR[symbol]}, "name": part["modality"].iloc[0],
        "hoverinfo": "skip", "cliponaxis": False,
    } for symbol, part in frame.groupby("symbol", sort=False)]
    shapes, arrows = [], []
    for row in frame.itertuples(index=False):
        if row.value_high is not None and not pd.isna(row.value_high):
            shapes.append({"type": "line", "x0": row.value, "x1": row.value_high, "y0": row.row, "y1": row.row,
                           "line": {"color": MODALITY_COLOR[row.symbol], "width": 4}})
        if row.open:
            arrows.append({"x": row.value, "y": row.row, "ax": 34 * row.open, "ay": 0, "text": "", "showarrow": True,
                           "arrowside": "start", "arrowhead": 2, "arrowsize": 1.2, "arrowwidth": 2,
                           "startstandoff": 9, "arrowcolor": MODALITY_COLOR[row.symbol]})
    layout = {
        **({"shapes": shapes} if shapes else {}), **({"annotations": arrows} if arrows else {}),
        "height": 90 + 46 * frame["row"].nunique(),
        "margin": {"l": 8, "r": 16, "t": 24, "b": 8}, "showlegend": bool(frame["symbol"].nunique() > 1),
        "legend": {"orientation": "h", "y": -0.25, "x": 0}, "dragmode": False, "plot_bgcolor": "#FFFFFF",
        "xaxis": {"range": [ticks[0], ticks[-1]], "tickvals": ticks, "ticktext": labels, "fixedrange": True,
                  "gridcolor": "#E5E5E5", "zeroline": False},
        "yaxis": {"fixedrange": True, "automargin": True, "categoryorder": "array",
                  "categoryarray": list(dict.fromkeys(frame["row"]))[::-1]},
    }
    return go.Figure(data=traces, layout=layout, _validate=False)


def group_claims_of(board: Dashboard, group_id: str) -> pd.DataFrame:
    """A group's figures in the board's selection, each once."""
    return views.representative(board.group_claims(group_id).drop_duplicates(["file", "text", "start"]),
                                views.PLOT_DOTS)


# Articles listed one per line on the overview; the table under it holds them all.
ARTICLES_LISTED = 20


def article_list(board: Dashboard) -> None:
    """The articles as a stacked list (it fits a phone), each with a link to its reading view; then the full
    table and its CSV in an expander."""
    t = board.t
    rows = board.articles.head(ARTICLES_LISTED)
    for row in rows.itertuples(index=False):
        title = display.escape_markdown(str(row.title or row.file))
        facts = [display.escape_markdown(display.display_source(row.source, board.lang))]
        if row.published:
            facts.append(display.escape_markdown(str(row.published)))
        facts.append(t("figures_n", n=int(row.figures)))
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.page_link(PAGES["reading"], label=title, icon=":material/article:",
                         query_params={"article": row.article_id})
            st.caption(" · ".join(facts))
    with st.expander(t("corpus_table_full"), icon=":material/table:"):
        corpus = board.remember(("corpus_table", board.lang), lambda: views.corpus_table(board.articles, board.lang))
        downloads.table_with_download(corpus, "articles.csv", board.lang, key="download_articles")


def linked_figure(figures: pd.DataFrame) -> pd.Series | None:
    """The figure ``?at=<offset>`` names among an article's ``figures`` (its start offset), or None."""
    at = st.query_params.get("at")
    if not at or not at.isdigit():
        return None
    rows = figures[figures["start"] == int(at)]
    return None if rows.empty else rows.iloc[0]


def article_facts(board: Dashboard, article: pd.Series) -> str:
    """Source, author, date, script and length of an article, escaped, in one line."""
    t = board.t
    unknown = t("unknown")
    return " · ".join([
        f"{t('meta_source')}: {display.escape_markdown(display.display_source(article['source'], board.lang))}",
        f"{t('meta_author')}: {display.escape_markdown(str(article['author'] or unknown))}",
        f"{t('meta_date')}: {display.escape_markdown(str(article['published'] or unknown))}",
        f"{t('meta_script')}: {i18n.label(i18n.SCRIPT, str(article['script']), board.lang)}",
        f"{t('meta_length')}: {int(article['body_chars'])}",
    ])


def text_from_focus(text: str, spans: list[tuple[int, int]], focus: tuple[int, int] | None, lang: str) -> None:
    """An article's text with its figures marked and ``focus`` in red. With a focus, the paragraphs before it
    are folded into an expander, so the page opens at the linked figure without a script of its own."""
    cut = 0 if focus is None else text.rfind("\n", 0, focus[0]) + 1
    if cut:
        before = [(s, min(e, cut)) for s, e in spans if s < cut]
        with st.expander(i18n.t("reading_before", lang), icon=":material/unfold_more:", key="reading_before"):
            st.markdown(display.highlight_markdown(text[:cut], before))
    after = [(max(s, cut) - cut, e - cut) for s, e in spans if e > cut]
    shifted = None if focus is None else (focus[0] - cut, focus[1] - cut)
    st.markdown(display.highlight_markdown(text[cut:], after, focus=shifted))


def search_links(board: Dashboard, words: list[str], key: str) -> None:
    """Words as pills; picking one opens the search page for it (``?q=<word>``)."""
    picked = st.pills(board.t("search_these"), words, key=key, format_func=display.display_text)
    if picked:
        st.session_state.pop(key, None)
        st.session_state["q"] = picked
        st.switch_page(PAGES["search"], query_params={"q": picked})


def timeline_chart(board: Dashboard, metric: str) -> None:
    """A measure's figures by period: x the start of each figure's period, one colour per source, the figure
    as written in ``lang`` next to its dot; numbers on the value axis as the language writes them."""
    import plotly.express as px

    frame = board.remember(("timeline", metric, board.lang),
                           lambda: views.timeline_frame(board.report.claims, metric, board.lang))
    if frame.empty:
        st.info(board.t("timeline_none"))
        return
    chart = px.scatter(frame, x="x", y="value", color="source", symbol="modality", text="figure",
                       labels={"x": board.t("period"), "value": board.t("value"), "source": "", "modality": ""},
                       height=360)
    ticks, labels = views.axis_ticks(min(0.0, float(frame["value"].min())), float(frame["value"].max()) * 1.15,
                                     frame["unit"].iloc[0], board.lang)
    years = sorted({int(x) for x in frame["x"]})
    chart.update_traces(marker={"size": 13}, textposition="top center", hoverinfo="skip", hovertemplate=None)
    chart.update_layout(margin={"l": 8, "r": 16, "t": 16, "b": 8}, dragmode=False,
                        legend={"orientation": "h", "y": -0.3},
                        xaxis={"tickvals": years, "ticktext": [str(y) for y in years], "fixedrange": True},
                        yaxis={"tickvals": ticks, "ticktext": labels, "range": [ticks[0], ticks[-1]],
                               "fixedrange": True})
    st.plotly_chart(chart, width="stretch", config=CHART_CONFIG, key="timeline_chart")


def stacked_rows(table: pd.DataFrame) -> None:
    """A table as a stacked list that fits a phone: per row, its first and last columns as a heading, then one
    line per other column (``header: value``)."""
    first, last = table.columns[0], table.columns[-1]
    for row in table.to_dict("records"):
        with st.container(border=True, gap="small"):
            st.markdown(f"**{display.escape_markdown(str(row[first]))}** · {display.escape_markdown(str(row[last]))}")
            st.markdown("\n".join(
                f"- {display.escape_markdown(str(column))}: **{display.escape_markdown(str(row[column]))}**"
                for column in table.columns[1:-1]))
