"""Editing saved profiles in a real 80x24 terminal (tmux), keys only, against the fake Zendesk."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from tests.conftest import API_TOKEN, REPO
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk
from tests.ui.conftest import save_api_token_profile, save_oauth_profile, stored_secrets

from zendesk_setup.core.draft import profile_yaml_diff
from zendesk_setup.core.profiles import ProfileStore

SEEDED_SCOPES = ("read", "tickets:read", "users:read", "users:write", "macros:read", "hc:read")
EDITED_SCOPES = ("tickets:read", "users:read", "users:write", "macros:read", "hc:read", "apps:write")
POSITION = re.compile(r"lines (\d+)–(\d+) of (\d+)")


def wait_until(terminal: Terminal, check: Callable[[str], bool], what: str, timeout: float = 10.0) -> str:
    """Wait until ``check`` holds for the screen; fail with the screen when it never does."""
    deadline = time.monotonic() + timeout
    screen = terminal.screen()
    while not check(screen):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never happened; the screen was:\n{screen}")
        time.sleep(0.1)
        screen = terminal.screen()
    return screen


def wait_for_step(terminal: Terminal, text: str) -> str:
    """Wait for ``text`` with the whole footer drawn on the last row (the screen fits 80x24)."""

    def drawn(screen: str) -> bool:
        return text in screen and screen.splitlines()[-1].rstrip().endswith("^q Quit")

    return wait_until(terminal, drawn, f"{text!r} above a whole footer")


def diff_position(screen: str) -> tuple[int, int, int]:
    """First and last line of the change shown, and its length, from the change's title."""
    found = POSITION.search(screen)
    assert found, f"the change has no position in its title:\n{screen}"
    first, last, total = (int(number) for number in found.groups())
    return first, last, total


def scripted_browser(tmp_path: Path) -> dict[str, str]:
    """Environment that makes the app's browser the scripted one, which presses Allow on the fake."""
    return {
        "BROWSER": f"{sys.executable} {REPO / 'tests' / 'scripted_browser.py'} %s",
        "SCRIPTED_BROWSER_LOG": str(tmp_path / "browser.log"),
        "SCRIPTED_BROWSER_DELAY": "1",  # long enough to see the consent step on screen
    }


def test_an_oauth_scope_change_is_consented_and_its_whole_change_read_by_keys_before_saving(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    before = save_oauth_profile(config_dir, fake, scopes=SEEDED_SCOPES)
    original = ProfileStore(config_dir).get("acme")
    start(terminal, tmp_path, env=scripted_browser(tmp_path))
    terminal.wait_for("1 profile in")
    terminal.keys("e")
    wait_for_step(terminal, "editing 'acme' · step 1")
    terminal.keys("Enter")
    wait_for_step(terminal, "Which Zendesk account")
    terminal.keys("Enter")
    wait_for_step(terminal, "Client identifier")
    terminal.keys("Enter")
    wait_for_step(terminal, "Scope string: read tickets:read")

    terminal.keys("Down")
    terminal.wait_for("space Tick")  # the footer names space once the list has the focus
    terminal.keys("Space")
    terminal.wait_for("Scope string: tickets:read users:read")
    terminal.keys("Up")
    wait_until(terminal, lambda screen: "space Tick" not in screen, "the focus back in the filter")
    terminal.type("apps:write")
    wait_until(terminal, lambda screen: "Tickets and people" not in screen, "filtering to apps:write")
    terminal.keys("Down")
    terminal.wait_for("space Tick")
    terminal.keys("Space")
    wanted = "Scope string: " + " ".join(EDITED_SCOPES)
    wait_until(terminal, lambda screen: wanted in " ".join(screen.split()), "ticking apps:write")
    terminal.keys("Enter")
    screens = [wait_for_step(terminal, "Waiting for the redirect")]

    terminal.wait_for("Signed in as Ada Admin")
    wait_until(terminal, POSITION.search, "the change's title with its position")
    screen = wait_for_step(terminal, "↑↓ Scroll change")  # the footer names the keys that scroll the change
    screens.append(screen)
    first, last, total = diff_position(screen)
    assert (first, last) == (1, 5) and total > last, "the change should be longer than its pane at 80x24"
    while last < total:
        terminal.keys("Down")
        screen = wait_until(terminal, lambda s, seen=last: diff_position(s)[1] > seen, "scrolling the change")
        screens.append(screen)
        first, last, total = diff_position(screen)
    terminal.keys("End")
    assert diff_position(terminal.screen())[1] == total

    terminal.keys("Enter")
    terminal.wait_for("Saved profile 'acme'")
    terminal.keys("Enter")
    screens.append(terminal.wait_for("1 profile in"))
    terminal.keys("C-q")

    saved = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert tuple(saved["scopes"]) == EDITED_SCOPES
    after = stored_secrets("acme")
    assert after is not None and after["access_token"] != before["access_token"]
    token = fake.token_record(after["access_token"])
    assert token is not None and tuple(token.scopes) == EDITED_SCOPES
    assert "action=allow" in (tmp_path / "browser.log").read_text()

    change = profile_yaml_diff(original, ProfileStore(config_dir).get("acme"))
    changed = [line for line in change.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert "-  - read" in changed and "+  - apps:write" in changed
    seen = "\n".join(screens)
    for line in changed:
        assert f"\n {line}" in seen, f"{line!r} was never on screen"
    for secret in (*before.values(), *after.values()):
        assert str(secret) not in seen


def test_every_step_of_an_api_token_edit_fits_80x24_and_keeps_the_token(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake)
    start(terminal, tmp_path, args=("edit", "acme"))
    screens = [wait_for_step(terminal, "editing 'acme' · step 1 of 4: Auth type")]
    terminal.keys("Enter")
    screens.append(wait_for_step(terminal, "Which Zendesk account"))
    terminal.keys("Enter")
    screens.append(wait_for_step(terminal, "leave blank to keep the saved one"))
    terminal.keys("Enter")
    terminal.wait_for("Signed in as Ada Admin")
    screens.append(wait_for_step(terminal, "profiles.yaml: no change to the settings."))
    assert "Nothing changed" in screens[-1]
    terminal.keys("Enter")  # an edit that changed nothing only records the check
    screens.append(wait_for_step(terminal, "Recorded the check on profile 'acme'"))
    for screen in screens:
        assert API_TOKEN not in screen
    assert stored_secrets("acme") == {"api_token": API_TOKEN}
