"""Issue 10.1: the TUI shows server text as text, never as Textual markup (a hostile name on 127.0.0.1)."""

from __future__ import annotations

import html
from pathlib import Path

from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import api_token_profile_to_review, settle
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.ui.app import make_app
from zendesk_setup.ui.screens.review import ReviewScreen

HOSTILE_NAME = "Ops [/dev] [EXT] John [@click=app.quit]x[/]"


def shown(app) -> str:
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def shown_lines(app) -> list[str]:
    """The text of each screen line (SVG text runs joined per line)."""
    import re

    svg = shown(app)
    lines: dict[str, list[str]] = {}
    for line_id, text in re.findall(r'clip-path="url\(#terminal-\d+-line-(\d+)\)">([^<]*)</text>', svg):
        lines.setdefault(line_id, []).append(text)
    return ["".join(parts).strip() for parts in lines.values()]


def name_the_user(fake: FakeZendesk, name: str) -> None:
    for user in fake.users.values():
        if user.email == EMAIL:
            user.name = name


async def test_testing_a_profile_whose_user_name_is_markup_shows_it_as_text(fake: FakeZendesk, config_dir: Path):
    name_the_user(fake, HOSTILE_NAME)
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})
    app = make_app(config_dir)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await pilot.press("t")
        await settle(pilot)
        assert app.is_running, "the app stopped on the server's text"
        await pilot.pause()
        toasts = [str(toast.render()) for toast in app.screen.query("Toast")]
        assert any("Ops [/dev] [EXT] John [@click=app.quit]x[/]" in text for text in toasts), toasts
        await pilot.click("Toast", offset=(30, 1))  # a live [@click] would quit the app here
        await pilot.pause()
        assert app.is_running


async def test_the_review_screen_shows_a_markup_name_literally(fake: FakeZendesk, config_dir: Path) -> None:
    name_the_user(fake, HOSTILE_NAME)
    app = make_app(config_dir, "new", base_url=fake.url)
    async with app.run_test(size=(120, 30)) as pilot:
        await api_token_profile_to_review(pilot, EMAIL, API_TOKEN)
        assert isinstance(app.screen, ReviewScreen)
        assert "Signed in as Ops [/dev] [EXT] John" in shown(app)
