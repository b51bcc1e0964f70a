"""Tables of the Compliance page."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from scoring.compliance import ELEMENTS, FAIL, MISSING, PASS, SLAResult
from scoring.model import BidSet, lot_name

SYMBOL = {PASS: "✓", FAIL: "✗", MISSING: "—"}
UNITS = {"uptime_pct": " (%)", "fee_at_risk_pct": " (%)", "model_update_notice_days": " (days)",
         "version_pinning_days": " (days)"}


def _shown(value: float | bool | None) -> str:
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}"


def matrix_frame(results: Sequence[SLAResult]) -> pd.DataFrame:
    rows = []
    for r in results:
        short = [element.label for (_, _, status), element in zip(r.cells, ELEMENTS, strict=True)
                 if status != PASS]
        row = {"Vendor": r.vendor,
               "Lot": lot_name(r.lot),
               "Mission-grade": "Yes" if r.mission_grade else "No",
               "Fails on": ", ".join(short) if short else "—"}
        for (key, value, status), element in zip(r.cells, ELEMENTS, strict=True):
            row[element.label + UNITS.get(key, "")] = f"{SYMBOL[status]} {_shown(value)}"
        rows.append(row)
    return pd.DataFrame(rows)


STYLED_ROWS = 60  # above this the matrix is shown unstyled: the symbols still say it all, and
# a pandas Styler over hundreds of rows costs more than the rest of the page together


def style_matrix(frame: pd.DataFrame):  # type: ignore[no-untyped-def]
    """Light fills that also differ in symbol, so colour is never the only signal (the frame
    itself, unstyled, when it is long)."""
    if len(frame) > STYLED_ROWS:
        return frame
    def colour(value: object) -> str:
        text = str(value)
        if text.startswith(SYMBOL[PASS]) or text == "Yes":
            return "background-color: #e3f1ea"
        if text.startswith(SYMBOL[FAIL]) or text == "No":
            return "background-color: #fbe3d6"
        if text.startswith(SYMBOL[MISSING]):
            return "background-color: #eeeeee"
        return ""
    return frame.style.map(colour, subset=[c for c in frame.columns if c != "Fails on"])


def rules_frame() -> pd.DataFrame:
    return pd.DataFrame([{"Element": e.label, "Mission-grade when": e.rule} for e in ELEMENTS])


def okr_frame(bidset: BidSet) -> pd.DataFrame:
    return pd.DataFrame(
        [{"OKR": o.okr, "Mission outcome": "Yes" if o.mission_outcome else "No",
          "Metric": o.metric, "Target": o.target} for o in bidset.okrs],
        columns=["OKR", "Mission outcome", "Metric", "Target"],
    )
