"""A real OIDC sign-in (oidc-provider-mock on 127.0.0.1) and what each role sees."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
import warnings

import pytest

from tests.e2e.conftest import ROOT, AppServer, free_port, shot, wait_idle

USERS = ("chair@agency.gov", "eve@agency.gov", "vic@agency.gov")
IMPOSTOR = "impostor"  # another subject claiming the chair's address, not verified


@pytest.fixture(scope="module")
def provider(browser, tmp_path_factory):  # type: ignore[no-untyped-def]
    try:
        with warnings.catch_warnings():  # its dependencies announce future deprecations
            warnings.simplefilter("ignore")
            import oidc_provider_mock  # noqa: F401
    except ImportError:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("oidc-provider-mock is not installed")
        pytest.skip("oidc-provider-mock is not installed")
    port = free_port()
    args = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    for user in USERS:
        args += ["--user-claims", json.dumps({"sub": user, "email": user, "name": user,
                                              "email_verified": True})]
    args += ["--user-claims", json.dumps({"sub": IMPOSTOR, "email": USERS[0], "name": IMPOSTOR,
                                          "email_verified": False})]
    log = (tmp_path_factory.mktemp("oidc") / "provider.log").open("w")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def secured_app(provider, database_url, tmp_path_factory):  # type: ignore[no-untyped-def]
    port = free_port()
    folder = tmp_path_factory.mktemp("secrets")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "a-long-random-string-for-the-test-only"\n'
        'client_id = "source-selection-workbench"\n'
        'client_secret = "not-checked-by-the-mock"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {**os.environ, "SSW_DATABASE_URL": database_url}
    app = AppServer(port, env, folder / "app.log", ("--secrets.files", str(secrets)))
    app.wait()
    yield app
    app.stop()


def sign_in(browser, app, user: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1300}, accept_downloads=True)
    page = context.new_page()
    page.goto(app.url + "/")
    wait_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=user, exact=True).click()  # the provider's login form
    page.wait_for_url(re.compile(re.escape(app.url)))
    wait_idle(page)
    page.get_by_text(f"Signed in as {user}").wait_for()
    return page


def sidebar_pages(page) -> list[str]:  # type: ignore[no-untyped-def]
    texts = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in texts]  # drop the icon's ligature name


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    """Pick ``option`` in the selectbox ``label``. A first click that lands while the form
    re-lays itself out (the field just left loses its "Press Enter" hint) may only focus the box:
    click until its list is open."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box, choice = page.get_by_role("combobox", name=label), page.get_by_role(
        "option", name=option, exact=True)
    for attempt in range(6):  # a loaded machine may take a while to re-lay the form out
        box.click()
        try:
            choice.wait_for(timeout=5000)
            # the list may be drawn again while it opens (its option detached): open it again
            choice.click(timeout=5000)
            return
        except PlaywrightTimeout:
            if attempt == 5:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)


def declare_no_conflict(page) -> None:  # type: ignore[no-untyped-def]
    """The conflict-of-interest gate: before it, nothing of the evaluation is on the page."""
    page.get_by_role("heading", name="Conflict of interest").wait_for()
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Cascade Cloud Services" not in text and "Signed-in panel" not in text
    shot(page, "declaration")
    page.get_by_text("I have no conflict of interest", exact=True).click()
    page.get_by_role("button", name="Declare").click()
    wait_idle(page)


