"""The installed `zendesk-setup` in a real 80x24 terminal (tmux), driven by keys only, against the fake Zendesk."""

from __future__ import annotations

import time
from pathlib import Path

import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk


def test_a_new_api_token_profile_by_keys_alone_in_a_real_terminal(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    start(terminal, tmp_path)
    terminal.wait_for("How should this profile sign in")
    terminal.keys("Down", "Enter")
    terminal.wait_for("Subdomain or Zendesk address")
    terminal.type("https://ACME.zendesk.com/agent/tickets/1")
    terminal.wait_for("https://acme.zendesk.com")
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Tab")
    time.sleep(0.3)
    terminal.keys("Space")
    terminal.wait_for("Blank: the zendesk.com address")
    terminal.keys("Tab")
    terminal.type(fake.url)
    terminal.keys("Enter")
    terminal.wait_for("email/token")
    terminal.type(EMAIL)
    terminal.keys("Down")
    time.sleep(0.3)  # Textual moves the focus after handling Down; text in the same read would reach the old field
    terminal.type(API_TOKEN)
    assert API_TOKEN not in terminal.screen()
    terminal.keys("Enter")
    screen = terminal.wait_for("Signed in as Ada Admin")
    assert API_TOKEN not in screen
    terminal.keys("Enter")
    terminal.wait_for("Saved profile 'acme'")
    terminal.keys("Enter")
    screen = terminal.wait_for("1 profile in")
    assert "acme" in screen and "default" in screen
    terminal.keys("C-q")
    deadline = time.monotonic() + 10
    while "1 profile in" in terminal.screen() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "1 profile in" not in terminal.screen(), "ctrl+q did not quit"

    saved = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert saved["default"] == "acme"
    assert saved["profiles"]["acme"]["base_url"] == fake.url
    assert saved["profiles"]["acme"]["checked"]["ok"] is True
    assert API_TOKEN not in (config_dir / "profiles.yaml").read_text()


def test_ctrl_q_on_the_untouched_first_screen_quits_at_once(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    start(terminal, tmp_path)
    terminal.wait_for("How should this profile sign in")
    terminal.keys("C-q")
    screen = terminal.wait_for("Quit: nothing was written.")
    assert "Quit without saving" not in screen
    assert not (config_dir / "profiles.yaml").exists()


def test_a_profile_added_by_the_cli_appears_on_the_open_home_screen(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    from tests.ui.conftest import save_api_token_profile

    save_api_token_profile(config_dir, fake, "acme")
    start(terminal, tmp_path)
    terminal.wait_for("1 profile in")
    save_api_token_profile(config_dir, fake, "added-by-cli")
    screen = terminal.wait_for("added-by-cli", timeout=10)
    assert "2 profiles in" in screen
    terminal.keys("C-q")
