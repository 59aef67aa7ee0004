"""Figure check: figures on the same measure side by side, contradictions first, with the evidence."""

from __future__ import annotations

import math

import streamlit as st

from ui import blocks, display, downloads, i18n, shared, views

# Groups drawn per page: each has a card, a chart and its evidence, so a large corpus is read a page at a time.
GROUPS_PER_PAGE = 10
# Rows of the all-claims table sent to the browser; the downloads hold every row.
MAX_TABLE_ROWS = 5000

board = shared.current()
t = board.t
report = board.report

st.title(t("figures_title"))
st.caption(t("figures_caption"))
shared.require_articles(board)
if report.groups.empty:
    st.info(t("no_groups"), icon=":material/search_off:")
    st.stop()

metric_options = board.remember("metric_options", lambda: list(dict.fromkeys(report.groups["metric"])))
shared.keep_valid_choices("measure", metric_options)


def back_to_first_page() -> None:
    st.session_state.pop("group_page", None)


shared.url_choice("status", list(i18n.STATUS), [], multi=True)
shared.url_choice("measure", metric_options, [], multi=True)
with st.container(horizontal=True, vertical_alignment="bottom"):
    statuses = st.pills(
        t("status_filter"), list(i18n.STATUS), selection_mode="multi", key="status", persist_state="session",
        format_func=lambda s: i18n.label(i18n.STATUS, s, board.lang), on_change=back_to_first_page,
    )
    measures = st.multiselect(t("measure_filter"), metric_options, key="measure", persist_state="session",
                              select_all=board.lang == "en",
                              format_func=lambda m: i18n.measure_label(m, board.lang), width=420,
                              placeholder=t("measure_placeholder"), on_change=back_to_first_page)
shared.to_url("status", statuses, [])
shared.to_url("measure", measures, [])

groups = views.select_groups(report.groups, statuses, measures)
focus = st.query_params.get("group")
if focus in set(groups["group_id"]):
    groups = groups.set_index("group_id").loc[[focus, *(g for g in groups["group_id"] if g != focus)]].reset_index()
if groups.empty:
    st.info(t("no_groups_filtered"), icon=":material/filter_alt_off:")

pages = max(1, math.ceil(len(groups) / GROUPS_PER_PAGE))
page_numbers = list(range(1, pages + 1))
shared.keep_valid_choices("group_page", page_numbers)
if pages > 1:
    with st.container(horizontal=True, vertical_alignment="center"):
        page = st.selectbox(t("group_page"), page_numbers, key="group_page", width=200,
                            format_func=lambda n: t("group_page_of", page=n, pages=pages))
        st.caption(t("groups_shown", n=len(groups), size=GROUPS_PER_PAGE))
else:
    page = 1
on_page = groups.iloc[(page - 1) * GROUPS_PER_PAGE:page * GROUPS_PER_PAGE]
# Row positions of each group's pairs and mentions, found once per selection rather than per group.
pair_rows = board.remember("pair_rows", lambda: report.comparisons.groupby("group_id").indices)
context_rows = board.remember("context_rows", lambda: report.context.groupby("group_id").indices)
evidence_columns = downloads.claim_columns(board.lang)

for group_id in on_page["group_id"]:
    card = blocks.card_for(board, group_id)
    blocks.group_card(board, group_id)
    claims = board.group_claims(group_id)
    evidence = st.expander(f"{t('details')} · {display.escape_markdown(card.label)}",
                           expanded=False, key=f"evidence_{group_id}", on_change="rerun")
    with evidence:
        # A closed expander's tables are drawn only once it is opened (which reruns the page).
        if not evidence.open:
            continue
        downloads.table_with_download(views.evidence_table(claims, board.lang), f"evidence_{group_id}.csv", board.lang,
                                   key=f"download_evidence_{group_id}", column_config=evidence_columns)
        if group_id in context_rows:
            st.markdown(f"**{t('context')}**")
            for row in report.context.iloc[context_rows[group_id]].itertuples(index=False):
                source = display.display_source(row.source, board.lang)
                st.markdown(f"- {display.escape_markdown(source)}：{display.escape_markdown(row.sentence)}")
        pairs = report.comparisons.iloc[pair_rows.get(group_id, [])]
        if len(pairs) > 1:
            st.markdown(f"**{t('comparisons')}**")
            downloads.table_with_download(views.comparison_table(pairs, board.lang), f"comparisons_{group_id}.csv",
                                       board.lang, key=f"download_pairs_{group_id}")

timeline_metrics = board.remember("timeline_metrics", lambda: views.timeline_metrics(report.claims))
if timeline_metrics:
    st.subheader(t("timeline"))
    st.caption(t("timeline_caption"))
    shared.url_choice("timeline", timeline_metrics, timeline_metrics[0])
    metric = st.selectbox(t("measure_filter"), timeline_metrics, key="timeline", persist_state="session", width=420,
                          format_func=lambda m: i18n.measure_label(m, board.lang))
    shared.to_url("timeline", metric, timeline_metrics[0])
    blocks.timeline_chart(board, metric)

if not groups.empty:
    filters = (tuple(statuses or ()), tuple(measures or ()))

    def chosen_rows():
        shown = set(groups["group_id"])
        return (report.claims[report.claims["group_id"].isin(shown)],
                report.comparisons[report.comparisons["group_id"].isin(shown)])

    claims, comparisons = board.remember(("chosen_rows", filters), chosen_rows)
    table = board.remember(("claims_table", filters, board.lang), lambda: views.claims_table(claims, board.lang))
    st.subheader(t("all_claims"))
    st.caption(t("all_claims_caption"))
    if len(table) > MAX_TABLE_ROWS:
        st.caption(t("rows_shown", shown=MAX_TABLE_ROWS, total=len(table)))
    st.dataframe(display.display_values(table.head(MAX_TABLE_ROWS), board.lang), hide_index=True, width="stretch",
                 column_config=evidence_columns)
    with st.container(horizontal=True):
        downloads.csv_download(t("download_csv"), table, "claims_shown.csv", key="download_claims_shown")
        downloads.csv_download(t("download_claims"), claims, "claims.csv", key="download_claims")
        downloads.csv_download(t("download_comparisons"), comparisons, "comparisons.csv", key="download_comparisons")
