"""No secret on any TUI screen: every wizard step, the home screen, edits and errors, screenshot by screenshot."""

from __future__ import annotations

import html
import logging
import socket
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO
from tests.fake_zendesk import FakeZendesk
from tests.ui.conftest import paste, settle
from textual.widgets import Input

from zendesk_setup.ui.app import make_app

CLIENT_SECRET = "cl13nt-s3cret-tui-QWERTY0123456"
WRONG_TOKEN = "wr0ng-t0ken-tui-ASDFGH987654"


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Screens:
    """Collects a plain-text screenshot after every step, and the notifications shown."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.shots: list[tuple[str, str]] = []

    def shoot(self, step: str) -> None:
        """Record the screen as it is now."""
        text = html.unescape(self.app.export_screenshot()).replace("\xa0", " ")
        self.shots.append((f"{step} ({type(self.app.screen).__name__})", text))

    def assert_clean(self, secrets: dict[str, str]) -> None:
        """No secret on any recorded screen; at least one screen per step was recorded."""
        assert len(self.shots) >= 4
        for step, text in self.shots:
            for label, secret in secrets.items():
                assert secret not in text, f"{label} on screen at step {step}"


def all_secrets(fake: FakeZendesk) -> dict[str, str]:
    """The API token, the client secret, the wrong token and every token the fake issued."""
    found = {"api token": API_TOKEN, "client secret": CLIENT_SECRET, "wrong token": WRONG_TOKEN}
    with fake.lock:
        for token in fake.tokens.values():
            found[f"access {token.id}"] = token.access_token
            if token.refresh_token:
                found[f"refresh {token.id}"] = token.refresh_token
        for code in fake.codes:
            found[f"code {code[:4]}"] = code
    return found


def build(config_dir: Path, fake: FakeZendesk, mode: str = "home", name: str | None = None, **options: Any) -> Any:
    """The real app, as the CLI builds it, pointed at the fake."""
    options.setdefault("today", date(2026, 11, 25))
    options.setdefault("base_url", fake.url)
    options.setdefault("redirect_port", free_port())
    return make_app(config_dir, mode, name, **options)


async def test_no_secret_on_any_screen(
    config_dir: Path, fake: FakeZendesk, monkeypatch: pytest.MonkeyPatch, caplog, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("BROWSER", f"{sys.executable} {REPO / 'tests' / 'scripted_browser.py'} %s")
    monkeypatch.setenv("SCRIPTED_BROWSER_LOG", str(tmp_path / "browser.log"))
    monkeypatch.setenv("SCRIPTED_BROWSER_FOREGROUND", "1")
    fake.add_client("tui_conf", kind="confidential", secret=CLIENT_SECRET)
    recorded: list[Screens] = []

    # 1. A new API-token profile, with a wrong token first, then the right one.
    app = build(config_dir, fake, "new")
    async with app.run_test(size=(80, 24)) as pilot:
        screens = Screens(app)
        recorded.append(screens)
        screens.shoot("auth type")
        await pilot.press("down", "enter")
        screens.shoot("instance")
        await paste(pilot, "acme")
        await pilot.press("enter")
        screens.shoot("credentials")
        await paste(pilot, EMAIL)
        await pilot.press("down")
        await paste(pilot, WRONG_TOKEN)
        screens.shoot("wrong token typed")
        await pilot.press("enter")
        await settle(pilot)
        screens.shoot("check failed")
        await pilot.press("escape")
        await settle(pilot)
        screens.shoot("back to credentials")
        token_input = app.screen.query_one("#token-input", Input)
        assert token_input.password, "the API token field is not masked"
        token_input.value = ""
        token_input.focus()
        await pilot.pause()
        await paste(pilot, API_TOKEN)
        screens.shoot("right token typed")
        await pilot.press("enter")
        await settle(pilot)
        screens.shoot("review")
        await pilot.press("enter")
        await settle(pilot)
        screens.shoot("saved")
        await pilot.press("enter")
        await settle(pilot)
        screens.shoot("after save")

    # 2. A confidential OAuth profile through the scripted browser: client secret, access and refresh tokens.
    app = build(config_dir, fake, "new")
    async with app.run_test(size=(80, 24)) as pilot:
        screens = Screens(app)
        recorded.append(screens)
        screens.shoot("auth type")
        await pilot.press("enter", *"acme", "down", "ctrl+u", *"acme-conf")
        screens.shoot("instance")
        await pilot.press("enter", *"tui_conf")
        await pilot.press("down", "right", "space", "tab")
        await paste(pilot, CLIENT_SECRET)
        screens.shoot("client secret typed")
        await pilot.press("ctrl+n")
        screens.shoot("scopes")
        await pilot.press("f4", "enter")
        await settle(pilot)
        screens.shoot("after consent")
        await pilot.press("enter")
        await settle(pilot)
        screens.shoot("oauth saved")
        await pilot.press("enter")
        await settle(pilot)

    # 3. Home: the list, a test, an edit that walks every screen pre-filled, and the delete dialog.
    app = build(config_dir, fake, "home")
    async with app.run_test(size=(80, 24)) as pilot:
        screens = Screens(app)
        recorded.append(screens)
        await settle(pilot)
        screens.shoot("home")
        await pilot.press("t")
        await settle(pilot)
        screens.shoot("home after test")
        await pilot.press("f1")
        screens.shoot("help")
        await pilot.press("escape")
        await pilot.press("e")
        await settle(pilot)
        for step in range(5):
            screens.shoot(f"edit step {step}")
            await pilot.press("enter")
            await settle(pilot)
        screens.shoot("edit end")
        await pilot.press("escape", "escape", "escape", "escape", "escape", "escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screens.shoot("delete dialog")
        await pilot.press("escape")

    secrets = all_secrets(fake)
    assert any(label.startswith("refresh") for label in secrets), "no OAuth tokens were issued: the flow did not run"
    for screens in recorded:
        screens.assert_clean(secrets)
    yaml_text = (config_dir / "profiles.yaml").read_text()
    assert "acme-conf" in yaml_text and "acme:" in yaml_text
    for label, secret in secrets.items():
        assert secret not in yaml_text, f"{label} in profiles.yaml"
        assert secret not in caplog.text, f"{label} in the log"
