"""Pilot tests: inline input errors, failed checks with the way back, offline save, keyring and consent failures."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.ui.conftest import free_port, paste, screen_text, settle, stored_secrets
from textual.widgets import Input, SelectionList, Static

from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen


async def oauth_to_scopes(pilot) -> None:
    """From the first screen: OAuth, subdomain acme, client acme_cli, on to the scopes."""
    await pilot.press("enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, "acme_cli")
    await pilot.press("enter")


async def api_token_to_credentials(pilot) -> None:
    """From the first screen: API token, subdomain acme, Ada's email typed in the credentials step."""
    await pilot.press("down", "enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, EMAIL)


async def oauth_to_consent(pilot) -> None:
    """From the first screen to the consent step with the SaaS-roles preset (read)."""
    await oauth_to_scopes(pilot)
    await pilot.press("f3", "enter")


async def test_bad_subdomain_gets_an_inline_message_not_a_crash(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await paste(pilot, "evil.example.com/x")
        result = app.screen.query_one("#subdomain-result", Static)
        assert "not a zendesk.com address" in str(result.render()) and result.has_class("invalid")
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        assert "not a zendesk.com address" in str(result.render()) and result.has_class("invalid")
        assert not app.screen.query_one("#step-error", Static).has_class("visible"), "the same error, twice"
        await pilot.press("ctrl+u")
        await paste(pilot, "acme.zendesk.com")
        assert "https://acme.zendesk.com" in str(result.render())
        await pilot.press("enter")
        assert isinstance(app.screen, CredentialsScreen)


async def test_escape_goes_back_keeping_what_was_typed(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_to_credentials(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, InstanceScreen)
        assert app.screen.query_one("#subdomain-input", Input).value == "acme"
        await pilot.press("escape")
        assert isinstance(app.screen, AuthTypeScreen)
        await pilot.press("enter", "enter")
        assert app.screen.query_one("#email-input", Input).value == EMAIL


async def test_empty_scope_choice_is_refused(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_scopes(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, ScopesScreen)
        assert "Choose at least one scope" in str(app.screen.query_one("#step-error", Static).render())
        await pilot.press("f2")
        assert "users:read" in str(app.screen.query_one("#scope-string", Static).render())
        await pilot.press("f6", "ctrl+n")
        assert isinstance(app.screen, ScopesScreen)


async def test_wrong_api_token_is_explained_and_f_goes_back_to_the_field(app_factory, config_dir: Path) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_to_credentials(pilot)
        await pilot.press("down")
        await paste(pilot, "wrong-token-123")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "did not accept the email and API token" in text and "Fix field" in text
        assert "wrong-token-123" not in text
        await pilot.press("f")
        assert isinstance(app.screen, CredentialsScreen)
        assert app.focused is app.screen.query_one("#token-input")
    assert not (config_dir / "profiles.yaml").exists()


async def test_offline_check_can_save_without_checking(app_factory, config_dir: Path) -> None:
    closed_port = free_port()
    app = app_factory("new", base_url=f"http://127.0.0.1:{closed_port}")
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_to_credentials(pilot)
        await pilot.press("down")
        await paste(pilot, "some-token-123")
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "refused the connection" in text and "Save unchecked" in text
        await pilot.press("w")
        await settle(pilot)
        assert "Saved without a check" in screen_text(app)
        await pilot.press("enter")
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert "checked" not in profile
    assert stored_secrets("acme") == {"api_token": "some-token-123"}


@pytest.mark.usefixtures("no_keyring")
async def test_missing_keyring_is_reported_before_the_browser_opens(app_factory, fake, browser) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_consent(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConsentScreen)
        assert "No usable OS keyring" in screen_text(app)
    assert not browser.exists(), "the browser must not open when the secrets could not be stored"


async def test_escape_on_consent_cancels_and_frees_the_port(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    port = free_port()
    app = app_factory("new", open_browser=False, redirect_port=port)
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_consent(pilot)
        screen = app.screen
        assert isinstance(screen, ConsentScreen)
        while screen.consent is None:
            await pilot.pause()
        assert f"127.0.0.1:{port}/callback" in screen_text(app) and "left" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScopesScreen)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


async def test_denied_consent_says_so(app_factory, fake, browser, monkeypatch) -> None:
    monkeypatch.setenv("SCRIPTED_BROWSER_ACTION", "deny")
    fake.add_client("acme_cli")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_consent(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConsentScreen)
        assert "denied" in screen_text(app)


async def test_typing_a_resource_name_then_down_and_space_ticks_that_resource(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_scopes(pilot)
        assert isinstance(app.screen, ScopesScreen)
        await pilot.press(*"users", "down", "space")
        scope_list = app.screen.query_one("#scope-list", SelectionList)
        shown = [scope_list.get_option_at_index(i).value for i in range(scope_list.option_count)]
        assert [value for value in shown if not value.startswith("group:")] == ["users:read", "users:write"]
        assert list(scope_list.selected) == ["users:read"]
        assert "Scope string: users:read" in str(app.screen.query_one("#scope-string", Static).render())


@pytest.mark.usefixtures("no_keyring")
async def test_without_a_keyring_i_on_consent_switches_to_the_file_store_and_signs_in(
    app_factory, fake, browser, config_dir: Path
) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_to_consent(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ConsentScreen)
        assert "plain-text 0600 file (insecure)" in screen_text(app)
        await pilot.press("i", "y")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert profile["storage"] == "file"
    secrets_file = config_dir / "secrets.yaml"
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    access_token = yaml.safe_load(secrets_file.read_text())["secrets"]["acme"]["access_token"]
    assert access_token in fake.live_access_tokens()
    assert access_token not in (config_dir / "profiles.yaml").read_text()


@pytest.mark.usefixtures("no_keyring")
async def test_without_a_keyring_an_api_token_profile_saves_to_the_file_only_after_i_and_yes(
    app_factory, config_dir: Path
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_to_credentials(pilot)
        await pilot.press("down")
        await paste(pilot, API_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "No usable OS keyring" in screen_text(app)
        assert not (config_dir / "profiles.yaml").exists()
        await pilot.press("i", "n")
        await settle(pilot)
        assert not (config_dir / "profiles.yaml").exists()
        await pilot.press("i", "y")
        await settle(pilot)
        assert "secrets.yaml" in screen_text(app)
        assert API_TOKEN not in screen_text(app)
    assert yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["storage"] == "file"
    assert yaml.safe_load((config_dir / "secrets.yaml").read_text())["secrets"]["acme"] == {"api_token": API_TOKEN}
