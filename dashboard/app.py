"""Streamlit entry point: ``streamlit run dashboard/app.py`` (or ``aifd serve``)."""
from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent / "pages"

st.set_page_config(page_title="AI Factory dashboard", page_icon="⚡", layout="wide")

pages = {
    "Executives": [
        st.Page(HERE / "overview.py", title="Overview", icon="📊", default=True),
        st.Page(HERE / "sovereignty.py", title="Sovereignty", icon="🇪🇺", url_path="sovereignty"),
    ],
    "Operators": [
        st.Page(HERE / "performance.py", title="Performance", icon="🚀", url_path="performance"),
        st.Page(HERE / "operations.py", title="Operations", icon="🛠️", url_path="operations"),
    ],
    "Auditors": [
        st.Page(HERE / "data.py", title="Data", icon="🗄️", url_path="data"),
    ],
}
st.navigation(pages).run()
