"""Session state: which workbook is open, and the last upload's outcome.

An upload that fails validation never replaces the open workbook: nothing of it
is kept but its list of problems, shown on the Import page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from scoring.model import BidSet
from scoring.workbook import ReadResult
from ui import cache

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_evaluation.xlsx"
SAMPLE_NAME = "Sample: state tax system modernization"

WORKBOOK = "workbook"  # OpenWorkbook of the evaluation in use
LAST_UPLOAD = "last_upload"  # UploadOutcome of the most recent upload attempt
SEEN_UPLOAD = "seen_upload_id"  # file_id of the upload already processed
CHOICES = "evaluation_choices"  # EvaluationChoices made on the Evaluate page


@dataclass(frozen=True)
class EvaluationChoices:
    """Method, price formula and weights in use; other pages score with the same."""

    sha256: str
    method: str
    price_formula: str
    weights: tuple[tuple[str, float], ...]
    price_floor: float | None = None
    price_ceiling: float | None = None
    sla_gate: bool = False

    def options(self) -> dict:  # type: ignore[type-arg]
        """Keyword arguments for the scoring functions (rank, lot_models, rank_reversal)."""
        return {"method": self.method, "price_formula": self.price_formula,
                "weights": dict(self.weights), "price_floor": self.price_floor,
                "price_ceiling": self.price_ceiling, "sla_gate": self.sla_gate}


def set_choices(choices: EvaluationChoices) -> None:
    st.session_state[CHOICES] = choices


def choices(bidset: BidSet) -> EvaluationChoices:
    """The Evaluate page's choices for this workbook, or the workbook's own settings."""
    made = st.session_state.get(CHOICES)
    if made is not None and made.sha256 == bidset.sha256:
        return made
    s = bidset.settings
    return EvaluationChoices(
        bidset.sha256, s.method, s.price_formula,
        tuple((k, float(v)) for k, v in bidset.stated_weights.items()),
        s.price_floor, s.price_ceiling,
    )


@dataclass(frozen=True)
class OpenWorkbook:
    name: str
    sha256: str
    data: bytes

    @property
    def result(self) -> ReadResult:
        return cache.read_workbook(self.sha256, self.data)

    @property
    def bidset(self) -> BidSet:
        bidset = self.result.bidset
        assert bidset is not None, "only valid workbooks are opened"
        return bidset


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    result: ReadResult


def in_secrets(section: str, name: str | None = None) -> bool:
    """Whether secrets have ``[section]`` (or ``[section.name]``); looked up once per session,
    because without a secrets file Streamlit searches for and parses them on every access."""
    key = f"_in_secrets:{section}:{name}"
    known = st.session_state.get(key)
    if known is None:
        try:
            known = section in st.secrets and (name is None or name in st.secrets[section])
        except Exception:  # no secrets file at all
            known = False
        st.session_state[key] = known
    return bool(known)


def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


def init() -> None:
    """Open the bundled sample on a session's first run."""
    if WORKBOOK not in st.session_state:
        open_sample()


def open_sample() -> None:
    data = sample_bytes()
    st.session_state[WORKBOOK] = OpenWorkbook(SAMPLE_NAME, hashlib.sha256(data).hexdigest(), data)
    st.session_state.pop(LAST_UPLOAD, None)


def current() -> OpenWorkbook:
    init()
    return st.session_state[WORKBOOK]


def load_upload(name: str, data: bytes) -> ReadResult:
    """Validate an upload; open it only when it is valid."""
    sha = hashlib.sha256(data).hexdigest()
    result = cache.read_workbook(sha, data)
    st.session_state[LAST_UPLOAD] = UploadOutcome(name, result)
    if result.ok:
        st.session_state[WORKBOOK] = OpenWorkbook(name, sha, data)
    return result


def last_upload() -> UploadOutcome | None:
    return st.session_state.get(LAST_UPLOAD)
