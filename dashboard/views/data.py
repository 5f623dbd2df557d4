"""Data: what was loaded, when, from which file (with its SHA-256) or Prometheus source, and what
was rejected and why."""
from datetime import datetime, timezone

import streamlit as st

from dashboard import ui


def contents() -> None:
    fig = ui.run("store_contents")
    st.subheader("Store contents")
    ui.table(fig, height=35 * (len(fig.frame) + 1) + 3)
    ui.provenance(fig)


def sources() -> None:
    st.subheader("Live sources")
    now = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)  # lag, per minute
    status = ui.run("sync_status", now=now)
    f = status.frame
    if f.empty:
        st.info("No Prometheus source synced into this store. Set `url` in the `[prometheus]` section of "
                "aifd.toml (or AIFD_PROMETHEUS_URL) and run `aifd sync`, or `aifd serve` to sync every minute.")
    else:
        for i, row in f.head(3).iterrows():
            c1, c2, c3, c4 = st.columns(4)
            ui.metric(c1, status, "lag_min", f"Lag · {row['source']}", row=i)
            ui.tile(c2, "Last sync", f"{row['last_sync']:%H:%M:%S} UTC", status,
                    help=f"{row['last_sync']:%Y-%m-%d %H:%M:%S} UTC; last attempt {row['status']}")
            ui.metric(c3, status, "rows_loaded", row=i)
            ui.metric(c4, status, "failures", row=i, delta=row["last_error"] if row["failures"] else None)
        ui.table(status, widths={"source": "medium", "last_error": "large"})
    ui.provenance(status, "lag is measured to the current minute; `aifd sync` stores what is missing, "
                          "`aifd sync --every 60s` keeps doing so")
    per = ui.run("sync_metrics", now=now)
    if not per.empty:
        with st.expander("Per series: what is stored, up to when"):
            ui.table(per, height=35 * (min(len(per.frame), 20) + 1) + 3)
    ui.provenance(per)


def ingest_log():
    st.subheader("Ingest log")
    log = ui.run("ingest_log", limit=500)
    f = log.frame
    if not f.empty:
        c1, c2, c3, c4 = st.columns(4)
        ui.tile(c1, "Loads", f"{len(f):,}", log)
        ui.tile(c2, "Rows loaded", f"{int(f['rows_loaded'].sum()):,}", log)
        ui.tile(c3, "Rows rejected", f"{int(f['rows_rejected'].sum()):,}", log)
        ui.tile(c4, "Failed loads", f"{int((f['status'] == 'failed').sum()):,}", log)
    ui.table(log, height=320, widths={"sha256": "small"})
    ui.provenance(log, "load with `aifd ingest PATH...`; a file already loaded (same SHA-256) is skipped")
    return log


def rejects(log) -> None:
    st.subheader("Rejected rows")
    f = log.frame
    load_ids = [None, *f.loc[f["rows_rejected"] > 0, "load_id"].tolist()] if not f.empty else [None]
    chosen = st.selectbox("Load", load_ids, format_func=lambda v: "all loads" if v is None else f"load {v}")
    fig = ui.run("rejects", load_id=chosen, limit=1000)
    if fig.empty:
        st.success("No rejected rows.")
    else:
        ui.table(fig, height=320)
    ui.provenance(fig)


def reference(start, end) -> None:
    st.subheader("Fleet by GPU model")
    inv = ui.run("fleet_inventory")
    ui.table(inv)
    ui.provenance(inv, "models missing from the catalog are stored and flagged (peak unknown), never dropped")

    st.subheader("GPU model catalog (dense peak per GPU)")
    cat = ui.run("gpu_catalog")
    ui.table(cat, widths={"source": "large", "notes": "large"})
    ui.provenance(cat, "revise it by ingesting a CSV with the same columns (queries/reference/gpu_models.csv)")

    st.subheader("XID error codes")
    xid = ui.run("xid_catalog", start=start, end=end)
    ui.table(xid, widths={"source": "large"})
    ui.provenance(xid, "meanings from queries/reference/xid_codes.csv; revise by ingesting a CSV with the same columns")


ui.start(__file__)
ui.page_header("Data", "What the store holds, every load with its file checksum, and every rejected "
               "row with its file, line and reason.")
_start, _end = ui.time_range()
st.caption(f"Database: `{ui.db_path()}` · settings from {ui.settings().source}")
contents()
sources()
rejects(ingest_log())
reference(_start, _end)
