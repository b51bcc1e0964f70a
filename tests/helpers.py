"""Build bid workbooks in memory for tests."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook

CRITERIA = [
    ["criterion", "weight", "direction", "scale_min", "scale_max", "min_acceptable"],
    ["Technical", 50, "max", 0, 5, 2],
    ["Management", 20, "max", 0, 5, None],
    ["Price", 30, "min", None, None, None],
]
BIDS = [
    ["vendor", "lot", "price", "Technical", "Management"],
    ["Alpha", "", 100_000, 4, 3],
    ["Bravo", "", 80_000, 3, 4],
    ["Charlie", "", 120_000, 5, 5],
    ["Delta", "", 90_000, 1, 5],
]


# The same bids weighted by factors (a Groups sheet): Quality 70 (Technical 5 : Management 2),
# Price 30, so that the criteria's weights in the ranking are those of CRITERIA (50, 20, 30).
GROUPED_CRITERIA = [
    ["criterion", "weight", "direction", "group", "scale_min", "scale_max", "min_acceptable"],
    ["Technical", 5, "max", "Quality", 0, 5, 2],
    ["Management", 2, "max", "Quality", 0, 5, None],
    ["Price", 1, "min", "Cost", None, None, None],
]
GROUPS = [["group", "weight", "description"], ["Quality", 70, "What is delivered"],
          ["Cost", 30, "The price bid"]]


def grouped(**overrides: Sequence[Sequence[Any]]) -> bytes:
    """``basic()`` weighted by factors (Groups sheet); keyword arguments replace sheets."""
    return basic(**{"Criteria": GROUPED_CRITERIA, "Groups": GROUPS, **overrides})


def workbook_bytes(sheets: Mapping[str, Sequence[Sequence[Any]]]) -> bytes:
    """An .xlsx holding ``sheets`` (name -> rows), values written as given."""
    wb = Workbook()
    first = True
    for name, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = name
        first = False
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def basic(**overrides: Sequence[Sequence[Any]]) -> bytes:
    """A small valid single-lot workbook; keyword arguments replace or add sheets."""
    sheets: dict[str, Sequence[Sequence[Any]]] = {"Criteria": CRITERIA, "Bids": BIDS}
    sheets.update(overrides)
    return workbook_bytes({k: v for k, v in sheets.items() if v is not None})


def editor_key(at, name: str) -> str:  # type: ignore[no-untyped-def]
    """The key of one of the evaluation's data editors (points, ranks, award) in an AppTest run."""
    return f"ev_{name}_{at.session_state['evaluation_generation']}"


WEIGHTS_PANEL = "ev_weights_panel"  # Evaluate's folded weights panel: its editor is drawn only open


def open_weights(at) -> None:  # type: ignore[no-untyped-def]
    """Unfold Evaluate's weights panel, as a click on it does (the next run draws the editor)."""
    at.session_state[WEIGHTS_PANEL] = True


def edit_rows(at, name: str, rows: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Seed edits into a data editor (AppTest cannot type into one), as the browser would send.
    The weights editors (points, ranks) are in a panel a user unfolds first."""
    if name in ("points", "ranks") and not at.session_state[WEIGHTS_PANEL]:
        open_weights(at)
        at.run()
    at.session_state[editor_key(at, name)] = {"edited_rows": rows, "added_rows": [],
                                              "deleted_rows": []}


def save_version(at, reason: str, name: str | None = None):  # type: ignore[no-untyped-def]
    """Save the evaluation in use on Report & share, as a user does (AppTest), and check it saved."""
    at.switch_page("app_pages/report.py").run()
    if name is not None:
        next(w for w in at.text_input if w.label == "Evaluation name").set_value(name)
    next(w for w in at.text_area if w.label == "Reason for this version").set_value(reason)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    assert any("Saved as evaluation" in s.value for s in at.success), [e.value for e in at.error]
    return at


def rewrite_part(data: bytes, part: str, transform) -> bytes:  # type: ignore[no-untyped-def]
    """Copy an .xlsx, passing one part's bytes through ``transform``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == part:
                body = transform(body)
            dst.writestr(info.filename, body)
    return out.getvalue()
