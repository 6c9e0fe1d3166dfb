"""Pilot tests: Zendesk slow or failing on the check step — the 429 wait counts down, a retry visibly runs again."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.ui.conftest import paste, screen_text, settle
from textual.widgets import Static

from zendesk_setup.ui.screens.review import ReviewScreen

ME = "/api/v2/users/me"


async def to_review_without_waiting(pilot) -> None:
    """API token, subdomain acme, Ada's email and token, enter on the credentials: the check starts."""
    await pilot.press("down", "enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, EMAIL)
    await pilot.press("down")
    await paste(pilot, API_TOKEN)
    await pilot.press("enter")


def shown(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_a_429_shows_the_wait_and_counts_down_then_the_check_goes_through(app_factory, fake) -> None:
    fake.inject(ME, 429, headers={"Retry-After": "1"}, times=1)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review_without_waiting(pilot)
        seen = ""
        for _ in range(2000):  # a condition to wait for, bounded; the worker is mid-wait while it holds
            if isinstance(app.screen, ReviewScreen) and "rate limiting" in shown(app, "#review-progress"):
                seen = shown(app, "#review-progress")
                break
            await pilot.pause()
        assert "Zendesk is rate limiting; waiting 1 s before retrying." in seen
        assert "retrying in 1 s" in seen
        assert app.screen.query_one("#review-progress").display
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        status = shown(app, "#review-status")
        assert "Signed in as Ada Admin" in status
        assert "rate limited this check once" in status
        assert API_TOKEN not in screen_text(app)


async def test_a_recheck_after_a_500_visibly_runs_again(app_factory, fake) -> None:
    fake.inject(ME, 500, times=1)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review_without_waiting(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "server error (500)" in shown(app, "#review-status")
        assert "attempt" not in shown(app, "#review-status")
        fake.inject(ME, 500, times=1, delay=1.0)  # slow enough to look at the screen while it runs
        await pilot.press("r")
        status = shown(app, "#review-status")
        assert "server error" not in status, "the old failure must not stand while the check runs again"
        assert "attempt 2" in shown(app, "#review-progress")
        await settle(pilot)
        assert "server error (500)" in shown(app, "#review-status")
        assert "(attempt 2)" in shown(app, "#review-status")
        await pilot.press("r")
        await settle(pilot)
        assert "Signed in as Ada Admin" in shown(app, "#review-status")


async def test_a_429_that_outlasts_the_retries_says_rate_limited_and_offers_saving_unchecked(
    app_factory, fake, config_dir: Path
) -> None:
    fake.inject(ME, 429, headers={"Retry-After": "0"}, times=3)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review_without_waiting(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        status = shown(app, "#review-status")
        assert "Rate limited (429)" in status
        assert "w: save without checking" in status
        assert "f: fix" not in status, "a rate limit is no wrong field"
        await pilot.press("w")
        await settle(pilot)
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert "checked" not in profile, "saved without a check: no verdict on the credentials is written"
