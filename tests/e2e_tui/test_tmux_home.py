"""The home screen in a real terminal (tmux), by keys alone, against the fake Zendesk: a failing revoke, and 60x20."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import keyring
import yaml
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk
from tests.ui.conftest import save_api_token_profile, save_oauth_profile

# The tmux server may inherit COLUMNS/LINES from the test process (80x24 here), which would beat the window's size.
SIZE_FROM_THE_WINDOW = {"COLUMNS": "", "LINES": ""}

HOME_KEYS = {
    "n": "New",
    "e": "Edit",
    "t": "Test",
    "s": "Default",
    "c": "Copy",
    "r": "Rename",
    "d": "Delete",
    "m": "Migrate",
    "f1": "Help",
    "^q": "Quit",
}


def steady(terminal: Terminal, text: str | None = None, timeout: float = 20.0) -> list[str]:
    """Once ``text`` is on screen, the screen's lines when two captures 0.3 s apart agree (a whole frame drawn)."""
    screen = terminal.wait_for(text, timeout) if text else terminal.screen()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.3)
        again = terminal.screen()
        if again == screen:
            break
        screen = again
    return screen.rstrip("\n").split("\n")


def toast_text(screen: str) -> str:
    """The text of the toasts on screen (they are drawn right of a ``▌`` bar), as one line."""
    parts = [line.split("▌", 1)[1] for line in screen.splitlines() if "▌" in line]
    return " ".join(" ".join(parts).split())


def wait_for_toast(terminal: Terminal, text: str, timeout: float = 20.0) -> str:
    """Wait until a toast says ``text`` (toasts wrap their lines); fail with the screen when none does."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = terminal.screen()
        if text in toast_text(screen):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"no toast said {text!r}; the screen was:\n{screen}")


def footer_keys(line: str, known: dict[str, str]) -> list[str]:
    """The keys a footer line shows, each whole and followed by its own description or by nothing."""
    words = line.split()
    keys: list[str] = []
    index = 0
    while index < len(words):
        key = words[index]
        assert key in known, f"{key!r} is no whole key of this screen; the footer was {line!r}"
        keys.append(key)
        description = known[key].split()
        if words[index + 1 : index + 1 + len(description)] == description:
            index += len(description)
        index += 1
    return keys


def test_a_revoke_zendesk_refuses_deletes_nothing_and_says_so(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    secrets = save_oauth_profile(config_dir, fake, "acme")
    fake.inject("/api/v2/oauth/tokens/", 500, body={"error": "boom"}, times=None, method="DELETE")
    start(terminal, tmp_path, env=SIZE_FROM_THE_WINDOW)
    terminal.wait_for("1 profile in")
    terminal.keys("d")
    terminal.wait_for("Revoke + delete (r)")
    terminal.keys("r")
    wait_for_toast(terminal, "nothing was deleted")
    lines = steady(terminal)
    screen = "\n".join(lines)
    toast = toast_text(screen)
    assert "Deleting 'acme' failed" in toast and "server error (500)" in toast
    assert "Press d to try again" in toast
    status = next(index for index, line in enumerate(lines) if line.strip().startswith("1 profile in"))
    assert all("▌" not in line for line in lines[status:]), f"a toast covers the status line:\n{screen}"
    assert "profiles.yaml" in lines[-2], f"the status line is covered:\n{screen}"
    assert footer_keys(lines[-1], HOME_KEYS)[-2:] == ["f1", "^q"], f"the footer is covered:\n{screen}"
    assert "acme" in lines[2], "the profile is still listed"

    assert "acme" in yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]
    assert json.loads(keyring.get_password("zendesk-setup", "acme") or "{}") == secrets
    assert secrets["access_token"] in fake.live_access_tokens(), "the token still works, so it can still be revoked"

    fake.clear_injections()
    terminal.keys("d")
    terminal.wait_for("Revoke + delete (r)")
    terminal.keys("r")
    wait_for_toast(terminal, "The OAuth token was revoked on Zendesk")
    terminal.wait_for("No profiles yet")
    assert secrets["access_token"] not in fake.live_access_tokens()
    assert keyring.get_password("zendesk-setup", "acme") is None
    assert yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"] == {}


def test_home_and_the_delete_dialog_at_60x20_shrink_columns_and_keep_whole_keys(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    save_oauth_profile(config_dir, fake, "acme-sandbox")
    save_api_token_profile(config_dir, fake, "acme-production")
    start(terminal, tmp_path, size=(60, 20), env=SIZE_FROM_THE_WINDOW)
    lines = steady(terminal, "Last check")
    screen = "\n".join(lines)
    assert len(lines) == 20 and all(len(line) <= 60 for line in lines)
    header = lines[1]
    for label in ("Name", "Subdomain", "Auth", "Default", "Last check"):
        assert label in header, f"column {label!r} does not fit:\n{screen}"
    rows = "\n".join(lines[2:4])
    assert "…" in rows, f"long cells are shortened, not cut at the edge:\n{screen}"
    assert re.search(r"(✓ ok|never)", lines[2]) and re.search(r"(✓ ok|never)", lines[3]), screen
    assert footer_keys(lines[-1], HOME_KEYS)[:7] == ["n", "e", "t", "s", "c", "r", "d"], screen
    assert footer_keys(lines[-1], HOME_KEYS)[-2:] == ["f1", "^q"], screen

    terminal.keys("d")
    screen = "\n".join(steady(terminal, "Revoke + delete (r)"))
    for button in ("Revoke + delete (r)", "Delete (d)", "Cancel (n)"):
        assert button in screen, f"the {button!r} button does not fit:\n{screen}"
    box = [line for line in screen.splitlines() if "█" in line]
    assert box and all(line.rstrip().endswith("█") for line in box), f"the dialog's right edge is cut:\n{screen}"
    footer = screen.splitlines()[-1]
    assert footer_keys(footer, {"d": "Delete", "r": "Revoke + delete", "esc": "Cancel"}) == ["r", "d", "esc"]
    terminal.keys("Escape")
    terminal.wait_for("2 profiles in")
    assert "acme-sandbox" in (config_dir / "profiles.yaml").read_text()
