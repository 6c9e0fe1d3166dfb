"""Pilot tests: the Profiles home screen and its keys, and quitting."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import API_TOKEN
from tests.ui.conftest import paste, save_api_token_profile, save_oauth_profile, screen_text, settle, stored_secrets

from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal, DeleteModal, PromptModal
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.profiles import ProfilesScreen
from zendesk_setup.ui.widgets.row_table import RowTable


def profiles_yaml(config_dir: Path) -> dict:
    """profiles.yaml parsed."""
    return yaml.safe_load((config_dir / "profiles.yaml").read_text())


async def test_with_no_profiles_the_wizard_starts_at_once(app_factory, config_dir: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuthTypeScreen)
        assert app.focused is app.screen.query_one("#auth-choice")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
        assert "No profiles yet" in screen_text(app)
    assert not (config_dir / "profiles.yaml").exists()


async def test_home_lists_profiles_and_manages_them(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    save_api_token_profile(config_dir, fake, "sandbox")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#profiles-table", RowTable)
        assert table.row_count == 2
        text = screen_text(app)
        assert "★ default" in text and "never checked" in text and "API token" in text
        await pilot.press("down", "s")
        await settle(pilot)
        assert profiles_yaml(config_dir)["default"] == "sandbox"
        await pilot.press("t")
        await settle(pilot)
        assert profiles_yaml(config_dir)["profiles"]["sandbox"]["checked"]["ok"] is True
        assert "✓ ok just now" in screen_text(app)
        await pilot.press("r")
        assert isinstance(app.screen, PromptModal)
        await pilot.press("ctrl+u")
        await paste(pilot, "acme")
        await pilot.press("enter")
        assert isinstance(app.screen, PromptModal), "a taken name is refused"
        await pilot.press("ctrl+u")
        await paste(pilot, "staging")
        await pilot.press("enter")
        await settle(pilot)
        assert list(profiles_yaml(config_dir)["profiles"]) == ["acme", "staging"]
        assert stored_secrets("staging") == {"api_token": API_TOKEN} and stored_secrets("sandbox") is None
        await pilot.press("c")
        assert isinstance(app.screen, PromptModal)
        await pilot.press("enter")
        await settle(pilot)
        assert "staging-copy" in profiles_yaml(config_dir)["profiles"]
        assert stored_secrets("staging-copy") == {"api_token": API_TOKEN}
        table.move_cursor(row=0)
        await pilot.press("d")
        assert isinstance(app.screen, DeleteModal)
        await pilot.press("escape")
        assert "acme" in profiles_yaml(config_dir)["profiles"]
        await pilot.press("d", "d")
        await settle(pilot)
        assert "acme" not in profiles_yaml(config_dir)["profiles"]
        assert stored_secrets("acme") is None


async def test_delete_with_revoke_revokes_the_oauth_token(app_factory, config_dir: Path, fake) -> None:
    fields = save_oauth_profile(config_dir, fake)
    assert fields["access_token"] in fake.live_access_tokens()
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert "revoke" in screen_text(app).lower()
        await pilot.press("r")
        await settle(pilot)
    assert fields["access_token"] not in fake.live_access_tokens()
    assert profiles_yaml(config_dir)["profiles"] == {}
    assert stored_secrets("acme") is None


async def test_enter_on_home_opens_the_wizard_pre_filled(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, AuthTypeScreen)
        assert "editing 'acme'" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        assert app.screen.query_one("#subdomain-input").value == "acme"


async def test_ctrl_q_asks_before_dropping_unsaved_answers(app_factory, config_dir: Path) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await paste(pilot, "acme")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert isinstance(app.screen, InstanceScreen)
        assert app.screen.query_one("#subdomain-input").value == "acme"
        await pilot.press("ctrl+q", "y")
    assert app.return_value == 1
    assert not (config_dir / "profiles.yaml").exists()


async def test_ctrl_q_on_home_quits_at_once(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
    assert app.return_value == 0
