"""No leaks: every CLI command with known secrets, the secret-holding types' reprs, exceptions and logs."""

from __future__ import annotations

import base64
import logging
import socket
import threading
import urllib.request
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import keyring
import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk, running_fake
from tests.trust.conftest import run_cli

from zendesk_setup.core import oauth
from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import KeyringError, SetupError
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.redirect import redirect_uri_for
from zendesk_setup.core.secrets import KeyringSecretStore, Secret
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.session import load_profile, open_session

CONF_CLIENT = "leak_conf"
CLIENT_SECRET = "cl13nt-s3cret-leak-ABCDEFGH012345"
WRONG_TOKEN = "wr0ng-t0ken-leak-ZYXWVUT98765"
PRINTS_SECRETS = {"token", "header", "env"}


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def lfake() -> Iterator[FakeZendesk]:
    """The fake with Ada's API token and a confidential client."""
    with running_fake() as server:
        server.add_api_token(API_TOKEN, EMAIL)
        server.add_client(CONF_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


def known_secrets(fake: FakeZendesk) -> dict[str, str]:
    """Every secret of the run by a label: tokens, client secret, refresh tokens, codes, the Basic header."""
    found = {
        "api token": API_TOKEN,
        "basic header": base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode(),
        "client secret": CLIENT_SECRET,
        "wrong token": WRONG_TOKEN,
    }
    with fake.lock:
        for token in fake.tokens.values():
            found[f"access token {token.id}"] = token.access_token
            if token.refresh_token:
                found[f"refresh token {token.id}"] = token.refresh_token
        for code in fake.codes:
            found[f"code {code[:4]}"] = code
    return found


class Browser:
    """Stands in for webbrowser.open: plays Allow on the fake's consent page and follows the redirect."""

    def __init__(self, fake: FakeZendesk) -> None:
        self.fake = fake

    def open(self, url: str, *args: object, **kwargs: object) -> bool:
        parts = urlsplit(url)

        def consent() -> None:
            location = self.fake.consent(f"{self.fake.url}{parts.path}?{parts.query}", "allow")
            with urllib.request.urlopen(location, timeout=5):  # urllib, not httpx: the stand-in must not log
                pass

        threading.Thread(target=consent, daemon=True).start()
        return True


def test_no_cli_command_leaks_a_secret(
    lfake: FakeZendesk, config_dir: Path, capsys, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(webbrowser, "open", Browser(lfake).open)
    url = lfake.url
    transcript: list[tuple[list[str], int, str, str, str]] = []

    def run(*argv: str, stdin: str = "", expect: int | None = 0) -> tuple[str, str]:
        code, out, err = run_cli(list(argv), capsys, stdin)
        yaml_text = (config_dir / "profiles.yaml").read_text() if (config_dir / "profiles.yaml").exists() else ""
        transcript.append((list(argv), code, out, err, yaml_text))
        if expect is not None:
            assert code == expect, (argv, code, err)
        return out, err

    run("add", "api", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", url, stdin=API_TOKEN + "\n")  # fmt: skip
    run("add", "conf", "--subdomain", "acme", "--auth", "oauth", "--client-id", CONF_CLIENT, "--client-secret-stdin",
        "--scope", "read", "users:write", "--port", str(free_port()), "--timeout", "20", "--base-url", url,
        stdin=CLIENT_SECRET + "\n")  # fmt: skip
    run("add", "ci", "--subdomain", "acme", "--auth", "client_credentials", "--client-id", CONF_CLIENT,
        "--client-secret-stdin", "--scope", "read", "--base-url", url, stdin=CLIENT_SECRET + "\n")  # fmt: skip
    run("add", "ins", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", url, "--insecure-storage", stdin=API_TOKEN + "\n")  # fmt: skip
    for bad_token in (WRONG_TOKEN, f"{WRONG_TOKEN} {WRONG_TOKEN}"):
        run("add", "bad", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
            "--base-url", url, stdin=bad_token + "\n", expect=None)  # fmt: skip
    run("add", "badcc", "--subdomain", "acme", "--auth", "client_credentials", "--client-id", CONF_CLIENT,
        "--client-secret-stdin", "--scope", "read", "--base-url", url, stdin=WRONG_TOKEN + "\n", expect=1)  # fmt: skip

    names = ["api", "conf", "ci", "ins"]
    for name in names:
        for argv in (["list"], ["list", "--json"], ["show", name], ["show", name, "--json"], ["test", name],
                     ["test", name, "--json"]):  # fmt: skip
            run(*argv)
        for command in ("token", "header", "env"):
            run(command, name)
        run("env", name, "--format", "json")
        run("env", name, "--format", "dotenv")

    lfake.expire_access_tokens()
    run("token", "conf")  # refreshes and rotates
    run("test", "conf")
    lfake.inject("/api/v2/users/me", 401, body={"error": "Couldn't authenticate you"}, times=None)
    run("test", "api", expect=1)
    run("test", "conf", expect=1)
    lfake.clear_injections()
    run("rename", "api", "api2")
    run("default", "ci")
    run("remove", "conf", "--revoke", "--yes")
    for name in ("api2", "ci", "ins"):
        run("remove", name, "--yes")

    secrets = known_secrets(lfake)
    assert sum(label.startswith("refresh token") for label in secrets) >= 2, "the refresh never happened"
    log_text = caplog.text
    for argv, _code, out, err, yaml_text in transcript:
        for label, secret in secrets.items():
            assert secret not in err, f"{label} in stderr of {argv}"
            assert secret not in yaml_text, f"{label} in profiles.yaml after {argv}"
            if argv[0] not in PRINTS_SECRETS:
                assert secret not in out, f"{label} in stdout of {argv}"
        if argv[0] in PRINTS_SECRETS:
            assert CLIENT_SECRET not in out, f"{argv} printed the client secret"
            assert not any(out.find(s) >= 0 for label, s in secrets.items() if label.startswith("refresh")), argv
    for label, secret in secrets.items():
        assert secret not in log_text, f"{label} in the log"

    token_outputs = [out for argv, _, out, _, _ in transcript if argv == ["token", "api"]]
    assert token_outputs == [API_TOKEN + "\n"], "the leak check looked for the wrong secret"


def test_secret_type_is_masked_everywhere() -> None:
    secret = Secret("tok3n-hidden-value")
    percent_formatted = "%s" % secret  # noqa: UP031 - logging formats this way
    for shown in (repr(secret), str(secret), f"{secret}", percent_formatted, format(secret), repr([secret]),
                  repr({"k": secret})):  # fmt: skip
        assert "tok3n-hidden-value" not in shown and "hidden" not in shown
    assert secret.reveal() == "tok3n-hidden-value"
    with pytest.raises(TypeError):
        import json

        json.dumps({"k": secret})


def test_reprs_of_secret_holding_objects_hold_no_secret(lfake: FakeZendesk, config_dir: Path) -> None:
    redirect = redirect_uri_for(47123)
    pkce = oauth.new_pkce()
    code = lfake.issue_code(CONF_CLIENT, redirect, ["read"], code_challenge=pkce.challenge)
    with httpx.Client(timeout=10) as http:
        tokens = oauth.exchange_code(
            http, lfake.url, client_id=CONF_CLIENT, code=code, code_verifier=pkce.verifier, redirect_uri=redirect,
            scopes=["read"], client_secret=CLIENT_SECRET,
        )  # fmt: skip
    profile = Profile(name="conf", subdomain="acme", auth="oauth", client_id=CONF_CLIENT, client_kind="confidential",
                      scopes=("read",), redirect_port=47123, base_url=lfake.url)  # fmt: skip
    store = ProfileStore(config_dir)
    service = CredentialsService(config_dir)
    result = service.add(ProfileDraft.new_from(profile, client_secret=CLIENT_SECRET).with_tokens(tokens))
    loaded = load_profile("conf")
    session = open_session("conf")
    shown = " ".join(
        [repr(tokens), str(tokens), repr(pkce), str(pkce), repr(profile), repr(result), str(result), repr(loaded),
         repr(session), repr(store.load()), repr(result.identity)]
    )  # fmt: skip
    for label, secret in {**known_secrets(lfake), "verifier": pkce.verifier}.items():
        assert secret not in shown, f"{label} in a repr"
    consent = service.begin_consent(ProfileDraft.new_from(profile), port=free_port())
    try:
        assert consent.pkce.verifier not in repr(consent)
    finally:
        consent.close()


def test_exception_text_holds_no_secret(lfake: FakeZendesk, config_dir: Path, monkeypatch) -> None:
    profile = Profile(name="api", subdomain="acme", auth="api_token", email=EMAIL, base_url=lfake.url)
    errors: list[BaseException] = []
    with pytest.raises(SetupError) as caught:
        CredentialsService(config_dir).check(ProfileDraft.new_from(profile, api_token=WRONG_TOKEN))
    errors.append(caught.value)

    def refusing_backend(service: str, name: str, password: str) -> None:
        raise RuntimeError(f"backend could not store {password}")

    monkeypatch.setattr(keyring, "set_password", refusing_backend)
    with pytest.raises(KeyringError) as caught_keyring:
        KeyringSecretStore().set("api", {"api_token": API_TOKEN})
    errors.append(caught_keyring.value)
    monkeypatch.undo()

    redirect = redirect_uri_for(47123)
    with httpx.Client(timeout=10) as http, pytest.raises(SetupError) as caught_refresh:
        oauth.refresh_tokens(http, lfake.url, client_id=CONF_CLIENT, refresh_token=WRONG_TOKEN,
                             client_secret=CLIENT_SECRET)  # fmt: skip
    errors.append(caught_refresh.value)
    with httpx.Client(timeout=10) as http, pytest.raises(SetupError) as caught_exchange:
        oauth.exchange_code(http, lfake.url, client_id=CONF_CLIENT, code=WRONG_TOKEN, code_verifier="v" * 43,
                            redirect_uri=redirect, scopes=["read"], client_secret=CLIENT_SECRET)  # fmt: skip
    errors.append(caught_exchange.value)

    for error in errors:
        text = " ".join([str(error), repr(error), repr(error.args), str(getattr(error, "hint", ""))])
        for secret in (API_TOKEN, WRONG_TOKEN, CLIENT_SECRET):
            assert secret not in text, f"{secret[:6]}… in {type(error).__name__}"
        assert error.__cause__ is None, "the original exception (which may quote the secret) is chained"
