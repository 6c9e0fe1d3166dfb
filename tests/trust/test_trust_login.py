"""A broken refresh is visible and recoverable without the TUI: dead tokens are never handed out, `login` brings
the profile back.

The lost rotation is played for real: the fake Zendesk rotates the profile's tokens (as it does for a refresh by a
process that was then killed) and the new pair never reaches the keyring. Everything runs the real CLI in
subprocesses, with a scripted browser for the consent.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import keyring
import pytest
import yaml
from tests.conftest import CliResult
from tests.e2e_oauth.conftest import SCRIPTED_BROWSER, free_port
from tests.fake_zendesk import FakeZendesk, running_fake
from tests.trust.test_trust_paste import consent_url_in, start_on_terminal

PUBLIC_CLIENT = "zs_login_public"
CONFIDENTIAL_CLIENT = "zs_login_conf"
CLIENT_SECRET = "login-s3cret-0123456789abcdef"


@pytest.fixture
def lfake() -> Iterator[FakeZendesk]:
    """A fake Zendesk with a public and a confidential client."""
    with running_fake() as server:
        server.add_client(PUBLIC_CLIENT, kind="public")
        server.add_client(CONFIDENTIAL_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


@pytest.fixture
def browser(tmp_path: Path) -> Callable[..., dict[str, str]]:
    """The environment that makes Python's webbrowser run the scripted browser (``allow`` or ``deny``)."""

    def env(action: str = "allow") -> dict[str, str]:
        return {
            "BROWSER": f"{sys.executable} {SCRIPTED_BROWSER} %s",
            "SCRIPTED_BROWSER_ACTION": action,
            "SCRIPTED_BROWSER_LOG": str(tmp_path / "browser.log"),
        }

    return env


def entry(name: str) -> dict:
    """The profile's secret entry in the test keyring."""
    raw = keyring.get_password("zendesk-setup", name)
    return json.loads(raw) if raw else {}


def add_oauth(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Callable[..., dict[str, str]],
    name: str,
    *extra: str,
    client_id: str = PUBLIC_CLIENT,
    stdin: str | None = None,
) -> None:
    """Add an OAuth profile through the CLI and a scripted consent."""
    result = cli(
        "add", name, "--subdomain", "acme", "--base-url", fake.url, "--auth", "oauth", "--client-id", client_id,
        "--scope", "read", "users:write", "--port", str(free_port()), *extra, env=browser(), stdin=stdin,
    )  # fmt: skip
    assert result.code == 0, result.err


