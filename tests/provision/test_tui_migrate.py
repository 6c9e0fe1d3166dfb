"""The home screen's ``m``: an API-token profile moves to OAuth in place (the real app, Pilot, the fake Zendesk)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import keyring
import yaml
from tests.conftest import API_TOKEN
from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import settle
from tests.provision.conftest import AGENT_EMAIL, AGENT_TOKEN
from tests.stores import save_profile
from tests.ui.conftest import free_port, save_api_token_profile, screen_text

from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.ui.app import make_app
from zendesk_setup.ui.screens.migration_consent import MigrationConsentScreen
from zendesk_setup.ui.screens.profiles import ProfilesScreen


def saved(config_dir: Path) -> tuple[bytes, str | None]:
    """profiles.yaml and the profile's keyring entry, to compare before and after."""
    return (config_dir / "profiles.yaml").read_bytes(), keyring.get_password("zendesk-setup", "acme")


def toasts(app: object) -> str:
    """The text of the notifications on screen."""
    return " ".join(str(toast.render()) for toast in app.screen.query("Toast"))  # type: ignore[attr-defined]


async def test_m_moves_the_profile_to_oauth_with_a_client_it_creates(
    fake: FakeZendesk, config_dir: Path, browser: Path
) -> None:
    save_api_token_profile(config_dir, fake)
    port = free_port()
    app = make_app(config_dir, redirect_port=port, consent_timeout=30)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        assert "API token · " in screen_text(app) and " d left" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert "Create a public OAuth client" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert isinstance(app.screen, ProfilesScreen), screen_text(app)
        assert "now uses OAuth" in toasts(app)
        assert API_TOKEN not in screen_text(app)
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    (identifier,) = fake.clients_created
    assert profile["auth"] == "oauth" and profile["client_id"] == identifier
    assert profile["created_client"]["identifier"] == identifier
    assert fake.clients[identifier].redirect_uris == (f"http://127.0.0.1:{port}/callback",)
    entry = json.loads(keyring.get_password("zendesk-setup", "acme") or "{}")
    assert "api_token" not in entry and entry["access_token"] in fake.live_access_tokens()


async def test_leaving_the_consent_deletes_the_client_and_changes_nothing(
    fake: FakeZendesk, config_dir: Path, browser: Path, monkeypatch: object
) -> None:
    monkeypatch.setenv("SCRIPTED_BROWSER_ACTION", "none")  # type: ignore[attr-defined]
    save_api_token_profile(config_dir, fake)
    before = saved(config_dir)
    app = make_app(config_dir, redirect_port=free_port(), consent_timeout=30)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m", "y")
        for _ in range(100):
            if isinstance(app.screen, MigrationConsentScreen) and fake.clients_created:
                break
            await asyncio.sleep(0.05)
        assert "moving 'acme' to OAuth" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert "Migration cancelled" in toasts(app)
    assert len(fake.clients_created) == 1 and fake.clients_created[0] not in fake.clients
    assert saved(config_dir) == before


async def test_an_agents_profile_is_told_why_and_nothing_changes(fake: FakeZendesk, config_dir: Path) -> None:
    fake.add_user("Abe Agent", AGENT_EMAIL, role="agent")
    fake.add_api_token(AGENT_TOKEN, AGENT_EMAIL)
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=AGENT_EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": AGENT_TOKEN})
    before = saved(config_dir)
    app = make_app(config_dir, redirect_port=free_port())
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m", "y")
        await settle(pilot)
        assert "only a Zendesk admin" in toasts(app)
        assert "--" not in toasts(app) and "press e" in toasts(app)  # keys for a TUI user, never CLI flags
        assert isinstance(app.screen, ProfilesScreen)
    assert fake.clients_created == [] and saved(config_dir) == before


async def test_m_does_nothing_on_an_oauth_profile(fake: FakeZendesk, config_dir: Path) -> None:
    from tests.ui.conftest import save_oauth_profile

    save_oauth_profile(config_dir, fake)
    app = make_app(config_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen)
        assert app.screen.check_action("migrate_profile", ()) is False
        assert "OAuth" in screen_text(app) and " d left" not in screen_text(app)


async def test_delete_with_revoke_deletes_the_client_a_migration_made(
    fake: FakeZendesk, config_dir: Path, browser: Path
) -> None:
    save_api_token_profile(config_dir, fake)
    app = make_app(config_dir, redirect_port=free_port(), consent_timeout=30)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m", "y")
        await settle(pilot, rounds=8)
        (identifier,) = fake.clients_created
        token = json.loads(keyring.get_password("zendesk-setup", "acme") or "{}")["access_token"]
        await pilot.press("d", "r")
        await settle(pilot)
        assert "made for it was deleted on Zendesk" in toasts(app)
    assert identifier not in fake.clients
    assert token not in fake.live_access_tokens()
    assert keyring.get_password("zendesk-setup", "acme") is None


async def test_the_migration_plan_and_its_buttons_fit_80x24(fake: FakeZendesk, config_dir: Path) -> None:
    save_api_token_profile(config_dir, fake)
    app = make_app(config_dir, redirect_port=47123)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        shown = screen_text(app)
        assert "Migrate (y)" in shown and "Cancel (n)" in shown
        assert "http://127.0.0.1:47123/callback" in shown and "API tokens." in shown
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProfilesScreen) and fake.clients_created == []
