"""Property tests: whatever is in the cells or bytes, the reader returns a BidSet or located problems."""

import datetime as dt
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.evaluation import Scoring
from scoring.mcda import ScoringError, rank
from scoring.model import BidSet
from scoring.workbook import read_workbook
from tests.helpers import BIDS, CRITERIA, basic, workbook_bytes

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(max_size=20).map(lambda s: "".join(ch for ch in s if ch.isprintable())),
    st.sampled_from(["max", "min", "yes", "ALL", "$1,000", "1.234,5", "12 %", "=1+1", "#N/A", " "]),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1)),
)


VALID = basic()  # built once: openpyxl stamps the save time, and examples must replay exactly


def _check(result) -> None:  # type: ignore[no-untyped-def]
    if result.bidset is not None:
        assert isinstance(result.bidset, BidSet) and not result.problems
        for method in ("wsm", "wpm", "topsis", "vikor"):  # what is accepted also scores sanely
            try:
                ranked = rank(result.bidset, Scoring.of(result.bidset, method=method))
            except ScoringError:
                continue
            assert all(math.isfinite(b.score) for b in ranked.bids if b.eligible), method
    else:
        assert result.problems
        for p in result.problems:
            assert str(p.location)
            assert p.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5), junk), max_size=8),
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), junk), max_size=8),
)
def test_random_cell_junk_never_crashes(criteria_edits, bid_edits):
    criteria = [list(r) for r in CRITERIA]
    bids = [list(r) for r in BIDS]
    for rows, edits in ((criteria, criteria_edits), (bids, bid_edits)):
        for r, c, value in edits:
            if r < len(rows) and c < len(rows[r]):
                rows[r][c] = value
    _check(read_workbook(workbook_bytes({"Criteria": criteria, "Bids": bids})))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_byte_damage_never_crashes(data):
    raw = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(raw) - 1))
        raw[i] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    _check(read_workbook(bytes(raw)))


def _pandas_grids(data: bytes) -> dict:  # type: ignore[type-arg]
    """What the reader used to take its cells from: pandas' calamine reader, frame by frame."""
    import io

    import pandas as pd

    frames = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None, engine="calamine",
                           dtype=object, keep_default_na=False, na_values=[])
    return {name: f.astype(object).where(f.notna(), None).values.tolist()
            for name, f in frames.items()}


cells = st.one_of(junk, st.datetimes(min_value=dt.datetime(1990, 1, 1),
                                     max_value=dt.datetime(2100, 1, 1)).map(
    lambda d: d.replace(microsecond=0)), st.just(1.0), st.just(-0.0), st.just("NA"),
    st.just("None"), st.just(""))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=6), max_size=8), st.lists(cells, max_size=3))
def test_cells_are_read_exactly_as_pandas_reads_them(rows, other) -> None:  # type: ignore[no-untyped-def]
    # values, types, blank rows and columns, sheet order: read_grids is the same grid, cell for
    # cell (whole floats as int, dates as datetimes), without a pandas frame per sheet
    from scoring.workbook import read_grids

    data = workbook_bytes({"Bids": rows, "Other": [[], other], "Empty": []})
    ours, theirs = read_grids(data), _pandas_grids(data)
    assert list(ours) == list(theirs)
    for name in ours:
        assert ours[name] == theirs[name]
        assert [[type(v) for v in row] for row in ours[name]] == \
            [[type(v) for v in row] for row in theirs[name]]
