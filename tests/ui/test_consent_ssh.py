"""Pilot tests: the consent over SSH (no browser): a mistyped paste never ends the wait, and the keys shown work."""

from __future__ import annotations

from tests.ui.conftest import paste, settle
from textual import events
from textual.widgets import Static

from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.review import ReviewScreen
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
    for _ in range(100):
        if screen.consent is not None and str(screen.query_one("#consent-url", Static).render()):
            break
        await pilot.pause(0.02)
    return screen


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
        keys = [key for key, *_rest in screen.query_one(KeyBar).keys()]  # noqa: SIM118
        assert "o" in keys and "c" in keys
        redirect = fake.consent(screen.consent.url, "allow")
        screen.post_message(events.Paste(redirect))
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def settle_paste(pilot) -> None:
    """Wait for the paste exchange worker only (the consent worker keeps waiting on purpose)."""
    for _ in range(200):
        running = [w for w in pilot.app.screen.workers if w.name == "paste_exchange" and not w.is_finished]
        if not running:
            break
        await pilot.pause(0.02)
    await pilot.pause()
