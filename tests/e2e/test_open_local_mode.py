"""Local mode has no sign-in, so it serves this machine only: on a network address it refuses,
unless the operator accepts the risk explicitly, and then every page says so."""

from __future__ import annotations

import os

from tests.e2e.conftest import AppServer, free_port, wait_idle


def _serve(tmp_path, name: str, env: dict[str, str]) -> AppServer:
    app = AppServer(free_port(), {**os.environ, **env}, tmp_path / f"{name}.log",
                    ("--server.address", "0.0.0.0"))
    app.wait()
    return app


def test_local_mode_on_a_network_address_refuses_to_serve(browser, tmp_path):
    env = {"SSW_DATABASE_URL": f"sqlite:///{tmp_path / 'open.db'}", "SSW_ALLOW_OPEN_LOCAL_MODE": "0"}
    app = _serve(tmp_path, "refused", env)
    try:
        page = browser.new_context().new_page()
        page.goto(app.url + "/")
        wait_idle(page)
        body = page.locator('[data-testid="stApp"]').inner_text()
        assert "without sign-in" in body and "configure sign-in" in body
        assert "Cascade" not in body  # nothing of any evaluation
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    finally:
        app.stop()


def test_open_local_mode_accepted_explicitly_is_announced_on_every_page(browser, tmp_path):
    env = {"SSW_DATABASE_URL": f"sqlite:///{tmp_path / 'open2.db'}", "SSW_ALLOW_OPEN_LOCAL_MODE": "1"}
    app = _serve(tmp_path, "accepted", env)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
        for path in ("/", "/scenarios", "/report"):
            page.goto(app.url + path)
            wait_idle(page)
            assert page.get_by_text("Open local mode").count() == 1, path
    finally:
        app.stop()
