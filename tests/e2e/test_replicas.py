"""Two app replicas sharing one database see each other's saves; share links reopen the view."""

import re

from tests.e2e.conftest import shot, wait_idle


def choose(page, label: str, option: str) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def nav(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Move to another page in the same session, as a user does with the sidebar."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    wait_idle(page)


def fill(page, label: str, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label(label, exact=True).fill(text)


def test_save_on_one_replica_open_the_link_on_the_other(browser, servers):
    a, b = servers
    ctx_a = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = ctx_a.new_page()
    page.goto(f"{a.url}/")
    wait_idle(page)
    choose(page, "Scoring method", "Weighted sum (WSM)")
    assert page.get_by_text("score 0.8464").is_visible()
    nav(page, "Report & share")
    fill(page, "Evaluation name", "Replica test")
    fill(page, "Your name", "Ann")
    fill(page, "Reason for this version", "Shared with the panel")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_idle(page)
    page.get_by_text("Saved as evaluation").wait_for()
    shot(page, "report-saved")
    link = page.locator('[data-testid="stCode"]').filter(has_text="evaluation=").first.inner_text()
    link = re.sub(r"\s+", "", link)
    assert "Cascade" not in link and "version=1" in link

    ctx_b = browser.new_context(viewport={"width": 1400, "height": 1400})
    other = ctx_b.new_page()
    other.goto(link.replace(a.url, b.url))
    wait_idle(other)
    assert other.get_by_text("score 0.8464").is_visible()
    assert other.get_by_text(re.compile(r"saved evaluation #\d+, version 1")).first.is_visible()
    shot(other, "evaluate-from-share-link")

    # A save on replica B is seen by replica A: A's next save on version 1 is refused.
    choose(other, "Scoring method", "VIKOR (compromise ranking, v = 0.5)")
    nav(other, "Report & share")
    fill(other, "Your name", "Bob")
    fill(other, "Reason for this version", "Compare with VIKOR")
    other.get_by_role("button", name="Save", exact=True).click()
    wait_idle(other)
    other.get_by_text("version 2").first.wait_for()

    nav(page, "Evaluate")
    choose(page, "Scoring method", "TOPSIS (closeness to the ideal)")
    nav(page, "Report & share")
    fill(page, "Your name", "Ann")
    fill(page, "Reason for this version", "Back to TOPSIS")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_idle(page)
    page.get_by_text("changed by Bob").wait_for()
    ctx_a.close()
    ctx_b.close()
