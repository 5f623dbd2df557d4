"""AI-factory sovereignty and energy dashboard: DuckDB store, named SQL queries, Streamlit pages."""

__version__ = "0.1.0"
