"""OAuth clients through an admin profile: ``add --create-client``, ``client``, ``rotate``, and each refusal.

Everything runs the real CLI against the fake Zendesk's OAuth Clients API on 127.0.0.1, except the terminal case
of ``client create``, which runs ``run_client`` with streams that say they are a terminal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.conftest import CliResult
from tests.e2e_oauth.conftest import free_port
from tests.fake_zendesk import FakeZendesk
from tests.provision.conftest import AGENT_TOKEN, entry, profile_yaml

from zendesk_setup.cli.commands.client import ClientOptions, run_client
from zendesk_setup.cli.streams import IO
from zendesk_setup.core.clients import ClientsApi
from zendesk_setup.core.errors import ZendeskError
from zendesk_setup.core.service import CredentialsService

OOMNITZA_REDIRECT = "https://generic-oauth2-proxy.oomnitza.com/oauth2/redirect_url"


def add_ci(cli: Callable[..., CliResult], fake: FakeZendesk, name: str = "ci", using: str = "acme") -> CliResult:
    """``add NAME --auth client_credentials --create-client --using USING``."""
    return cli(
        "add", name, "--subdomain", "acme", "--base-url", fake.url, "--auth", "client_credentials",
        "--scope", "read", "--create-client", "--using", using,
    )  # fmt: skip


def client_credentials_status(fake: FakeZendesk, identifier: str, secret: str) -> int:
    """The token endpoint's status for a client-credentials grant with this secret."""
    form = {"grant_type": "client_credentials", "client_id": identifier, "client_secret": secret, "scope": "read"}
    return httpx.post(f"{fake.url}/oauth/tokens", data=form).status_code


