"""Pilot tests: re-editing saved profiles (pre-filled, secrets kept, consent only when needed, cancel)."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import API_TOKEN
from tests.ui.conftest import (
    assert_no_secret,
    paste,
    save_api_token_profile,
    save_oauth_profile,
    screen_text,
    settle,
    stored_secrets,
)
from textual.widgets import Input, SelectionList, Static

from zendesk_setup.core.wizard import wizard_steps
from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen
from zendesk_setup.ui.widgets.key_bar import KeyBar


async def test_edit_api_token_profile_renames_and_keeps_the_token(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, AuthTypeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        assert app.screen.query_one("#name-input", Input).value == "acme"
        await pilot.press("down")
        await pilot.press("ctrl+u")
        await paste(pilot, "acme-prod")
        await pilot.press("enter")
        assert isinstance(app.screen, CredentialsScreen)
        token_input = app.screen.query_one("#token-input", Input)
        assert token_input.value == "" and "leave blank to keep" in token_input.placeholder
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "Signed in as Ada Admin" in text
        assert "-acme:" in text and "+acme-prod:" in text
        assert_no_secret(app, API_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    assert app.return_value == 0
    data = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert list(data["profiles"]) == ["acme-prod"] and data["default"] == "acme-prod"
    assert stored_secrets("acme-prod") == {"api_token": API_TOKEN}
    assert stored_secrets("acme") is None


async def test_edit_oauth_without_changes_keeps_tokens_and_skips_consent(app_factory, config_dir: Path, fake) -> None:
    before = save_oauth_profile(config_dir, fake)
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter")
        assert isinstance(app.screen, ScopesScreen)
        scope_list = app.screen.query_one("#scope-list", SelectionList)
        assert set(scope_list.selected) == {"read", "users:write"}
        assert "read users:write" in str(app.screen.query_one("#scope-string", Static).render())
        assert "consent" not in wizard_steps(app.screen.answered_draft())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "no change to the settings" in screen_text(app)
        assert_no_secret(app, before["access_token"], before["refresh_token"])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    after = stored_secrets("acme")
    assert after["refresh_token"] == before["refresh_token"]
    assert after["access_token"] == before["access_token"]


async def test_edit_oauth_scopes_leads_through_consent_again(app_factory, config_dir: Path, fake, browser) -> None:
    before = save_oauth_profile(config_dir, fake, scopes=("read",))
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter")
        assert isinstance(app.screen, ScopesScreen)
        await pilot.press("f4")
        assert "consent" in wizard_steps(app.screen.answered_draft())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen), app.screen
        text = screen_text(app)
        assert "+  - write" in text or "+  - write" in text.replace("\u00a0", " ")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
    assert "action=allow" in browser.read_text()
    data = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert data["profiles"]["acme"]["scopes"] == ["read", "write"]
    after = stored_secrets("acme")
    assert after["access_token"] != before["access_token"]
    assert after["access_token"] in fake.live_access_tokens()


async def test_cancelling_an_edit_writes_nothing_and_says_so(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    before = (config_dir / "profiles.yaml").read_bytes()
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await pilot.press("ctrl+u")
        await paste(pilot, "other")
        await pilot.press("escape")
        assert isinstance(app.screen, AuthTypeScreen)
        await pilot.press("escape", "y")
    assert app.return_value == 1
    assert app.result_note == "Cancelled: nothing was written."
    assert (config_dir / "profiles.yaml").read_bytes() == before
    assert stored_secrets("acme") == {"api_token": API_TOKEN}


async def test_editing_an_unknown_profile_stops_with_a_message(app_factory) -> None:
    app = app_factory("edit", "nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_value == 2
    assert "no profile named 'nope'" in (app.result_note or "")


async def test_changing_the_oauth_client_needs_consent(app_factory, config_dir: Path, fake) -> None:
    save_oauth_profile(config_dir, fake)
    app = app_factory("edit", "acme", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, CredentialsScreen)
        await pilot.press("ctrl+u")
        await paste(pilot, "other_client")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, ConsentScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScopesScreen)


async def test_a_long_change_takes_the_focus_names_its_keys_and_scrolls_to_its_end(
    app_factory, config_dir: Path, fake, browser
) -> None:
    save_oauth_profile(config_dir, fake, scopes=("read", "tickets:read", "users:read", "users:write", "hc:read"))
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "down", "ctrl+u")
        await paste(pilot, "acme-eu")
        await pilot.press("enter", "enter", "down", "space", "enter")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        pane = app.screen.query_one("#review-diff-pane")
        assert app.focused is pane, "up/down should read a long change at once"
        assert pane.max_scroll_y > 0
        text = screen_text(app)
        assert "lines 1–5 of" in text and "↑↓ pgup pgdn to scroll" in text
        key_bar = app.screen.query_one(KeyBar)
        footer = [(display, description) for _key, display, description, _on, _tip in key_bar.keys()]  # noqa: SIM118
        assert ("↑↓", "Scroll change") in footer
        assert "   ⋮" in text, "a gap between two parts of the change is marked"
        await pilot.press("end")
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        total = app.screen.diff_lines
        assert f"lines {total - 4}–{total} of {total}" in screen_text(app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not pane and "tab, then ↑↓ to scroll" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Saved" in text and "Change to profiles.yaml" not in text


async def test_a_short_change_leaves_the_focus_alone(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "down", "ctrl+u")
        await paste(pilot, "acme-prod")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "Change to profiles.yaml:" in text and "-acme:" in text and "+acme-prod:" in text
        assert app.focused is None and not app.screen.query_one("#review-diff-pane").allow_focus()


async def test_an_edit_saved_unchecked_after_a_server_error_does_not_blame_the_network(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake)
    fake.inject("/api/v2/users/me", 500, times=None)
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "down", "ctrl+u")
        await paste(pilot, "acme-prod")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "server error (500)" in screen_text(app)
        await pilot.press("w")
        await settle(pilot)
        status = str(app.screen.query_one("#review-status", Static).render())
        assert "Saved without a check" in status and "zendesk-setup test acme-prod" in status
        assert "online" not in status, "Zendesk answered with 500; the network was fine"
    data = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert list(data["profiles"]) == ["acme-prod"] and "checked" not in data["profiles"]["acme-prod"]
