"""Pilot tests: the scope checklist without traps (up to the filter, check marks, headings, presets, new scopes)."""

from __future__ import annotations

from tests.ui.conftest import paste, screen_text, settle
from textual.widgets import Input, Static

from zendesk_setup.core.wizard import Next, ScopesAnswer
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.screens.scopes import ScopeList, ScopesScreen


async def to_scopes(pilot) -> None:
    """From the first screen: OAuth, subdomain acme, client acme_cli, on to the scopes."""
    await pilot.press("enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, "acme_cli")
    await pilot.press("enter")
    assert isinstance(pilot.app.screen, ScopesScreen)


async def test_up_from_the_first_scope_goes_to_the_filter_and_ticks_nothing(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await pilot.press("down")
        assert isinstance(app.focused, ScopeList)
        await pilot.press("up")
        assert isinstance(app.focused, Input) and app.focused.id == "scope-filter"
        await pilot.press("space")
        assert app.screen.chosen == [], "nothing was ticked (before, up wrapped to unrestricted:write)"


async def test_ticked_scopes_carry_a_check_mark_and_headings_have_no_box(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await pilot.press("down", "space")
        lines = screen_text(app)
        ticked = app.screen.chosen[0]
        assert ticked == "read"
        scope_list = app.screen.query_one(ScopeList)
        rendered = [scope_list.render_line(y).text for y in range(scope_list.size.height)]
        heading = next(line for line in rendered if line.strip().startswith("Global"))
        assert "▐" not in heading and "X" not in heading and "✓" not in heading
        read_line = next(line for line in rendered if line.split("▌")[-1].strip().startswith("read "))
        write_line = next(line for line in rendered if line.split("▌")[-1].strip().startswith("write "))
        assert "✓" in read_line and "✓" not in write_line
        assert "zendesk-setup" in lines


async def test_a_preset_asks_before_replacing_hand_ticked_scopes(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await paste(pilot, "users")
        await pilot.press("down", "space")
        assert app.screen.chosen == ["users:read"]
        await pilot.press("f4")
        assert isinstance(app.screen, ConfirmModal)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "read write" in question and "users:read" in question
        await pilot.press("n")
        assert app.screen.chosen == ["users:read"], "keep mine keeps the hand-ticked scopes"
        await pilot.press("f4", "y")
        assert app.screen.chosen == ["read", "write"]
        await pilot.press("f2")
        assert isinstance(app.screen, ConfirmModal), "the preset would drop read and write"
        await pilot.press("escape")
        await pilot.press("f6", "f5")
        assert not isinstance(app.screen, ConfirmModal), "nothing ticked: nothing to ask about"
        assert app.screen.chosen == ["apps:read", "apps:write"], "the zcli apps preset"


async def test_a_scope_the_catalogue_does_not_list_can_be_added_with_a_warning(app_factory) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await paste(pilot, "zoom_meetings:read")
        await pilot.press("down")
        assert app.screen.query_one(ScopeList).highlighted_option.value == "zoom_meetings:read"
        await pilot.press("space")
        assert app.screen.chosen == ["zoom_meetings:read"]
        text = str(app.screen.query_one("#scope-string", Static).render())
        assert "Not in the catalogue: zoom_meetings:read" in text
        await pilot.press("up", "ctrl+u")
        await paste(pilot, "users")
        await pilot.press("down", "space")
        assert app.screen.chosen == ["users:read", "zoom_meetings:read"]
        assert app.screen.answer() == ScopesAnswer(("users:read", "zoom_meetings:read"))


async def test_an_invalid_scope_refusal_leads_back_to_the_checklist(app_factory, fake, browser) -> None:
    fake.add_client("acme_cli", allowed_scopes=["read"])
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        await pilot.press("f4", "enter")
        await settle(pilot)
        text = str(app.screen.query_one("#consent-status", Static).render())
        assert "allowed scopes exclude" in text
        await pilot.press("f")
        assert isinstance(app.screen, ScopesScreen)
        assert app.screen.chosen == ["read", "write"]


async def test_the_scopes_screen_dismisses_with_an_added_scope(config_dir) -> None:
    from tests.ui.test_wizard_flow import HostApp

    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.vocab import Step
    from zendesk_setup.core.wizard import StepPosition

    app = HostApp(ScopesScreen(ProfileDraft(), StepPosition(Step.SCOPES, 4, 6)), config_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await paste(pilot, "zoom_meetings:read")
        await pilot.press("down", "space", "enter")
    assert app.results == [Next(ScopesAnswer(("zoom_meetings:read",)))]


async def test_the_footer_fits_80_columns_with_every_key_described_and_names_space_in_the_list(app_factory) -> None:
    from zendesk_setup.ui.widgets.key_bar import KeyBar, fitting_descriptions

    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_scopes(pilot)
        for place in ("filter", "list"):
            if place == "list":
                await pilot.press("down")
                await pilot.pause()
            shown = [(display, words) for _key, display, words, _on, _tip in app.screen.query_one(KeyBar).keys()]  # noqa: SIM118
            assert all(fitting_descriptions(shown, 80)), f"a key loses its words in the {place}: {shown}"
            assert ("f6", "Clear") in shown and ("^q", "Quit") in shown
            assert (("space", "Tick") in shown) is (place == "list")
        text = screen_text(app)
        assert "f2 users:read" in text and "f5 apps:read apps:write" in text, "the body names the presets"
        await pilot.press("space")
        assert app.screen.chosen == ["read"]
