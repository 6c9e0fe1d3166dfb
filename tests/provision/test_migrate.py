"""``migrate``: an API-token profile becomes an OAuth profile of the same name, through the real CLI.

The fake Zendesk implements the OAuth Clients API (admins only, exact redirect URLs for created clients,
unique identifiers); consent goes through the scripted browser that presses Allow (or Deny).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
from tests.conftest import API_TOKEN, CliResult
from tests.e2e_oauth.conftest import free_port
from tests.fake_zendesk import FakeZendesk
from tests.provision.conftest import AGENT_TOKEN, entry, profile_yaml


def snapshot(config_dir: Path, name: str) -> tuple[bytes, dict | None]:
    """profiles.yaml's bytes and the profile's secret entry: what 'left exactly as it was' compares."""
    return (config_dir / "profiles.yaml").read_bytes(), entry(name)


def test_migrate_moves_the_profile_to_oauth_in_place(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("acme")
    port = free_port()
    result = cli("migrate", "acme", "--yes", "--port", str(port))
    assert result.code == 0, result.err
    (identifier,) = fake.clients_created
    client = fake.clients[identifier]
    assert client.kind == "public"
    assert client.redirect_uris == (f"http://127.0.0.1:{port}/callback",)
    saved = profile_yaml(config_dir, "acme")
    assert saved["auth"] == "oauth"
    assert saved["client_id"] == identifier
    assert saved["client_kind"] == "public"
    assert saved["scopes"] == ["read", "write"]
    assert saved["created_client"] == {"id": client.numeric_id, "identifier": identifier}
    assert "email" not in saved
    stored = entry("acme")
    assert stored is not None and "api_token" not in stored and stored["access_token"]
    assert API_TOKEN not in (config_dir / "profiles.yaml").read_text()
    header = cli("header", "acme")
    assert header.code == 0 and header.out.startswith("Bearer ")
    assert cli("test", "acme").code == 0
    assert "admin/apps-integrations/apis/api-tokens" in result.out
    assert "Deactivate the old API token" in result.out
    assert API_TOKEN not in result.all


def test_migrate_to_client_credentials_needs_no_browser_and_shows_no_secret(
    cli: Callable[..., CliResult], fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("ci")
    no_browser = {"BROWSER": "/bin/false"}
    result = cli("migrate", "ci", "--to", "client_credentials", "--scope", "read", "--yes", env=no_browser)
    assert result.code == 0, result.err
    (identifier,) = fake.clients_created
    client = fake.clients[identifier]
    assert client.kind == "confidential"
    stored = entry("ci")
    assert stored is not None and stored["client_secret"] == client.secret
    assert client.secret is not None and client.secret not in result.all
    assert profile_yaml(config_dir, "ci")["auth"] == "client_credentials"
    assert cli("header", "ci").out.startswith("Bearer ")
    assert [r["grant_type"] for r in fake.token_requests] == ["client_credentials"]


def test_an_agents_profile_is_refused_and_nothing_changes(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    config_dir: Path,
    api_token_profile: Callable[..., str],
    agent: str,
) -> None:
    api_token_profile("abe", email=agent, token=AGENT_TOKEN)
    before = snapshot(config_dir, "abe")
    result = cli("migrate", "abe", "--yes", env={"BROWSER": "/bin/false"})
    assert result.code == 1, result.all
    assert "only a Zendesk admin can create" in result.err
    assert "--client-id" in result.err  # what an admin must do instead
    assert snapshot(config_dir, "abe") == before
    assert fake.clients_created == []


def test_a_denied_consent_deletes_the_client_it_created_and_changes_nothing(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("acme")
    before = snapshot(config_dir, "acme")
    result = cli("migrate", "acme", "--yes", "--port", str(free_port()), env={"SCRIPTED_BROWSER_ACTION": "deny"})
    assert result.code == 1, result.all
    assert len(fake.clients_created) == 1
    assert fake.clients_created[0] not in fake.clients  # deleted again
    assert "Deleted the OAuth client" in result.err
    assert snapshot(config_dir, "acme") == before
    assert cli("test", "acme").code == 0  # the API token still works


def test_a_failing_check_after_creation_deletes_the_client(
    cli: Callable[..., CliResult], fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("ci")
    before = snapshot(config_dir, "ci")
    fake.inject("/oauth/tokens", 500, body={"error": "server_error"}, times=None)
    result = cli("migrate", "ci", "--to", "client_credentials", "--yes")
    assert result.code == 1, result.all
    assert len(fake.clients_created) == 1 and fake.clients_created[0] not in fake.clients
    assert snapshot(config_dir, "ci") == before


def test_migrate_with_an_existing_client_creates_none(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
    agent: str,
) -> None:
    fake.add_client("team_cli", kind="public")
    api_token_profile("abe", email=agent, token=AGENT_TOKEN)
    result = cli("migrate", "abe", "--client-id", "team_cli", "--yes", "--port", str(free_port()))
    assert result.code == 0, result.err  # no admin needed when no client is created
    assert fake.clients_created == []
    saved = profile_yaml(config_dir, "abe")
    assert saved["client_id"] == "team_cli" and "created_client" not in saved
    assert cli("header", "abe").out.startswith("Bearer ")


def test_migrate_refuses_a_profile_that_is_not_an_api_token_one(
    cli: Callable[..., CliResult], fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("ci")
    assert cli("migrate", "ci", "--to", "client_credentials", "--yes").code == 0
    again = cli("migrate", "ci", "--yes")
    assert again.code == 2
    assert "already uses client_credentials" in again.err


def test_remove_revoke_deletes_the_client_the_migration_created(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("acme")
    assert cli("migrate", "acme", "--yes", "--port", str(free_port())).code == 0
    (identifier,) = fake.clients_created
    token = cli("token", "acme").out.strip()
    result = cli("remove", "acme", "--revoke", "--yes")
    assert result.code == 0, result.err
    assert identifier not in fake.clients
    assert "Deleted the OAuth client" in result.out
    response = httpx.get(f"{fake.url}/api/v2/users/me.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_script_that_read_the_profile_before_the_migration_saved_gets_the_new_token(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    """The race window of `token`/`header` against migrate's one save: the profile read said API token, the
    secret entry read a moment later holds the OAuth tokens. The script must get a working credential, not exit 3.
    """
    from zendesk_setup.core.profiles import ProfileStore
    from zendesk_setup.core.session import Session

    api_token_profile("acme")
    before = ProfileStore(config_dir).get("acme")  # what a racing `token acme` read first
    tokens_session = Session.for_profile(before, config_dir)
    header_session = Session.for_profile(before, config_dir)
    assert cli("migrate", "acme", "--yes", "--port", str(free_port())).code == 0
    stored = entry("acme")
    assert stored is not None
    assert tokens_session.token() == stored["access_token"]
    assert header_session.auth_header() == f"Bearer {stored['access_token']}"
    assert tokens_session.token() in fake.live_access_tokens()
