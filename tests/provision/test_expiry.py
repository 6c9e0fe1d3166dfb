"""Expiry you can see: list, show and test --json say what will stop each profile working, and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.conftest import CliResult
from tests.e2e_oauth.conftest import free_port
from tests.fake_zendesk import DEFAULT_REFRESH_TTL, FakeZendesk
from tests.provision.conftest import profile_yaml


def stamp(text: str) -> datetime:
    """A ``...Z`` moment from profiles.yaml."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_each_auth_type_says_what_ends_it(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("tok")
    api_token_profile("oa")
    assert cli("migrate", "oa", "--yes", "--port", str(free_port())).code == 0
    api_token_profile("ci")
    assert cli("migrate", "ci", "--to", "client_credentials", "--yes").code == 0

    recorded = stamp(profile_yaml(config_dir, "oa")["refresh_expires"])
    expected = datetime.now(UTC) + timedelta(seconds=DEFAULT_REFRESH_TTL)
    assert abs((recorded - expected).total_seconds()) < 60
    assert "refresh_token" not in (config_dir / "profiles.yaml").read_text()

    listing = {line.lstrip("* ").split()[0]: line for line in cli("list").out.splitlines()[1:]}
    days_to_shutoff = (date(2027, 4, 30) - datetime.now(UTC).date()).days
    assert f"API token off 2027-04-30 ({days_to_shutoff} d)" in listing["tok"]
    assert f"sign-in until {recorded.date().isoformat()} (" in listing["oa"]
    assert "API token off" not in listing["ci"] and "sign-in" not in listing["ci"]

    shown = cli("show", "ci").out
    assert "secret never expires" in shown and "zendesk-setup rotate ci --using ADMIN" in shown
    tested = json.loads(cli("test", "oa", "--json").out)
    assert tested["expires"]["on"] == recorded.date().isoformat()
    assert tested["expires"]["what"] == "sign-in until"
    assert json.loads(cli("test", "tok", "--json").out)["expires"]["on"] == "2027-04-30"


def test_a_refresh_records_the_new_refresh_expiry(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("oa")
    assert cli("migrate", "oa", "--yes", "--port", str(free_port())).code == 0
    before = stamp(profile_yaml(config_dir, "oa")["refresh_expires"])
    fake.refresh_ttl = 10 * 86400  # the new refresh token lives 10 days, not 30
    fake.expire_access_tokens()
    assert cli("test", "oa").code == 0  # 401 from the server, then one refresh
    assert fake.refresh_count == 1
    after = stamp(profile_yaml(config_dir, "oa")["refresh_expires"])
    assert abs((before - after) - timedelta(days=20)) < timedelta(seconds=60)
