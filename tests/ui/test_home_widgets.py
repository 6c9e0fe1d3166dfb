"""Pilot tests of the light widgets: RowTable (the home table) and KeyBar (the footer of every screen and modal)."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from zendesk_setup.ui.widgets.key_bar import KeyBar
from zendesk_setup.ui.widgets.row_table import RowTable


class TableApp(App[None]):
    """A RowTable of ``rows`` profiles above a KeyBar, recording selections and key actions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "extra", "Extra"),
        Binding("h", "hidden", "Hidden"),
        Binding("y", "extra", "Same action", show=True),
    ]

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows
        self.selected: list[str] = []
        self.extras = 0

    def compose(self) -> ComposeResult:
        yield RowTable(id="table", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(RowTable)
        table.add_column("Name", key="name")
        table.add_column("Auth", key="auth")
        table.add_rows([(f"p{i:03d}", (f"p{i:03d}", "OAuth" if i % 2 else "API token")) for i in range(self.rows)])
        table.focus()

    def on_row_table_row_selected(self, message: RowTable.RowSelected) -> None:
        self.selected.append(message.row_key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "hidden" and (action != "extra" or self.extras < 2)

    def action_extra(self) -> None:
        self.extras += 1


def lines(app: App[Any]) -> list[str]:
    """The screen as plain text lines."""
    import html
    import re

    svg = html.unescape(app.export_screenshot()).replace("\xa0", " ")
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


async def test_cursor_moves_scrolls_and_selects() -> None:
    app = TableApp(500)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        assert table.row_count == 500 and table.cursor_key == "p000"
        await pilot.press("down", "down")
        assert table.cursor_key == "p002"
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["p002"]
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "p499"
        assert table.scroll_y > 0, "the last row is scrolled into view"
        assert "p499" in "".join(lines(app))
        assert "Name" in "".join(lines(app)), "the header stays on top while scrolled"
        await pilot.press("pageup")
        assert table.cursor_key != "p499"
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_key == "p000" and table.scroll_y == 0
        await pilot.press("up")
        assert table.cursor_key == "p000", "the cursor stops at the first row"


async def test_click_highlights_then_selects() -> None:
    app = TableApp(5)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(RowTable)
        await pilot.click(RowTable, offset=(2, 3))
        assert table.cursor_key == "p002" and app.selected == []
        await pilot.click(RowTable, offset=(2, 3))
        await pilot.pause()
        assert app.selected == ["p002"]
        await pilot.click(RowTable, offset=(2, 0))
        assert table.cursor_key == "p002", "a click on the header changes nothing"


async def test_clear_and_refill_keeps_lookups_right() -> None:
    app = TableApp(3)
    async with app.run_test(size=(60, 12)):
        table = app.query_one(RowTable)
        table.clear()
        assert table.row_count == 0 and table.cursor_key is None
        table.add_rows([("zed", ("zed", "OAuth")), ("amy", ("amy", "API token"))])
        table.move_cursor(row=table.get_row_index("amy"))
        assert table.cursor_key == "amy" and table.get_row_index("zed") == 0


async def test_key_bar_shows_enabled_keys_once_per_action_and_clicks_press_them() -> None:
    app = TableApp(1)
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        bar = app.query_one(KeyBar).render_line(0).text
        assert bar.strip() == "x Extra", bar
        assert "Hidden" not in bar, "an action check_action refuses is not shown"
        assert "Same action" not in bar, "one key per action, like Footer"
        await pilot.click(KeyBar, offset=(0, 0))
        await pilot.pause()
        assert app.extras == 1
        await pilot.click(KeyBar, offset=(4, 0))
        app.refresh_bindings()
        await pilot.pause()
        assert app.extras == 2
        assert "Extra" not in "".join(lines(app)[-3:]), "redrawn when the bindings change"


async def test_key_bar_under_another_screen_keeps_its_keys_and_asks_nothing_of_the_top_screen() -> None:
    class Top(Screen[None]):
        """Records check_action calls (Textual checks ``screen.*`` actions against the top screen)."""

        checks: ClassVar[list[str]] = []

        def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
            self.checks.append(action)
            return True

    app = TableApp(2)
    app.bind("z", "screen.probe", description="Probe")
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        home = app.screen
        bar = home.query_one(KeyBar)
        drawn = bar.keys()
        assert [key for key, *_ in drawn] == ["x", "z"]
        await app.push_screen(Top())
        await pilot.pause()
        Top.checks.clear()
        home.refresh_bindings()
        await pilot.pause()
        assert Top.checks == [] and bar.keys() == drawn
        app.pop_screen()
        await pilot.pause()
        assert bar.keys() == drawn


class ModalHost(App[None]):
    """Pushes one modal on mount and records what it dismisses with and how often the bell rang."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, modal: Screen[Any]) -> None:
        super().__init__()
        self.modal = modal
        self.results: list[object] = []
        self.bells = 0

    def on_mount(self) -> None:
        self.push_screen(self.modal, self.results.append)

    def bell(self) -> None:
        self.bells += 1


class ChoiceModal(ModalScreen[str | None]):
    """A modal with one enabled key, one that check_action dims (None) and one it hides (False)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "choose('delete')", "Delete", tooltip="Delete the profile and its secrets"),
        Binding("r", "choose('revoke')", "Revoke + delete", tooltip="Revoke, then delete"),
        Binding("h", "choose('hidden')", "Hidden", tooltip="Never shown"),
        Binding("escape", "choose_none", "Cancel", tooltip="Delete nothing"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if parameters == ("revoke",):
            return None
        return parameters != ("hidden",)

    def action_choose(self, value: str) -> None:
        self.dismiss(value)

    def action_choose_none(self) -> None:
        self.dismiss(None)


async def test_key_bar_on_a_modal_shows_dims_explains_and_presses_its_keys() -> None:
    app = ModalHost(ChoiceModal())
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        text = bar.render_line(0).text
        assert text.split() == ["d", "Delete", "r", "Revoke", "+", "delete", "esc", "Cancel"], text
        shown = bar.keys()
        assert [(key, enabled) for key, _display, _description, enabled, _tooltip in shown] == [
            ("d", True),
            ("r", False),
            ("escape", True),
        ], "no app keys on a modal's bar (as with Footer); a key check_action answers None for is dimmed"
        await pilot.hover(KeyBar, offset=(text.index("Delete"), 0))
        assert bar.tooltip == "Delete the profile and its secrets"
        await pilot.click(KeyBar, offset=(text.index("Revoke"), 0))
        await pilot.pause()
        assert app.bells == 1 and app.results == [], "a disabled key rings the bell and does nothing"
        await pilot.click(KeyBar, offset=(text.index("Delete"), 0))
        await pilot.pause()
        assert app.results == ["delete"]


async def test_the_delete_modal_of_a_profile_without_a_token_has_no_revoke_key_or_button() -> None:
    from zendesk_setup.ui.screens.confirm import DeleteModal

    app = ModalHost(DeleteModal("acme", can_revoke=False))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        text = app.screen.query_one(KeyBar).render_line(0).text
        assert text.split() == ["d", "Delete", "esc", "Cancel"], text
        assert not app.screen.query("#choice-revoke")
        await pilot.press("r")
        await pilot.pause()
        assert app.results == [], "r does nothing where there is nothing to revoke"


async def test_the_delete_modal_reads_the_keyring_in_a_thread_and_a_revoke_chosen_meanwhile_waits() -> None:
    from zendesk_setup.ui.screens.confirm import DeleteModal

    answer = threading.Event()
    readers: list[str] = []

    def has_token() -> bool:
        readers.append(threading.current_thread().name)
        answer.wait(10)
        return True

    app = ModalHost(DeleteModal("acme", can_revoke=has_token))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        assert readers and readers[0] != threading.main_thread().name, "the keyring is read off the UI thread"
        assert "Looking for an OAuth token" in str(app.screen.query_one("#delete-question", Static).render())
        await pilot.press("r")
        await pilot.pause()
        assert app.results == [], "the revoke waits until the keyring has answered"
        answer.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.results == ["revoke"]


async def test_a_revoke_chosen_before_the_keyring_says_there_is_no_token_deletes_nothing() -> None:
    from zendesk_setup.ui.screens.confirm import DeleteModal

    answer = threading.Event()

    def has_token() -> bool:
        answer.wait(10)
        return False

    app = ModalHost(DeleteModal("acme", can_revoke=has_token, note="It never signed in."))
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        answer.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.results == [] and isinstance(app.screen, DeleteModal)
        question = str(app.screen.query_one("#delete-question", Static).render())
        assert "has no OAuth token to revoke" in question and "never signed in" in question
        assert not app.screen.query("#choice-revoke")
        await pilot.press("d")
        await pilot.pause()
        assert app.results == ["delete"]


async def test_key_bar_on_the_help_modal_closes_it() -> None:
    from zendesk_setup.ui.screens.help import HelpModal

    app = ModalHost(HelpModal("Scopes", "Pick the scopes."))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = app.screen.query_one(KeyBar).render_line(0).text
        assert text.split() == ["esc", "Close"], text
        await pilot.click(KeyBar, offset=(0, 0))
        await pilot.pause()
        assert app.results == [None] and not isinstance(app.screen, HelpModal)
