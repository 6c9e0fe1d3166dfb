"""Plain tests of core/wizard.py: the retirement countdown, consent rules, secret fields and the YAML diff."""

from __future__ import annotations

from datetime import date

import pytest

from zendesk_setup.core.errors import InputError
from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.wizard import (
    WizardState,
    api_token_days_left,
    api_token_notice,
    profile_yaml_diff,
    secret_fields_for,
    step_for_field,
    validate_credentials,
    validate_instance,
)

OAUTH = Profile(name="acme", subdomain="acme", auth="oauth", client_id="cli", client_kind="public", scopes=("read",))


@pytest.mark.parametrize(
    ("today", "days"),
    [(date(2026, 11, 25), 156), (date(2027, 4, 29), 1), (date(2027, 4, 30), 0), (date(2028, 1, 1), 0)],
)
def test_api_token_days_left(today: date, days: int) -> None:
    assert api_token_days_left(today) == days


def test_api_token_notice_names_the_date_and_days() -> None:
    assert api_token_notice(date(2026, 11, 25)) == "Zendesk switches API tokens off on 2027-04-30 — 156 days left."
    assert "switched API tokens off" in api_token_notice(date(2027, 5, 1))


def test_new_oauth_needs_consent_and_an_unchanged_edit_does_not() -> None:
    new = WizardState(subdomain_text="acme", client_id="cli", scopes=["read"])
    assert new.needs_consent() and "consent" in new.steps()
    edit = WizardState.from_profile(OAUTH)
    assert not edit.needs_consent() and "consent" not in edit.steps()
    edit.scopes = ["read", "write"]
    assert edit.needs_consent()
    edit.scopes = ["read"]
    edit.client_id = "other"
    assert edit.needs_consent()


def test_tokens_from_this_run_satisfy_consent_until_the_answers_change() -> None:
    state = WizardState(subdomain_text="acme", client_id="cli", scopes=["read"])
    state.tokens = object()  # type: ignore[assignment]
    state.tokens_for = state.consent_fingerprint()
    assert not state.needs_consent()
    state.scopes.append("write")
    assert state.needs_consent()


def test_api_token_steps_have_no_scopes_or_consent() -> None:
    assert WizardState(auth="api_token").steps() == ["auth", "instance", "credentials", "review"]


def test_instance_checks_name_and_taken_names() -> None:
    state = WizardState(subdomain_text="https://acme.zendesk.com/agent")
    validate_instance(state, set())
    assert state.profile_name() == "acme"
    with pytest.raises(InputError) as caught:
        validate_instance(state, {"acme"})
    assert caught.value.field == "name"
    edit = WizardState.from_profile(OAUTH)
    validate_instance(edit, {"acme"})


def test_credentials_blank_secret_is_allowed_only_when_a_saved_one_can_be_kept() -> None:
    new = WizardState(auth="api_token", email="ada@acme.test")
    with pytest.raises(InputError) as caught:
        validate_credentials(new)
    assert caught.value.field == "api_token"
    saved = Profile(name="acme", subdomain="acme", auth="api_token", email="ada@acme.test")
    validate_credentials(WizardState.from_profile(saved))
    switched = WizardState.from_profile(saved)
    switched.auth = "client_credentials"
    switched.client_id = "cli"
    with pytest.raises(InputError):
        validate_credentials(switched)


def test_secret_fields_keep_stored_secrets_unless_something_new_was_typed() -> None:
    saved = Profile(name="acme", subdomain="acme", auth="api_token", email="ada@acme.test")
    edit = WizardState.from_profile(saved)
    assert secret_fields_for(edit, {"api_token": "old"}, None) is None
    edit.api_token = "new-token"
    assert secret_fields_for(edit, {"api_token": "old"}, None) == {"api_token": "new-token"}
    oauth_edit = WizardState.from_profile(OAUTH)
    assert secret_fields_for(oauth_edit, {"access_token": "a", "refresh_token": "r"}, None) is None


def test_yaml_diff_shows_the_change_and_nothing_when_equal() -> None:
    changed = Profile(name="acme", subdomain="acme", auth="oauth", client_id="cli", client_kind="public",
                      scopes=("read", "write"))
    diff = profile_yaml_diff(OAUTH, changed)
    assert "+  - write" in diff
    assert profile_yaml_diff(OAUTH, OAUTH) == ""


def test_error_fields_map_to_steps() -> None:
    assert step_for_field("subdomain") == "instance"
    assert step_for_field("credentials") == "credentials"
    assert step_for_field("scopes") == "scopes"
    assert step_for_field(None) is None


def test_secrets_stay_out_of_the_state_repr() -> None:
    state = WizardState(api_token="tok-123456", client_secret="sec-654321")
    assert "tok-123456" not in repr(state) and "sec-654321" not in repr(state)


def test_steps_of_a_blank_oauth_state_do_not_need_a_subdomain_yet() -> None:
    # The first run starts the wizard with nothing typed; listing its steps must not raise.
    assert WizardState().steps() == ["auth", "instance", "credentials", "scopes", "consent", "review"]
