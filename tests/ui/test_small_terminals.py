"""Pilot tests: 80x24 is kept on the home screen, its modals and the Instance step; at 60x20 they degrade gracefully.

Each test asserts that what the user needs lies inside the screen: table columns shrink rather than run off the
right edge, footers keep whole keys, modals fit the width, and toasts never cover the status line or the footer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.ui.conftest import paste, save_api_token_profile, save_oauth_profile, settle
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Button

from zendesk_setup.ui.screens.confirm import DeleteModal, PromptModal
from zendesk_setup.ui.screens.help import HelpModal
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.widgets.key_bar import KeyBar, fitting_descriptions
from zendesk_setup.ui.widgets.row_table import RowTable, fit_widths

SMALL = (60, 20)
PROMISE = (80, 24)


def assert_inside(widget: Widget, area: Region, what: str) -> None:
    """``widget`` lies wholly inside ``area`` (the screen, or the visible part of a scrolling body)."""
    assert area.contains_region(widget.region), f"{what} at {widget.region} is not inside {area}"


def table_lines(table: RowTable) -> list[str]:
    """The table's visible lines as text."""
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def seed(config_dir: Path, fake: Any) -> None:
    """An OAuth profile with a token and two API-token profiles, all on the fake's host (a long Subdomain cell)."""
    save_oauth_profile(config_dir, fake, "acme-sandbox")
    save_api_token_profile(config_dir, fake, "acme")
    save_api_token_profile(config_dir, fake, "acme-production")


@pytest.mark.parametrize("size", [PROMISE, SMALL], ids=["80x24", "60x20"])
async def test_home_columns_shrink_to_the_width_and_every_column_stays_on_screen(
    app_factory, config_dir: Path, fake, size: tuple[int, int]
) -> None:
    seed(config_dir, fake)
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        assert table.max_scroll_x == 0, "the table does not scroll sideways"
        header, *rows = table_lines(table)
        for label in ("Name", "Subdomain", "Auth", "Default", "Last check"):
            assert label[:3] in header, f"column {label!r} is cut off: {header!r}"
        width = table.scrollable_content_region.width
        assert all(len(line.rstrip()) <= width for line in [header, *rows])
        last_column = header.index("Las")
        for line in rows[: table.row_count]:
            assert line[last_column:].strip(), f"the Last check cell is cut off: {line!r}"
        if size == PROMISE:
            assert "never checked" in "\n".join(rows), "at 80x24 the Last check column is whole"
        else:
            assert "…" in "\n".join(rows), "a shrunk cell ends in an ellipsis"


def test_columns_shrink_widest_first_and_never_below_one_cell() -> None:
    assert fit_widths([12, 15, 22, 9, 15], 73) == [12, 15, 22, 9, 15]
    assert fit_widths([12, 15, 22, 9, 15], 50) == [11, 10, 10, 9, 10], "the narrow column keeps its width"
    assert fit_widths([4, 30], 3) == [2, 1]
    assert fit_widths([4, 30], 1) == [1, 1], "below one cell a column the table scrolls instead"


@pytest.mark.parametrize("size", [PROMISE, (17, 12)], ids=["80x24", "17x12"])
async def test_home_footer_keeps_whole_keys_and_the_status_line(
    app_factory, config_dir: Path, fake, size: tuple[int, int]
) -> None:
    seed(config_dir, fake)
    app = app_factory()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("down")  # an API-token profile: m Migrate too, nine keys
        bar = app.screen.query_one(KeyBar)
        text = bar.render_line(0).text
        shown = text.split()
        drawn = bar.keys()
        displays = [display for _key, display, _description, _enabled, _tooltip in drawn]
        if size == PROMISE:
            assert text.split()[::2] == displays, f"every key with its description at 80 columns: {text!r}"
            assert text.rstrip().endswith("m Migrate f1 Help ^q Quit"), text
        else:
            assert shown and all(word in displays for word in shown), f"only whole keys when narrow: {text!r}"
        status = app.screen.query_one("#home-status")
        assert_inside(status, app.screen.region, "the status line")
        assert "3 profiles in" in str(status.render())


def test_footer_drops_descriptions_from_the_right_then_whole_keys() -> None:
    keys = [("n", "New"), ("e", "Edit"), ("f1", "Help"), ("^q", "Quit")]
    assert fitting_descriptions(keys, 28) == [True, True, True, True], "'n New e Edit f1 Help ^q Quit' is 28"
    assert fitting_descriptions(keys, 27) == [True, True, True, False]
    assert fitting_descriptions(keys, 11) == [False, False, False, False]
    assert fitting_descriptions(keys, 7) == [False, False, False, None], "never half a key"


async def test_a_toast_on_home_never_covers_the_status_line_or_the_footer(app_factory, config_dir: Path, fake) -> None:
    seed(config_dir, fake)
    app = app_factory()
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        app.screen.notify("A long message " * 12, severity="error")
        await pilot.pause()
        await pilot.pause()
        toasts = list(app.screen.query("Toast"))
        assert toasts
        status = app.screen.query_one("#home-status").region
        footer = app.screen.query_one(KeyBar).region
        for toast in toasts:
            assert not toast.region.overlaps(status), f"toast {toast.region} covers the status line {status}"
            assert not toast.region.overlaps(footer), "a toast covers the footer"
            assert_inside(toast, app.screen.region, "the toast")


async def test_the_delete_modal_with_its_three_buttons_fits_60x20(app_factory, config_dir: Path, fake) -> None:
    save_oauth_profile(config_dir, fake, "acme-sandbox")
    app = app_factory()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DeleteModal)
        screen = app.screen.region
        assert_inside(app.screen.query_one("#delete-box"), screen, "the delete dialog")
        buttons = list(app.screen.query(Button))
        assert [button.id for button in buttons] == ["choice-revoke", "choice-delete", "choice-cancel"]
        box = app.screen.query_one("#delete-box").content_region
        for button in buttons:
            assert_inside(button, box, f"button {button.id}")
        assert_inside(app.screen.query_one(KeyBar), screen, "the footer")


async def test_the_rename_prompt_the_help_and_the_migration_plan_fit_60x20(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for key, modal, box_id in (("r", PromptModal, "#prompt-box"), ("f1", HelpModal, "#help-box")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, modal)
            assert_inside(app.screen.query_one(box_id), app.screen.region, f"{modal.__name__}")
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        box = app.screen.query_one("#confirm-box")
        assert_inside(box, app.screen.region, "the migration plan")
        for button in app.screen.query(Button):
            assert_inside(button, box.content_region, f"button {button.id}")


async def test_ticking_advanced_at_80x24_brings_the_base_url_field_into_view(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new", base_url=None)
    async with app.run_test(size=PROMISE) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        await paste(pilot, "acme")
        await pilot.press("enter")  # the name 'acme' is taken: the error line takes room from the form
        await pilot.pause()
        assert app.screen.query_one("#step-error").display
        app.screen.query_one("#advanced-toggle").focus()
        await pilot.press("space")
        await pilot.pause()
        await pilot.pause()
        field = app.screen.query_one("#base-url-input")
        assert field.display
        visible = app.screen.query_one("#step-body").scrollable_content_region
        assert_inside(field, visible, "the base URL field")
        assert_inside(app.screen.query_one("#base-url-result"), visible, "the base URL's live line")
        await pilot.press("tab")
        await paste(pilot, "http://127.0.0.1:1")
        await pilot.pause()
        assert_inside(app.screen.query_one("#base-url-input"), visible, "the focused base URL field")
