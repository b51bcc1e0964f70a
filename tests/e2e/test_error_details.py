"""In Chromium, with the shipped config: an unexpected error shows no type, message, path or
source line; a link naming a number the app never gives is refused in words."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.e2e.conftest import ROOT, AppServer, free_port, wait_idle


def test_a_forced_exception_shows_users_nothing_of_it(browser, tmp_path):
    (tmp_path / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", tmp_path / ".streamlit" / "config.toml")
    (tmp_path / "boom.py").write_text('import streamlit as st\nst.title("Boom")\n'
                                      'raise RuntimeError("password hunter2 at /srv/secret.py")\n')
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "boom.py", "--server.port",
                             str(port), "--server.headless", "true"], cwd=tmp_path, stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        server = AppServer.__new__(AppServer)
        server.url, server.port = f"http://127.0.0.1:{port}", port
        AppServer.wait(server)
        page = browser.new_context().new_page()
        page.goto(server.url + "/")
        wait_idle(page)
        text = page.locator('[data-testid="stApp"]').inner_text()
        assert "Boom" in text
        for secret in ("hunter2", "RuntimeError", "boom.py", "secret.py", "raise", "Traceback"):
            assert secret not in text, secret
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    assert "hunter2" in (tmp_path / "server.log").read_text()


def test_a_link_with_an_impossible_number_is_refused_in_words(browser, servers):
    page = browser.new_context().new_page()
    page.goto(servers[0].url + "/?evaluation=99999999999999999999999&version=1")
    wait_idle(page)
    assert page.get_by_text("This share link is damaged").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0


