"""The home screen tells a rate-limited check from failed credentials, and counts a 429's wait down on t."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from tests.ui.conftest import save_api_token_profile, settle
from textual.widgets import Static

from zendesk_setup.core.profiles import CheckRecord
from zendesk_setup.ui.app import ZendeskSetupApp
from zendesk_setup.ui.screens.profiles import check_text
from zendesk_setup.ui.widgets.row_table import RowTable

ME = "/api/v2/users/me"


def test_a_rate_limited_check_is_not_shown_as_failed_credentials() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    at = now - timedelta(minutes=5)
    limited = CheckRecord(at=at, ok=False, message="rate limited", kind="rate_limited")
    assert check_text(limited, now) == "⏳ rate limited 5m ago"
    assert check_text(CheckRecord(at=at, ok=False, message="401"), now) == "✗ failed 5m ago"
    assert check_text(CheckRecord(at=at, ok=True, user="Ada"), now) == "✓ ok 5m ago"


def shown_status(app: ZendeskSetupApp) -> str:
    """The home status line's text."""
    return str(app.screen.query_one("#home-status", Static).render())


def toast_text(app: ZendeskSetupApp) -> str:
    """Every toast on screen, title and message."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))


async def test_t_on_home_shows_a_429s_wait_counting_down_then_says_zendesk_rate_limited_the_test(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    fake.inject(ME, 429, headers={"Retry-After": "2"}, times=1)
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert "Testing 'acme'" in shown_status(app)
        seen: list[str] = []
        for _ in range(3000):  # a condition to wait for, bounded: the worker is mid-wait while it holds
            line = shown_status(app)
            if "rate limiting" in line and line not in seen:
                seen.append(line)
            if "retrying in 1 s" in line or "retrying now" in line:
                break
            await pilot.pause(0.01)
        assert seen and "Zendesk is rate limiting; waiting 2 s before retrying. retrying in 2 s…" in seen[0]
        assert any("retrying in 1 s" in line or "retrying now" in line for line in seen), "the wait counts down"
        await settle(pilot)
        assert "1 profile in" in shown_status(app), "the status line shows the count again once the test is done"
        assert "'acme' works" in toast_text(app)
        assert "Zendesk rate limited the test once" in toast_text(app)
    assert yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]["ok"] is True


async def test_t_on_home_when_the_429s_outlast_the_retries_reads_rate_limited_not_failed(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    fake.inject(ME, 429, headers={"Retry-After": "0"}, times=None)
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await settle(pilot)
        toasts = toast_text(app)
        assert "Testing 'acme': rate limited" in toasts and "did not judge the credentials" in toasts
        assert "failed" not in toasts
        assert [toast.has_class("-warning") for toast in app.screen.query("Toast")] == [True]
        row = app.screen.query_one(RowTable).render_line(1).text
        assert "⏳ rate limited" in row and "failed" not in row
    checked = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    assert checked["ok"] is False and checked["kind"] == "rate_limited"
