"""Streamlit entry point: ``aifd serve`` (``streamlit run dashboard/app.py -- --db PATH``).

The settings are read here, once per run (configuration, then ``--db``), and handed to the pages
through ``ui.configure``; the pages and their figures come from ``pages.PAGES``.
"""
import sys

import streamlit as st

from dashboard import ui
from dashboard.pages import PAGES

st.set_page_config(page_title="AI Factory dashboard", page_icon=":material/bolt:", layout="wide")
ui.configure(ui.settings_from_argv(sys.argv))

nav: dict[str, list] = {}
for p in PAGES:
    nav.setdefault(p.group, []).append(
        st.Page(p.path, title=p.title, icon=p.icon, default=not p.key, **({"url_path": p.key} if p.key else {})))
st.navigation(nav).run()
