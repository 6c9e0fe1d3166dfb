"""The home screen's last-check cell tells a rate-limited check from failed credentials."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from zendesk_setup.core.profiles import CheckRecord
from zendesk_setup.ui.screens.profiles import check_text


def test_a_rate_limited_check_is_not_shown_as_failed_credentials() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    at = now - timedelta(minutes=5)
    limited = CheckRecord(at=at, ok=False, message="rate limited", kind="rate_limited")
    assert check_text(limited, now) == "⏳ rate limited 5m ago"
    assert check_text(CheckRecord(at=at, ok=False, message="401"), now) == "✗ failed 5m ago"
    assert check_text(CheckRecord(at=at, ok=True, user="Ada"), now) == "✓ ok 5m ago"
