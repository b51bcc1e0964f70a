"""The performance workbook: the bundled sample reads against the sample evaluation, and bad
books get one located, plain-language error per mistake."""

import pytest

from scoring.performance import read_performance
from scoring.performance_template import build_performance, performance_template_bytes, sample_rows
from scoring.workbook import read_path
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def bidset():  # type: ignore[no-untyped-def]
    return read_path(str(ROOT / "data" / "sample_evaluation.xlsx")).bidset


def _bytes(**changes):  # type: ignore[no-untyped-def]
    import io

    rows = {**sample_rows(), **changes}
    buf = io.BytesIO()
    build_performance(**rows).save(buf)
    return buf.getvalue()


def test_the_bundled_sample_reads_and_matches_its_generator(bidset):
    bundled = read_performance((ROOT / "data" / "sample_performance.xlsx").read_bytes(), bidset)
    assert bundled.ok, [str(p) for p in bundled.problems]
    fresh = read_performance(_bytes(), bidset).book
    assert bundled.book.kpis == fresh.kpis and bundled.book.actuals == fresh.actuals
    book = bundled.book
    assert [f"{s.vendor}/{s.component}" for s in book.services] == [
        "Cascade Cloud Services/Infrastructure", "Northwind Digital/Application",
        "Northwind Digital/Analytics", "Bastion Security Group/Security"]
    assert len(book.months) == 12 and len(book.vendors) == 3
    # the bids' own uptime, and their fee at risk, are the contract's
    uptime = {(k.vendor, k.component): (k.target, k.weight_pct) for k in book.kpis if k.name == "uptime_pct"}
    assert uptime["Northwind Digital", "Analytics"] == (99.9, 100.0)  # the bid's, whole pool
    assert uptime["Cascade Cloud Services", "Infrastructure"] == (99.95, 60)  # restated in KPIs
    assert {s.component: s.fee_at_risk_pct for s in book.services}["Analytics"] == 10.0
    assert ("Bastion Security Group", "Security", "rollback_triggers", "yes") in book.obligations


def test_the_template_reads_as_a_book_of_its_example_vendor(bidset):
    found = read_performance(performance_template_bytes(), bidset)
    assert not found.ok  # its example vendor is not one of the sample's
    assert str(found.problems[0]).startswith("KPIs!B2: 'Example Vendor A' has no bid")


def _one(bidset, **changes):  # type: ignore[no-untyped-def]
    found = read_performance(_bytes(**changes), bidset)
    assert not found.ok
    assert len(found.problems) == 1, [str(p) for p in found.problems]
    return str(found.problems[0])


def _actuals(row):  # type: ignore[no-untyped-def]
    return [row, *sample_rows()["actuals"][1:]]


@pytest.mark.parametrize(("row", "starts", "says"), [
    (("2026-13", "Cascade Cloud Services", "Infrastructure", "uptime_pct", 99.9), "Actuals!A2",
     "the month is '2026-13'"),
    (("2026-01", "Cascade Clud Services", "Infrastructure", "uptime_pct", 99.9), "Actuals!B2",
     "Did you mean 'Cascade Cloud Services'"),
    (("2026-01", "Cascade Cloud Services", "Analytics", "uptime_pct", 99.9), "Actuals!C2",
     "Cascade Cloud Services has no bid for 'Analytics'"),
    (("2026-01", "Northwind Digital", "", "uptime_pct", 99.9), "Actuals!C2",
     "Northwind Digital holds 2: Application, Analytics"),
    (("2026-01", "Cascade Cloud Services", "Infrastructure", "uptime", 99.9), "Actuals!D2",
     "Did you mean 'uptime_pct'"),
    (("2026-01", "Cascade Cloud Services", "Infrastructure", "uptime_pct", "high"), "Actuals!E2",
     "value of 'uptime_pct'"),
    (("2026-02", "Cascade Cloud Services", "Infrastructure", "uptime_pct", 99.9), "Actuals!E",
     "reported twice"),
    (("2026-02-31", "Cascade Cloud Services", "Infrastructure", "uptime_pct", 99.9), "Actuals!A2",
     "the month is '2026-02-31'"),
])
def test_a_bad_actual_gets_one_located_message(bidset, row, starts, says):
    message = _one(bidset, actuals=_actuals(row))
    assert message.startswith(starts) and says in message, message


def test_bad_registers_and_invoices_are_located(bidset):
    risks = [("Phishing", "CISO", 6, 4, "open", "2026-12-05", "")]
    assert _one(bidset, risks=risks).startswith("Risks!C2: likelihood of 'Phishing' is 6")
    risks = [("Phishing", "CISO", 4, 4, "opened", "2026-12-05", "")]
    assert "Write one of open, mitigating, closed" in _one(bidset, risks=risks)
    invoices = [("2026-01", "Northwind Digital", "", 66_167.0)]
    message = _one(bidset, invoices=invoices)
    assert message.startswith("Invoices!C2") and "different shares of their fee at risk" in message
    debt = [("Hard-coded rules", "Application", -5.0, 1.0, 1.0)]
    assert _one(bidset, debt=debt).startswith("TechDebt!C2")



def test_one_mistake_in_the_kpis_sheet_gives_one_message(bidset):
    kpis = [("incident_response_minutes", "Cascade Clud Services", "Infrastructure", 30, "min",
             "min", 40, "no", ""), *sample_rows()["kpis"][2:]]
    message = _one(bidset, kpis=[sample_rows()["kpis"][0], *kpis])
    assert message.startswith("KPIs!B3") and "Cascade Cloud Services" in message


def test_invoices_that_overlap_or_cover_nothing_are_refused(bidset):
    rows = sample_rows()
    both = [*rows["invoices"], ("2026-01", "Cascade Cloud Services", "", 1_000.0)]
    assert "invoiced twice for 2026-01" in _one(bidset, invoices=both)
    elsewhere = [("2026-01", "Cascade Cloud Services", "Security", 1_000.0)]
    message = _one(bidset, invoices=elsewhere)
    assert message.startswith("Invoices!C2") and "invoiced for Security but no KPI" in message


def test_settings_keys_read_like_headers_and_once(bidset):
    ok = read_performance(_bytes(settings=(("Review-Cadence Days", 45, ""), ("escalation", 2, ""))),
                          bidset)
    assert ok.ok and (ok.book.review_days, ok.book.escalation) == (45, 2)
    assert "set twice" in _one(bidset, settings=(("escalation", 2, ""), ("escalation", 3, "")))
