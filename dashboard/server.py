"""The Streamlit server process that ``aifd serve`` starts.

It imports what every page needs (Altair, pandas, DuckDB, the figure core and the page helpers)
before the server opens its port, so the first visitor's page does not pay about two seconds of
imports: Streamlit runs page scripts inside this process and finds the modules loaded.
"""
import sys

import altair  # noqa: F401
import duckdb  # noqa: F401
import pandas  # noqa: F401
from streamlit.web import cli

from dashboard import figures, pages, ui  # noqa: F401

if __name__ == "__main__":
    sys.argv[0] = "streamlit"
    sys.exit(cli.main())
