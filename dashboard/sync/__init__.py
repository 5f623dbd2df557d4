"""Live source: the site's Prometheus (or Thanos, Mimir, VictoriaMetrics) read over its HTTP API.

``run.sync`` fetches what the store lacks and stores it chunk by chunk through the same checks as
file ingest (``ingest.loader.load_staged``); ``schedule.run_every`` repeats it; ``writer`` is the
single writer that holds the store's lock only per chunk. Nothing here imports streamlit.
"""
from .prometheus import SyncError
from .run import SyncReport, sync
from .writer import SyncBusy

__all__ = ["SyncBusy", "SyncError", "SyncReport", "sync"]
