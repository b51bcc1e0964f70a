"""Uploaded workbooks' bytes, kept once per process on disk, off the session.

A session holds only a workbook's SHA-256: its bytes (needed to save a version or write the
report's Inputs sheet) are written once to a private temporary folder and read back on demand.
Ten sessions on one 60 MB workbook hold it once, on disk, not ten times in memory. The folder is
bounded (SSW_BLOB_MB, default 2,048 MB): the files used least recently go first.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

import streamlit as st

LIMIT_VARIABLE = "SSW_BLOB_MB"


class BlobMissing(Exception):
    """The bytes of a workbook are no longer kept (the folder made room); upload it again."""


@st.cache_resource
def _folder() -> tuple[Path, threading.Lock]:
    return Path(tempfile.mkdtemp(prefix="ssw-workbooks-")), threading.Lock()


def _limit() -> int:
    raw = os.environ.get(LIMIT_VARIABLE, "")
    return (int(raw) if raw.isdigit() and int(raw) > 0 else 2_048) * 2**20


def put(data: bytes) -> str:
    """Keep ``data``; returns its SHA-256 (the key to read it back)."""
    sha = hashlib.sha256(data).hexdigest()
    folder, lock = _folder()
    path = folder / sha
    with lock:
        if path.exists():
            path.touch()
            return sha
        part = folder / f".{sha}.part"
        part.write_bytes(data)
        part.replace(path)  # whole or not at all
        _make_room(folder, keep=path)
    return sha


def get(sha: str) -> bytes:
    folder, _ = _folder()
    path = folder / sha
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BlobMissing("this workbook's bytes are no longer kept on the server; open or "
                          "upload it again") from None
    path.touch()  # used: the last to go
    return data


def _make_room(folder: Path, keep: Path) -> None:
    files = [p for p in folder.iterdir() if not p.name.startswith(".")]
    total = sum(p.stat().st_size for p in files)
    for p in sorted(files, key=lambda p: p.stat().st_mtime):
        if total <= _limit():
            break
        if p != keep:
            total -= p.stat().st_size
            p.unlink(missing_ok=True)
