"""Data: what was loaded, when, from which file (with its SHA-256), and what was rejected and why."""
import streamlit as st

from dashboard import ui

ui.page_header("Data", "What the store holds, every load with its file checksum, and every rejected "
               "row with its file, line and reason.")
start, end = ui.time_range()
st.caption(f"Database: `{ui.db_path()}` · settings from {ui.settings().source}")

contents = ui.run("store_contents")
st.subheader("Store contents")
st.dataframe(contents.frame, hide_index=True, width="stretch", height=35 * (len(contents.frame) + 1) + 3,
             column_config={"first_ts": st.column_config.DatetimeColumn("first (UTC)", format="YYYY-MM-DD HH:mm:ss"),
                            "last_ts": st.column_config.DatetimeColumn("last (UTC)", format="YYYY-MM-DD HH:mm:ss")})
ui.provenance(contents)

st.subheader("Ingest log")
log = ui.run("ingest_log", limit=500)
f = log.frame
if not f.empty:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Loads", len(f))
    c2.metric("Rows loaded", f"{int(f['rows_loaded'].sum()):,}")
    c3.metric("Rows rejected", f"{int(f['rows_rejected'].sum()):,}")
    c4.metric("Failed loads", int((f["status"] == "failed").sum()))
st.dataframe(f, hide_index=True, width="stretch", height=320,
             column_config={"sha256": st.column_config.TextColumn("SHA-256", width="small"),
                            "started": st.column_config.DatetimeColumn("started (UTC)", format="YYYY-MM-DD HH:mm:ss")})
ui.provenance(log, "load with `aifd ingest PATH...`; a file already loaded (same SHA-256) is skipped")

st.subheader("Rejected rows")
load_ids = [None, *f.loc[f["rows_rejected"] > 0, "load_id"].tolist()] if not f.empty else [None]
chosen = st.selectbox("Load", load_ids, format_func=lambda v: "all loads" if v is None else f"load {v}")
rejects = ui.run("rejects", load_id=chosen, limit=1000)
if rejects.frame.empty:
    st.success("No rejected rows.")
else:
    st.dataframe(rejects.frame, hide_index=True, width="stretch", height=320)
ui.provenance(rejects)

st.subheader("Fleet by GPU model")
inv = ui.run("fleet_inventory")
st.dataframe(inv.frame, hide_index=True, width="stretch")
ui.provenance(inv, "models missing from the catalog are stored and flagged (peak unknown), never dropped")

st.subheader("GPU model catalog (dense peak per GPU)")
cat = ui.run("gpu_catalog")
st.dataframe(cat.frame, hide_index=True, width="stretch",
             column_config={"source": st.column_config.TextColumn("source (datasheet)", width="large"),
                            "notes": st.column_config.TextColumn(width="large")})
ui.provenance(cat, "revise it by ingesting a CSV with the same columns (queries/reference/gpu_models.csv)")

st.subheader("XID error codes")
xid = ui.run("xid_catalog", start=start, end=end)
st.dataframe(xid.frame, hide_index=True, width="stretch",
             column_config={"source": st.column_config.TextColumn(width="large")})
ui.provenance(xid, "meanings from queries/reference/xid_codes.csv; revise by ingesting a CSV with the same columns")