def test_three_users_three_views(browser, secured_app):
    app = secured_app
    chair = sign_in(browser, app, USERS[0])
    assert "Panel" in sidebar_pages(chair) and "Evaluate" in sidebar_pages(chair)
    chair.locator('[data-testid="stSidebarNav"]').get_by_text("Report & share").click()
    wait_idle(chair)
    chair.get_by_label("Evaluation name", exact=True).fill("Signed-in panel")
    chair.get_by_label("Reason for this version", exact=True).fill("Panel opens")
    chair.get_by_role("button", name="Save", exact=True).click()
    wait_idle(chair)
    declare_no_conflict(chair)  # saved: from now on a member's evaluation
    chair.get_by_text("Saved as evaluation").wait_for()
    link = re.sub(r"\s+", "", chair.locator('[data-testid="stCode"]').filter(
        has_text="evaluation=").first.inner_text())
    chair.locator('[data-testid="stSidebarNav"]').get_by_text("Panel").click()
    wait_idle(chair)
    for user, role in ((USERS[1], "evaluator"), (USERS[2], "viewer")):
        chair.get_by_label("User (the e-mail they sign in with)").fill(user)
        choose(chair, "Role", role)
        chair.get_by_label("Reason", exact=True).fill("appointed")
        chair.get_by_role("button", name="Update membership").click()
        wait_idle(chair)
    shot(chair, "panel-chair")

    evaluator = sign_in(browser, app, USERS[1])
    evaluator.goto(link)
    wait_idle(evaluator)
    declare_no_conflict(evaluator)  # an undeclared member sees nothing of it first
    assert sidebar_pages(evaluator) in ([], ["Panel"])  # one page: no navigation needed
    evaluator.get_by_text("Blind scoring: you see only").wait_for()
    assert evaluator.get_by_role("heading", name="Spreads").count() == 0
    shot(evaluator, "panel-evaluator-blind")
    for path in ("/panel?", "/robustness?"):  # a page's own link: Panel, no "Page not found"
        evaluator.goto(link.replace("/?", path))
        wait_idle(evaluator)
        evaluator.get_by_text("Blind scoring: you see only").wait_for()
        assert evaluator.get_by_text("Page not found").count() == 0, path
        assert evaluator.get_by_text("Highest ranked").count() == 0, path

    stranger = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    stranger.goto(link.replace("/?", "/panel?"))  # not signed in yet: the sign-in page, no pop-up
    wait_idle(stranger)
    stranger.get_by_role("button", name="Sign in").wait_for()
    assert stranger.get_by_text("Page not found").count() == 0

    viewer = sign_in(browser, app, USERS[2])
    viewer.goto(link.replace("/?", "/panel?"))
    wait_idle(viewer)
    declare_no_conflict(viewer)  # then the evaluation's first page; the link again for Panel
    viewer.goto(link.replace("/?", "/panel?"))
    wait_idle(viewer)
    viewer.get_by_text("you are").first.wait_for()
    assert viewer.get_by_role("heading", name="My scores").count() == 0  # viewers do not score
    assert "Evaluate" in sidebar_pages(viewer)

    # Another subject with the chair's address, not verified by the provider, is not the chair.
    impostor = sign_in(browser, app, IMPOSTOR)
    impostor.goto(link)
    wait_idle(impostor)
    impostor.get_by_text("cannot be opened").wait_for()
    assert "Signed-in panel" not in impostor.locator('[data-testid="stApp"]').inner_text()

    # The chair removes the viewer: the viewer's open session keeps nothing of the evaluation.
    viewer.locator('[data-testid="stSidebarNav"]').get_by_text("Report & share").click()
    wait_idle(viewer)
    assert "Signed-in panel" in viewer.locator('[data-testid="stSidebar"]').inner_text()
    chair.get_by_label("User (the e-mail they sign in with)").fill(USERS[2])
    choose(chair, "Role", "remove")
    chair.get_by_label("Reason", exact=True).fill("left the panel")
    chair.get_by_role("button", name="Update membership").click()
    wait_idle(chair)
    viewer.locator('[data-testid="stSidebarNav"]').get_by_text("Report & share").click()
    wait_idle(viewer)
    viewer.get_by_text("no longer a member").wait_for()
    text = viewer.locator('[data-testid="stApp"]').inner_text()
    assert "Signed-in panel" not in text and "Panel opens" not in text  # no name, no audit log
    with viewer.expect_download() as info:
        viewer.get_by_role("button", name="Download the evaluation report (.xlsx)").click()
    import tempfile
    from pathlib import Path

    from openpyxl import load_workbook

    path = Path(tempfile.mkdtemp()) / "report.xlsx"
    info.value.save_as(path)
    report = load_workbook(path)
    cells = " ".join(str(c) for ws in report for row in ws.iter_rows(values_only=True) for c in row if c)
    assert "Signed-in panel" not in cells and "Panel opens" not in cells and "chair@agency.gov" not in cells
    shot(viewer, "removed-member")


def _frames(page) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Everything the server sends this page from now on (text, tables as Arrow, chart specs)."""
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda data: frames.append(data if isinstance(data, bytes)
                                                    else data.encode())))
    return frames


def _downloads(page) -> list[bytes]:  # type: ignore[no-untyped-def]
    """Every file the page's download buttons give (each button clicked once)."""
    import tempfile
    from pathlib import Path

    out = []
    buttons = page.locator('[data-testid="stDownloadButton"] button:visible')
    for i in range(buttons.count()):
        with page.expect_download() as info:
            buttons.nth(i).click()
        path = Path(tempfile.mkdtemp()) / info.value.suggested_filename
        info.value.save_as(path)
        out.append(path.read_bytes())
    return out


def _unpacked(data: bytes) -> bytes:
    """A download as searchable bytes: an Office file's parts unzipped, anything else as is."""
    import io
    import zipfile

    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"\x00".join(z.read(n) for n in z.namelist())


