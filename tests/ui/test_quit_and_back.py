"""Pilot tests: ctrl+q and escape leave at once when nothing was entered, and ask (in the right words) otherwise."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import paste, save_api_token_profile
from textual.widgets import Static

from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.profiles import ProfilesScreen


def question(app) -> str:
    """The text of the confirmation on top."""
    return str(app.screen.query_one("#confirm-question", Static).render())


async def test_ctrl_q_on_an_untouched_first_screen_quits_at_once(app_factory, config_dir: Path) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, AuthTypeScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal), "nothing was entered, so there is nothing to ask about"
    assert app.return_value == 0
    assert not (config_dir / "profiles.yaml").exists()


async def test_ctrl_q_after_only_moving_through_an_empty_step_quits_at_once(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
    assert app.return_value == 1


async def test_escape_on_the_first_step_of_an_edit_with_changes_asks(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter")
        assert isinstance(app.screen, InstanceScreen)
        await pilot.press("ctrl+u")
        await paste(pilot, "acme-other")
        await pilot.press("escape")
        assert isinstance(app.screen, AuthTypeScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmModal)
        assert "Discard your changes to 'acme'? The saved profile stays as it was." in question(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, AuthTypeScreen), "keep editing stays in the wizard"
        await pilot.press("enter")
        assert app.screen.query_one("#subdomain-input").value == "acme-other", "the change was kept"
        await pilot.press("escape", "escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
    assert "acme-other" not in (config_dir / "profiles.yaml").read_text()


async def test_escape_on_the_first_step_of_an_untouched_edit_goes_home_at_once(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("e", "enter", "escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)


async def test_the_quit_question_of_an_edit_speaks_of_changes_to_the_saved_profile(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "ctrl+u")
        await paste(pilot, "acme-other")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, ConfirmModal)
        text = question(app)
        assert "Quit without saving your changes to 'acme'? The saved profile stays as it was." in text
        assert "Nothing of this profile has been written yet" not in text
        await pilot.press("y")
    assert app.return_value == 1
