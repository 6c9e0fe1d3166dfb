"""Network faults for every call the product makes, through the CLI: one clear sentence, exit 1, nothing saved."""

from __future__ import annotations

import http.server
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from tests import stores
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk, running_fake
from tests.trust.conftest import run_cli

from zendesk_setup.core import oauth, zendesk
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.redirect import redirect_uri_for
from zendesk_setup.core.secrets import KeyringSecretStore

PUBLIC_CLIENT = "trust_public"
CONFIDENTIAL_CLIENT = "trust_confidential"
CLIENT_SECRET = "cl13nt-s3cret-trust-0123456789"
SCOPES = ("read", "users:write")
DNS_FAILURE_URL = "https://zendesk-setup-trust.invalid"
FAST_TIMEOUT = 1.0
CLASS_NAME = re.compile(r"\b\w+(Error|Exception)\b")
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f\x9b]")


def free_port() -> int:
    """A loopback port nobody listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# A TLS server with a self-signed certificate that would answer every request with success ---------


class _AlwaysOk(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _ok(self) -> None:
        body = json.dumps(
            {"user": {"id": 1, "name": "Mallory", "email": "m@evil.test", "role": "admin"},
             "access_token": "mallory-token", "token": {"id": 5, "scopes": ["read"]}}
        ).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _ok


@pytest.fixture(scope="module")
def self_signed_url() -> Iterator[str]:
    """``https://127.0.0.1:PORT`` served with a self-signed test certificate (so it must be refused)."""
    folder = Path(__file__).parent / "data"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _AlwaysOk)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "selfsigned-cert.pem", folder / "selfsigned-key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def nfake() -> Iterator[FakeZendesk]:
    """The fake with Ada's API token and a public and a confidential OAuth client."""
    with running_fake() as server:
        server.add_api_token(API_TOKEN, EMAIL)
        server.add_client(PUBLIC_CLIENT, kind="public")
        server.add_client(CONFIDENTIAL_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


@pytest.fixture(autouse=True)
def fast_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short client timeouts and 429 waits, so the whole matrix runs in seconds."""
    real = zendesk.new_http_client
    monkeypatch.setattr(zendesk, "new_http_client", lambda base_url="", timeout=FAST_TIMEOUT: real(base_url, timeout))
    monkeypatch.setattr(zendesk, "FALLBACK_RETRY_AFTER", 0.1)
    monkeypatch.setattr(zendesk, "MAX_RETRY_AFTER", 0.3)


# The faults ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One way the network or Zendesk can misbehave, and the words the user must see."""

    name: str
    expect: str
    base: str | None = None  # "refused", "dns", "tls-plain", "tls-self-signed"
    status: int | None = None
    body: str | dict | list = ""
    headers: tuple[tuple[str, str], ...] = ()
    content_type: str = "application/json"
    delay: float = 0.0


SCOPE_BODY = {"error": "Forbidden", "description": "You are missing the following required scopes: read"}
FAULTS = [
    Fault("refused", r"refused the connection", base="refused"),
    Fault("dns", r"could not be found \(DNS\)", base="dns"),
    Fault("tls-plain-http-port", r"secure \(TLS\) connection", base="tls-plain"),
    Fault("tls-self-signed", r"secure \(TLS\) connection", base="tls-self-signed"),
    Fault("timeout", r"did not answer in time", status=200, body={}, delay=FAST_TIMEOUT + 1.5),
    Fault("401", r"did not accept|refused the token request \(401\)|invalid|consent again", status=401,
          body={"error": "Couldn't authenticate you"}),
    Fault("403-missing-scope", r"missing the following required scopes: read", status=403, body=SCOPE_BODY),
    Fault("403-object", r"refused.*(Forbidden|plan does not allow)", status=403,
          body={"error": {"title": "Forbidden", "message": "Your plan does not allow this"}}),
    Fault("404", r"404", status=404, body={"error": "InvalidEndpoint", "description": "Not found"}),
    Fault("429-retry-after", r"rate limit", status=429, body="Too Many Requests", content_type="text/plain",
          headers=(("Retry-After", "0"),)),
    Fault("429-no-retry-after", r"rate limit", status=429, body={"error": "TooManyRequests"}),
    Fault("429-retry-after-date", r"rate limit", status=429, body="", headers=(("Retry-After", "Wed, 21 Oct 2015"),)),
    Fault("500", r"server error \(500\)", status=500, body={"error": "InternalServerError"}),
    Fault("503-html", r"server error \(503\)", status=503, body="<html><h1>Maintenance</h1></html>",
          content_type="text/html"),
    Fault("200-not-json", r"not JSON|without token details", status=200, body="<html>hello</html>",
          content_type="text/html"),
    Fault("200-json-list", r"anonymous|without an access token|without token details", status=200, body=[1, 2]),
    Fault("200-empty", r"not JSON|without token details|anonymous", status=200, body=""),
    Fault("400-error-string", r"refused|unexpected status 400|malformed", status=400,
          body={"error": "invalid_request", "error_description": "Bad things"}),
    Fault("400-error-object", r"refused|unexpected status 400", status=400,
          body={"error": {"title": "Bad", "message": "Something odd"}}),
    Fault("400-error-number", r"refused|unexpected status 400", status=400, body={"error": 42}),
    Fault("403-terminal-escapes", r"refused", status=403,
          body={"error": "Forbidden\x1b[2J\x1b]0;pwned\x07", "description": "line one\nline two\r\x9b31m"}),
]  # fmt: skip


# The calls ----------------------------------------------------------------------------------


@dataclass
class Call:
    """One product call driven through the CLI: how to set it up, run it, and where to inject faults."""

    name: str
    path: str
    method: str | None
    prepare: Callable[[FakeZendesk, str], None]
    run: Callable[[FakeZendesk, str, pytest.CaptureFixture[str]], tuple[int, str, str]]
    after: Callable[[Path], None]


def oauth_tokens(fake: FakeZendesk, client_id: str = PUBLIC_CLIENT) -> oauth.TokenSet:
    """Tokens issued by the fake as if the user had consented."""
    redirect = redirect_uri_for(47123)
    pkce = oauth.new_pkce()
    code = fake.issue_code(client_id, redirect, SCOPES, code_challenge=pkce.challenge)
    with httpx.Client(timeout=10) as http:
        return oauth.exchange_code(
            http, fake.url, client_id=client_id, code=code, code_verifier=pkce.verifier,
            redirect_uri=redirect, scopes=SCOPES,
        )  # fmt: skip


def seed_oauth(fake: FakeZendesk, base: str, *, expired: bool) -> None:
    """Save an OAuth profile 'acme' pointing at ``base`` with real tokens from the fake."""
    fields = oauth_tokens(fake).to_secret_fields()
    if expired:
        fields["access_expires_at"] = time.time() - 600
    profile = Profile(
        name="acme", subdomain="acme", auth="oauth", client_id=PUBLIC_CLIENT, client_kind="public",
        scopes=SCOPES, redirect_port=47123, base_url=base,
    )  # fmt: skip
    stores.save_profile(ProfileStore(_config_dir()), profile, fields)


def seed_nothing(fake: FakeZendesk, base: str) -> None:
    """Nothing to save before the call."""


def seed_oauth_valid(fake: FakeZendesk, base: str) -> None:
    """An OAuth profile whose access token is still valid."""
    seed_oauth(fake, base, expired=False)


def seed_oauth_expired(fake: FakeZendesk, base: str) -> None:
    """An OAuth profile whose access token has expired, so the next use refreshes it."""
    seed_oauth(fake, base, expired=True)


def seed_api_profile(fake: FakeZendesk, base: str) -> None:
    """An API-token profile."""
    seed_api(base)


def seed_api(base: str) -> None:
    """Save an API-token profile 'acme' pointing at ``base``."""
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=base)
    stores.save_profile(ProfileStore(_config_dir()), profile, {"api_token": API_TOKEN})


