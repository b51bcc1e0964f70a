"""AppTest: the chair locks the weights; a later change of weights needs a reason, and the
Evaluate page and the record say so."""

import os

from scoring.store import Store
from scoring.weight_lock import statement
from tests.helpers import edit_rows
from tests.pages.test_panel_page import labelled, saved_app


def test_locked_weights_need_a_reason_and_the_record_shows_the_change():
    at = saved_app("Weights lock")
    labelled(at.checkbox, "These are the weights the panel publishes and evaluates with").check()
    labelled(at.text_input, "Reason for locking").set_value("as published in the solicitation")
    next(b for b in at.button if b.label == "Lock the weights").click().run()
    assert not at.exception
    assert any("The weights are locked" in s.value for s in at.success)
    assert any("before any panel score was entered" in c.value for c in at.caption)
    assert not any(b.label == "Lock the weights" for b in at.button)  # once

    at.switch_page("app_pages/evaluate.py").run()
    assert any("The weights are locked" in i.value for i in at.info)
    edit_rows(at, "points", {0: {"Points": 40}})  # Technical approach from 30 to 40 points
    at.run()
    notice = next(w.value for w in at.warning if "The weights are locked" in w.value)
    assert "Technical approach locked at 30.0%, now 36.4%" in notice

    at.switch_page("app_pages/report.py").run()
    assert any("This version changes them" in w.value for w in at.warning)
    labelled(at.text_area, "Reason for this version").set_value("technical matters more")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Say why the locked weights change" in e.value for e in at.error)
    assert at.session_state["saved_version"].version.number == 1  # nothing saved
    labelled(at.text_area, "Reason for this version").set_value("technical matters more")
    labelled(at.text_area, "Why the locked weights change").set_value("clarification no. 2")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Saved as evaluation" in s.value for s in at.success), [e.value for e in at.error]

    ref = at.session_state["saved_version"]
    lock = Store(os.environ["SSW_DATABASE_URL"]).weights_lock(ref.evaluation_id)
    assert lock is not None and [c.reason for c in lock.changes] == ["clarification no. 2"]
    lines = statement(lock, at.session_state["evaluation"].scoring.normalised_weights())
    assert lines[1][1] and "Technical approach 30.0% to 36.4%" in lines[1][0]
    audit = next(df.value for df in at.dataframe if "Why" in df.value.columns)
    change = audit[audit["What"] == "Weights: changed after the lock"].iloc[0]
    assert change["Why"] == "clarification no. 2"
    assert change["Old value"].startswith("Technical approach 30.0%")
    assert change["New value"].startswith("Technical approach 36.4%")
    locked = audit[audit["What"] == "Weights: locked"].iloc[0]
    assert "before any panel score was entered in the app" in locked["New value"]
