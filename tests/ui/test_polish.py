"""Pilot tests for small defects a newcomer walk at 80x24 found: alignment, footers that name every key, blank gaps."""

from __future__ import annotations

from pathlib import Path

import yaml
from tests.conftest import API_TOKEN
from tests.ui.conftest import paste, save_api_token_profile, save_oauth_profile, screen_text, settle, stored_secrets
from tests.ui.test_newcomer_walk import footer_line
from tests.ui.test_scopes_checklist import to_scopes
from textual.app import App, ComposeResult
from textual.widgets import Button, Static

from zendesk_setup.core.scopes import load_catalogue
from zendesk_setup.ui.screens.confirm import DeleteModal
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.help import HelpModal
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import GROUP_PREFIX, ScopeList
from zendesk_setup.ui.widgets.key_bar import KeyBar


def drawn_descriptions(app: App[object]) -> list[str]:
    """The footer's key descriptions, in the order drawn."""
    return [words for _key, _display, words, _on, _tip in app.screen.query_one(KeyBar)._drawn or []]


async def test_every_scope_description_starts_in_the_same_column(app_factory) -> None:
    catalogue = load_catalogue()
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        scope_list = app.screen.query_one(ScopeList)
        columns: dict[str, int] = {}
        for index in range(scope_list.option_count):
            option = scope_list.get_option_at_index(index)
            if option.value.startswith(GROUP_PREFIX):
                continue
            entry = catalogue.entry(option.value)
            assert entry is not None
            columns[option.value] = option.prompt.plain.index(entry.help)
        assert "satisfaction_ratings:write" in columns
        assert len(set(columns.values())) == 1, f"descriptions start in columns {sorted(set(columns.values()))}"


async def test_the_help_footer_names_the_keys_that_scroll_it(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpModal)
        scroll = app.screen.query_one("#help-scroll")
        assert scroll.max_scroll_y > 0, "the scopes help is longer than its box at 80x24"
        assert "↑↓ Scroll" in footer_line(app)
        await pilot.press("down", "down")
        assert scroll.scroll_y > 0, "the keys the footer names scroll the help"


async def test_a_help_that_fits_its_box_offers_no_scroll_key() -> None:
    class HelpHost(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("host")

        def on_mount(self) -> None:
            self.push_screen(HelpModal("Short", "One line of help."))

    app = HelpHost()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert "Scroll" not in footer_line(app)
        assert "Close" in footer_line(app)


async def test_the_delete_footer_lists_the_keys_in_the_order_of_the_buttons(
    app_factory, config_dir: Path, fake
) -> None:
    save_oauth_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        buttons = [str(button.label).rsplit(" (", 1)[0] for button in app.screen.query(Button)]
        assert buttons == ["Revoke + delete", "Delete", "Cancel"]
        assert drawn_descriptions(app) == buttons


async def test_an_api_token_check_reads_as_one_block_with_no_empty_scopes_gap(app_factory) -> None:
    from tests.conftest import EMAIL
    from tests.pilot_helpers import api_token_profile_to_review

    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_profile_to_review(pilot, EMAIL, API_TOKEN)
        assert isinstance(app.screen, ReviewScreen)
        status = app.screen.query_one("#review-status", Static)
        saved = app.screen.query_one("#review-saved", Static)
        assert "Signed in as" in str(status.render()) and "Press enter to save." in str(saved.render())
        gap = saved.region.y - status.region.bottom
        assert gap == 1, f"{gap} blank lines between the identity and 'Press enter to save.'"


async def to_review_of_an_unchanged_edit(pilot) -> None:
    """Edit the saved API-token profile and accept every step as it is, on to the check."""
    await pilot.press("enter", "enter")
    assert isinstance(pilot.app.screen, CredentialsScreen)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)


async def test_an_edit_that_changed_nothing_says_so_and_what_enter_writes(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    settings_before = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_review_of_an_unchanged_edit(pilot)
        text = str(app.screen.query_one("#review-saved", Static).render())
        assert "Press enter to save." not in screen_text(app)
        assert text == (
            "Nothing changed: 'acme' keeps its settings and secrets. "
            "Press enter to record this check on it (the only thing written)."
        )
        assert "Record check" in drawn_descriptions(app) and "Save" not in drawn_descriptions(app)
        await pilot.press("enter")
        await settle(pilot)
        done = str(app.screen.query_one("#review-saved", Static).render())
        assert done.startswith("Recorded the check on profile 'acme' (the default); nothing else changed."), done
        await pilot.press("enter")
    assert app.return_value == 0
    settings_after = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    checked = settings_after.pop("checked")
    assert checked["ok"] is True, "the check is what enter wrote"
    settings_before.pop("checked", None)
    assert settings_after == settings_before
    assert stored_secrets("acme") == {"api_token": API_TOKEN}


async def test_a_new_token_alone_is_a_change_and_is_saved(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake)
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, CredentialsScreen)
        await pilot.press("down")
        await paste(pilot, API_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "no change to the settings" in text
        assert "Press enter to save." in text and "Nothing changed" not in text
        assert "Save" in drawn_descriptions(app)
