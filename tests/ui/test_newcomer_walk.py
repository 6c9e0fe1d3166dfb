"""Pilot tests for what got in the way of a new user walking every journey at 80x24 by keys alone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from tests.ui.conftest import paste, save_api_token_profile, save_oauth_profile, screen_text, settle
from tests.ui.test_consent_ssh import settle_paste, to_consent
from textual.widgets import Input, Static

from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.widgets.key_bar import KeyBar
from zendesk_setup.ui.widgets.row_table import RowTable


def with_code(location: str, code: str) -> str:
    """The redirected URL with another code, as a slip of the hand leaves it."""
    parts = urlsplit(location)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    query["code"] = code
    return urlunsplit(parts._replace(query=urlencode(query)))


def footer_line(app) -> str:
    """The footer's keys as last drawn on screen (not as the bindings would have them if it were redrawn)."""
    drawn = app.screen.query_one(KeyBar)._drawn or []
    return " ".join(f"{display} {words}" for _key, display, words, _on, _tip in drawn)


async def test_the_right_url_pasted_into_the_field_after_a_typed_typo_replaces_it(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        location = fake.consent(screen.consent.url, "allow")
        await pilot.press("tab")
        field = screen.query_one("#paste-input", Input)
        assert app.focused is field
        field.insert_text_at_cursor(with_code(location, "mistyped-code"))
        await pilot.press("enter")
        await settle_paste(pilot)
        assert "refused" in str(screen.query_one("#step-error", Static).render())
        assert app.focused is field and not screen.finished
        await paste(pilot, location)
        assert field.value == location, "the paste replaced the refused text instead of joining it"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert not isinstance(app.screen, ConsentScreen)


async def test_a_typo_in_the_field_can_still_be_mended_after_the_refusal(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        location = fake.consent(screen.consent.url, "allow")
        await pilot.press("tab")
        field = screen.query_one("#paste-input", Input)
        field.insert_text_at_cursor(location + "x")
        await pilot.press("enter")
        await settle_paste(pilot)
        assert "state does not match" in str(screen.query_one("#step-error", Static).render())
        await pilot.press("end", "backspace", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_arrowing_onto_an_api_token_row_shows_m_and_off_it_hides_it(app_factory, config_dir: Path, fake) -> None:
    save_oauth_profile(config_dir, fake, "acme")
    save_api_token_profile(config_dir, fake, "legacy")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(RowTable)
        assert table.cursor_key == "acme"
        assert "m Migrate" not in footer_line(app)
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_key == "legacy"
        assert "m Migrate" in footer_line(app), "the footer names m on an API-token row"
        await pilot.press("up")
        await pilot.pause()
        assert "m Migrate" not in footer_line(app), "and drops it on an OAuth row, where m does nothing"


async def test_the_cursor_lands_on_the_profile_the_wizard_just_saved(app_factory, config_dir: Path, fake) -> None:
    from tests.conftest import API_TOKEN, EMAIL

    for name in ("alpha", "beta"):
        save_api_token_profile(config_dir, fake, name)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("down", "enter")
        await paste(pilot, "acme")
        await pilot.press("tab")
        await paste(pilot, "zulu")
        await pilot.press("enter")
        await paste(pilot, EMAIL)
        await pilot.press("down")
        await paste(pilot, API_TOKEN)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(RowTable)
        assert table.row_count == 3
        assert table.cursor_key == "zulu", "t now tests the profile just made, not the first row"


async def test_n_clears_the_last_wizards_toast_so_it_never_sits_on_the_new_wizard(app_factory, config_dir, fake):
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert "Wizard closed" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert "Wizard closed" not in screen_text(app)


async def test_the_copy_prompt_drops_its_error_once_the_name_is_free(app_factory, config_dir: Path, fake) -> None:
    from zendesk_setup.ui.screens.confirm import PromptModal

    for name in ("acme", "beta"):
        save_api_token_profile(config_dir, fake, name)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PromptModal)
        field = app.screen.query_one("#prompt-input", Input)
        field.value = "beta"
        await pilot.press("enter")
        await pilot.pause()
        error = app.screen.query_one("#prompt-error", Static)
        assert "already exists" in str(error.render()) and error.has_class("visible")
        await pilot.press("end", "2")
        await pilot.pause()
        assert field.value == "beta2"
        assert not error.has_class("visible") and "already exists" not in str(error.render()), "no stale error"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "beta2" in app.screen.query_one(RowTable).cursor_key


async def test_the_delete_dialog_of_a_profile_with_a_client_it_made_says_what_revoke_deletes(
    app_factory, config_dir: Path, fake
) -> None:
    from tests.stores import save_profile

    from zendesk_setup.core.profiles import CreatedClient, Profile, ProfileStore

    fields = save_oauth_profile(config_dir, fake, "acme")
    made = Profile(
        name="made",
        subdomain="acme",
        auth="oauth",
        client_id="zendesk-setup-vm-abc123",
        client_kind="public",
        scopes=("read",),
        base_url=fake.url,
        created_client=CreatedClient(360000042, "zendesk-setup-vm-abc123"),
    )
    save_profile(ProfileStore(config_dir), made, dict(fields))
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("down", "d")
        await settle(pilot)
        question = str(app.screen.query_one("#delete-question", Static).render())
        assert "zendesk-setup-vm-abc123" in question, question
        assert "Delete alone leaves the client" in question


async def test_the_migration_check_is_on_the_status_line_not_a_toast_left_on_the_consent(
    app_factory, config_dir: Path, fake
) -> None:
    from zendesk_setup.ui.screens.migration_consent import MigrationConsentScreen

    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory(open_browser=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        home = app.screen
        await pilot.press("m", "y")
        for _ in range(200):
            if isinstance(app.screen, MigrationConsentScreen) and app.screen.waiting():
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, MigrationConsentScreen)
        shown = " ".join(str(note.message) for note in app._notifications)
        assert "Checking" not in shown, "no toast about a check that is over sits on the consent screen"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home
        assert "1 profile in" in str(home.query_one("#home-status", Static).render()), "the count is back"


async def test_the_copy_and_rename_prompts_name_their_key_in_the_footer(app_factory, config_dir: Path, fake) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for key, words in (("c", "^n Copy"), ("r", "^n Rename")):
            await pilot.press(key)
            await pilot.pause()
            assert words in footer_line(app), f"the footer names the key that does it: {footer_line(app)!r}"
            await pilot.press("escape")
            await pilot.pause()
