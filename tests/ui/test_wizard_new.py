"""Pilot tests: a new profile of each auth type through the real app, against the fake Zendesk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.ui.conftest import CLIENT_SECRET, assert_no_secret, paste, screen_text, settle, stored_secrets
from textual.widgets import Input, Static

from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen


def saved_profiles(config_dir: Path) -> dict[str, Any]:
    """profiles.yaml parsed."""
    return yaml.safe_load((config_dir / "profiles.yaml").read_text())


async def test_new_api_token_profile_is_checked_and_saved(app_factory, config_dir: Path) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        assert isinstance(app.screen, InstanceScreen)
        await paste(pilot, "https://acme.zendesk.com/agent/tickets/1")
        assert "https://acme.zendesk.com" in str(app.screen.query_one("#subdomain-result", Static).render())
        await pilot.press("enter")
        assert isinstance(app.screen, CredentialsScreen)
        assert app.focused is app.screen.query_one("#email-input")
        await paste(pilot, EMAIL)
        await pilot.press("down")
        await paste(pilot, API_TOKEN)
        assert_no_secret(app, API_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        status = str(app.screen.query_one("#review-status", Static).render())
        assert "Signed in as Ada Admin" in status
        assert not (config_dir / "profiles.yaml").exists()
        await pilot.press("enter")
        await settle(pilot)
        saved_text = str(app.screen.query_one("#review-saved", Static).render())
        assert "OS keyring" in saved_text and "profiles.yaml" in saved_text
        assert_no_secret(app, API_TOKEN)
        await pilot.press("enter")
    assert app.return_value == 0
    data = saved_profiles(config_dir)
    profile = data["profiles"]["acme"]
    assert data["default"] == "acme"
    assert profile["auth"] == "api_token" and profile["email"] == EMAIL and profile["checked"]["ok"] is True
    assert stored_secrets("acme") == {"api_token": API_TOKEN}
    assert API_TOKEN not in (config_dir / "profiles.yaml").read_text()


async def test_new_oauth_profile_through_the_scripted_browser(app_factory, config_dir: Path, fake, browser) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # OAuth is the default
        await pilot.press(*"acme", "down", *"acme-oauth", "enter")
        assert isinstance(app.screen, CredentialsScreen)
        assert app.focused is app.screen.query_one("#client-id-input")
        assert "/callback" in str(app.screen.query_one("#redirect-url", Static).render())
        await pilot.press(*"acme_cli", "enter")
        assert isinstance(app.screen, ScopesScreen)
        await pilot.press(*"users:r", "down", "space")
        assert "users:read" in str(app.screen.query_one("#scope-string", Static).render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen), app.screen
        text = screen_text(app)
        assert "Ada Admin" in text and "Granted:" in text
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    assert "action=allow" in browser.read_text() and "callback_status=200" in browser.read_text()
    profile = saved_profiles(config_dir)["profiles"]["acme-oauth"]
    assert profile["auth"] == "oauth" and profile["client_kind"] == "public"
    assert profile["scopes"] == ["users:read"] and profile["subdomain"] == "acme"
    fields = stored_secrets("acme-oauth")
    assert fields is not None and fields["access_token"] in fake.live_access_tokens()
    assert "client_secret" not in fields
    yaml_text = (config_dir / "profiles.yaml").read_text()
    assert fields["access_token"] not in yaml_text and fields["refresh_token"] not in yaml_text


async def test_confidential_oauth_client_secret_goes_to_the_keyring_only(
    app_factory, config_dir: Path, fake, browser
) -> None:
    fake.add_client("acme_conf", kind="confidential", secret=CLIENT_SECRET)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", *"acme", "enter", *"acme_conf")
        secret_input = app.screen.query_one("#client-secret-input", Input)
        assert not secret_input.display
        await pilot.press("down", "right", "space")
        assert secret_input.display
        await pilot.press("tab")  # the radio set keeps up/down for itself
        await paste(pilot, CLIENT_SECRET)
        assert app.focused is secret_input
        assert_no_secret(app, CLIENT_SECRET)
        await pilot.press("ctrl+n", "f4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert_no_secret(app, CLIENT_SECRET)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    profile = saved_profiles(config_dir)["profiles"]["acme"]
    assert profile["client_kind"] == "confidential" and profile["scopes"] == ["read", "write"]
    fields = stored_secrets("acme")
    assert fields is not None and fields["client_secret"] == CLIENT_SECRET and fields["access_token"]
    assert CLIENT_SECRET not in (config_dir / "profiles.yaml").read_text()


async def test_pasted_redirect_url_completes_the_consent(app_factory, config_dir: Path, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", *"acme", "enter", *"acme_cli", "enter", "f3", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConsentScreen)
        while screen.consent is None:  # the worker binds the port and builds the URL
            await pilot.pause()
        url = screen.consent.url
        assert url in screen_text(app).replace("\n", "") or url[:60] in screen_text(app)
        location = fake.consent(url, "allow")
        assert app.focused is screen.query_one("#consent-url")
        await pilot.press("tab", *"not a url")
        await pilot.press("enter")
        assert isinstance(app.screen, ConsentScreen)
        assert str(app.screen.query_one("#step-error", Static).render())
        screen.query_one("#paste-input", Input).value = location
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    assert saved_profiles(config_dir)["profiles"]["acme"]["scopes"] == ["read"]
    assert stored_secrets("acme")["access_token"] in fake.live_access_tokens()


async def test_new_client_credentials_profile(app_factory, config_dir: Path, fake) -> None:
    fake.add_client("acme_ci", kind="confidential", secret=CLIENT_SECRET)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "down", "enter", *"acme", "down", *"acme-ci", "enter")
        await paste(pilot, "acme_ci")
        await pilot.press("down")
        await paste(pilot, CLIENT_SECRET)
        await pilot.press("enter")
        assert isinstance(app.screen, ScopesScreen)
        await pilot.press("f3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "Signed in as Ada Admin" in screen_text(app)
        assert_no_secret(app, CLIENT_SECRET)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    profile = saved_profiles(config_dir)["profiles"]["acme-ci"]
    assert profile["auth"] == "client_credentials" and profile["scopes"] == ["read"]
    fields = stored_secrets("acme-ci")
    assert fields["client_secret"] == CLIENT_SECRET and fields["access_token"] in fake.live_access_tokens()


async def test_a_paste_anywhere_on_the_consent_screen_completes_it_and_o_opens_the_browser_again(
    app_factory, config_dir: Path, fake, browser: Path, monkeypatch
) -> None:
    fake.add_client("acme_cli")
    monkeypatch.setenv("SCRIPTED_BROWSER_ACTION", "none")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", *"acme", "enter", *"acme_cli", "enter", "f3", "enter")
        screen = app.screen
        assert isinstance(screen, ConsentScreen)
        while screen.consent is None:
            await pilot.pause()
        await pilot.press("o")
        for _ in range(200):  # the browser runs in a thread worker; the consent worker keeps waiting
            if len(opened_pages(browser)) == 2:
                break
            await pilot.pause(0.02)
        location = fake.consent(screen.consent.url, "allow")
        assert app.focused is screen.query_one("#consent-url")
        await paste(pilot, location)
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    assert len(opened_pages(browser)) == 2


def opened_pages(log: Path) -> list[str]:
    """One line per page the scripted browser opened."""
    return log.read_text().splitlines() if log.exists() else []
