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
        f"http://127.0.0.1:47123/callback?code={CODE}",
    ],
)
def test_pasted_forms_give_the_code(pasted: str) -> None:
    assert parse_pasted_redirect(pasted, STATE) == CODE


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
