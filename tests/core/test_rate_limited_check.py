"""A check that Zendesk keeps rate limiting is recorded as rate limited, not as failed credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.ui.conftest import save_api_token_profile

from zendesk_setup.cli.common import last_check
from zendesk_setup.core.errors import ZendeskError
from zendesk_setup.core.profiles import ProfileStore
from zendesk_setup.core.service import CredentialsService


def test_a_429_that_outlasts_the_retries_is_recorded_as_rate_limited(fake, config_dir: Path) -> None:
    save_api_token_profile(config_dir, fake)
    fake.inject("/api/v2/users/me", 429, headers={"Retry-After": "0"}, times=3)
    service = CredentialsService(config_dir)
    notes: list[str] = []
    with pytest.raises(ZendeskError) as caught:
        service.test(service.store.load().profiles["acme"], notify=notes.append)
    assert caught.value.kind == "rate_limited"
    assert len(notes) == 2 and all(getattr(note, "seconds", None) == 0 for note in notes)
    checked = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    assert checked["ok"] is False and checked["kind"] == "rate_limited"
    assert checked["message"].startswith("rate limited")
    record = ProfileStore(config_dir).load().profiles["acme"].checked
    assert record is not None and record.rate_limited and record.outcome == "rate limited"
    assert last_check(ProfileStore(config_dir).load().profiles["acme"]).startswith("RATE LIMITED")


def test_wrong_credentials_are_still_recorded_as_failed(fake, config_dir: Path) -> None:
    save_api_token_profile(config_dir, fake)
    fake.inject("/api/v2/users/me", 401, times=1)
    service = CredentialsService(config_dir)
    with pytest.raises(ZendeskError):
        service.test(service.store.load().profiles["acme"])
    record = ProfileStore(config_dir).load().profiles["acme"].checked
    assert record is not None and not record.rate_limited and record.outcome == "failed"
    assert "kind" not in yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]


def test_a_check_zendesk_never_judged_leaves_the_last_verdict_alone(fake, config_dir: Path) -> None:
    """A 500 or a copy with no token yet says nothing about the credentials: no 'failed' is recorded."""
    from tests.ui.conftest import save_oauth_profile

    from zendesk_setup.core.errors import SetupError

    save_api_token_profile(config_dir, fake)
    service = CredentialsService(config_dir)
    service.test(service.store.load().profiles["acme"])
    good = ProfileStore(config_dir).load().profiles["acme"].checked
    assert good is not None and good.ok
    fake.inject("/api/v2/users/me", 500, times=10)
    with pytest.raises(ZendeskError) as caught:
        service.test(service.store.load().profiles["acme"])
    assert caught.value.kind == "server_error"
    assert ProfileStore(config_dir).load().profiles["acme"].checked == good
    fake.clear_injections()

    save_oauth_profile(config_dir, fake, "signed-in")
    copy = service.duplicate("signed-in", "copy")
    with pytest.raises(SetupError) as not_yet:
        service.test(copy)
    assert not_yet.value.tui_hint == "Press e to sign in."
    assert ProfileStore(config_dir).load().profiles["copy"].checked is None
