"""Figure check: figures on the same measure side by side, contradictions first, with the evidence."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from core import i18n, views
from core.export import csv_bytes
from pages import shared

board = shared.current()
t = board.t
report = board.report

st.title(t("figures_title"))
st.caption(t("figures_caption"))
shared.require_articles(board)
if report.groups.empty:
    st.info(t("no_groups"), icon=":material/search_off:")
    st.stop()

metric_options = list(dict.fromkeys(report.groups["metric"]))
shared.keep_valid_choices("measure", metric_options)
with st.container(horizontal=True, vertical_alignment="bottom"):
    statuses = st.pills(
        t("status_filter"), list(i18n.STATUS), selection_mode="multi", key="status", bind="query-params",
        format_func=lambda s: i18n.label(i18n.STATUS, s, board.lang),
    )
    measures = st.multiselect(t("measure_filter"), metric_options, key="measure",
                              bind="query-params", width=420)

groups = views.select_groups(report.groups, statuses, measures)
focus = st.query_params.get("group")
if focus in set(groups["group_id"]):
    groups = groups.set_index("group_id").loc[[focus, *(g for g in groups["group_id"] if g != focus)]].reset_index()
if groups.empty:
    st.info(t("no_groups_filtered"), icon=":material/filter_alt_off:")

for position, group_id in enumerate(groups["group_id"]):
    card = views.group_card(report, group_id, board.lang)
    shared.group_card(card, board.lang)
    claims = report.claims[report.claims["group_id"] == group_id]
    with st.expander(f"{t('evidence')} · {card.label}", expanded=position == 0):
        points = views.chart_frame(claims, board.lang)
        chart = px.scatter(
            points, x="value", y="source", color="modality", symbol="modality",
            error_x="plus", error_x_minus="minus",
            hover_data={"text": True, "period": True, "attributed_to": True, "plus": False, "minus": False},
            labels={"value": f"{t('value')} ({claims['unit'].iloc[0]})", "source": t("source"),
                    "modality": t("modality"), "period": t("period"), "text": "", "attributed_to": ""},
            height=140 + 40 * points["source"].nunique(),
        )
        chart.update_traces(marker={"size": 14})
        chart.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, legend_title_text=t("modality"))
        st.plotly_chart(chart, width="stretch", key=f"chart_{group_id}")
        shared.table_with_download(views.evidence_table(claims, board.lang), f"evidence_{group_id}.csv", board.lang,
                                   key=f"download_evidence_{group_id}")
        context = report.context[report.context["group_id"] == group_id]
        if not context.empty:
            st.markdown(f"**{t('context')}**")
            for row in context.itertuples(index=False):
                st.markdown(f"- {views.escape_markdown(row.source)}：{views.escape_markdown(row.sentence)}")
        pairs = report.comparisons[report.comparisons["group_id"] == group_id]
        if len(pairs) > 1:
            st.markdown(f"**{t('comparisons')}**")
            shared.table_with_download(views.comparison_table(pairs, board.lang), f"comparisons_{group_id}.csv",
                                       board.lang, key=f"download_pairs_{group_id}")

shown = set(groups["group_id"])
claims = report.claims[report.claims["group_id"].isin(shown)]
comparisons = report.comparisons[report.comparisons["group_id"].isin(shown)]
st.subheader(t("all_claims"))
st.dataframe(claims, hide_index=True, width="stretch")
with st.container(horizontal=True):
    st.download_button(t("download_claims"), csv_bytes(claims), file_name="claims.csv", mime="text/csv",
                       key="download_claims", icon=":material/download:", on_click="ignore")
    st.download_button(t("download_comparisons"), csv_bytes(comparisons), file_name="comparisons.csv",
                       mime="text/csv", key="download_comparisons", icon=":material/download:", on_click="ignore")
