"""The consent over "SSH" in a real 80x24 terminal (tmux), keys only, against the fake Zendesk, with no browser.

The user reads the consent URL off the screen as a terminal selection would give it, signs in elsewhere,
pastes a mistyped redirect (refused, the wait goes on), then the right one, and ends on a saved, checked
profile. No token ever reaches the screen. Quitting while the consent waits ends the app at once.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import yaml
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk

from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT

NO_BROWSER = {"BROWSER": "/bin/false", "DISPLAY": "", "WAYLAND_DISPLAY": ""}
"""A browser launcher that fails and no desktop to fall back to: what an SSH session has."""


class SeenScreens:
    """Every screen the test looked at, so it can say afterwards that no token was ever shown."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.screens: list[str] = []

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait for ``text`` on screen and keep the screen."""
        screen = self.terminal.wait_for(text, timeout)
        self.screens.append(screen)
        return screen

    def joined(self) -> str:
        """The screen with the lines the terminal wrapped itself joined, as a mouse selection copies them."""
        screen = self.terminal.tmux("capture-pane", "-J", "-p")
        self.screens.append(screen)
        return screen


def require_free_redirect_port(timeout: float = 60.0) -> None:
    """The wizard listens on the default redirect port; wait for it, and say so plainly when it stays busy."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", DEFAULT_REDIRECT_PORT))
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"port {DEFAULT_REDIRECT_PORT} stayed busy; this test needs the wizard's default port"
                    ) from None
        time.sleep(0.2)


def to_consent(terminal: Terminal, seen: SeenScreens, fake: FakeZendesk) -> None:
    """New profile by keys: OAuth, subdomain acme at the fake's address, public client acme_cli, the read preset."""
    seen.wait_for("How should this profile sign in")
    terminal.keys("Enter")
    seen.wait_for("Subdomain or Zendesk address")
    terminal.type("acme")
    time.sleep(0.3)
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Space")
    seen.wait_for("Blank: the zendesk.com address")
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.type(fake.url)
    seen.wait_for(fake.url)
    terminal.keys("Enter")
    seen.wait_for("Client identifier")
    terminal.type("acme_cli")
    terminal.keys("Enter")
    seen.wait_for("Presets")
    terminal.keys("F3")
    seen.wait_for("Scope string: read")
    terminal.keys("Enter")
    seen.wait_for("No browser could be opened here")
    seen.wait_for("left")


def bracketed_paste(terminal: Terminal, text: str) -> None:
    """Paste as a terminal does (bracketed, since the app asks for it), not as typed keys."""
    terminal.tmux("set-buffer", "-b", "consent-test", "--", text)
    terminal.tmux("paste-buffer", "-p", "-d", "-b", "consent-test")


def with_code(location: str, code: str) -> str:
    """The redirected URL with another code, as a slip of the hand leaves it."""
    parts = urlsplit(location)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    query["code"] = code
    return urlunsplit(parts._replace(query=urlencode(query)))


def app_running(terminal: Terminal) -> bool:
    """True while the wizard's Python process still runs in the pane."""
    pane = int(terminal.tmux("list-panes", "-F", "#{pane_pid}").split()[0])
    parents = {pane}
    found = True
    while found:
        found = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid_text, rest = stat.read_text().split(" (", 1)
                command, fields = rest.rsplit(") ", 1)
            except (OSError, ValueError):
                continue
            pid, parent = int(pid_text), int(fields.split()[1])
            if parent in parents and pid not in parents:
                if command.startswith("python"):
                    return True
                parents.add(pid)
                found = True
    return False


def test_consent_over_ssh_url_read_off_the_screen_a_typo_refused_then_saved(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    require_free_redirect_port()
    fake.add_client("acme_cli")
    seen = SeenScreens(terminal)
    start(terminal, tmp_path, env=NO_BROWSER)
    to_consent(terminal, seen, fake)

    prefix = f"{fake.url}/oauth/authorizations/new?"
    screen = seen.wait_for(prefix)
    url_parts = ("authorizations/new", "redirect_uri=", "code_challenge")
    url_rows = [row.strip() for row in screen.splitlines() if any(part in row for part in url_parts)]
    assert len(url_rows) == 1 and url_rows[0].startswith(prefix), f"the URL is on one row:\n{screen}"
    assert "code_challenge_method" not in screen, "the rest of the URL is off to the right, not wrapped onto more rows"

    terminal.keys("u")
    plain = seen.wait_for("Press enter to go back to zendesk-setup")
    assert prefix in plain and "code_challenge_method=S256" in plain
    assert not any(row.startswith(prefix) and row.endswith("S256") for row in plain.splitlines()), (
        "at 80 columns the terminal wraps the printed URL (so this checks what a selection joins)"
    )
    url = next(row for row in seen.joined().splitlines() if row.startswith(prefix))
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["acme_cli"] and query["code_challenge_method"] == ["S256"], url
    assert query["redirect_uri"] == [f"http://127.0.0.1:{DEFAULT_REDIRECT_PORT}/callback"]
    terminal.keys("Enter")
    seen.wait_for("Waiting for the redirect on")

    location = fake.consent(url, "allow")
    code = parse_qs(urlsplit(location).query)["code"][-1]
    bracketed_paste(terminal, with_code(location, code[:-1] + ("x" if code[-1] != "x" else "y")))
    screen = seen.wait_for("That code was refused")
    assert "Waiting for the redirect on" in screen and "left" in screen, "the typo did not end the wait"
    assert "o Open browser" in screen and "c Copy URL" in screen

    bracketed_paste(terminal, location)
    screen = seen.wait_for("Signed in as Ada Admin")
    terminal.keys("Enter")
    seen.wait_for("Saved profile 'acme'")
    terminal.keys("Enter")
    seen.wait_for("1 profile in")
    terminal.keys("C-q")

    saved_text = (config_dir / "profiles.yaml").read_text()
    profile = yaml.safe_load(saved_text)["profiles"]["acme"]
    assert profile["auth"] == "oauth" and profile["scopes"] == ["read"]
    assert profile["checked"]["ok"] is True
    issued = [value for token in fake.tokens.values() for value in (token.access_token, token.refresh_token) if value]
    assert issued, "the consent issued a token"
    for value in issued:
        assert value not in saved_text
        assert not any(value in shown for shown in seen.screens), "a token reached the screen"


def test_ctrl_q_while_the_consent_waits_ends_the_app_at_once_and_frees_the_port(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    require_free_redirect_port()
    fake.add_client("acme_cli")
    seen = SeenScreens(terminal)
    start(terminal, tmp_path, env=NO_BROWSER)
    to_consent(terminal, seen, fake)
    assert app_running(terminal)
    terminal.keys("C-q")
    seen.wait_for("Quit without saving")
    terminal.keys("y")
    quit_at = time.monotonic()
    while app_running(terminal) and time.monotonic() - quit_at < 10:
        time.sleep(0.1)
    assert not app_running(terminal), "the app still runs 10 s after quitting (waiting for the consent timeout?)"
    seen.wait_for("Quit: nothing was written.")
    require_free_redirect_port()
    assert not (config_dir / "profiles.yaml").exists()
