"""``aifd sync --every 60s``: sync periodically, beside the dashboard, never blocking its pages.

Each tick is one ``run.sync`` under the store's sync lock: it fetches what the store lacks up to
now minus ``delay`` and stores it chunk by chunk (the store is open only per chunk, see
``writer``). A failed tick is recorded in ``sync_sources`` (the Data page shows the error and the
growing lag) and the next tick tries again; SIGTERM or SIGINT stops after the current chunk.
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Callable

from ..config import Settings
from .prometheus import SyncError, redact
from .run import sync
from .writer import SyncBusy, source_lock

Say = Callable[[str], None]


def run_every(settings: Settings, every_s: float, *, say: Say = print, stop: threading.Event | None = None,
              ticks: int | None = None, since_s: float | None = None) -> int:
    """Sync every ``every_s`` seconds until stopped (or ``ticks`` ticks); returns the failed ticks."""
    stop = stop or threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        def on_signal(signum, _frame):
            say(f"stopping after the current chunk ({signal.Signals(signum).name})")
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    failed = n = 0
    say(f"syncing {redact(settings.prometheus.url)} into {settings.db_path} every {every_s:g} s")
    try:
        while not stop.is_set() and (ticks is None or n < ticks):
            n += 1
            t0 = time.monotonic()
            try:
                with source_lock(settings.db_path):
                    report = sync(settings, record_failure=True, stop=stop, since_s=since_s)
                say(report.summary().splitlines()[0] if not report.stored else report.summary())
            except SyncBusy as e:
                say(f"tick skipped: {e}")
            except SyncError as e:
                failed += 1
                say(f"aifd: sync: {e}")
            if ticks is not None and n >= ticks:
                break
            stop.wait(max(0.0, every_s - (time.monotonic() - t0)))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return failed