def test_add_create_client_makes_a_working_ci_profile(
    cli: Callable[..., CliResult], fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    result = add_ci(cli, fake)
    assert result.code == 0, result.err
    (identifier,) = fake.clients_created
    client = fake.clients[identifier]
    assert client.kind == "confidential" and client.redirect_uris == ()
    saved = profile_yaml(config_dir, "ci")
    assert saved["client_id"] == identifier
    assert saved["created_client"]["id"] == client.numeric_id
    assert entry("ci")["client_secret"] == client.secret
    assert client.secret not in result.all
    assert cli("test", "ci").code == 0


def test_add_create_client_for_oauth_registers_exactly_the_loopback_url(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("acme")
    port = free_port()
    result = cli(
        "add", "me", "--subdomain", "acme", "--base-url", fake.url, "--auth", "oauth", "--scope", "read",
        "--port", str(port), "--create-client", "--using", "acme",
    )  # fmt: skip
    assert result.code == 0, result.err
    (identifier,) = fake.clients_created
    assert fake.clients[identifier].kind == "public"
    assert fake.clients[identifier].redirect_uris == (f"http://127.0.0.1:{port}/callback",)
    assert "Register this redirect URL" not in result.err  # it was registered for us
    assert cli("header", "me").out.startswith("Bearer ")


def test_rotate_stores_the_new_secret_and_the_old_one_dies(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    assert add_ci(cli, fake).code == 0
    (identifier,) = fake.clients_created
    old_secret = entry("ci")["client_secret"]
    result = cli("rotate", "ci", "--using", "acme")
    assert result.code == 0, result.err
    new_secret = entry("ci")["client_secret"]
    assert new_secret != old_secret and new_secret == fake.clients[identifier].secret
    assert fake.secrets_generated == 1
    assert client_credentials_status(fake, identifier, old_secret) == 401
    assert client_credentials_status(fake, identifier, new_secret) == 201
    assert new_secret not in result.all and old_secret not in result.all
    assert cli("test", "ci").code == 0


def test_rotate_finds_a_client_it_did_not_create_by_identifier(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    fake.add_client("legacy_ci", kind="confidential", secret="legacy-s3cret-0123456789")
    added = cli(
        "add", "legacy", "--subdomain", "acme", "--base-url", fake.url, "--auth", "client_credentials",
        "--client-id", "legacy_ci", "--scope", "read", "--client-secret-stdin", stdin="legacy-s3cret-0123456789",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert cli("rotate", "legacy", "--using", "acme").code == 0
    assert entry("legacy")["client_secret"] == fake.clients["legacy_ci"].secret != "legacy-s3cret-0123456789"


def test_rotate_with_no_usable_keyring_never_asks_zendesk(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    assert add_ci(cli, fake).code == 0
    result = cli("rotate", "ci", "--using", "acme", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.code == 3, result.all
    assert fake.secrets_generated == 0


def test_rotate_refuses_a_public_client_profile(
    cli: Callable[..., CliResult], fake: FakeZendesk, browser: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    assert cli("migrate", "acme", "--yes", "--port", str(free_port())).code == 0
    result = cli("rotate", "acme", "--using", "acme")
    assert result.code == 2 and "no client secret to rotate" in result.err


def test_client_create_prints_what_the_integration_form_asks_for(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    result = cli(
        "client", "create", "--using", "acme", "--name", "Oomnitza", "--redirect-url", OOMNITZA_REDIRECT,
        "--scope", "read", "write",
    )  # fmt: skip
    assert result.code == 0, result.err
    (identifier,) = fake.clients_created
    client = fake.clients[identifier]
    assert client.kind == "confidential" and client.redirect_uris == (OOMNITZA_REDIRECT,)
    assert re.search(r"^Subdomain:\s+acme$", result.out, re.M)
    assert re.search(rf"^Client ID:\s+{identifier}$", result.out, re.M)
    assert re.search(rf"^Client secret:\s+{client.secret}$", result.out, re.M)  # stdout is a pipe here
    assert re.search(r"^Scope:\s+read write$", result.out, re.M)
    assert identifier.startswith("oomnitza-")


class TerminalOut(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_client_create_on_a_terminal_does_not_print_the_secret(
    fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    out, err = TerminalOut(), io.StringIO()
    opts = ClientOptions(
        config_dir=str(config_dir), action="create", using="acme", name="Oomnitza", redirect_urls=(OOMNITZA_REDIRECT,)
    )
    assert run_client(opts, IO(out=out, err=err, stdin=None)) == 0
    (identifier,) = fake.clients_created
    secret = fake.clients[identifier].secret
    assert secret is not None and secret not in out.getvalue() + err.getvalue()
    assert "Client ID:" in out.getvalue()
    assert f"client secret {fake.clients[identifier].numeric_id} --using acme --show-secret" in err.getvalue()


def test_client_list_and_delete(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    numeric = fake.add_client("\x1b]0;owned\x07evil", kind="public", name="Ops [b]x[/b] \x1b[2J")
    listed = cli("client", "list", "--using", "acme")
    assert listed.code == 0, listed.err
    assert "\x1b" not in listed.out and "\x07" not in listed.out
    assert str(numeric) in listed.out and "Ops [b]x[/b]" in listed.out
    deleted = cli("client", "delete", str(numeric), "--using", "acme", "--yes")
    assert deleted.code == 0, deleted.err
    assert fake.client_by_id(numeric) is None
    missing = cli("client", "delete", str(numeric), "--using", "acme", "--yes")
    assert missing.code == 1 and f"no OAuth client with id {numeric}" in missing.err


def test_client_delete_without_a_terminal_needs_yes(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    numeric = fake.add_client("keep_me", kind="public")
    result = cli("client", "delete", str(numeric), "--using", "acme")
    assert result.code == 2 and "--yes" in result.err
    assert fake.client_by_id(numeric) is not None


# Refusals: one clear sentence each, nothing local changes ---------------------------------------------------


def test_an_agent_cannot_create_a_client(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    config_dir: Path,
    api_token_profile: Callable[..., str],
    agent: str,
) -> None:
    api_token_profile("abe", email=agent, token=AGENT_TOKEN)
    before = (config_dir / "profiles.yaml").read_bytes()
    result = add_ci(cli, fake, using="abe")
    assert result.code == 1
    assert "only a Zendesk admin can create or change OAuth clients" in result.err
    assert fake.clients_created == [] and (config_dir / "profiles.yaml").read_bytes() == before


def test_the_server_refusing_a_non_admin_is_one_sentence(
    fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str], agent: str
) -> None:
    api_token_profile("abe", email=agent, token=AGENT_TOKEN)
    service = CredentialsService(config_dir)
    session = service.session(service.store.get("abe"))
    with session.http() as http, pytest.raises(ZendeskError) as caught:
        ClientsApi(session, http).create(name="x", identifier="x1", kind="public", redirect_uris=[])
    assert caught.value.message == "Zendesk refused profile 'abe': only admins can manage OAuth clients."


def test_an_oauth_profile_without_write_is_told_so(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    fake.add_client("read_only_cli", kind="public")
    added = cli(
        "add", "reader", "--subdomain", "acme", "--base-url", fake.url, "--auth", "oauth",
        "--client-id", "read_only_cli", "--scope", "read", "--port", str(free_port()),
    )  # fmt: skip
    assert added.code == 0, added.err
    result = add_ci(cli, fake, using="reader")
    assert result.code == 1
    assert "lacks the write scope" in result.err
    assert "ci" not in (config_dir / "profiles.yaml").read_text()


def test_a_taken_identifier_is_one_sentence(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    fake.add_client("taken-id", kind="confidential", secret="s3cret-0123456789")
    result = cli(
        "client", "create", "--using", "acme", "--name", "X", "--identifier", "taken-id",
        "--redirect-url", OOMNITZA_REDIRECT,
    )  # fmt: skip
    assert result.code == 1
    assert "The client identifier 'taken-id' is already taken on this account." in result.err


@pytest.mark.parametrize("url", ["http://example.com/cb", "ftp://x/cb", "https://", "https://a b/"])
def test_an_invalid_redirect_url_is_refused_before_zendesk_is_asked(
    cli: Callable[..., CliResult], fake: FakeZendesk, api_token_profile: Callable[..., str], url: str
) -> None:
    api_token_profile("acme")
    result = cli("client", "create", "--using", "acme", "--name", "X", "--redirect-url", url)
    assert result.code == 2 and "is not a redirect URL Zendesk accepts" in result.err
    assert fake.clients_created == []


def test_the_server_refusing_a_redirect_url_is_one_sentence(
    fake: FakeZendesk, config_dir: Path, api_token_profile: Callable[..., str]
) -> None:
    api_token_profile("acme")
    service = CredentialsService(config_dir)
    session = service.session(service.store.get("acme"))
    with session.http() as http, pytest.raises(ZendeskError) as caught:
        ClientsApi(session, http).create(name="x", identifier="x1", kind="public", redirect_uris=["http://evil.test/"])
    assert caught.value.message.startswith("Zendesk refused the redirect URL")
    assert caught.value.field == "redirect_url"


def test_an_oauth_admin_token_refused_with_401_is_refreshed_once(
    cli: Callable[..., CliResult],
    fake: FakeZendesk,
    browser: Path,
    config_dir: Path,
    api_token_profile: Callable[..., str],
) -> None:
    api_token_profile("acme")
    assert cli("migrate", "acme", "--yes", "--port", str(free_port())).code == 0
    fake.expire_access_tokens()  # the server drops the token before its local expiry
    service = CredentialsService(config_dir)
    session = service.session(service.store.get("acme"))
    with session.http() as http:
        listed = ClientsApi(session, http).list()
    assert [c.identifier for c in listed] == fake.clients_created
    assert fake.refresh_count == 1
