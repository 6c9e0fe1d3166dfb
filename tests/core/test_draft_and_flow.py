"""The draft and the wizard flow: API-token countdown, consent rules, secret fields, the YAML diff, step numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from zendesk_setup.core.draft import ProfileDraft, profile_yaml_diff
from zendesk_setup.core.errors import InputError
from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import AuthType, Step, api_token_days_left, api_token_notice
from zendesk_setup.core.wizard import (
    Back,
    ConsentAnswer,
    Finished,
    Next,
    ScopesAnswer,
    WizardFlow,
    step_for_field,
    wizard_steps,
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
    new = ProfileDraft(subdomain="acme", client_id="cli", scopes=("read",))
    assert new.needs_consent() and "consent" in wizard_steps(new)
    edit = ProfileDraft.from_profile(OAUTH)
    assert not edit.needs_consent() and "consent" not in wizard_steps(edit)
    edit = replace(edit, scopes=("read", "write"))
    assert edit.needs_consent()
    edit = replace(edit, scopes=("read",), client_id="other")
    assert edit.needs_consent()


def test_tokens_from_this_run_satisfy_consent_until_the_answers_change() -> None:
    state = ProfileDraft(subdomain="acme", client_id="cli", scopes=("read",))
    state = state.with_tokens(object())  # type: ignore[arg-type]
    assert not state.awaits_consent()
    state = replace(state, scopes=(*state.scopes, "write"))
    assert state.awaits_consent()


def test_api_token_steps_have_no_scopes_or_consent() -> None:
    assert wizard_steps(ProfileDraft(auth=AuthType.API_TOKEN)) == ["auth", "instance", "credentials", "review"]


def test_instance_checks_name_and_taken_names(tmp_path) -> None:
    service = CredentialsService(tmp_path)
    state = ProfileDraft(subdomain="https://acme.zendesk.com/agent")
    service.ensure_name_free(state.validate_instance())
    assert state.profile_name() == "acme"
    service.store.save(OAUTH)
    with pytest.raises(InputError) as caught:
        service.ensure_name_free(state.validate_instance())
    assert caught.value.field == "name"
    edit = ProfileDraft.from_profile(OAUTH)
    service.ensure_name_free(edit.validate_instance(), replacing=OAUTH.name)


def test_credentials_blank_secret_is_allowed_only_when_a_saved_one_can_be_kept() -> None:
    new = ProfileDraft(auth=AuthType.API_TOKEN, email="ada@acme.test")
    with pytest.raises(InputError) as caught:
        new.validate_credentials()
    assert caught.value.field == "api_token"
    saved = Profile(name="acme", subdomain="acme", auth="api_token", email="ada@acme.test")
    ProfileDraft.from_profile(saved).validate_credentials()
    switched = replace(ProfileDraft.from_profile(saved), auth=AuthType.CLIENT_CREDENTIALS, client_id="cli")
    with pytest.raises(InputError):
        switched.validate_credentials()


def test_secret_fields_keep_stored_secrets_unless_something_new_was_typed() -> None:
    saved = Profile(name="acme", subdomain="acme", auth="api_token", email="ada@acme.test")
    edit = ProfileDraft.from_profile(saved)
    assert edit.secret_fields({"api_token": "old"}, None) is None
    edit = replace(edit, api_token=Secret("new-token"))
    assert edit.secret_fields({"api_token": "old"}, None) == {"api_token": "new-token"}
    oauth_edit = ProfileDraft.from_profile(OAUTH)
    assert oauth_edit.secret_fields({"access_token": "a", "refresh_token": "r"}, None) is None


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
    state = ProfileDraft(api_token=Secret("tok-123456"), client_secret=Secret("sec-654321"))
    assert "tok-123456" not in repr(state) and "sec-654321" not in repr(state)


def test_steps_of_a_blank_oauth_state_do_not_need_a_subdomain_yet() -> None:
    # The first run starts the wizard with nothing typed; listing its steps must not raise.
    assert wizard_steps(ProfileDraft()) == ["auth", "instance", "credentials", "scopes", "consent", "review"]


def test_a_new_oauth_run_counts_the_same_steps_from_first_to_last_screen() -> None:
    flow = WizardFlow(ProfileDraft(subdomain="acme", client_id="cli"), Step.SCOPES)
    assert (flow.position().number, flow.position().count) == (4, 6)
    at_consent = flow.after(Next(ScopesAnswer(("read",))))
    assert isinstance(at_consent, WizardFlow) and at_consent.step is Step.CONSENT
    assert (at_consent.position().number, at_consent.position().count) == (5, 6)
    at_review = at_consent.after(Next(ConsentAnswer(object(), at_consent.draft.storage)))  # type: ignore[arg-type]
    assert isinstance(at_review, WizardFlow) and at_review.step is Step.REVIEW
    assert (at_review.position().number, at_review.position().count) == (6, 6)
    back = at_review.after(Back())
    assert isinstance(back, WizardFlow) and back.step is Step.SCOPES, "a finished consent is not asked again"


def test_back_from_the_first_step_ends_the_run_and_finished_carries_the_name() -> None:
    assert WizardFlow(ProfileDraft()).after(Back()) == Finished(None)
    assert WizardFlow(ProfileDraft(), Step.REVIEW).after(Finished("acme")) == Finished("acme")
