"""AppTest of saving, sharing and reopening evaluations (Report & share page)."""

import json
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from scoring.store import Store
from tests.conftest import ROOT
from tests.helpers import edit_rows


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def labelled(widgets, label):
    return next(w for w in widgets if w.label == label)


def ranking_table(at):
    return next(df.value for df in at.dataframe if "Rank" in df.value.columns)


def save(at: AppTest, author: str, reason: str, name: str | None = None) -> AppTest:
    at.switch_page("app_pages/report.py").run()
    if name is not None:
        labelled(at.text_input, "Evaluation name").set_value(name)
    labelled(at.text_input, "Your name").set_value(author)
    labelled(at.text_area, "Reason for this version").set_value(reason)
    at.button[0].click().run()  # the form's submit button comes first on the page
    assert not at.exception
    return at


def share_link(at: AppTest) -> dict:
    link = next(c.value for c in at.code if "evaluation=" in c.value)
    parsed = urlparse(link)
    return {"path": parsed.path, **{k: v[0] for k, v in parse_qs(parsed.query).items()}}


def test_save_share_and_reopen_reproduces_the_ranking():
    a = app()
    labelled(a.selectbox, "Scoring method").select("wsm").run()
    edit_rows(a, "points", {4: {"Points": 60}})
    a.run()
    expected = ranking_table(a)
    save(a, "Ann Chair", "Panel agreed weights", name="Tax system modernization")
    assert any("Saved as evaluation" in s.value for s in a.success)
    query = share_link(a)
    assert query["version"] == "1" and query["path"].rstrip("/") == ""
    assert "Cascade" not in json.dumps(query)  # no bid data in the link

    b = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key in ("evaluation", "version", "lot"):
        b.query_params[key] = query[key]
    b.run()
    assert not b.exception
    got = ranking_table(b)
    assert got.equals(expected)
    captions = " ".join(c.value for c in b.caption)
    assert f"version {query['version']}" in captions and "SHA-256" in captions


def test_second_save_on_the_same_version_is_refused_and_keeps_local_changes():
    a = app()
    save(a, "Ann", "first", name="Concurrent")
    query = share_link(a)
    b = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    b.query_params["evaluation"], b.query_params["version"] = query["evaluation"], query["version"]
    b.run()
    a.switch_page("app_pages/evaluate.py").run()
    labelled(a.selectbox, "Scoring method").select("vikor").run()
    save(a, "Ann", "switch to VIKOR")
    assert any("version 2" in s.value for s in a.success)
    labelled(b.selectbox, "Scoring method").select("wpm").run()
    save(b, "Bob", "try WPM")
    assert any("changed by Ann" in e.value for e in b.error)
    b.switch_page("app_pages/evaluate.py").run()
    assert labelled(b.selectbox, "Scoring method").value == "wpm"  # nothing lost locally


def test_unsaved_changes_are_shown_and_audit_log_lists_them():
    a = app()
    save(a, "Ann", "baseline", name="Audited")
    a.switch_page("app_pages/evaluate.py").run()
    labelled(a.selectbox, "Scoring method").select("wsm").run()
    assert "unsaved changes" in " ".join(c.value for c in a.caption)
    a.switch_page("app_pages/report.py").run()
    assert any("unsaved changes" in w.value for w in a.warning)
    save(a, "Ann", "use weighted sum")
    audit = next(df.value for df in a.dataframe if "Why" in df.value.columns)
    row = audit[audit["What"] == "Setting: scoring method"].iloc[0]
    assert (row["Old value"], row["New value"], row["Why"], row["Who"]) == (
        "TOPSIS (closeness to the ideal)", "Weighted sum (WSM)", "use weighted sum", "Ann")


