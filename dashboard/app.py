"""Streamlit entry point: ``streamlit run dashboard/app.py`` (or ``aifd serve``)."""
from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent / "views"  # not pages/: Streamlit would also serve those as bare scripts

st.set_page_config(page_title="AI Factory dashboard", page_icon=":material/bolt:", layout="wide")

pages = {
    "Executives": [
        st.Page(HERE / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(HERE / "sovereignty.py", title="Sovereignty", icon=":material/flag:", url_path="sovereignty"),
    ],
    "Operators": [
        st.Page(HERE / "performance.py", title="Performance", icon=":material/speed:", url_path="performance"),
        st.Page(HERE / "operations.py", title="Operations", icon=":material/build:", url_path="operations"),
    ],
    "Auditors": [
        st.Page(HERE / "data.py", title="Data", icon=":material/database:", url_path="data"),
    ],
}
st.navigation(pages).run()
