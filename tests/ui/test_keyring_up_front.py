"""Pilot tests: with no usable keyring the wizard says so on its first screen, with the fix and the file store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.pilot_helpers import api_token_profile_to_review
from tests.ui.conftest import screen_text, settle

from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.screens.review import ReviewScreen


@pytest.mark.usefixtures("no_keyring")
async def test_without_a_keyring_the_first_screen_says_so_and_the_file_store_saves_the_profile(
    app_factory, config_dir: Path
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AuthTypeScreen)
        text = screen_text(app)
        assert "No usable OS keyring" in text
        assert "gnome-keyring" in text
        assert "Press i" in text
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal), "the plain-text file needs the warning first"
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, AuthTypeScreen)
        assert "No usable OS keyring" not in screen_text(app)
        await api_token_profile_to_review(pilot, EMAIL, API_TOKEN)
        assert isinstance(app.screen, ReviewScreen)
        assert "Signed in as" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "No usable OS keyring" not in text, "later steps must not ask again"
        assert app.screen.error is None and app.screen.saved is not None
        assert "secrets.yaml" in text
        assert API_TOKEN not in text
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert profile["storage"] == "file"
    assert yaml.safe_load((config_dir / "secrets.yaml").read_text())["secrets"]["acme"] == {"api_token": API_TOKEN}


async def test_with_a_working_keyring_the_first_screen_has_no_keyring_notice_nor_file_key(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AuthTypeScreen)
        assert "No usable OS keyring" not in screen_text(app)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, AuthTypeScreen)


async def test_once_the_keyring_is_fixed_r_checks_again_and_the_notice_goes(app_factory) -> None:
    from tests.conftest import FAIL_KEYRING, PLAINTEXT_KEYRING, use_keyring_backend

    use_keyring_backend(FAIL_KEYRING)
    try:
        app = app_factory("new")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert "No usable OS keyring" in screen_text(app)
            use_keyring_backend(PLAINTEXT_KEYRING)
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, AuthTypeScreen)
            assert "No usable OS keyring" not in screen_text(app)
            assert "Store in file" not in screen_text(app)
    finally:
        use_keyring_backend(PLAINTEXT_KEYRING)