def lose_rotation(fake: FakeZendesk, refresh_token: str, client_secret: str | None = None) -> None:
    """Refresh on the server and throw the answer away, as a process killed right after the refresh would."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": PUBLIC_CLIENT}
    if client_secret is not None:
        form.update(client_id=CONFIDENTIAL_CLIENT, client_secret=client_secret)
    assert httpx.post(f"{fake.url}/oauth/tokens", data=form, timeout=10).status_code in (200, 201)


def saved_profiles(config_dir: Path) -> dict:
    """profiles.yaml as data."""
    return yaml.safe_load((config_dir / "profiles.yaml").read_text())


def test_after_a_lost_rotation_token_header_and_test_exit_1_with_the_way_out(
    cli: Callable[..., CliResult], lfake: FakeZendesk, browser: Callable[..., dict[str, str]], config_dir: Path
) -> None:
    add_oauth(cli, lfake, browser, "acme")
    dead = entry("acme")
    lose_rotation(lfake, dead["refresh_token"])
    assert dead["access_token"] not in lfake.live_access_tokens()

    test = cli("test", "acme")
    assert test.code == 1
    assert "zendesk-setup login acme" in test.err and "Traceback" not in test.err
    for command in ("token", "header", "token", "test"):
        result = cli(command, "acme")
        assert result.code == 1, (command, result.out)
        assert result.out == "" and dead["access_token"] not in result.all
        assert "zendesk-setup login acme" in result.err, result.err
    assert entry("acme").get("access_token") is None
    grants = [request["grant_type"] for request in lfake.token_requests]
    assert grants == ["authorization_code", "refresh_token", "refresh_token"], "a dead refresh token was resent"
    assert saved_profiles(config_dir)["profiles"]["acme"]["checked"]["ok"] is False


def test_a_refresh_refused_with_invalid_grant_is_remembered(
    cli: Callable[..., CliResult], lfake: FakeZendesk, browser: Callable[..., dict[str, str]]
) -> None:
    add_oauth(cli, lfake, browser, "acme")
    stored = entry("acme")
    lose_rotation(lfake, stored["refresh_token"])
    stored["access_expires_at"] = time.time() - 600
    keyring.set_password("zendesk-setup", "acme", json.dumps(stored))
    first = cli("token", "acme")
    assert first.code == 1 and "zendesk-setup login acme" in first.err
    refreshes = len(lfake.token_requests)
    again = cli("header", "acme")
    assert again.code == 1 and again.out == "" and "zendesk-setup login acme" in again.err
    assert len(lfake.token_requests) == refreshes


def test_login_brings_the_profile_back_and_keeps_its_settings(
    cli: Callable[..., CliResult], lfake: FakeZendesk, browser: Callable[..., dict[str, str]], config_dir: Path
) -> None:
    add_oauth(cli, lfake, browser, "main", "--default")
    add_oauth(
        cli, lfake, browser, "conf", "--client-secret-stdin", "--insecure-storage",
        client_id=CONFIDENTIAL_CLIENT, stdin=CLIENT_SECRET + "\n",
    )  # fmt: skip
    secrets_file = config_dir / "secrets.yaml"
    before = yaml.safe_load(secrets_file.read_text())["secrets"]["conf"]
    lose_rotation(lfake, before["refresh_token"], CLIENT_SECRET)
    assert cli("test", "conf").code == 1
    settings_before = saved_profiles(config_dir)
    old_check = settings_before["profiles"]["conf"]["checked"]
    assert old_check["ok"] is False

    login = cli("login", "conf", "--port", str(free_port()), env=browser())
    assert login.code == 0, login.err
    assert "Signed in as Ada Admin" in login.out and "conf" in login.out

    after = yaml.safe_load(secrets_file.read_text())["secrets"]["conf"]
    assert after["access_token"] in lfake.live_access_tokens()
    assert after["refresh_token"] in lfake.live_refresh_tokens()
    assert after["client_secret"] == CLIENT_SECRET and "consent_needed" not in after
    assert keyring.get_password("zendesk-setup", "conf") is None, "the profile moved to the keyring"
    assert lfake.token_requests[-1]["client_secret"] == CLIENT_SECRET
    settings_after = saved_profiles(config_dir)
    assert settings_after["default"] == "main"
    records = ("checked", "refresh_expires")  # what a check and a new token record; the rest are settings
    kept = {k: v for k, v in settings_after["profiles"]["conf"].items() if k not in records}
    assert kept == {k: v for k, v in settings_before["profiles"]["conf"].items() if k not in records}
    assert str(settings_after["profiles"]["conf"]["refresh_expires"]) >= str(
        settings_before["profiles"]["conf"]["refresh_expires"]
    )
    assert settings_after["profiles"]["conf"]["checked"]["ok"] is True
    for secret in (after["access_token"], after["refresh_token"], CLIENT_SECRET):
        assert secret not in login.all and secret not in (config_dir / "profiles.yaml").read_text()

    token = cli("token", "conf")
    assert token.code == 0 and token.out.strip() == after["access_token"]
    assert cli("test", "conf").code == 0
    assert cli("token", "main").code == 0


def test_login_on_a_denied_consent_changes_nothing(
    cli: Callable[..., CliResult], lfake: FakeZendesk, browser: Callable[..., dict[str, str]], config_dir: Path
) -> None:
    add_oauth(cli, lfake, browser, "acme")
    before = entry("acme")
    yaml_before = (config_dir / "profiles.yaml").read_text()
    result = cli("login", "acme", "--timeout", "20", env=browser("deny"))
    assert result.code == 1 and "denied" in result.err and "Traceback" not in result.err
    assert entry("acme") == before
    assert (config_dir / "profiles.yaml").read_text() == yaml_before


def test_login_refuses_what_has_no_consent(
    cli: Callable[..., CliResult], fake: FakeZendesk, browser: Callable[..., dict[str, str]]
) -> None:
    from tests.conftest import API_TOKEN, EMAIL

    added = cli(
        "add", "api", "--subdomain", "acme", "--base-url", fake.url, "--auth", "api_token", "--email", EMAIL,
        "--api-token-stdin", stdin=API_TOKEN + "\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    result = cli("login", "api", env=browser())
    assert result.code == 2 and "OAuth" in result.err and "zendesk-setup edit api" in result.err
    missing = cli("login", "nope", env=browser())
    assert missing.code == 2 and "nope" in missing.err
    assert cli("login", "api", "--timeout", "inf").code == 2


def test_login_without_a_browser_takes_the_pasted_redirect_on_a_terminal(
    cli: Callable[..., CliResult],
    lfake: FakeZendesk,
    browser: Callable[..., dict[str, str]],
) -> None:
    add_oauth(cli, lfake, browser, "acme")
    old = entry("acme")
    term = start_on_terminal("login", "acme", "--no-browser", "--port", str(free_port()))
    try:
        location = lfake.consent(consent_url_in(term.read_until(r"paste the redirected URL")), "allow")
        term.type(location)
        exit_code, out, _ = term.finish()
    finally:
        term.close()
    assert exit_code == 0, term.seen
    assert "Signed in as Ada Admin" in out
    new = entry("acme")
    assert new["access_token"] != old["access_token"] and new["access_token"] in lfake.live_access_tokens()
    assert new["access_token"] not in term.seen + out


def test_login_on_a_damaged_secret_entry_stops_before_the_browser(
    cli: Callable[..., CliResult], lfake: FakeZendesk, browser: Callable[..., dict[str, str]], tmp_path: Path
) -> None:
    add_oauth(cli, lfake, browser, "acme")
    keyring.set_password("zendesk-setup", "acme", "not the JSON zendesk-setup writes")
    requests_before = len(lfake.token_requests)
    (tmp_path / "browser.log").unlink()
    result = cli("login", "acme", env=browser())
    assert result.code == 3 and "acme" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "browser.log").exists(), "the browser opened although nothing could be saved"
    assert len(lfake.token_requests) == requests_before
