"""A machine without a usable keyring, in a real 80x24 terminal (tmux), keys only, against the fake Zendesk."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import yaml
from tests.conftest import API_TOKEN, EMAIL, FAIL_KEYRING
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk


def test_without_a_keyring_the_first_screen_says_so_and_the_api_token_goes_to_the_0600_file(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    start(terminal, tmp_path, env={"PYTHON_KEYRING_BACKEND": FAIL_KEYRING})
    terminal.wait_for("No usable OS keyring")
    screen = terminal.wait_for("i Store in file r Check keyring ^q Quit")
    screens = [screen]
    assert "gnome-keyring" in screen and "Press i" in screen
    assert "How should this profile sign in" in screen and "Unattended jobs and CI" in screen
    assert ("Tip: for integrations" in screen) == ("survives staff changes" in screen), "the tip is cut off"
    terminal.keys("i")
    screens.append(terminal.wait_for("Anyone who can read your files"))
    terminal.keys("y")
    screen = terminal.wait_for("Secrets of this profile will be kept in the plain-text file")
    assert "No usable OS keyring" not in screen and "Store in file" not in screen
    screens.append(screen)

    terminal.keys("Down", "Enter")
    terminal.wait_for("Subdomain or Zendesk address")
    terminal.type("acme")
    terminal.wait_for("https://acme.zendesk.com")
    terminal.keys("Tab")
    time.sleep(0.3)  # Textual moves the focus after handling the key; the next one must reach the new field
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Space")
    terminal.wait_for("Blank: the zendesk.com address")
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.type(fake.url)
    terminal.wait_for(f"API and sign-in go to {fake.url}")
    terminal.keys("Enter")
    terminal.wait_for("Email of the Zendesk user")
    terminal.type(EMAIL)
    terminal.keys("Down")
    time.sleep(0.3)
    terminal.type(API_TOKEN)
    screens.append(terminal.screen())
    terminal.keys("Enter")
    screen = terminal.wait_for("Signed in as Ada Admin")
    assert "No usable OS keyring" not in screen, "later steps must not ask about the keyring again"
    screens.append(screen)
    terminal.keys("Enter")
    screen = terminal.wait_for("Saved profile 'acme'")
    assert "plain-text file" in screen and "0600" in screen
    screens.append(screen)
    terminal.keys("Enter")
    deadline = time.monotonic() + 10
    while "Saved profile 'acme'" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)

    for screen in screens:
        assert API_TOKEN not in screen
    profiles_text = (config_dir / "profiles.yaml").read_text()
    assert API_TOKEN not in profiles_text
    profile = yaml.safe_load(profiles_text)["profiles"]["acme"]
    assert profile["storage"] == "file" and profile["base_url"] == fake.url
    secrets_file = config_dir / "secrets.yaml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert yaml.safe_load(secrets_file.read_text())["secrets"]["acme"] == {"api_token": API_TOKEN}