def _config_dir() -> Path:
    import os

    return Path(os.environ["ZENDESK_SETUP_CONFIG_DIR"])


def _nothing_saved(config_dir: Path) -> None:
    path = config_dir / "profiles.yaml"
    assert not path.exists() or "acme" not in path.read_text(), "a profile was saved although its check failed"
    assert KeyringSecretStore().get("acme") is None, "a secret was stored although the profile was not saved"


def _profile_kept(config_dir: Path) -> None:
    assert "acme" in (config_dir / "profiles.yaml").read_text()
    assert KeyringSecretStore().get("acme"), "the profile's secret went missing after a failed call"


def run_check_api(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["test", "acme"], capsys)


def run_check_oauth(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["test", "acme"], capsys)


def run_add_api(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    argv = ["add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
            "--base-url", base]  # fmt: skip
    return run_cli(argv, capsys, API_TOKEN + "\n")


def run_exchange(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    import webbrowser

    def browser(url: str, *args: object, **kwargs: object) -> bool:
        parts = urlsplit(url)
        on_fake = f"{fake.url}{parts.path}?{parts.query}"

        def consent() -> None:
            location = fake.consent(on_fake, "allow")
            httpx.get(location, timeout=5)

        threading.Thread(target=consent, daemon=True).start()
        return True

    original = webbrowser.open
    webbrowser.open = browser  # type: ignore[assignment]
    try:
        argv = ["add", "acme", "--subdomain", "acme", "--auth", "oauth", "--client-id", PUBLIC_CLIENT,
                "--scope", *SCOPES, "--port", str(free_port()), "--timeout", "20", "--base-url", base]  # fmt: skip
        return run_cli(argv, capsys)
    finally:
        webbrowser.open = original  # type: ignore[assignment]


def run_client_credentials(fake: FakeZendesk, base: str, capsys) -> tuple[int, str, str]:
    argv = ["add", "acme", "--subdomain", "acme", "--auth", "client_credentials", "--client-id",
            CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", *SCOPES, "--base-url", base]  # fmt: skip
    return run_cli(argv, capsys, CLIENT_SECRET + "\n")


def run_refresh(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["token", "acme"], capsys)


def run_revoke(fake: FakeZendesk, base: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["remove", "acme", "--revoke", "--yes"], capsys)


CALLS = [
    Call("check-api-token", "/api/v2/users/me", "GET", seed_api_profile, run_check_api, _profile_kept),
    Call("check-oauth", "/api/v2/users/me", "GET", seed_oauth_valid, run_check_oauth, _profile_kept),
    Call("add-api-token", "/api/v2/users/me", "GET", seed_nothing, run_add_api, _nothing_saved),
    Call("token-exchange", "/oauth/tokens", "POST", seed_nothing, run_exchange, _nothing_saved),
    Call("client-credentials", "/oauth/tokens", "POST", seed_nothing, run_client_credentials, _nothing_saved),
    Call("refresh", "/oauth/tokens", "POST", seed_oauth_expired, run_refresh, _profile_kept),
    Call("revoke", "/api/v2/oauth/tokens", None, seed_oauth_valid, run_revoke, _profile_kept),
]


def base_for(fault: Fault, fake: FakeZendesk, self_signed: str) -> str:
    """The base URL the profile uses for this fault."""
    return {
        None: fake.url,
        "refused": f"http://127.0.0.1:{free_port()}",
        "dns": DNS_FAILURE_URL,
        "tls-plain": f"https://127.0.0.1:{fake.port}",
        "tls-self-signed": self_signed,
    }[fault.base]


def secrets_of(fake: FakeZendesk) -> list[str]:
    """Every secret that exists in this test: the API token, the client secret and all issued tokens."""
    values = [API_TOKEN, CLIENT_SECRET]
    with fake.lock:
        for token in fake.tokens.values():
            values.append(token.access_token)
            if token.refresh_token:
                values.append(token.refresh_token)
    return values


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
@pytest.mark.parametrize("call", CALLS, ids=[c.name for c in CALLS])
def test_every_network_fault_gives_one_clear_sentence_and_exit_1(
    call: Call, fault: Fault, nfake: FakeZendesk, self_signed_url: str, config_dir: Path, capsys
) -> None:
    base = base_for(fault, nfake, self_signed_url)
    call.prepare(nfake, base)
    if fault.base is None:
        nfake.inject(
            call.path, fault.status, body=fault.body, headers=dict(fault.headers), times=None, delay=fault.delay,
            content_type=fault.content_type, method=call.method,
        )  # fmt: skip
    started = time.monotonic()
    code, out, err = call.run(nfake, base, capsys)
    seconds = time.monotonic() - started

    assert code == 1, f"exit {code}\n{err}"
    assert "Traceback" not in err and not CLASS_NAME.search(err), err
    assert not CONTROL.search(err + out), f"control characters reached the terminal: {err!r}"
    if call.name == "revoke":
        failure = [line for line in err.splitlines() if line.startswith("Revoking the token failed: ")]
        assert len(failure) == 1, err
        assert "Nothing was removed" in err
    else:
        failure = [line for line in err.splitlines() if line.startswith("zendesk-setup: ")]
        assert len(failure) == 1, err
        tail = err.splitlines()[err.splitlines().index(failure[0]) :]
        assert len(tail) <= 2, f"more than a sentence and a hint:\n{err}"
    assert re.search(fault.expect, failure[0], re.IGNORECASE), failure[0]
    assert failure[0].rstrip().endswith((".", ")")), failure[0]
    for secret in secrets_of(nfake):
        assert secret not in out + err, "a secret reached the terminal"
    assert "mallory-token" not in out + err
    assert seconds < 12, f"{call.name} took {seconds:.1f} s on {fault.name}"
    call.after(config_dir)


@pytest.mark.parametrize("retry_after", ["0", None])
def test_a_429_that_clears_is_waited_out_and_the_call_succeeds(
    retry_after: str | None, nfake: FakeZendesk, config_dir: Path, capsys
) -> None:
    seed_api(nfake.url)
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    nfake.inject("/api/v2/users/me", 429, body="slow down", headers=headers, times=1, content_type="text/plain")
    code, out, err = run_cli(["test", "acme"], capsys)
    assert code == 0, err
    assert "rate limiting; waiting" in err and "Ada Admin" in out


def test_retry_after_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zendesk, "MAX_RETRY_AFTER", 60.0)
    monkeypatch.setattr(zendesk, "FALLBACK_RETRY_AFTER", 10.0)
    request = httpx.Request("GET", "https://acme.zendesk.com/x")

    def wait(value: str | None) -> float:
        headers = {"Retry-After": value} if value is not None else {}
        return zendesk.retry_after_seconds(httpx.Response(429, headers=headers, request=request))

    assert wait("3600") == 60.0
    assert wait("-5") == 0.0
    assert wait("nan") in (0.0, 10.0, 60.0)
    assert wait("inf") == 60.0
    assert wait(None) == 10.0
    assert wait("soon") == 10.0


def test_network_faults_through_a_real_cli_process(nfake: FakeZendesk, cli, config_dir: Path) -> None:
    """The in-process matrix above, spot-checked in real subprocesses: refused, TLS and a 500."""
    seed_api(f"http://127.0.0.1:{free_port()}")
    refused = cli("test", "acme")
    assert refused.code == 1 and "refused the connection" in refused.err and "Traceback" not in refused.err
    stores.remove_profile(ProfileStore(config_dir), "acme")
    seed_api(f"https://127.0.0.1:{nfake.port}")
    tls = cli("test", "acme")
    assert tls.code == 1 and "secure (TLS) connection" in tls.err and "Traceback" not in tls.err
    stores.remove_profile(ProfileStore(config_dir), "acme")
    seed_api(nfake.url)
    nfake.inject("/api/v2/users/me", 500, body="<html>oops</html>", content_type="text/html", times=None)
    server = cli("test", "acme")
    assert server.code == 1 and "server error (500)" in server.err and "Traceback" not in server.err
    for result in (refused, tls, server):
        assert API_TOKEN not in result.all