def test_cli_on_the_exported_snapshot_gives_the_same_ranking(tmp_path):
    a = app()
    labelled(a.selectbox, "Scoring method").select("vikor").run()
    expected = ranking_table(a)
    save(a, "Ann", "for the record", name="Reproducible")
    ref = a.session_state["saved_version"]
    import os

    db = Store(os.environ["SSW_DATABASE_URL"])
    (tmp_path / "s.xlsx").write_bytes(db.snapshot(ref.version.snapshot_sha256))
    (tmp_path / "s.json").write_text(db.version(ref.evaluation_id, 1).evaluation.to_json())
    out = subprocess.run([sys.executable, "-m", "scoring", "rank", str(tmp_path / "s.xlsx"),
                          "--settings", str(tmp_path / "s.json"), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    bids = [b for b in json.loads(out.stdout)["bids"] if b["lot"] == "Infrastructure"]
    assert [b["vendor"] for b in bids] == list(expected["Vendor"])
    assert [round(b["score"], 4) for b in bids] == [round(s, 4) for s in expected["Score"]]


def test_damaged_or_unknown_share_links_are_explained():
    b = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    b.query_params["evaluation"], b.query_params["version"] = "abc", "1"
    b.run()
    assert any("damaged" in e.value for e in b.error) and not b.exception
    c = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    c.query_params["evaluation"], c.query_params["version"] = "99999", "1"
    c.run()
    assert any("cannot be opened" in e.value for e in c.error) and not c.exception


def test_reopen_an_older_version_from_the_list():
    a = app()
    save(a, "Ann", "baseline", name="Reopen me")
    a.switch_page("app_pages/evaluate.py").run()
    labelled(a.selectbox, "Scoring method").select("wsm").run()
    save(a, "Ann", "weighted sum")
    ref = a.session_state["saved_version"]
    assert ref.version.number == 2
    labelled(a.selectbox, "Evaluation").set_value(
        next(o for o in labelled(a.selectbox, "Evaluation").options if "Reopen me" in o))
    a.run()
    labelled(a.number_input, "Version").set_value(1).run()
    next(b for b in a.button if b.label == "Open this version").click().run()
    assert not a.exception
    assert a.session_state["saved_version"].version.number == 1
    a.switch_page("app_pages/evaluate.py").run()
    assert labelled(a.selectbox, "Scoring method").value == "topsis"


def test_report_download_button_is_offered():
    a = app()
    a.switch_page("app_pages/report.py").run()
    labels = [b.label for b in a.get("download_button")]
    assert "Download the evaluation report (.xlsx)" in labels


def test_unreachable_database_keeps_the_app_usable(monkeypatch):
    monkeypatch.setenv("SSW_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception and ranking_table(at) is not None
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert any("Saving and sharing are unavailable" in w.value for w in at.warning)


@pytest.fixture
def built(monkeypatch):  # type: ignore[no-untyped-def]
    """The download buttons' deferred builds, by file id, kept to call as a download would."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.testing.v1 import app_test

    kept: dict[str, object] = {}

    class Recording(MediaFileManager):
        def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kw):  # type: ignore[no-untyped-def]
            file_id = super().add_deferred(data_callable, mimetype, coordinates, file_name, **kw)
            kept[file_id] = data_callable
            return file_id

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return kept


def test_the_report_downloaded_from_the_page_carries_the_audit_log_and_its_check(built):
    import io

    from openpyxl import load_workbook

    a = app()
    save(a, "Ann", "for the file", name="Filed")
    button = next(b for b in a.get("download_button")
                  if b.label == "Download the evaluation report (.xlsx)")
    report = load_workbook(io.BytesIO(built[button.proto.deferred_file_id]()))  # type: ignore[operator]
    summary = " ".join(str(c) for row in report["Summary"].iter_rows(values_only=True)
                       for c in row if c)
    assert "intact" in summary and "anchor" in summary
    audit = [row for row in report["Audit log"].iter_rows(values_only=True)]
    assert any("for the file" in str(c) for row in audit for c in row if c)


def test_the_decision_document_and_the_debriefs_download_from_the_page(built):
    import io

    from docx import Document

    a = app()
    save(a, "Ann", "for the file", name="Filed")
    buttons = {b.label: b for b in a.get("download_button")}
    doc = Document(io.BytesIO(built[buttons["Decision document draft (.docx)"]  # type: ignore[operator]
                                     .proto.deferred_file_id]()))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Evaluation: Filed. Version: " in text and "Source Selection Decision Document" in text
    # the sample's lot and bundle bids compete: the debriefs wait for the award
    assert "Debriefing letters, one per unsuccessful bid (.zip)" not in buttons
    assert any("choose the award first" in c.value for c in a.caption)
