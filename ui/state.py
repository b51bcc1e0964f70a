"""Session state: which workbook is open, and the last upload's outcome.

An upload that fails validation never replaces the open workbook: nothing of it
is kept but its list of problems, shown on the Import page.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.secrets import secrets_singleton

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


class SecretsUnreadable(Exception):
    """A secrets file exists but cannot be parsed."""


_SECRETS_SEEN: dict[tuple[object, ...], bool] = {}


def _secrets_stamp() -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of each secrets file that exists: cheap to take on every rerun."""
    stamp = []
    for path in st.get_option("secrets.files"):
        try:
            info = os.stat(path)
        except OSError:
            continue
        stamp.append((path, info.st_mtime_ns, info.st_size))
    return tuple(stamp)


def _has(data: Any, section: str, name: str | None) -> bool:
    """Whether ``data`` has the table ``[section]`` (or ``[section.name]``)."""
    table = data.get(section) if isinstance(data, Mapping) else None
    if not isinstance(table, Mapping):
        return False
    return name is None or isinstance(table.get(name), Mapping)


def _in_files(stamp: tuple[tuple[str, int, int], ...], section: str, name: str | None) -> bool:
    found = False
    for path, _, _ in stamp:
        try:
            if os.path.isdir(path):  # a Kubernetes-style secrets folder: Streamlit reads those
                found = _has(st.secrets, section, name) or found
                continue
            with open(path, "rb") as fh:
                found = _has(tomllib.load(fh), section, name) or found
        except Exception as exc:  # unreadable or malformed: fail closed
            raise SecretsUnreadable(f"the secrets file {path} could not be read "
                                    f"({type(exc).__name__})") from exc
    return found


def in_secrets(section: str, name: str | None = None) -> bool:
    """Whether secrets have ``[section]`` (or ``[section.name]``).

    Read from the secrets files themselves and remembered per process until a file appears,
    changes or goes: Streamlit would otherwise search for and parse them on every access when
    there are none. A secrets file that cannot be parsed raises SecretsUnreadable, so that
    callers fail closed (a broken file must not turn sign-in off)."""
    if st.secrets is not secrets_singleton:  # a test harness put its own secrets in place
        return _has(st.secrets, section, name)
    stamp = _secrets_stamp()
    key = (stamp, section, name)
    if key not in _SECRETS_SEEN:
        if len(_SECRETS_SEEN) > 64:
            _SECRETS_SEEN.clear()
        _SECRETS_SEEN[key] = bool(stamp) and _in_files(stamp, section, name)
    return _SECRETS_SEEN[key]


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
