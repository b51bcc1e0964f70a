"""AppTest of the sealed price envelope: while sealed, no page shows a price (every element's
payload searched, dataframes' binary columns included) or anything ranked on price, the chair
included; the chair locks the technical consensus, then unseals, and the prices show."""

import io
import os
import struct

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from scoring.evaluation import Evaluation
from scoring.store import Store, StoreError
from scoring.workbook import read_workbook
from tests.conftest import ROOT
from tests.pages.test_panel_page import (  # noqa: F401 (signed_in: a fixture)
    declare,
    labelled,
    signed_in,
    signed_in_app,
)

PAGES = ("import_bids", "evaluate", "panel", "robustness", "scenarios", "compliance", "report")


def sealed_workbook(sample: bytes) -> tuple[bytes, list[int]]:
    """The sample with the price envelope sealed and distinctive prices (so that a search for
    them finds nothing else): the workbook and its prices."""
    wb = load_workbook(io.BytesIO(sample))
    settings = wb["Settings"]
    row = next((r for r in range(1, settings.max_row + 1)
                if settings.cell(r, 1).value == "price_envelope"), None)
    if row is None:
        settings.append(["price_envelope", "sealed", "two-envelope evaluation"])
    else:
        settings.cell(row, 2).value = "sealed"
    bids = wb["Bids"]
    header = next(r for r in range(1, 10) if bids.cell(r, 1).value == "vendor")
    prices = []
    for i, row in enumerate(range(header + 1, bids.max_row + 1)):
        if bids.cell(row, 1).value:
            bids.cell(row, 3).value = 1_318_447 + 97_531 * i
            prices.append(1_318_447 + 97_531 * i)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), prices


def price_forms(prices: list[int]) -> list[bytes]:
    """Every way a page could carry a price: as text (plain, grouped, general) and as the
    binary float64 and int64 of a data frame's column."""
    forms = []
    for p in prices:
        forms += [str(p).encode(), f"{p:,}".encode(), f"{float(p):g}".encode(),
                  struct.pack("<d", float(p)), struct.pack("<q", p)]
    return forms


def payloads(at: AppTest) -> bytes:
    """Every element's message as the browser would receive it (text, chart specs, tables)."""
    out = []

    def walk(node) -> None:  # type: ignore[no-untyped-def]
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "SerializeToString"):
            out.append(proto.SerializeToString())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return b"\x00".join(out)


def revealed(at: AppTest, prices: list[int]) -> list[str]:
    data = payloads(at)
    return [repr(f) for f in price_forms(prices) if f in data]


@pytest.fixture
def sealed(signed_in, sample_bytes):  # type: ignore[no-untyped-def]  # noqa: F811
    data, prices = sealed_workbook(sample_bytes)
    db = Store(os.environ["SSW_DATABASE_URL"])
    v = db.create("Sealed envelope", data, "sealed.xlsx", Evaluation.of(read_workbook(data).bidset),
                  author="chair@agency.gov", reason="technical evaluation opens")
    db.set_member(v.evaluation_id, "eve@agency.gov", "evaluator", by="chair@agency.gov",
                  reason="panel")
    declare(db, v.evaluation_id, "chair@agency.gov", "eve@agency.gov")

    def open_as(user: str, page: str = "panel", version: int = 1) -> AppTest:
        return signed_in_app(signed_in, v.evaluation_id, user, page, version)

    return db, v.evaluation_id, prices, open_as


def test_the_search_finds_a_price_when_one_is_shown(sample_bytes):
    data, prices = sealed_workbook(sample_bytes)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/import_bids.py").run()
    assert revealed(at, [1_480_000])  # the sample's own price, shown on its Bids tab
    assert not revealed(at, prices)  # the sealed workbook's are not in the sample


def test_while_sealed_no_page_shows_a_price_to_anyone_the_chair_included(sealed):
    db, eid, prices, open_as = sealed
    for page in PAGES:
        at = open_as("chair@agency.gov", page)
        assert not revealed(at, prices), page
        assert not [df for df in at.dataframe if "Rank" in df.value.columns], page
        assert not any("Highest ranked" in m.value for m in at.markdown), page
        if page in ("evaluate", "robustness", "scenarios", "compliance"):
            assert any("The prices are sealed" in i.value for i in at.info), page
    report = open_as("chair@agency.gov", "report")
    labels = [b.proto.label for b in report.get("download_button")]
    assert not labels, labels  # the report, documents and bundle hold prices: none offered
    bids = open_as("chair@agency.gov", "import_bids")
    assert "Price" not in next(df.value for df in bids.dataframe if "Vendor" in df.value.columns
                               and "Lot" in df.value.columns).columns
    # the evaluator, blind, and after consensus opens with prices shown to evaluators: still sealed
    db.set_flag(eid, "consensus_open", "yes", by="chair@agency.gov", reason="scores in")
    db.set_flag(eid, "prices_visible", "yes", by="chair@agency.gov", reason="for the meeting")
    for page in PAGES:
        at = open_as("eve@agency.gov", page)
        assert [t.value for t in at.title], page  # a page was drawn (the one asked for, or Panel)
        assert not revealed(at, prices), page


