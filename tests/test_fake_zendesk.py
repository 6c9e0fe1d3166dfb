"""The fake Zendesk behaves like the facts in zendesk-auth.md, over real HTTP."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from tests.fake_zendesk import DENIED_DESCRIPTION, FakeZendesk, running_fake, s256

HERE = Path(__file__).resolve().parent
CLIENT = "zendesk-setup-test"
REDIRECT = "http://127.0.0.1:47123/callback"
VERIFIER = "dBjftJeZ4CVP-mJ92K9PapOfZ2tLkW6fKy0r0rIbAIc"
CHALLENGE = "OvgDhN2aAOJCWnrMfO3GLSc4lR96lmTMHBEKMnUL_yQ"  # base64url(sha256(VERIFIER)), computed independently


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    with running_fake() as server:
        yield server


@pytest.fixture
def http(fake: FakeZendesk) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.url, timeout=5, follow_redirects=False) as client:
        yield client


def basic(email: str, token: str, *, suffix: bool = True) -> dict[str, str]:
    user = f"{email}/token" if suffix else email
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def authorize_params(**over: str) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "scope": "read users:write",
        "state": "st4te",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    params.update(over)
    return params


def get_code(fake: FakeZendesk, **over: str) -> str:
    location = fake.consent(f"{fake.url}/oauth/authorizations/new?{urlencode(authorize_params(**over))}")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [over.get("state", "st4te")]
    return query["code"][0]


def exchange(http: httpx.Client, code: str, **over: object) -> httpx.Response:
    body: dict[str, object] = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
        "scope": "read users:write",
    }
    body.update(over)
    return http.post("/oauth/tokens", json={k: v for k, v in body.items() if v is not None})


def test_rfc7636_vector_and_seed_user(fake: FakeZendesk) -> None:
    assert s256(VERIFIER) == CHALLENGE
    assert fake.url.startswith("http://127.0.0.1:")
    assert fake.users[1001].email == "ada@acme.test"


# users/me and API tokens ---------------------------------------------------------------------


def test_users_me_anonymous_without_credentials(http: httpx.Client) -> None:
    response = http.get("/api/v2/users/me.json")
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["id"] is None and user["name"] == "Anonymous user"
    assert user["email"] == "invalid@example.com" and user["role"] == "end-user"


def test_api_token_basic_auth(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_api_token("tok-123")
    response = http.get("/api/v2/users/me.json", headers=basic("ada@acme.test", "tok-123"))
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == 1001 and body["user"]["role"] == "admin"
    assert body["user"]["verified"] is True and body["authenticity_token"]
    agent = fake.add_user("Bob Agent", "bob@acme.test", role="agent")
    response = http.get("/api/v2/users/me.json", headers=basic("bob@acme.test", "tok-123"))
    assert response.json()["user"] == response.json()["user"] | {"id": agent, "role": "agent"}


def test_api_token_failures(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_api_token("tok-123", email="ada@acme.test")
    wrong = http.get("/api/v2/users/me.json", headers=basic("ada@acme.test", "nope"))
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "Couldn't authenticate you"}
    fake.add_user("Bob", "bob@acme.test")
    assert http.get("/api/v2/users/me.json", headers=basic("bob@acme.test", "tok-123")).status_code == 401
    password = http.get("/api/v2/users/me.json", headers=basic("ada@acme.test", "pw", suffix=False))
    assert password.status_code == 200 and password.json()["user"]["id"] is None
    assert http.get("/api/v2/tickets.json").status_code == 401
    fake.remove_api_token("tok-123")
    assert http.get("/api/v2/users/me.json", headers=basic("ada@acme.test", "tok-123")).status_code == 401


# Authorization endpoint -------------------------------------------------------------------------


def test_consent_page_has_allow_and_deny(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    page = http.get("/oauth/authorizations/new", params=authorize_params())
    assert page.status_code == 200
    assert "action='/oauth/authorizations/decide'" in page.text
    assert "value='allow'" in page.text and "value='deny'" in page.text
    assert "<script>" not in page.text
    fake.auto_consent = "allow"
    page = http.get("/oauth/authorizations/new", params=authorize_params())
    assert "getElementById('allow-button').click()" in page.text


def test_authorize_refusals(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT, redirect_uris=[REDIRECT])
    unknown = http.get("/oauth/authorizations/new", params=authorize_params(client_id="nope"))
    assert unknown.status_code == 400 and "location" not in unknown.headers
    bad_redirect = http.get(
        "/oauth/authorizations/new", params=authorize_params(redirect_uri="http://127.0.0.1:1/x")
    )
    assert bad_redirect.status_code == 400 and "location" not in bad_redirect.headers
    assert "redirect_uri" in bad_redirect.text
    no_pkce = http.get(
        "/oauth/authorizations/new", params=authorize_params(code_challenge="", code_challenge_method="")
    )
    assert no_pkce.status_code == 302
    query = parse_qs(urlsplit(no_pkce.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["st4te"]
    plain = http.get("/oauth/authorizations/new", params=authorize_params(code_challenge_method="plain"))
    assert parse_qs(urlsplit(plain.headers["location"]).query)["error"] == ["invalid_request"]


def test_any_loopback_redirect_when_unregistered(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    ok = http.get("/oauth/authorizations/new", params=authorize_params(redirect_uri="http://127.0.0.1:5/cb"))
    assert ok.status_code == 200
    remote = http.get(
        "/oauth/authorizations/new", params=authorize_params(redirect_uri="https://evil.test/cb")
    )
    assert remote.status_code == 400


def test_decide_allow_and_deny(fake: FakeZendesk) -> None:
    fake.add_client(CLIENT)
    url = f"{fake.url}/oauth/authorizations/new?{urlencode(authorize_params())}"
    allow = urlsplit(fake.consent(url, "allow"))
    assert f"{allow.scheme}://{allow.netloc}{allow.path}" == REDIRECT
    assert set(parse_qs(allow.query)) == {"code", "state"}
    deny = fake.consent(url, "deny")
    query = parse_qs(urlsplit(deny).query)
    assert query == {"error": ["access_denied"], "error_description": [DENIED_DESCRIPTION], "state": ["st4te"]}
    assert "error_description=The+end-user+or+authorization+server+denied+the+request" in deny


# Token endpoint -------------------------------------------------------------------------------------


def test_code_exchange_with_pkce(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    response = exchange(http, get_code(fake))
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "access_token",
        "refresh_token",
        "token_type",
        "scope",
        "expires_in",
        "refresh_token_expires_in",
    }
    assert body["token_type"] == "bearer" and body["scope"] == "read users:write"
    assert body["expires_in"] == 1800 and body["refresh_token_expires_in"] == 2592000
    assert fake.live_access_tokens() == [body["access_token"]]
    me = http.get("/api/v2/users/me.json", headers=bearer(body["access_token"]))
    assert me.status_code == 200 and me.json()["user"]["id"] == 1001
    assert fake.token_requests[-1]["code_verifier"] == VERIFIER


def test_code_exchange_refusals(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    code = get_code(fake)
    wrong_verifier = exchange(http, code, code_verifier="x" * 43)
    assert wrong_verifier.status_code == 400 and wrong_verifier.json()["error"] == "invalid_grant"
    assert "mismatching authorization code" in wrong_verifier.json()["error_description"]
    assert exchange(http, code, redirect_uri="http://127.0.0.1:1/callback").json()["error"] == "invalid_grant"
    assert exchange(http, code, code_verifier=None).json()["error"] == "invalid_grant"
    assert exchange(http, code).status_code == 201
    reused = exchange(http, code)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    late = get_code(fake)
    fake.advance(121)
    assert exchange(http, late).json()["error"] == "invalid_grant"
    unknown_client = exchange(http, get_code(fake), client_id="other")
    assert unknown_client.status_code == 401 and unknown_client.json()["error"] == "invalid_client"


def test_form_encoded_body_and_ttls(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    code = get_code(fake)
    response = http.post(
        "/oauth/tokens",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": CLIENT,
            "redirect_uri": REDIRECT,
            "code_verifier": VERIFIER,
            "expires_in": "300",
            "refresh_token_expires_in": "604800",
        },
    )
    assert response.status_code == 201
    assert response.json()["expires_in"] == 300
    assert response.json()["refresh_token_expires_in"] == 604800


def test_confidential_client_secret(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT, kind="confidential", secret="s3cret")
    code = get_code(fake, code_challenge="", code_challenge_method="")
    missing = exchange(http, code, code_verifier=None)
    assert missing.status_code == 401 and missing.json()["error"] == "invalid_client"
    wrong = exchange(http, code, code_verifier=None, client_secret="nope")
    assert wrong.json()["error"] == "invalid_client"
    ok = exchange(http, code, code_verifier=None, client_secret="s3cret")
    assert ok.status_code == 201
    refresh = ok.json()["refresh_token"]
    body = {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": CLIENT}
    assert http.post("/oauth/tokens", json=body).json()["error"] == "invalid_client"
    assert http.post("/oauth/tokens", json=body | {"client_secret": "s3cret"}).status_code == 201


def test_refresh_rotation(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    first = exchange(http, get_code(fake)).json()
    body = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": CLIENT}
    second = http.post("/oauth/tokens", json=body)
    assert second.status_code == 201 and fake.refresh_count == 1
    new = second.json()
    assert new["access_token"] != first["access_token"] and new["refresh_token"] != first["refresh_token"]
    assert new["scope"] == "read users:write"
    again = http.post("/oauth/tokens", json=body)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert fake.refresh_count == 1
    old_me = http.get("/api/v2/users/me.json", headers=bearer(first["access_token"]))
    assert old_me.status_code == 401 and old_me.json()["error"] == "invalid_token"
    assert fake.live_access_tokens() == [new["access_token"]]
    assert fake.live_refresh_tokens() == [new["refresh_token"]]


def test_expiry_and_early_expiry(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    tokens = exchange(http, get_code(fake)).json()
    fake.expire_access_tokens()
    expired = http.get("/api/v2/users/me.json", headers=bearer(tokens["access_token"]))
    assert expired.status_code == 401
    assert expired.json()["error_description"].startswith("The access token provided is expired")
    refreshed = http.post(
        "/oauth/tokens",
        json={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": CLIENT},
    )
    assert refreshed.status_code == 201
    fake.advance(1801)
    assert http.get("/api/v2/tickets.json", headers=bearer(refreshed.json()["access_token"])).status_code == 401
    fake.advance(2592000)
    stale = http.post(
        "/oauth/tokens",
        json={
            "grant_type": "refresh_token",
            "refresh_token": refreshed.json()["refresh_token"],
            "client_id": CLIENT,
        },
    )
    assert stale.json()["error"] == "invalid_grant"


def test_client_credentials(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client("ci", kind="confidential", secret="s3cret")
    fake.add_client(CLIENT)
    body = {"grant_type": "client_credentials", "client_id": "ci", "client_secret": "s3cret", "scope": "read"}
    ok = http.post("/oauth/tokens", json=body)
    assert ok.status_code == 201 and "refresh_token" not in ok.json()
    assert ok.json()["scope"] == "read"
    assert http.post("/oauth/tokens", json=body | {"client_secret": "x"}).status_code == 401
    without_secret = {k: v for k, v in body.items() if k != "client_secret"}
    public = http.post("/oauth/tokens", json=without_secret | {"client_id": CLIENT})
    assert public.status_code == 400 and public.json()["error"] == "invalid_client"
    assert http.post("/oauth/tokens", json=body | {"grant_type": "password"}).status_code == 400


def test_allowed_scopes(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT, allowed_scopes=["read"])
    refused = exchange(http, get_code(fake))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    assert exchange(http, get_code(fake, scope="read")).status_code == 201


def test_legacy_client_without_expiry(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT, legacy=True)
    body = exchange(http, get_code(fake)).json()
    assert set(body) == {"access_token", "token_type", "scope"}


# Token inspection, revocation, scopes ----------------------------------------------------------------


def test_current_token_and_revoke_by_id(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    access = exchange(http, get_code(fake)).json()["access_token"]
    info = http.get("/api/v2/oauth/tokens/current.json", headers=bearer(access))
    assert info.status_code == 200
    token = info.json()["token"]
    assert token["token"] == access[:10] and token["scopes"] == ["read", "users:write"]
    assert token["user_id"] == 1001 and token["expires_at"].endswith("Z")
    assert token["url"].endswith(f"/api/v2/oauth/tokens/{token['id']}.json")
    deleted = http.delete(f"/api/v2/oauth/tokens/{token['id']}.json", headers=bearer(access))
    assert deleted.status_code == 204
    assert http.get("/api/v2/users/me.json", headers=bearer(access)).status_code == 401
    assert fake.live_access_tokens() == []


def test_revoke_current(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    access = exchange(http, get_code(fake)).json()["access_token"]
    assert http.delete("/api/v2/oauth/tokens/current.json", headers=bearer(access)).status_code == 204
    assert http.get("/api/v2/users/me.json", headers=bearer(access)).status_code == 401


def test_scope_enforcement(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.add_client(CLIENT)
    access = exchange(http, get_code(fake, scope="tickets:read")).json()["access_token"]
    assert http.get("/api/v2/tickets.json", headers=bearer(access)).status_code == 200
    forbidden = http.get("/api/v2/ticket_fields.json", headers=bearer(access))
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "error": "Forbidden",
        "description": "You are missing the following required scopes: read",
    }
    assert http.post("/api/v2/tickets.json", headers=bearer(access)).status_code == 403


# Fault injection and observability ------------------------------------------------------------------


def test_inject_rate_limit_then_normal(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.inject("/api/v2/users/me", 429, body="Too Many Requests", content_type="text/plain",
                headers={"Retry-After": "7"}, times=2)
    for _ in range(2):
        limited = http.get("/api/v2/users/me.json")
        assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
        assert limited.text == "Too Many Requests" and limited.headers["content-type"] == "text/plain"
    assert http.get("/api/v2/users/me.json").status_code == 200
    assert [r[1] for r in fake.requests] == ["/api/v2/users/me.json"] * 3


def test_inject_json_body_delay_and_passthrough(fake: FakeZendesk, http: httpx.Client) -> None:
    fake.inject("/api/v2/", 403, body={"error": "Forbidden", "description": "nope"})
    assert http.get("/api/v2/users/me.json").json() == {"error": "Forbidden", "description": "nope"}
    fake.inject("/api/v2/users/me", None, delay=0.3)
    started = time.monotonic()
    assert http.get("/api/v2/users/me.json").status_code == 200
    assert time.monotonic() - started >= 0.3
    fake.inject("/api/v2/users/me", None, delay=2)
    with pytest.raises(httpx.ReadTimeout):
        http.get("/api/v2/users/me.json", timeout=0.2)


def test_requests_are_recorded_with_headers(fake: FakeZendesk, http: httpx.Client) -> None:
    http.post("/oauth/tokens", json={"grant_type": "nope"})
    method, path, headers, body = fake.requests[-1]
    assert (method, path) == ("POST", "/oauth/tokens")
    assert headers["content-type"] == "application/json" and b"nope" in body
    assert fake.token_requests == [{"grant_type": "nope"}]


def test_stop_frees_port() -> None:
    fake = FakeZendesk().start()
    port = fake.port
    fake.stop()
    again = FakeZendesk(port=port).start()
    try:
        assert again.port == port
    finally:
        again.stop()


# Scripted browser ------------------------------------------------------------------------------------


class _Callback(BaseHTTPRequestHandler):
    hits: list[str]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("H", (_Callback,), {"hits": hits}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/callback", hits
    finally:
        server.shutdown()
        server.server_close()


def _browser_env(tmp_path: Path, action: str, **extra: str) -> dict[str, str]:
    return os.environ | {
        "SCRIPTED_BROWSER_ACTION": action,
        "SCRIPTED_BROWSER_LOG": str(tmp_path / "browser.log"),
        **extra,
    }


@pytest.mark.parametrize("action", ["allow", "deny"])
def test_scripted_browser_foreground(
    fake: FakeZendesk, receiver: tuple[str, list[str]], tmp_path: Path, action: str
) -> None:
    redirect, hits = receiver
    fake.add_client(CLIENT)
    url = f"{fake.url}/oauth/authorizations/new?{urlencode(authorize_params(redirect_uri=redirect))}"
    result = subprocess.run(
        [sys.executable, str(HERE / "scripted_browser.py"), url],
        env=_browser_env(tmp_path, action, SCRIPTED_BROWSER_FOREGROUND="1"),
        capture_output=True,
        timeout=20,
    )
    assert result.returncode == 0 and result.stdout == b""
    log = (tmp_path / "browser.log").read_text()
    assert "decide_status=302" in log and "callback_status=200" in log
    query = parse_qs(urlsplit(hits[0]).query)
    if action == "allow":
        assert "params=code,state" in log and query["code"]
        assert query["code"][0] not in log
    else:
        assert "error=access_denied" in log and query["error"] == ["access_denied"]


def test_scripted_browser_returns_at_once_via_webbrowser(
    fake: FakeZendesk, receiver: tuple[str, list[str]], tmp_path: Path
) -> None:
    redirect, hits = receiver
    fake.add_client(CLIENT)
    url = f"{fake.url}/oauth/authorizations/new?{urlencode(authorize_params(redirect_uri=redirect))}"
    browser = f"{sys.executable} {HERE / 'scripted_browser.py'} %s"
    env = _browser_env(tmp_path, "allow", BROWSER=browser, SCRIPTED_BROWSER_DELAY="0.5")
    code = "import sys, webbrowser; sys.exit(0 if webbrowser.open(sys.argv[1]) else 1)"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code, url], env=env, timeout=20)
    assert result.returncode == 0
    assert time.monotonic() - started < 0.5 + 0.4
    assert not hits
    deadline = time.monotonic() + 10
    while not hits and time.monotonic() < deadline:
        time.sleep(0.05)
    assert hits and hits[0].startswith("/callback?code=")


def test_standalone_main_prints_url() -> None:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "fake_zendesk.py"), "--port", "0", "--auto-consent", "allow"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("Fake Zendesk serving at http://127.0.0.1:")
        url = first.rsplit(" ", 1)[1].strip()
        assert httpx.get(f"{url}/api/v2/users/me.json", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=5)
