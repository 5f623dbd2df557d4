"""The real parts of the end-to-end tests: a Streamlit server on 127.0.0.1 over a given store and
headless Chromium, and a page opened until Streamlit has finished running it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def require(condition: bool, why: str) -> None:
    """Skip without the part, except under CI, where a missing part is a failure."""
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why} (required under CI)")
        pytest.skip(why)


@contextmanager
def streamlit_server(db: Path, log_path: Path) -> Iterator[str]:
    """The dashboard served over `db`; yields its URL once it answers its health check."""
    require(Path(CHROMIUM).exists(), "no Chromium: apt-get install -y chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "playwright is not installed: pip install -e '.[test]'")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard.server", "run", str(ROOT / "dashboard" / "app.py"),
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            env=dict(os.environ, AIFD_DB=str(db)), stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                        break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail(f"streamlit did not start: {log_path.read_text()[-2000:]}")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            yield b
        finally:
            b.close()


def open_page(browser, url: str, height: int = 2400):
    page = browser.new_page(viewport={"width": 1400, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    # "notRunning" is also the state before the first run starts: wait for the page's title first
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset?.testScriptState === 'notRunning'",
        timeout=180_000)
    return page, errors