def test_assigned_cells_a_locked_submission_and_the_sealed_envelope(browser, secured_app,
                                                                   database_url, sample_bytes):
    from scoring.evaluation import Evaluation
    from scoring.store import Store
    from scoring.workbook import read_workbook
    from tests.pages.test_envelope import price_forms, sealed_workbook

    data, prices = sealed_workbook(sample_bytes)
    forms = price_forms(prices)
    db = Store(database_url)
    v = db.create("Sealed tender", data, "sealed.xlsx", Evaluation.of(read_workbook(data).bidset),
                  author=USERS[0], reason="technical envelope opens")
    eid = v.evaluation_id
    db.set_member(eid, USERS[1], "evaluator", by=USERS[0], reason="panel")
    db.declare(eid, USERS[0], conflict=False, statement="no conflict (test)")
    db.assign(eid, USERS[1], ["Technical approach"], ["Security"], chair=USERS[0],
              reason="security specialist")
    link = f"{secured_app.url}/panel?evaluation={eid}&version=1"

    # The evaluator: nothing before the declaration; then only the cells assigned to her
    evaluator = sign_in(browser, secured_app, USERS[1])
    frames = _frames(evaluator)
    evaluator.goto(link)
    wait_idle(evaluator)
    declare_no_conflict(evaluator)
    evaluator.goto(link)
    wait_idle(evaluator)
    evaluator.get_by_text("0 of 3 cells scored").wait_for()
    evaluator.get_by_text("Assigned to you by the chair: Technical approach · Security").wait_for()
    evaluator.get_by_role("combobox", name="Lot").click()
    options = evaluator.get_by_role("option").all_inner_texts()
    assert [o.strip() for o in options] == ["All lots", "Security"], options
    evaluator.keyboard.press("Escape")
    db.record_scores(eid, USERS[1], [(vendor, "Security", "Technical approach", 4.0, "sound")
                                     for vendor in ("Bastion Security Group", "Ironclad Cyber",
                                                    "Cascade Cloud Services")])
    evaluator.reload()
    wait_idle(evaluator)
    evaluator.get_by_text("3 of 3 cells scored").wait_for()
    shot(evaluator, "panel-evaluator-assigned")
    evaluator.get_by_text("I have finished scoring: lock my scores and findings").click()
    evaluator.get_by_role("button", name="Submit my scores").click()
    wait_idle(evaluator)
    evaluator.get_by_text("they and your findings are locked").wait_for()
    assert evaluator.get_by_role("button", name="Save my scores").count() == 0
    assert not [f for f in forms if any(f in x for x in frames)]  # blind: no price either

    # The chair, sealed: every page's text and data, every download, and the share link
    chair = sign_in(browser, secured_app, USERS[0])
    frames = _frames(chair)
    files: list[bytes] = []
    for path in ("import", "", "panel", "robustness", "scenarios", "compliance", "report"):
        chair.goto(f"{secured_app.url}/{path}?evaluation={eid}&version=1")
        wait_idle(chair)
        text = chair.locator('[data-testid="stApp"]').inner_text()
        assert not [p for p in prices if f"{p:,}" in text or str(p) in text], path
        assert "Highest ranked" not in text, path
        if path in ("", "robustness", "scenarios", "compliance"):
            assert "The prices are sealed" in text, path
        files += _downloads(chair)
    share = re.sub(r"\s+", "", chair.locator('[data-testid="stCode"]').filter(
        has_text="evaluation=").first.inner_text())
    chair.goto(share)
    wait_idle(chair)
    found = [f for f in forms if any(f in x for x in frames)
             or any(f in _unpacked(d) for d in files)]
    assert not found, found
    assert len(files) == 1  # the blank template alone (the report, documents and bundle hold prices)

    # The submitted score stays locked until the chair reopens it, with a reason
    chair.goto(link)
    wait_idle(chair)
    shot(chair, "panel-chair-sealed")
    assert chair.get_by_role("combobox", name="Evaluator", exact=True).input_value() == USERS[1]
    chair.get_by_label("Why it is reopened").fill("clarification received")
    chair.get_by_role("button", name="Reopen").click()
    wait_idle(chair)
    evaluator.reload()
    wait_idle(evaluator)
    evaluator.get_by_role("button", name="Save my scores").wait_for()
    assert db.submitted(eid) == {}

    # Consensus, the lock, then the prices unsealed: now they show (the search can find them)
    evaluator.get_by_text("I have finished scoring: lock my scores and findings").click()
    evaluator.get_by_role("button", name="Submit my scores").click()
    wait_idle(evaluator)
    db.set_flag(eid, "consensus_open", "yes", by=USERS[0], reason="every score is in")
    chair.reload()
    wait_idle(chair)
    chair.get_by_text("The technical scores are final").click()
    chair.get_by_label("Reason for this step", exact=True).fill("consensus meeting closed")
    chair.get_by_role("button", name="Lock the technical consensus").click()
    wait_idle(chair)
    chair.get_by_text("Open the price envelope: the chair and viewers").click()
    chair.get_by_label("Reason for this step", exact=True).first.fill("technical report signed")
    chair.get_by_role("button", name="Unseal the prices").click()
    wait_idle(chair)
    assert db.flags(eid)["prices_unsealed"] == "yes"
    frames.clear()
    chair.goto(f"{secured_app.url}/?evaluation={eid}&version=1")
    wait_idle(chair)
    chair.get_by_text("Highest ranked").first.wait_for()
    assert [f for f in forms if any(f in x for x in frames)]
