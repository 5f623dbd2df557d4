"""Small pure helpers over figures that pages and reports share (no Streamlit, no SQL)."""
