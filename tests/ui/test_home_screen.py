"""Pilot tests: the home screen keeps the cursor near a deleted row, shows hosts, counts right, notices the CLI."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.ui.conftest import save_api_token_profile, save_oauth_profile, screen_text, settle

from zendesk_setup.core.profiles import Profile
from zendesk_setup.ui.screens.profiles import ProfilesScreen
from zendesk_setup.ui.widgets.row_table import RowTable


async def test_after_a_delete_the_cursor_stays_near_where_it_was(app_factory, config_dir: Path, fake) -> None:
    for name in ("a1", "a2", "a3", "a4"):
        save_api_token_profile(config_dir, fake, name)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "down", "d", "d")
        await settle(pilot)
        table = app.screen.query_one(RowTable)
        assert table.row_count == 3
        assert table.cursor_key == "a4", "the row after the deleted one, not the first row"
        await pilot.press("d", "d")
        await settle(pilot)
        assert table.cursor_key == "a2", "deleting the last row keeps the cursor on the new last row"


async def test_one_profile_is_counted_in_the_singular_and_a_custom_base_url_shows_its_host(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "1 profile in" in text and "profile(s)" not in text
        host = fake.url.split("://", 1)[1]
        assert host in text


async def test_a_profile_the_cli_adds_while_home_is_open_appears(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        assert table.row_count == 1
        save_api_token_profile(config_dir, fake, "from-cli")
        screen = app.screen
        assert isinstance(screen, ProfilesScreen)
        screen.reload_if_changed()
        await pilot.pause()
        assert table.row_count == 2 and "from-cli" in screen_text(app)


async def test_d_reads_the_keyring_off_the_ui_thread_and_the_dialog_opens_at_once(
    app_factory, config_dir: Path, fake, monkeypatch
) -> None:
    from zendesk_setup.core.service import CredentialsService
    from zendesk_setup.ui.screens.confirm import DeleteModal

    save_oauth_profile(config_dir, fake, "acme")
    keyring_answers = threading.Event()
    readers: list[str] = []
    has_token = CredentialsService.has_oauth_token

    def slow_secret_service(self: CredentialsService, profile: Profile) -> bool:
        readers.append(threading.current_thread().name)
        keyring_answers.wait(3)
        return has_token(self, profile)

    monkeypatch.setattr(CredentialsService, "has_oauth_token", slow_secret_service)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        assert readers and readers[0] != threading.main_thread().name, "the keyring is read in a thread worker"
        assert isinstance(app.screen, DeleteModal), "the dialog is open while the keyring is still being read"
        assert not keyring_answers.is_set()
        keyring_answers.set()
        await settle(pilot)
        assert app.screen.query_one("#choice-revoke").display, "the token was found: revoke is offered"