def test_the_chair_locks_the_technical_consensus_then_unseals(sealed):
    db, eid, prices, open_as = sealed
    with pytest.raises(StoreError, match="only once the technical consensus is locked"):
        db.set_flag(eid, "prices_unsealed", "yes", by="chair@agency.gov", reason="too early")
    chair = open_as("chair@agency.gov")
    assert any("prices **sealed**" in c.value for c in chair.caption)
    labelled(chair.checkbox, "The technical scores are final: no score, finding, moderation, "
             "narrative, assignment, reopening or consensus change after this").check()
    chair.text_input(key="envelope_reason").set_value("meeting closed")
    next(b for b in chair.button if b.label == "Lock the technical consensus").click().run()
    assert any("open consensus before locking it" in e.value for e in chair.error)
    db.set_flag(eid, "consensus_open", "yes", by="chair@agency.gov", reason="scores in")
    chair = open_as("chair@agency.gov")
    labelled(chair.checkbox, "The technical scores are final: no score, finding, moderation, "
             "narrative, assignment, reopening or consensus change after this").check()
    chair.text_input(key="envelope_reason").set_value("consensus meeting closed")
    next(b for b in chair.button if b.label == "Lock the technical consensus").click().run()
    assert db.flags(eid)["consensus_locked"] == "yes"
    chair = open_as("chair@agency.gov")  # no form left that the store would refuse
    labels = {b.label for b in chair.button}
    assert not labels & {"Save my scores", "Submit my scores", "Record", "Save narrative",
                         "Record finding", "Assign", "Reopen"}, labels
    assert any("technical consensus is locked" in i.value for i in chair.info)
    with pytest.raises(StoreError, match="technical consensus is locked"):
        db.record_scores(eid, "eve@agency.gov", [("Ironclad Cyber", "Security",
                                                  "Technical approach", 4.0, "too late")])
    assert not revealed(open_as("chair@agency.gov", "evaluate"), prices)  # locked, still sealed

    chair = open_as("chair@agency.gov")
    labelled(chair.checkbox, "Open the price envelope: the chair and viewers see the prices at "
             "once, evaluators once you let them; the technical consensus then stays locked for good").check()
    chair.text_input(key="envelope_reason").set_value("technical consensus signed")
    next(b for b in chair.button if b.label == "Unseal the prices").click().run()
    assert db.flags(eid)["prices_unsealed"] == "yes"
    evaluate = open_as("chair@agency.gov", "evaluate")
    assert revealed(evaluate, prices) and any("Highest ranked" in m.value for m in evaluate.markdown)
    with pytest.raises(StoreError, match="cannot be sealed again"):
        db.set_flag(eid, "prices_unsealed", "no", by="chair@agency.gov", reason="undo")
    with pytest.raises(StoreError, match="stays locked once the prices are unsealed"):
        db.set_flag(eid, "consensus_locked", "no", by="chair@agency.gov", reason="undo")
    entries = [(e.item, e.new_value, e.reason) for e in db.audit(eid) if e.action == "panel"]
    assert ("consensus_locked", "yes", "consensus meeting closed") in entries
    assert ("prices_unsealed", "yes", "technical consensus signed") in entries
    assert db.verify(eid).intact


def test_an_unsaved_sealed_workbook_is_sealed_from_the_upload(sample_bytes):
    from tests.pages.test_app import upload

    data, prices = sealed_workbook(sample_bytes)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    upload(at, "sealed.xlsx", data)
    assert not revealed(at, prices)
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception and not revealed(at, prices), page


def test_a_sealed_evaluation_stays_sealed_whatever_workbook_a_version_holds(sealed, sample_bytes):
    db, eid, prices, open_as = sealed
    db.set_flag(eid, "price_envelope", "sealed", by="chair@agency.gov", reason="sealed workbook")
    # version 2: a revised bid book whose Settings sheet does not seal (the bundled sample)
    ev = Evaluation.of(read_workbook(sample_bytes).bidset)
    db.save(eid, 1, ev, author="chair@agency.gov", reason="revised bid book",
            workbook=sample_bytes, filename="revised.xlsx", replace_workbook=True)
    for version in (1, 2):
        at = open_as("chair@agency.gov", "evaluate", version)
        assert f"version {version}" in " ".join(c.value for c in at.sidebar.caption), version
        assert any("The prices are sealed" in i.value for i in at.info), version
        assert not revealed(at, [*prices, 1_480_000]), version  # neither version's prices


def test_saving_a_sealed_workbook_seals_the_evaluation_in_the_store(sample_bytes):
    from tests.pages.test_app import upload

    data, _ = sealed_workbook(sample_bytes)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    labelled(at.text_input, "Your name").set_value("Chair Ann")
    upload(at, "sealed.xlsx", data)
    at.switch_page("app_pages/report.py").run()
    labelled(at.text_input, "Evaluation name").set_value("Sealed from the upload")
    labelled(at.text_area, "Reason for this version").set_value("technical envelope opens")
    at.button[0].click().run()
    eid = at.session_state["saved_version"].evaluation_id
    assert Store(os.environ["SSW_DATABASE_URL"]).flags(eid)["price_envelope"] == "sealed"
