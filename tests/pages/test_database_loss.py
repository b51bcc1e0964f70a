"""The database goes away mid-session: every page says so in words, nothing leaks, no traceback."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from scoring.store import Store
from tests.conftest import ROOT
from tests.helpers import save_version
from ui import auth

PAGES = ("evaluate", "robustness", "scenarios", "compliance", "panel", "report", "import_bids")


def _down(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))


@pytest.fixture
def database_down(monkeypatch):  # type: ignore[no-untyped-def]
    def cut() -> None:
        for name in ("role", "flags", "members", "panel_record", "versions", "version", "latest",
                     "audit", "snapshot", "snapshot_name", "evaluations", "evaluation", "save",
                     "create", "record_scores", "moderate", "set_flag", "set_member"):
            monkeypatch.setattr(Store, name, _down)
    return cut


def test_every_page_survives_the_database_going_away(database_down):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    save_version(at, "before the outage", name="Outage")
    database_down()
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        if page in ("panel", "report"):
            assert any("not answering" in w.value for w in at.warning), page
    at.switch_page("app_pages/evaluate.py").run()
    assert next(df.value for df in at.dataframe if "Rank" in df.value.columns) is not None


def test_a_save_the_database_refuses_is_said_plainly(database_down):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("app_pages/report.py").run()
    next(w for w in at.text_area if w.label == "Reason for this version").set_value("disk full")
    database_down()
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("Not saved" in e.value for e in at.error) or any("not answering" in w.value
                                                               for w in at.warning)


@pytest.mark.parametrize("evaluation", ["99999999999999999999999", "-1", "0", "1e9", "abc"])
def test_a_link_with_a_number_the_app_never_gives_is_refused_in_words(evaluation):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["evaluation"], at.query_params["version"] = evaluation, "1"
    at.run()
    assert not at.exception
    assert any("damaged" in e.value for e in at.error)


def test_signed_in_with_the_database_down_nothing_of_the_evaluation_shows(monkeypatch,
                                                                         database_down, sample_bytes):
    import os

    from scoring.evaluation import Evaluation
    from scoring.workbook import read_workbook

    db = Store(os.environ["SSW_DATABASE_URL"])
    v = db.create("Sealed outage", sample_bytes, "sealed.xlsx",
                  Evaluation.of(read_workbook(sample_bytes).bidset), author="chair@agency.gov",
                  reason="set up")
    db.declare(v.evaluation_id, "chair@agency.gov", conflict=False, statement="no conflict")
    monkeypatch.setattr(auth, "auth_configured", lambda: True)
    monkeypatch.setattr(auth, "identity", lambda: auth.Identity("chair@agency.gov", "Chair", True))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["evaluation"], at.query_params["version"] = str(v.evaluation_id), "1"
    at.run()
    assert "Sealed outage" in " ".join(m.value for m in at.sidebar.markdown)
    database_down()
    at.run()
    assert not at.exception
    assert any("cannot be checked" in w.value for w in at.warning)
    assert "Sealed outage" not in " ".join(m.value for m in at.markdown)


def test_a_database_that_cannot_be_opened_is_said_without_its_internals(tmp_path, monkeypatch):
    """A database file that is not a database: saving is unavailable, said in words; the
    driver's error type and the file's path are for the server's log only."""
    bad = tmp_path / "evaluations.db"
    bad.write_bytes(b"this is not a database file" * 100)
    monkeypatch.setenv("SSW_DATABASE_URL", f"sqlite:///{bad}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    shown = " ".join(w.value for w in at.warning)
    assert "Saving and sharing are unavailable" in shown
    assert "Error" not in shown and str(tmp_path) not in shown


def test_a_database_that_cannot_be_opened_is_not_tried_again_on_every_run(tmp_path, monkeypatch):
    """Runs take turns: an attempt to open a database that does not answer would hold every
    session up, on every run. After a failure it is tried again only after a pause."""
    from ui import persistence

    bad = tmp_path / "evaluations.db"
    bad.write_bytes(b"this is not a database file" * 100)
    monkeypatch.setenv("SSW_DATABASE_URL", f"sqlite:///{bad}")
    tries = []
    real = persistence._store_for
    monkeypatch.setattr(persistence, "_store_for", lambda url: tries.append(url) or real(url))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/report.py").run()
    at.run()
    at.run()
    assert not at.exception and len(tries) == 1
    assert any("Saving and sharing are unavailable" in w.value for w in at.warning)
    monkeypatch.setattr(persistence, "RETRY_OPEN_S", 0.0)  # the pause over: tried again
    at.run()
    assert len(tries) == 2
