"""Kill the app process in the middle of saves, restart it: every acknowledged save survives."""

from __future__ import annotations

import os
import random
import re
import signal

from scoring.store import Store
from tests.conftest import FIGURES
from tests.e2e.conftest import AppServer, free_port, wait_idle


def go(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(page)


def test_acknowledged_saves_survive_a_killed_app(browser, database_url, tmp_path):
    rng = random.Random(7)
    port = free_port()
    env = {**os.environ, "SSW_DATABASE_URL": database_url}
    app = AppServer(port, env, tmp_path / "app.log")
    app.wait()
    acknowledged: list[tuple[int, int]] = []
    try:
        for attempt in range(3):
            page = browser.new_context(viewport={"width": 1400, "height": 1300}).new_page()
            page.goto(app.url + "/")
            wait_idle(page)
            go(page, "Report & share")
            name = page.get_by_label("Evaluation name", exact=True)
            if name.count():
                name.fill(f"Fault test {attempt}")
            page.get_by_label("Reason for this version", exact=True).fill("acknowledged save")
            page.get_by_role("button", name="Save", exact=True).click()
            wait_idle(page)
            text = page.get_by_text(re.compile(r"Saved as evaluation #\d+, version \d+")).inner_text()
            eid, version = map(int, re.findall(r"\d+", text)[:2])
            acknowledged.append((eid, version))
            # Start a second save and kill the server while it may be in flight.
            page.get_by_label("Reason for this version", exact=True).fill("save cut short")
            page.get_by_role("button", name="Save", exact=True).click()
            page.wait_for_timeout(rng.randint(0, 250))
            app.proc.send_signal(signal.SIGKILL)
            app.proc.wait(timeout=30)
            page.context.close()
            app.stop()
            app = AppServer(port, env, tmp_path / f"app{attempt}.log")
            app.wait()
        db = Store(database_url)
        for eid, version in acknowledged:
            saved = db.versions(eid)
            assert version in [v.number for v in saved], (eid, version)
            assert [v.number for v in saved] == list(range(1, len(saved) + 1))
            assert db.snapshot(saved[-1].snapshot_sha256) is not None
            assert all(e.reason for e in db.audit(eid))
        kind = database_url.split(":", 1)[0].split("+", 1)[0]
        cut_short = sum(len(db.versions(e)) for e in {e for e, _ in acknowledged}) - len(acknowledged)
        FIGURES.append(f"faults ({kind}): app killed 3 times mid-save; {len(acknowledged)} "
                       f"acknowledged saves, all found after restart; {cut_short} in-flight saves "
                       "also committed before the kill")
        # The restarted app opens the last acknowledged save.
        eid, version = acknowledged[-1]
        page = browser.new_context().new_page()
        page.goto(f"{app.url}/?evaluation={eid}&version={version}")
        wait_idle(page)
        page.get_by_text(f"saved evaluation #{eid}, version {version}").first.wait_for()
    finally:
        app.stop()
