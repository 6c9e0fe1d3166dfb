"""Finishing a consent from a pasted redirected URL, query string or bare code."""

from __future__ import annotations

import pytest

from zendesk_setup.core.errors import InputError, OAuthError
from zendesk_setup.core.redirect import parse_pasted_redirect

STATE = "the-state-1234567890"
CODE = "c0de-Value_123"


@pytest.mark.parametrize(
    "pasted",
    [
        f"http://127.0.0.1:47123/callback?code={CODE}&state={STATE}",
        f"  'http://127.0.0.1:47123/callback?state={STATE}&code={CODE}#frag'\n",
        f"code={CODE}&state={STATE}",
        f"?code={CODE}&state={STATE}",
        CODE,
    ],
)
def test_pasted_forms_give_the_code(pasted: str) -> None:
    assert parse_pasted_redirect(pasted, STATE) == CODE


@pytest.mark.parametrize(
    ("pasted", "kind"),
    [
        (f"http://127.0.0.1:47123/callback?code={CODE}", "state_missing"),
        (f"code={CODE}", "state_missing"),
        (f"http://127.0.0.1:47123/callback?code={CODE}&state={STATE}&state=other", "state_mismatch"),
    ],
)
def test_a_url_without_this_attempts_state_is_refused(pasted: str, kind: str) -> None:
    with pytest.raises(OAuthError) as caught:
        parse_pasted_redirect(pasted, STATE)
    assert caught.value.kind == kind
    assert CODE not in str(caught.value)


@pytest.mark.parametrize(
    "pasted",
    [
        f"https://phish.example/?code={CODE}&state={STATE}",
        f"http://127.0.0.1.phish.example:47123/callback?code={CODE}&state={STATE}",
        f"http://127.0.0.1:47123@phish.example/callback?code={CODE}&state={STATE}",
        f"http://localhost:47123/callback?code={CODE}&state={STATE}",
        f"https://127.0.0.1:47123/callback?code={CODE}&state={STATE}",
        f"http://127.0.0.1:47123/other?code={CODE}&state={STATE}",
        f"phish.example/?code={CODE}&state={STATE}",
        f"http://[::1/callback?code={CODE}&state={STATE}",
    ],
)
def test_a_url_to_another_place_than_the_loopback_redirect_is_refused(pasted: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_pasted_redirect(pasted, STATE)
    assert caught.value.field == "code" and CODE not in str(caught.value)


def test_the_attempts_redirect_uri_fixes_the_port() -> None:
    redirect_uri = "http://127.0.0.1:47123/callback"
    pasted = f"http://127.0.0.1:47123/callback?code={CODE}&state={STATE}"
    assert parse_pasted_redirect(pasted, STATE, redirect_uri=redirect_uri) == CODE
    assert parse_pasted_redirect(f"127.0.0.1:47123/callback?code={CODE}&state={STATE}", STATE) == CODE
    with pytest.raises(InputError):
        parse_pasted_redirect(pasted.replace("47123", "47124"), STATE, redirect_uri=redirect_uri)


def test_a_bare_code_is_refused_unless_allowed() -> None:
    with pytest.raises(OAuthError) as caught:
        parse_pasted_redirect(CODE, STATE, allow_bare_code=False)
    assert caught.value.kind == "bare_code" and CODE not in str(caught.value)
    assert parse_pasted_redirect(f"code={CODE}&state={STATE}", STATE, allow_bare_code=False) == CODE


def test_wrong_state_is_refused_without_echoing_the_code() -> None:
    with pytest.raises(OAuthError) as caught:
        parse_pasted_redirect(f"http://127.0.0.1:47123/callback?code={CODE}&state=other", STATE)
    assert caught.value.kind == "state_mismatch"
    assert CODE not in str(caught.value)


def test_error_param_is_an_oauth_error() -> None:
    with pytest.raises(OAuthError) as caught:
        parse_pasted_redirect(
            f"http://127.0.0.1:47123/callback?error=access_denied&error_description=no&state={STATE}", STATE
        )
    assert caught.value.kind == "access_denied"
    assert "denied" in caught.value.message


@pytest.mark.parametrize(
    "pasted",
    ["", "   ", "hello world", "http://127.0.0.1:47123/callback?state=" + STATE, "code=&state=" + STATE, "a<b>"],
)
def test_garbage_is_input_error(pasted: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_pasted_redirect(pasted, STATE)
    assert STATE not in str(caught.value)
