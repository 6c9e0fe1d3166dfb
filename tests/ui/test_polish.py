"""Pilot tests for small defects a newcomer walk at 80x24 found: alignment, footers that name every key, blank gaps."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import save_oauth_profile, settle
from tests.ui.test_newcomer_walk import footer_line
from tests.ui.test_scopes_checklist import to_scopes
from textual.app import App, ComposeResult
from textual.widgets import Button, Static

from zendesk_setup.core.scopes import load_catalogue
from zendesk_setup.ui.screens.confirm import DeleteModal
from zendesk_setup.ui.screens.help import HelpModal
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
