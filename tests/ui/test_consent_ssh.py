"""Pilot tests: the consent over SSH (no browser): the URL on one line, a mistyped paste never ends the wait,
and after a failure the footer names the keys the body text names, and each of them works."""

from __future__ import annotations

import asyncio
import contextlib
import io
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest
from tests.ui.conftest import paste, screen_text, settle
from textual import events
from textual.widgets import Static

from zendesk_setup.ui.screens.consent import ConsentScreen, ConsentUrl
from zendesk_setup.ui.screens.review import ReviewScreen
from zendesk_setup.ui.screens.scopes import ScopesScreen
from zendesk_setup.ui.widgets.key_bar import KeyBar


async def to_consent(pilot) -> ConsentScreen:
    """From the first screen to the consent with the read preset; returns the screen once its URL is known."""
    await pilot.press("enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, "acme_cli")
    await pilot.press("enter", "f3", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, ConsentScreen)
    await wait_for_url(pilot, screen)
    return screen


async def wait_for_url(pilot, screen: ConsentScreen) -> None:
    """Wait until the consent worker has bound the port and the URL is on screen."""
    for _ in range(100):
        if screen.waiting() and screen.query_one("#consent-url", ConsentUrl).text:
            return
        await pilot.pause(0.02)
    raise AssertionError("the consent URL never appeared")


def footer(screen: ConsentScreen) -> dict[str, str]:
    """The footer's keys and their words."""
    shown = screen.query_one(KeyBar).keys()
    return {display: description for _key, display, description, _enabled, _tip in shown}


async def test_a_mistyped_code_is_refused_and_the_right_url_pasted_after_it_still_works(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        screen.post_message(events.Paste("mistyped0code0123456789"))
        await pilot.pause()
        await settle_paste(pilot)
        assert app.screen is screen, "the refused code did not end the sign-in"
        assert "refused" in str(screen.query_one("#step-error", Static).render())
        assert not screen.finished, "still waiting for the browser or a right paste"
        assert app.focused is screen.query_one("#consent-url"), "o and c work again (not typed into the field)"
        keys = footer(screen)
        assert "o" in keys and "c" in keys
        redirect = fake.consent(screen.consent.url, "allow")
        screen.post_message(events.Paste(redirect))
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_the_url_sits_whole_on_one_line_that_scrolls_sideways(app_factory, fake) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        url = screen.consent.url
        assert len(url) > 160, "the URL is longer than two rows of this terminal"
        field = screen.query_one("#consent-url", ConsentUrl)
        assert field.text == url and field.document.line_count == 1
        assert field.scrollable_content_region.height == 1, "one screen row, never wrapped into pieces"
        shown = screen_text(app)
        assert url[:60] in shown
        assert url[-30:] not in shown, "the end is off to the right, not wrapped onto a second row"
        assert app.focused is field
        await pilot.press("end")
        await pilot.pause()
        assert url[-30:] in screen_text(app), "end scrolls sideways to the end of the URL"
        await pilot.press("home")
        await pilot.pause()
        assert url[:60] in screen_text(app)
        await pilot.press("down")
        assert app.focused is screen.query_one("#paste-input"), "down still moves between fields"


async def test_u_prints_the_whole_url_as_plain_text_for_the_terminal_to_select(app_factory, fake, monkeypatch) -> None:
    fake.add_client("acme_cli")
    app = app_factory("new", open_browser=False)
    suspended: list[bool] = []
    terminal = io.StringIO()

    @contextlib.contextmanager
    def suspend():
        """What App.suspend does around the block, with the plain terminal's output kept for the test."""
        suspended.append(True)
        with contextlib.redirect_stdout(terminal):
            yield

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        url = screen.consent.url
        assert footer(screen).get("u") == "URL as text"
        monkeypatch.setattr(app, "suspend", suspend)
        monkeypatch.setattr("builtins.input", lambda prompt="": print(prompt) or "")
        await pilot.press("u")
        await pilot.pause()
        assert suspended == [True], "the full screen is left while the URL is printed"
        printed = terminal.getvalue()
        assert url in printed.splitlines(), "the URL is printed alone on one line, for the terminal to wrap"
        assert app.screen is screen and screen.waiting(), "enter comes back to the same wait"


async def deny(pilot, screen: ConsentScreen, fake) -> None:
    """The user presses Deny on the consent page; the browser follows the redirect to the loopback port."""
    location = fake.consent(screen.consent.url, "deny")
    await asyncio.to_thread(httpx.get, location, timeout=10)


async def time_out(pilot, screen: ConsentScreen, fake) -> None:
    """Nobody answers before the (short) consent timeout."""


async def bad_code(pilot, screen: ConsentScreen, fake) -> None:
    """The redirect arrives with a code the token endpoint refuses (the exchange fails)."""
    parts = urlsplit(fake.consent(screen.consent.url, "allow"))
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    query["code"] = "not-the-code-zendesk-issued"
    await asyncio.to_thread(httpx.get, urlunsplit(parts._replace(query=urlencode(query))), timeout=10)


@pytest.mark.parametrize("failure", [deny, time_out, bad_code], ids=["access_denied", "timeout", "exchange_refused"])
async def test_after_a_consent_failure_the_footer_says_what_the_body_says_and_each_key_works(
    app_factory, fake, failure
) -> None:
    fake.add_client("acme_cli")
    timeout = 1.0 if failure is time_out else 300.0
    app = app_factory("new", open_browser=False, consent_timeout=timeout)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot)
        first_url = screen.consent.url
        await failure(pilot, screen, fake)
        await settle(pilot)
        assert app.screen is screen and screen.failure is not None
        body = str(screen.query_one("#consent-countdown", Static).render())
        assert "escape to go back" in body and "o to try again" in body
        keys = footer(screen)
        assert keys.get("esc") == "Back" and keys.get("o") == "Try again", keys
        assert "c" not in keys and "u" not in keys, "the old URL is dead: no key copies it"
        assert "Cancel" not in keys.values() and "Open browser" not in keys.values()
        assert not screen.query_one("#consent-url").display, "the dead URL is not offered"
        assert first_url[:60] not in screen_text(app)

        await pilot.press("o")
        await wait_for_url(pilot, screen)
        assert screen.failure is None and screen.consent.url != first_url
        keys = footer(screen)
        assert keys.get("o") == "Open browser" and keys.get("c") == "Copy URL", keys
        assert screen.consent.url[:60] in screen_text(app)

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ScopesScreen), "escape goes back, as the body said"


async def settle_paste(pilot) -> None:
    """Wait for the paste exchange worker only (the consent worker keeps waiting on purpose)."""
    for _ in range(200):
        running = [w for w in pilot.app.screen.workers if w.name == "paste_exchange" and not w.is_finished]
        if not running:
            break
        await pilot.pause(0.02)
    await pilot.pause()
