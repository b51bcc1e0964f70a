"""The first visitor after a server start: how long until the page is rendered, in Chromium.

Starts the app two ways on 127.0.0.1 — plain ``streamlit run app.py`` (the reference) and the
launcher ``python -m ui.launch`` (imports and warms before the server takes connections) — and
for each: the time from start until the health check answers, the first page (Evaluate)
rendered for the first visitor, the server CPU that first run cost, and the first visit of each
other page. Prints the launcher's figures against the reference's, measured in the same run.
Needs Chromium at /usr/bin/chromium and Playwright (the test extras).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
PAGES = ("robustness", "scenarios", "compliance", "panel", "report", "import", "monitor",
         "strategy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(command: list[str], browser) -> dict[str, float]:  # type: ignore[no-untyped-def]
    port = free_port()
    folder = tempfile.mkdtemp()
    env = {**os.environ, "SSW_DATABASE_URL": f"sqlite:///{folder}/first.db"}
    start = time.perf_counter()
    proc = subprocess.Popen([*command, "--server.port", str(port), "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.05)
            if time.perf_counter() - start > 120:
                raise RuntimeError("the server did not start")
        out = {"healthy after start": time.perf_counter() - start}
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        cpu = cpu_seconds(proc.pid)
        t = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("text=Highest ranked", timeout=120_000)
        page.wait_for_selector(READY, timeout=120_000)
        out["first page, first visitor"] = time.perf_counter() - t
        out["server CPU of that run"] = cpu_seconds(proc.pid) - cpu
        for name in PAGES:
            t = time.perf_counter()
            page.goto(f"{url}/{name}")
            page.wait_for_selector(READY, timeout=120_000)
            out[f"first visit: {name}"] = time.perf_counter() - t
        page.close()
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        plain = measure([sys.executable, "-m", "streamlit", "run", "app.py"], browser)
        warm = measure([sys.executable, "-m", "ui.launch"], browser)
        browser.close()
    print(f"{'':<28} {'streamlit run':>14} {'ui.launch':>10}")
    for key in plain:
        ratio = plain[key] / warm[key] if warm[key] else float("inf")
        print(f"{key:<28} {plain[key]:>12.2f} s {warm[key]:>8.2f} s   {ratio:.1f}x")


if __name__ == "__main__":
    main()
