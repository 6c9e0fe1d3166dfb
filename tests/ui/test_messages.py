"""Pilot tests: messages that stay true (stale errors go, hints name keys and this profile, copies not signed in)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import paste, save_api_token_profile, save_oauth_profile, screen_text, settle
from textual.widgets import Static

from zendesk_setup.ui.screens.confirm import DeleteModal
from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.instance import InstanceScreen
from zendesk_setup.ui.screens.profiles import ProfilesScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen


def error_line(app) -> Static:
    """The error line under the form of the step on top."""
    return app.screen.query_one("#step-error", Static)


async def test_a_taken_name_error_names_the_way_out_in_the_tui_and_goes_once_fixed(
    app_factory, config_dir: Path, fake
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await paste(pilot, "acme")
        await pilot.press("enter")
        assert isinstance(app.screen, InstanceScreen)
        line = error_line(app)
        text = str(line.render())
        assert line.has_class("visible") and "A profile named 'acme' already exists." in text
        assert "zendesk-setup edit" not in text and "edit 'acme' from the profiles screen" in text
        assert app.focused is app.screen.query_one("#name-input")
        await paste(pilot, "acme-two")
        assert not line.has_class("visible"), "the error stayed after the name became free"
        await pilot.press("enter")
        assert isinstance(app.screen, CredentialsScreen)


async def test_an_empty_subdomain_error_goes_when_one_is_typed(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter")
        result = app.screen.query_one("#subdomain-result", Static)
        assert result.has_class("invalid") and str(result.render())
        assert not error_line(app).has_class("visible"), "one error, shown once"
        await paste(pilot, "acme")
        assert not result.has_class("invalid") and "https://acme.zendesk.com" in str(result.render())


async def test_the_empty_scopes_error_goes_when_a_scope_is_ticked(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await paste(pilot, "acme")
        await pilot.press("enter")
        await paste(pilot, "acme_cli")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, ScopesScreen)
        assert error_line(app).has_class("visible")
        await pilot.press("space")
        assert app.screen.chosen, "space ticked the highlighted scope"
        assert not error_line(app).has_class("visible"), "the error stayed after a scope was ticked"


async def test_the_email_error_goes_when_the_email_is_right(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await paste(pilot, "acme")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, CredentialsScreen)
        assert "email" in str(error_line(app).render())
        await paste(pilot, "ada@acme.test")
        assert not error_line(app).has_class("visible")


async def test_a_consent_that_times_out_says_which_key_retries_not_to_run_a_command(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", consent_timeout=0.3, open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await paste(pilot, "acme")
        await pilot.press("enter")
        await paste(pilot, "acme_cli")
        await pilot.press("enter", "f3", "enter")
        assert isinstance(app.screen, ConsentScreen)
        await settle(pilot)
        status = str(app.screen.query_one("#consent-status", Static).render())
        assert "within" in status and "Press o to try again" in status
        assert "Run the command again" not in status and "--" not in status


async def test_a_copied_oauth_profile_is_not_signed_in_yet_and_offers_no_revoke(
    app_factory, config_dir: Path, fake
) -> None:
    save_oauth_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await paste(pilot, "")
        await pilot.press("ctrl+u")
        await paste(pilot, "copy")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert app.screen.selected_name() == "copy"
        await pilot.press("t")
        await settle(pilot)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert "not signed in yet: press e" in shown.lower()
        assert "expired" not in shown
        await pilot.press("d")
        assert isinstance(app.screen, DeleteModal)
        assert not app.screen.query("#choice-revoke"), "there is no token to revoke"
        question = str(app.screen.query_one("#delete-question", Static).render())
        assert "You can also revoke" not in question and "API token" not in question
        assert "no OAuth token to revoke" in question
        await pilot.press("r")
        assert isinstance(app.screen, DeleteModal), "r does nothing here"
        await pilot.press("escape", "e")
        assert "step 1 of 6" in screen_text(app), "editing a copy signs it in: the consent step is in the run"


async def test_after_a_failed_check_the_footer_shows_the_keys_the_body_names(app_factory, config_dir: Path) -> None:
    from tests.ui.conftest import paste as paste_text

    from zendesk_setup.ui.widgets.key_bar import KeyBar

    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await paste_text(pilot, "acme")
        await pilot.press("enter")
        await paste_text(pilot, "ada@acme.test")
        await pilot.press("down")
        await paste_text(pilot, "wrong-token")
        await pilot.press("enter")
        await settle(pilot)
        body = str(app.screen.query_one("#review-status", Static).render())
        assert "f: fix the field" in body and "r: check again" in body
        bar = app.screen.query_one(KeyBar)
        shown = {description: key for key, _display, description, _on, _tip in bar.keys()}  # noqa: SIM118
        assert shown["Fix field"] == "f" and shown["Check again"] == "r"


async def test_a_dialogs_footer_names_its_keys_as_its_buttons_do(app_factory, fake, config_dir: Path) -> None:
    from zendesk_setup.ui.screens.confirm import ConfirmModal
    from zendesk_setup.ui.widgets.key_bar import KeyBar

    save_api_token_profile(config_dir, fake)
    app = app_factory("home")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        shown = app.screen.query_one(KeyBar).keys()
        words = {key: description for key, _display, description, _on, _tip in shown}
        assert words["y"] == "Migrate" and words["n"] == "Cancel", words
