"""Session state: the workbook open, the evaluation in use, the view, the last upload's outcome.

The evaluation in use is one Evaluation value (``scoring.evaluation``): every page reads its
figures from it, and the widgets that change it do so through callbacks, before any page
draws. A new upload or the sample starts a new, unsaved evaluation. An upload that fails
validation never replaces the open workbook: nothing of it is kept but its list of problems,
shown on the Import page.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.runtime.secrets import secrets_singleton

from scoring.evaluation import Evaluation, complete
from scoring.model import BidSet
from scoring.workbook import ReadResult
from ui import blobs, cache

log = logging.getLogger(__name__)

SAMPLE_PATH = Path(__file__).resolve().parent.parent / "data" / "sample_evaluation.xlsx"
SAMPLE_NAME = "Sample: state tax system modernization"

WORKBOOK = "workbook"  # OpenWorkbook of the evaluation in use
EVALUATION = "evaluation"  # the Evaluation in use (every figure derives from it)
GENERATION = "evaluation_generation"  # counts replacements of the evaluation from outside
SAVED = "saved_version"  # persistence.SavedRef of the version opened or last saved, if any
LEFT = "left_saved_version"  # the saved evaluation a new upload or the sample replaced
VIEW_LOT = "view_lot"  # the lot shown, kept across pages and put in share links
LAST_UPLOAD = "last_upload"  # UploadOutcome of the most recent upload attempt
SEEN_UPLOAD = "seen_upload_id"  # file_id of the upload already processed
WIDGET_PREFIX = "ev_"  # keys of the widgets that show the evaluation (see ui.controls)
INPUT_STATE = ("input_errors", "input_pending")  # ui.controls: refused inputs and their messages


def evaluation() -> Evaluation:
    """The evaluation in use: a new one on the workbook's own settings until something is chosen."""
    open_wb = current()
    ev = st.session_state.get(EVALUATION)
    if ev is None or ev.workbook_sha256 != open_wb.sha256:
        ev = Evaluation.of(open_wb.bidset)
        st.session_state[EVALUATION] = ev
    return ev


def set_evaluation(ev: Evaluation) -> None:
    """A change made by one of the evaluation's own widgets (which already show it)."""
    st.session_state[EVALUATION] = complete(ev, current().bidset)


def replace_evaluation(ev: Evaluation) -> None:
    """A change from outside the widgets (a version opened, a new workbook): every widget that
    shows the evaluation starts again from it."""
    st.session_state[EVALUATION] = complete(ev, current().bidset)
    st.session_state[GENERATION] = generation() + 1
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]
    for key in INPUT_STATE:  # values typed but refused belong to the evaluation replaced
        st.session_state.pop(key, None)


def generation() -> int:
    return int(st.session_state.get(GENERATION, 0))


def view_lot(lots: tuple[str, ...] | list[str]) -> str | None:
    """The lot to show among ``lots``: the one last chosen on any page, else the first."""
    chosen = st.session_state.get(VIEW_LOT)
    return chosen if chosen in lots else (lots[0] if lots else None)


def set_view_lot(lot: str) -> None:
    st.session_state[VIEW_LOT] = lot


@dataclass(frozen=True)
class OpenWorkbook:
    """The workbook in use: its name and SHA-256; its bytes are kept once, off the session."""

    name: str
    sha256: str

    @classmethod
    def of(cls, name: str, data: bytes) -> OpenWorkbook:
        return cls(name, blobs.put(data))

    @property
    def data(self) -> bytes:
        """The workbook's exact bytes (read from the server's folder when needed)."""
        return blobs.get(self.sha256)

    @property
    def result(self) -> ReadResult:
        return cache.read_workbook(self.sha256, lambda: self.data)

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
            # The file and the parser's complaint go to the server's log, for the operator;
            # the page says only that the settings could not be read.
            log.error("the secrets file %s could not be read: %s", path, exc)
            raise SecretsUnreadable("its secrets file could not be read") from exc
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


@functools.cache
def sample_sha256() -> str:
    """The bundled sample's SHA-256 (its performance workbook goes with it)."""
    return hashlib.sha256(sample_bytes()).hexdigest()


def init() -> None:
    """Open the bundled sample on a session's first run."""
    if WORKBOOK not in st.session_state:
        open_sample()


def open_sample() -> None:
    """The bundled sample, as a new unsaved evaluation."""
    _start(OpenWorkbook.of(SAMPLE_NAME, sample_bytes()))
    st.session_state.pop(LAST_UPLOAD, None)


def _start(open_wb: OpenWorkbook) -> None:
    """A new, unsaved evaluation of ``open_wb`` on its own settings. A saved evaluation that was
    open is remembered, so that the new workbook can be saved into it only by choice (a revised
    bid book), never by accident."""
    left = st.session_state.pop(SAVED, None)
    if left is not None:
        st.session_state[LEFT] = left
    st.session_state[WORKBOOK] = open_wb
    st.session_state.pop(VIEW_LOT, None)
    replace_evaluation(Evaluation.of(open_wb.bidset))


def current() -> OpenWorkbook:
    init()
    return st.session_state[WORKBOOK]


def load_upload(name: str, data: bytes) -> ReadResult:
    """Validate an upload; open it only when it is valid."""
    sha = hashlib.sha256(data).hexdigest()
    result = cache.read_workbook(sha, lambda: data)
    st.session_state[LAST_UPLOAD] = UploadOutcome(name, result)
    if result.ok:
        _start(OpenWorkbook.of(name, data))  # the bytes are kept off the session
    return result


UPLOADS = "uploads_taken"  # how many uploads this session has taken in (names the uploader)


def uploader_key() -> str:
    return f"upload_{st.session_state.get(UPLOADS, 0)}"


def release_upload(file_id: str) -> None:
    """Drop the uploaded file from Streamlit's memory (its bytes are kept once, off the session,
    when the workbook is valid) and give the next run a fresh, empty uploader."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, file_id)
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1


def take_upload(key: str) -> None:
    """The uploader's callback: validate the file just uploaded and open it when it is valid.

    It runs before the script, so the run that follows draws every page and the sidebar from the
    outcome (no second run)."""
    uploaded = st.session_state.get(key)
    if uploaded is None or st.session_state.get(SEEN_UPLOAD) == uploaded.file_id:
        return
    try:
        load_upload(uploaded.name, uploaded.getvalue())
        st.session_state[SEEN_UPLOAD] = uploaded.file_id
    finally:
        release_upload(uploaded.file_id)  # the server keeps no copy of the upload itself


def last_upload() -> UploadOutcome | None:
    return st.session_state.get(LAST_UPLOAD)
