"""Downloads: every table with the CSV of exactly what it shows, word-cloud PNGs, and a session's uploads as a zip.

The bytes are made once per frame (or per session corpus) and handed to the button, never a function that makes
them on click (see :func:`csv_download`).
"""

from __future__ import annotations

import threading
import weakref
from functools import partial

import pandas as pd
import streamlit as st

from core.export import csv_bytes
from ui import bundle, clouds, display, i18n, session
from ui.shared import Dashboard


def table_with_download(frame: pd.DataFrame, file_name: str, lang: str, key: str, **dataframe_args) -> None:
    """A table and, under it, the CSV of those rows and columns.

    The table shows periods in words and the unknown source in ``lang``
    (:func:`display.display_values`); the CSV keeps the stored values.
    """
    st.dataframe(display.display_values(frame, lang), hide_index=True, width="stretch", **dataframe_args)
    csv_download(i18n.t("download_csv", lang), frame, file_name, key)


def claim_columns(lang: str) -> dict[str, st.column_config.Column]:
    """Column widths for tables of figures: the sentence (the evidence) gets the room, short fields little."""
    label = partial(i18n.label, i18n.COLUMNS, lang=lang)
    small = {label(c): st.column_config.TextColumn(width="small")
             for c in ("source", "text", "unit", "period", "modality", "subject")}
    return {**small, label("value"): st.column_config.NumberColumn(width="small"),
            label("sentence"): st.column_config.TextColumn(width="large")}


def csv_download(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A download button for ``frame`` as CSV.

    The button gets the bytes, not a function that makes them on click: Streamlit 1.67 keeps a
    deferred download only until other sessions' runs clean up unclaimed files, so with several
    visitors a click could find it gone (the load test saw 404s). The bytes are made once per frame.
    """
    st.download_button(label, frame_csv(frame), file_name=file_name, mime="text/csv", key=key,
                       icon=":material/download:", on_click="ignore")


_CSV_BYTES: dict[int, bytes] = {}


_CSV_LOCK = threading.Lock()


def frame_csv(frame: pd.DataFrame) -> bytes:
    """``frame`` as CSV bytes (:func:`core.export.csv_bytes`), kept while the frame lives.

    Keyed by the frame's identity: the frames pages show are read-only, and a remembered one (a
    selection's tables, a claims table) is the same object on every run, so its CSV is made once.
    """
    key = id(frame)
    with _CSV_LOCK:
        data = _CSV_BYTES.get(key)
    if data is None:
        data = csv_bytes(frame)
        with _CSV_LOCK:
            if key not in _CSV_BYTES:
                _CSV_BYTES[key] = data
                weakref.finalize(frame, _CSV_BYTES.pop, key, None)
    return data


@st.cache_data(show_spinner=False, max_entries=64)
def cloud_png(freqs: tuple[tuple[str, float], ...], width: int, height: int, title: str = "") -> bytes:
    """The word cloud of ``freqs`` (term, weight) as PNG bytes with its scope as ``title``, drawn once per
    distinct word list, size and title."""
    return clouds.cloud_png(dict(freqs), width=width, height=height, title=title)


def uploads_download(board: Dashboard) -> None:
    """A button that downloads this session's uploads as a zip (``ui.bundle``), whatever the source filter.

    The zip is made once per session corpus and kept in the session (bytes, not a function: see
    :func:`csv_download`).
    """
    held = st.session_state.get("uploads_zip")
    if held is None or held[0] != board.key:
        held = (board.key, bundle.uploads_zip(session.session_uploads(), board.extraction, board.selection.full_report))
        st.session_state["uploads_zip"] = held
    st.download_button(
        i18n.t("upload_zip", board.lang), held[1], file_name="duizhao-uploads.zip", mime="application/zip",
        help=i18n.t("upload_zip_help", board.lang), icon=":material/folder_zip:", on_click="ignore",
        key="download_uploads",
    )
