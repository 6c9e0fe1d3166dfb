"""`zendesk-setup add --auth oauth|client_credentials` end to end: real subprocesses, real HTTP, scripted browser."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.conftest import CliResult
from tests.fake_zendesk import FakeZendesk

from .conftest import CLIENT_SECRET, CONFIDENTIAL_CLIENT, PUBLIC_CLIENT, keyring_entry


def authorize_url_in(text: str) -> str:
    """The authorisation URL the CLI printed."""
    match = re.search(r"http://127\.0\.0\.1:\d+/oauth/authorizations/new\?\S+", text)
    assert match, text
    return match.group(0)


def test_add_oauth_with_scripted_browser(
    add_oauth: Callable[..., CliResult],
    cli: Callable[..., CliResult],
    efake: FakeZendesk,
    config_dir: Path,
    browser_log: Path,
) -> None:
    result = add_oauth()
    assert result.code == 0, result.err
    assert "callback_status=200" in browser_log.read_text()
    url = authorize_url_in(result.err)
    params = {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}
    assert params["code_challenge_method"] == "S256" and len(params["state"]) >= 32
    assert params["scope"] == "read users:write" and params["client_id"] == PUBLIC_CLIENT
    assert "Signed in as Ada Admin" in result.out
    entry = keyring_entry("acme")
    assert entry is not None and entry["access_token"] in efake.live_access_tokens()
    assert entry["refresh_token"] in efake.live_refresh_tokens()
    [grant] = efake.token_requests
    assert grant["grant_type"] == "authorization_code" and grant["code_verifier"]
    assert "client_secret" not in grant
    yaml_text = (config_dir / "profiles.yaml").read_text()
    for secret in (entry["access_token"], entry["refresh_token"]):
        assert secret not in yaml_text and secret not in result.all
    assert "auth: oauth" in yaml_text and "client_kind: public" in yaml_text

    token = cli("token")
    assert token.code == 0 and token.out.strip() == entry["access_token"]
    header = cli("header", "acme")
    assert header.out.strip() == f"Bearer {entry['access_token']}"
    env = cli("env", "--format", "dotenv")
    assert f'ZENDESK_OAUTH_TOKEN="{entry["access_token"]}"' in env.out and 'ZENDESK_SUBDOMAIN="acme"' in env.out
    shown = cli("show", "acme")
    assert entry["access_token"] not in shown.all and "redirect url: http://127.0.0.1:" in shown.out


def test_confidential_oauth_client_secret_goes_to_keyring_only(
    cli: Callable[..., CliResult],
    efake: FakeZendesk,
    config_dir: Path,
    scripted_browser: Callable[..., dict[str, str]],
) -> None:
    from .conftest import free_port

    result = cli(
        "add", "conf", "--subdomain", "acme", "--base-url", efake.url, "--auth", "oauth",
        "--client-id", CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", "read",
        "--port", str(free_port()),
        stdin=CLIENT_SECRET + "\n", env=scripted_browser(),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert efake.token_requests[-1]["client_secret"] == CLIENT_SECRET
    assert keyring_entry("conf")["client_secret"] == CLIENT_SECRET
    yaml_text = (config_dir / "profiles.yaml").read_text()
    assert CLIENT_SECRET not in yaml_text and "client_kind: confidential" in yaml_text
    assert CLIENT_SECRET not in result.all


def test_denied_consent_exits_1_and_saves_nothing(
    add_oauth: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path, browser_log: Path
) -> None:
    result = add_oauth(action="deny")
    assert result.code == 1
    assert "denied" in result.err and "Traceback" not in result.err
    assert "error=access_denied" in browser_log.read_text()
    assert not (config_dir / "profiles.yaml").exists()
    assert keyring_entry("acme") is None
    assert efake.token_requests == []


def test_timeout_exits_1_and_saves_nothing(
    add_oauth: Callable[..., CliResult], config_dir: Path, browser_log: Path
) -> None:
    result = add_oauth("acme", "--timeout", "1.5", action="none")
    assert result.code == 1
    assert "No sign-in arrived" in result.err
    assert "opened" in browser_log.read_text()
    assert not (config_dir / "profiles.yaml").exists() and keyring_entry("acme") is None


def test_no_keyring_stops_before_the_browser_opens(
    add_oauth: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path, browser_log: Path
) -> None:
    result = add_oauth(env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.code == 3
    assert "keyring" in result.err.lower() and "Traceback" not in result.err
    assert "/oauth/authorizations/new" not in result.err
    assert not browser_log.exists()
    assert not any(path.startswith("/oauth") for _, path, _, _ in efake.requests)
    assert not (config_dir / "profiles.yaml").exists()


def test_unregistered_redirect_url_fails_in_words(
    add_oauth: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path, browser_log: Path
) -> None:
    efake.add_client("strict", kind="public", redirect_uris=["http://127.0.0.1:47123/callback"])
    result = add_oauth("strict", "--timeout", "1.5", client_id="strict")
    assert result.code == 1
    assert "consent_page_status=400" in browser_log.read_text()
    assert "redirect URL is registered" in result.err
    assert not (config_dir / "profiles.yaml").exists()


def test_client_credentials_add_and_token(cli: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path) -> None:
    result = cli(
        "add", "ci", "--subdomain", "acme", "--base-url", efake.url, "--auth", "client_credentials",
        "--client-id", CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", "read",
        stdin=CLIENT_SECRET + "\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Signed in as Ada Admin" in result.out
    entry = keyring_entry("ci")
    assert entry["client_secret"] == CLIENT_SECRET and entry["access_token"] in efake.live_access_tokens()
    yaml_text = (config_dir / "profiles.yaml").read_text()
    assert CLIENT_SECRET not in yaml_text and entry["access_token"] not in yaml_text
    assert "auth: client_credentials" in yaml_text
    token = cli("token", "ci")
    assert token.code == 0 and token.out.strip() == entry["access_token"]
    test = cli("test", "ci", "--json")
    assert test.code == 0 and '"ok": true' in test.out


def test_client_credentials_with_wrong_secret_saves_nothing(
    cli: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path
) -> None:
    result = cli(
        "add", "ci", "--subdomain", "acme", "--base-url", efake.url, "--auth", "client_credentials",
        "--client-id", CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", "read",
        stdin="not-the-secret\n",
    )  # fmt: skip
    assert result.code == 1
    assert "client" in result.err and "not-the-secret" not in result.all
    assert not (config_dir / "profiles.yaml").exists() and keyring_entry("ci") is None
