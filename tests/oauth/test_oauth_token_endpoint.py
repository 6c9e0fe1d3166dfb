"""The token endpoint, token lookup and revocation, against the fake Zendesk over real HTTP."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from tests.fake_zendesk import FakeZendesk

from zendesk_setup.core import oauth
from zendesk_setup.core.errors import OAuthError

from .conftest import CLIENT_SECRET, CONFIDENTIAL_CLIENT, PUBLIC_CLIENT, SCOPES, consent_code


def last_token_request(fake: FakeZendesk) -> tuple[dict[str, str], dict]:
    """Headers and JSON body of the most recent POST /oauth/tokens."""
    method, _path, headers, body = [r for r in fake.requests if r[1] == "/oauth/tokens"][-1]
    assert method == "POST"
    return headers, json.loads(body)


def exchange(fake: FakeZendesk, http: httpx.Client, **overrides) -> oauth.TokenSet:
    """Consent and exchange with a public client (arguments may be overridden)."""
    code, pkce, redirect_uri = consent_code(fake)
    arguments = dict(
        client_id=PUBLIC_CLIENT,
        code=code,
        code_verifier=pkce.verifier,
        redirect_uri=redirect_uri,
        scopes=list(SCOPES),
    )
    arguments.update(overrides)
    return oauth.exchange_code(http, fake.url, **arguments)


def test_exchange_sends_json_with_pkce_and_no_secret(ofake: FakeZendesk, http: httpx.Client) -> None:
    before = time.time()
    tokens = exchange(ofake, http)
    headers, body = last_token_request(ofake)
    assert headers["content-type"].startswith("application/json")
    assert body["grant_type"] == "authorization_code"
    assert body["client_id"] == PUBLIC_CLIENT
    assert "code_verifier" in body and body["redirect_uri"].startswith("http://127.0.0.1:")
    assert "client_secret" not in body
    assert tokens.access_token.reveal() in ofake.live_access_tokens()
    assert tokens.refresh_token.reveal() in ofake.live_refresh_tokens()
    assert tokens.scopes == SCOPES
    assert tokens.access_expires_at is not None and before + 1790 <= tokens.access_expires_at <= time.time() + 1800
    assert tokens.refresh_expires_at is not None and tokens.refresh_expires_at > before + 29 * 86400


def test_confidential_client_sends_its_secret(ofake: FakeZendesk, http: httpx.Client) -> None:
    code, pkce, redirect_uri = consent_code(ofake, client_id=CONFIDENTIAL_CLIENT)
    tokens = oauth.exchange_code(
        http,
        ofake.url,
        client_id=CONFIDENTIAL_CLIENT,
        code=code,
        code_verifier=pkce.verifier,
        redirect_uri=redirect_uri,
        scopes=list(SCOPES),
        client_secret=CLIENT_SECRET,
    )
    assert last_token_request(ofake)[1]["client_secret"] == CLIENT_SECRET
    assert tokens.access_token.reveal() in ofake.live_access_tokens()


def test_wrong_verifier_is_invalid_grant_in_words(ofake: FakeZendesk, http: httpx.Client) -> None:
    with pytest.raises(OAuthError) as caught:
        exchange(ofake, http, code_verifier=oauth.new_pkce().verifier)
    assert caught.value.kind == "invalid_grant" and caught.value.status == 400
    assert "expired" in caught.value.message and "redirect URL" in caught.value.message


def test_code_is_single_use(ofake: FakeZendesk, http: httpx.Client) -> None:
    code, pkce, redirect_uri = consent_code(ofake)
    arguments = dict(
        client_id=PUBLIC_CLIENT, code=code, code_verifier=pkce.verifier, redirect_uri=redirect_uri, scopes=["read"]
    )
    oauth.exchange_code(http, ofake.url, **arguments)
    with pytest.raises(OAuthError) as caught:
        oauth.exchange_code(http, ofake.url, **arguments)
    assert caught.value.kind == "invalid_grant"
    assert code not in str(caught.value)


def test_mismatched_redirect_uri_is_refused(ofake: FakeZendesk, http: httpx.Client) -> None:
    with pytest.raises(OAuthError) as caught:
        exchange(ofake, http, redirect_uri="http://127.0.0.1:1/callback")
    assert caught.value.kind == "invalid_grant"


@pytest.mark.parametrize(
    ("error", "status", "words"),
    [
        ("invalid_grant", 400, "expired"),
        ("invalid_client", 401, "client identifier"),
        ("invalid_scope", 400, "scopes"),
        ("unauthorized_client", 400, "not allowed"),
        ("invalid_request", 400, "malformed"),
        ("unsupported_grant_type", 400, "grant type"),
    ],
)
def test_token_errors_are_explained(
    ofake: FakeZendesk, http: httpx.Client, error: str, status: int, words: str
) -> None:
    ofake.inject("/oauth/tokens", status, body={"error": error, "error_description": "zendesk words"})
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token="r")
    assert caught.value.kind == error and caught.value.status == status
    assert words in str(caught.value)
    assert error not in caught.value.message


def test_server_error_on_token_endpoint_is_one_sentence(ofake: FakeZendesk, http: httpx.Client) -> None:
    ofake.inject("/oauth/tokens", 503, body="down", content_type="text/plain")
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token="r")
    assert caught.value.status == 503 and "server error" in caught.value.message


@pytest.mark.parametrize("status", [200, 201, 203])
def test_any_2xx_is_accepted(ofake: FakeZendesk, http: httpx.Client, status: int) -> None:
    ofake.inject("/oauth/tokens", status, body={"access_token": "tok-x", "token_type": "bearer", "scope": "read"})
    tokens = oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token="r", now=100.0)
    assert tokens.access_token.reveal() == "tok-x"
    assert tokens.refresh_token is None and tokens.access_expires_at is None
    assert tokens.scopes == ("read",)


def test_2xx_without_access_token_is_refused(ofake: FakeZendesk, http: httpx.Client) -> None:
    ofake.inject("/oauth/tokens", 201, body={"token_type": "bearer"})
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token="r")
    assert caught.value.kind == "no_access_token"


def test_refresh_rotates_the_pair_and_kills_the_old_one(ofake: FakeZendesk, http: httpx.Client) -> None:
    first = exchange(ofake, http)
    first_refresh = first.refresh_token.reveal()
    second = oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token=first_refresh, now=0)
    body = last_token_request(ofake)[1]
    assert body == {"grant_type": "refresh_token", "refresh_token": first_refresh, "client_id": PUBLIC_CLIENT}
    assert second.refresh_token and second.refresh_token.reveal() != first.refresh_token.reveal()
    assert second.access_token.reveal() != first.access_token.reveal()
    assert second.access_expires_at == pytest.approx(1800, abs=2)
    assert first.access_token.reveal() not in ofake.live_access_tokens()
    assert ofake.refresh_count == 1
    with pytest.raises(OAuthError) as caught:
        oauth.refresh_tokens(http, ofake.url, client_id=PUBLIC_CLIENT, refresh_token=first.refresh_token.reveal())
    assert caught.value.kind == "invalid_grant"


def test_client_credentials_grant(ofake: FakeZendesk, http: httpx.Client) -> None:
    tokens = oauth.client_credentials_token(
        http, ofake.url, client_id=CONFIDENTIAL_CLIENT, client_secret=CLIENT_SECRET, scopes=["read"]
    )
    assert last_token_request(ofake)[1] == {
        "grant_type": "client_credentials",
        "client_id": CONFIDENTIAL_CLIENT,
        "client_secret": CLIENT_SECRET,
        "scope": "read",
    }
    assert tokens.refresh_token is None and tokens.access_token.reveal() in ofake.live_access_tokens()
    with pytest.raises(OAuthError) as caught:
        oauth.client_credentials_token(
            http, ofake.url, client_id=CONFIDENTIAL_CLIENT, client_secret="wrong", scopes=["read"]
        )
    assert caught.value.kind == "invalid_client" and "wrong" not in str(caught.value)


def test_current_token_info_and_revoke_by_id(ofake: FakeZendesk, http: httpx.Client) -> None:
    tokens = exchange(ofake, http)
    info = oauth.current_token_info(http, ofake.url, tokens.access_token.reveal())
    assert info["scopes"] == list(SCOPES) and isinstance(info["id"], int)
    oauth.revoke_token(http, ofake.url, tokens.access_token.reveal())
    deletes = [r[1] for r in ofake.requests if r[0] == "DELETE"]
    assert deletes == [f"/api/v2/oauth/tokens/{info['id']}.json"]
    assert tokens.access_token.reveal() not in ofake.live_access_tokens()
    me = http.get("/api/v2/users/me.json", headers={"Authorization": f"Bearer {tokens.access_token.reveal()}"})
    assert me.status_code == 401
    with pytest.raises(OAuthError) as caught:
        oauth.revoke_token(http, ofake.url, tokens.access_token.reveal())
    assert caught.value.status == 401


def test_revoke_failure_is_reported(ofake: FakeZendesk, http: httpx.Client) -> None:
    tokens = exchange(ofake, http)
    ofake.inject("/api/v2/oauth/tokens/9", 500, method="DELETE")
    with pytest.raises(OAuthError) as caught:
        oauth.revoke_token(http, ofake.url, tokens.access_token.reveal())
    assert caught.value.status == 500
    assert tokens.access_token.reveal() in ofake.live_access_tokens()
