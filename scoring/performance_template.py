"""Write the performance workbook's template and the bundled sample (twelve months of the
sample evaluation's award: three vendors on four components, with realistic misses)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from scoring.template import _instructions, _table

KPI_HEADERS = ("kpi", "vendor", "component", "target", "direction", "unit", "weight_pct",
               "critical", "description")
ACTUAL_HEADERS = ("month", "vendor", "component", "kpi", "value")
INVOICE_HEADERS = ("month", "vendor", "component", "amount")
INCIDENT_HEADERS = ("date", "vendor", "component", "severity", "description", "resolved")
RISK_HEADERS = ("risk", "owner", "likelihood", "impact", "status", "updated", "mitigation")
DEBT_HEADERS = ("item", "system", "annual_carrying_cost", "remediation_cost", "cost_if_deferred")
SETTING_ROWS = (("review_cadence_days", 31, "A register entry not updated within this many days "
                 "of the month's end is stale (1-366)"),
                ("escalation", 1.0, "A KPI missed again the month after earns its allocation "
                 "times this for each consecutive miss before it (1 = none, up to 10)"))

INSTRUCTIONS: tuple[tuple[str, str], ...] = (
    ("Source Selection Workbench — performance workbook (contract v1)", ""),
    ("", ""),
    ("Sheet", "What to put there"),
    ("Actuals (required)", "One row per month, vendor, component and KPI: month (2026-01, or a "
     "date), vendor and component as the bid workbook names them (the component may be blank "
     "for a vendor that holds one), kpi, value. A KPI is one of the contract's: uptime_pct from "
     "the vendor's bid, or one of the KPIs sheet."),
    ("KPIs (optional)", "The contract's KPIs beyond the bids' own: kpi, vendor, component (blank "
     "for every component the vendor holds), target, direction (max: at least the target; min: "
     "at most), unit, weight_pct (the KPI's share of the vendor's fee-at-risk pool, percent; "
     "shares may add up to more than 100 %, the credit is capped at the amount at risk), "
     "critical (yes/no). A row for uptime_pct restates the bid's."),
    ("Invoices (optional)", "month, vendor, component (blank for the vendor's whole invoice), "
     "amount. The amount at risk is the bid's fee_at_risk_pct of it."),
    ("Incidents (optional)", "date, vendor, component, severity (critical, high, medium, low), "
     "description, resolved (the date, blank while open)."),
    ("Risks (optional)", "The shared risk register: risk, owner, likelihood (1-5), impact (1-5), "
     "status (open, mitigating, closed), updated (date), mitigation."),
    ("TechDebt (optional)", "item, system, annual_carrying_cost, remediation_cost, "
     "cost_if_deferred (what a year's deferral adds)."),
    ("Settings (optional)", "review_cadence_days and escalation, as key and value."),
)

COMPONENTS = {"Cascade Cloud Services": ("Infrastructure",),
              "Northwind Digital": ("Application", "Analytics"),
              "Bastion Security Group": ("Security",)}
MONTHS = tuple(f"2026-{m:02d}" for m in range(1, 13))

SAMPLE_KPIS: tuple[tuple[Any, ...], ...] = (
    ("uptime_pct", "Cascade Cloud Services", "Infrastructure", 99.95, "max", "%", 60, "yes",
     "The bid's uptime, restated with its share of the pool"),
    ("incident_response_minutes", "Cascade Cloud Services", "Infrastructure", 30, "min", "min",
     40, "no", "Time to respond to a priority-1 incident"),
    ("defects_escaped", "Northwind Digital", "Application", 5, "min", "defects", 30, "no",
     "Defects found in production in the month"),
    ("releases_on_time_pct", "Northwind Digital", "Application", 90, "max", "%", 30, "no",
     "Releases delivered on the agreed date"),
    ("median_days_to_refund", "Northwind Digital", "Application", 10, "min", "days", 0, "no",
     "OKR: taxpayers get refunds faster (progress only, no credit)"),
    ("report_latency_hours", "Northwind Digital", "Analytics", 4, "min", "hours", 25, "no",
     "Hours from the nightly close to the published reports"),
    ("patches_within_sla_pct", "Bastion Security Group", "Security", 95, "max", "%", 50, "yes",
     "Critical patches applied within the agreed window"),
    ("mean_time_to_detect_hours", "Bastion Security Group", "Security", 2, "min", "hours", 30,
     "yes", "Mean time to detect a security incident"),
)

# twelve months per series, January first: the misses are deliberate (see the README)
SERIES: dict[tuple[str, str, str], tuple[float, ...]] = {
    ("Cascade Cloud Services", "Infrastructure", "uptime_pct"):
        (99.98, 99.97, 99.99, 99.90, 99.97, 99.98, 99.96, 99.80, 99.93, 99.97, 99.98, 99.99),
    ("Cascade Cloud Services", "Infrastructure", "incident_response_minutes"):
        (22, 25, 19, 28, 21, 24, 23, 26, 45, 20, 18, 22),
    ("Northwind Digital", "Application", "uptime_pct"):
        (99.97, 99.98, 99.96, 99.99, 99.97, 99.96, 99.91, 99.97, 99.98, 99.97, 99.99, 99.98),
    ("Northwind Digital", "Application", "defects_escaped"):
        (3, 2, 3, 4, 5, 7, 8, 4, 3, 2, 3, 2),
    ("Northwind Digital", "Application", "releases_on_time_pct"):
        (95, 100, 92, 96, 94, 91, 85, 93, 97, 100, 96, 98),
    ("Northwind Digital", "Application", "median_days_to_refund"):
        (21, 20, 18, 17, 16, 15, 15, 13, 12, 11, 10, 9),
    ("Northwind Digital", "Analytics", "uptime_pct"):
        (99.95, 99.96, 99.93, 99.97, 99.95, 99.94, 99.96, 99.95, 99.97, 99.93, 99.96, 99.95),
    ("Northwind Digital", "Analytics", "report_latency_hours"):
        (2.5, 2.0, 2.8, 2.2, 2.4, 2.6, 2.1, 2.3, 2.7, 9.0, 2.5, 2.2),
    ("Bastion Security Group", "Security", "uptime_pct"):
        (99.99, 99.98, 99.99, 99.97, 99.99, 99.98, 99.99, 99.99, 99.98, 99.97, 99.99, 99.98),
    ("Bastion Security Group", "Security", "patches_within_sla_pct"):
        (97, 98, 96, 99, 97, 98, 100, 97, 96, 99, 98, 97),
    ("Bastion Security Group", "Security", "mean_time_to_detect_hours"):
        (1.2, 1.4, 1.1, 1.6, 1.3, 1.5, 1.2, 1.4, 1.8, 1.3, 1.6, 2.5),
}
# a month's invoice: the bid's price over the 5-year term, by month
INVOICES = {("Cascade Cloud Services", "Infrastructure"): 24_667.0,
            ("Northwind Digital", "Application"): 49_167.0,
            ("Northwind Digital", "Analytics"): 17_000.0,
            ("Bastion Security Group", "Security"): 12_667.0}
SAMPLE_INCIDENTS: tuple[tuple[Any, ...], ...] = (
    ("2026-04-11", "Cascade Cloud Services", "Infrastructure", "high",
     "Storage controller failover took 3 h 40 min", "2026-04-12"),
    ("2026-06-20", "Northwind Digital", "Application", "medium",
     "Refund batch rerun after a schema change", "2026-06-21"),
    ("2026-07-08", "Northwind Digital", "Application", "high",
     "Release 4.2 withdrawn: rollback to 4.1", "2026-07-10"),
    ("2026-08-02", "Cascade Cloud Services", "Infrastructure", "critical",
     "Regional outage: 8 h 45 min of degraded service", "2026-08-03"),
    ("2026-09-14", "Cascade Cloud Services", "Infrastructure", "high",
     "Network change caused 5 h of packet loss", "2026-09-15"),
    ("2026-10-05", "Northwind Digital", "Analytics", "medium",
     "Nightly close stalled on a lock; reports 9 h late", "2026-10-06"),
    ("2026-12-03", "Bastion Security Group", "Security", "high",
     "Credential-stuffing attempt detected after 2.5 h", ""),
)
SAMPLE_RISKS: tuple[tuple[Any, ...], ...] = (
    ("Key staff turnover at the application vendor", "Program manager", 3, 4, "mitigating",
     "2026-12-10", "Named key personnel clause; knowledge base reviewed quarterly"),
    ("Mainframe retirement slips past the tax season", "CIO", 2, 5, "open", "2026-11-02",
     "Parallel run plan; go/no-go in January"),
    ("Cloud region concentration", "Infrastructure lead", 2, 4, "open", "2026-06-15",
     "Second region in the 2027 roadmap"),
    ("Vendor lock-in on the analytics platform", "Enterprise architect", 3, 3, "open",
     "2026-09-30", "Exit plan and data export tested twice a year"),
    ("Phishing against taxpayer accounts", "CISO", 4, 4, "mitigating", "2026-12-05",
     "MFA rollout; detection tuning with the security vendor"),
    ("Budget cut in the next appropriation", "CFO", 2, 3, "open", "2026-05-20",
     "Prioritised backlog; modular options priced"),
    ("Legacy interface to the revenue ledger", "Application lead", 3, 2, "closed", "2026-10-01",
     "Replaced by the new API in October"),
)
SAMPLE_DEBT: tuple[tuple[Any, ...], ...] = (
    ("Batch jobs still on the mainframe scheduler", "Scheduling", 180_000.0, 420_000.0, 60_000.0),
    ("Unsupported reporting library", "Analytics", 45_000.0, 90_000.0, 30_000.0),
    ("Manual certificate renewal", "Infrastructure", 25_000.0, 15_000.0, 40_000.0),
    ("Duplicated taxpayer address tables", "Application", 60_000.0, 150_000.0, 20_000.0),
    ("Hard-coded tax-year rules", "Application", 90_000.0, 200_000.0, 110_000.0),
)


def build_performance(kpis: Any, actuals: Any, invoices: Any = (), incidents: Any = (),
                      risks: Any = (), debt: Any = (), settings: Any = SETTING_ROWS, *,
                      example: bool = False) -> Workbook:
    """A performance workbook (contract v1) of the rows given, with its instructions."""
    wb = Workbook()
    _instructions(wb, INSTRUCTIONS)
    _table(wb, "KPIs", KPI_HEADERS, kpis, example=example)
    _table(wb, "Actuals", ACTUAL_HEADERS, actuals, example=example)
    _table(wb, "Invoices", INVOICE_HEADERS, invoices, example=example)
    _table(wb, "Incidents", INCIDENT_HEADERS, incidents, example=example)
    _table(wb, "Risks", RISK_HEADERS, risks, example=example)
    _table(wb, "TechDebt", DEBT_HEADERS, debt, example=example)
    _table(wb, "Settings", ("key", "value", "meaning"), settings)
    return wb


def _bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sample_rows() -> dict[str, Any]:
    actuals = [(month, vendor, component, kpi, values[i])
               for i, month in enumerate(MONTHS) for (vendor, component, kpi), values in SERIES.items()]
    invoices = [(month, vendor, component, amount) for month in MONTHS
                for (vendor, component), amount in INVOICES.items()]
    return dict(kpis=SAMPLE_KPIS, actuals=actuals, invoices=invoices, incidents=SAMPLE_INCIDENTS,
                risks=SAMPLE_RISKS, debt=SAMPLE_DEBT,
                settings=(("review_cadence_days", 31, SETTING_ROWS[0][2]),
                          ("escalation", 1.5, SETTING_ROWS[1][2])))


def write_sample_performance(path: str | Path) -> Path:
    """Write the bundled sample performance workbook (the sample evaluation's award) to ``path``."""
    out = Path(path)
    out.write_bytes(_bytes(build_performance(**sample_rows())))
    return out


def performance_template_bytes() -> bytes:
    """The blank template: headers, instructions and one example row a sheet."""
    return _bytes(build_performance(
        [("incident_response_minutes", "Example Vendor A", "Application", 30, "min", "min", 40,
          "no", "Time to respond to a priority-1 incident")],
        [("2027-01", "Example Vendor A", "Application", "uptime_pct", 99.97)],
        [("2027-01", "Example Vendor A", "Application", 20_000.0)],
        [("2027-01-15", "Example Vendor A", "Application", "high", "Failover took 2 h", "2027-01-15")],
        [("Key staff turnover", "Program manager", 3, 4, "open", "2027-01-31", "Key personnel clause")],
        [("Manual certificate renewal", "Infrastructure", 25_000.0, 15_000.0, 40_000.0)],
        example=True))
