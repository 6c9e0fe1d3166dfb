"""Issue 10.4 in the wizard: a pasted redirect is as strict as the loopback one (the real app, a fake on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import paste, settle
from tests.ui.conftest import free_port
from textual.widgets import Input

from zendesk_setup.ui.app import make_app
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.screens.consent import ConsentScreen
from zendesk_setup.ui.screens.review import ReviewScreen

SECRET = "the-right-secret-0123456789"


async def to_consent(pilot, app) -> ConsentScreen:
    """A confidential client's consent, waiting for a paste (no browser)."""
    await pilot.press("enter", *"acme", "enter", *"acme_conf", "down", "right", "space", "tab")
    await paste(pilot, SECRET)
    await pilot.press("ctrl+n", "f3", "enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ConsentScreen)
    while screen.consent is None:
        await pilot.pause()
    return screen


async def submit(pilot, screen: ConsentScreen, text: str) -> None:
    """Type ``text`` into the (already focused) paste field in place of what it holds, and press enter."""
    field = screen.query_one("#paste-input", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")


async def test_a_phished_code_without_state_is_refused_and_a_bare_code_needs_a_yes(
    fake: FakeZendesk, config_dir: Path
) -> None:
    fake.add_client("acme_conf", kind="confidential", secret=SECRET)
    app = make_app(config_dir, "new", base_url=fake.url, redirect_port=free_port(), open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await to_consent(pilot, app)
        redirected = fake.consent(screen.consent.url, "allow")
        code = parse_qs(urlsplit(redirected).query)["code"][0]
        await paste(pilot, f"https://phish.example/?code={code}")
        assert isinstance(app.screen, ConsentScreen) and screen.pasted_code is None
        assert screen.query_one("#step-error").render()
        await submit(pilot, screen, code)
        assert isinstance(app.screen, ConfirmModal), "a bare code for a confidential client was taken unasked"
        await pilot.press("n")
        assert screen.pasted_code is None
        await submit(pilot, screen, code)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
