"""Streamlit glue shared by the pages: kept outside ``pages/`` so Streamlit never takes it for a page."""
