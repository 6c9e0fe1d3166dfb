"""PKCE, state, the authorisation URL, TokenSet and scope comparison: pure functions."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from zendesk_setup.core import oauth, scopes
from zendesk_setup.core.errors import InputError
from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT, redirect_uri_for

from .conftest import query_of


def test_pkce_verifier_is_32_random_bytes_base64url_and_challenge_is_s256() -> None:
    pkce = oauth.new_pkce()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", pkce.verifier)
    assert len(base64.urlsafe_b64decode(pkce.verifier + "=")) == 32
    expected = base64.urlsafe_b64encode(hashlib.sha256(pkce.verifier.encode()).digest()).rstrip(b"=").decode()
    assert pkce.challenge == expected
    assert pkce.verifier not in repr(pkce)


def test_rfc7636_appendix_b_example() -> None:
    assert oauth.s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == (
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_every_attempt_gets_fresh_pkce_and_state() -> None:
    verifiers = {oauth.new_pkce().verifier for _ in range(50)}
    states = {oauth.new_state() for _ in range(50)}
    assert len(verifiers) == 50 and len(states) == 50
    assert all(len(state) >= 32 for state in states)


def test_redirect_uri_is_loopback_ip_with_callback_path() -> None:
    assert redirect_uri_for(47123) == "http://127.0.0.1:47123/callback"
    assert DEFAULT_REDIRECT_PORT == 47123


def test_authorize_url_has_every_parameter_and_space_separated_scope() -> None:
    url = oauth.authorize_url(
        "https://acme.zendesk.com/",
        client_id="acme_cli",
        redirect_uri="http://127.0.0.1:47123/callback",
        scopes=["read", "users:write"],
        state="st4te",
        code_challenge="ch4llenge",
    )
    assert url.startswith("https://acme.zendesk.com/oauth/authorizations/new?")
    assert "scope=read%20users%3Awrite" in url
    assert "+" not in url
    assert query_of(url) == {
        "response_type": "code",
        "client_id": "acme_cli",
        "redirect_uri": "http://127.0.0.1:47123/callback",
        "scope": "read users:write",
        "state": "st4te",
        "code_challenge": "ch4llenge",
        "code_challenge_method": "S256",
    }


def test_tokenset_round_trips_through_secret_fields_and_masks_repr() -> None:
    tokens = oauth.TokenSet("access-AAAA-1234567890", "refresh-BBBB-1234567890", 1000.0, 5000.0, ("read",))
    fields = tokens.to_secret_fields()
    assert set(fields) == {"access_token", "refresh_token", "access_expires_at", "refresh_expires_at", "granted_scopes"}
    assert oauth.TokenSet.from_secret_fields(fields) == tokens
    for text in (repr(tokens), str(tokens)):
        assert "access-AAAA" not in text and "refresh-BBBB" not in text and "1234567890" not in text
    assert oauth.TokenSet.from_secret_fields({}) is None
    assert oauth.TokenSet.from_secret_fields({"client_secret": "x"}) is None


@pytest.mark.parametrize(
    ("now", "margin", "expired"),
    [(900.0, 60.0, False), (940.0, 60.0, True), (999.0, 0.0, False), (1000.0, 0.0, True)],
)
def test_tokenset_expiry_uses_the_margin(now: float, margin: float, expired: bool) -> None:
    assert oauth.TokenSet("a", None, 1000.0).expired(now, margin) is expired


def test_token_without_expiry_never_expires() -> None:
    assert not oauth.TokenSet("a").expired(1e12, 60)


def test_scope_difference_reports_missing_and_extra() -> None:
    assert oauth.scope_difference(["read", "users:write"], ["read", "users:write"]) == ([], [])
    assert oauth.scope_difference(["read", "tickts:read"], ["read", "write"]) == (["tickts:read"], ["write"])


def test_validate_scopes_is_re_exported() -> None:
    assert scopes.validate_scopes("read users:write") == ["read", "users:write"]
    with pytest.raises(InputError):
        scopes.validate_scopes([])
