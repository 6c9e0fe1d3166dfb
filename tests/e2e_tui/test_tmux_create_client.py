"""A real 80x24 terminal: a new OAuth profile whose client the wizard creates itself (f3), by keys alone."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml
from tests.conftest import API_TOKEN, REPO
from tests.e2e_tui.terminal import Terminal, start
from tests.fake_zendesk import FakeZendesk
from tests.ui.conftest import save_api_token_profile


def test_f3_creates_the_client_and_one_consent_saves_a_working_profile(
    terminal: Terminal, fake: FakeZendesk, tmp_path: Path, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    browser = f"{sys.executable} {REPO / 'tests' / 'scripted_browser.py'} %s"
    start(
        terminal,
        tmp_path,
        args=("new", "acme-ci"),
        env={"BROWSER": browser, "SCRIPTED_BROWSER_FOREGROUND": "1"},
    )
    terminal.wait_for("How should this profile sign in")
    terminal.keys("Enter")  # OAuth, the default
    terminal.wait_for("Subdomain or Zendesk address")
    terminal.type("acme")
    terminal.wait_for("https://acme.zendesk.com")
    for key in ("Tab", "Tab", "Space"):  # past the name, onto Advanced, and turn it on
        terminal.keys(key)
        time.sleep(0.3)  # Textual moves the focus after handling a key; the next one must reach the new field
    terminal.wait_for("Blank: the zendesk.com address")
    terminal.keys("Tab")
    terminal.type(fake.url)
    terminal.keys("Enter")
    screen = terminal.wait_for("f3 creates it through an admin's credentials")
    assert "f3 Create client" in screen
    terminal.keys("F3")
    screen = terminal.wait_for("Whose credentials create it?")
    assert "●▌ acme: API token" in screen and "○▌ An admin's API token" in screen
    terminal.keys("C-n")
    screen = terminal.wait_for("Made by zendesk-setup through 'acme'")
    (identifier,) = fake.clients_created
    assert identifier in screen and "f3 Delete client" in screen
    terminal.keys("Enter")
    terminal.wait_for("Type to filter scopes")
    terminal.keys("F4", "C-n")  # the "read write" preset, then the consent in the scripted browser
    screen = terminal.wait_for("Press enter to save", timeout=30)
    assert "Signed in as Ada Admin" in screen
    terminal.keys("Enter")
    terminal.wait_for("Saved profile 'acme-ci'")
    assert API_TOKEN not in terminal.screen()

    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme-ci"]
    assert profile["client_id"] == identifier and profile["created_client"]["identifier"] == identifier
    assert fake.clients[identifier].redirect_uris == (f"http://127.0.0.1:{profile['redirect_port']}/callback",)
