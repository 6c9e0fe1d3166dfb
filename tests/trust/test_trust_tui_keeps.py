"""Issue 10.9: the TUI keeps what it cannot safely lose (the real app against the fake Zendesk on 127.0.0.1)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import keyring
import pytest
import yaml
from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import api_token_profile_to_review, oauth_profile_to_review, settle
from tests.ui.conftest import free_port, save_oauth_profile

from zendesk_setup.ui.app import make_app
from zendesk_setup.ui.screens.auth_type import AuthTypeScreen
from zendesk_setup.ui.screens.review import ReviewScreen


async def test_a_failed_revoke_deletes_nothing(fake: FakeZendesk, config_dir: Path) -> None:
    fields = save_oauth_profile(config_dir, fake)
    fake.inject("/api/v2/oauth/tokens/", 500, body={"error": "boom"}, times=None, method="DELETE")
    app = make_app(config_dir, today=None)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("d", "r")
        await settle(pilot)
        toasts = " ".join(str(toast.render()) for toast in app.screen.query("Toast"))
        assert "nothing was deleted" in toasts
    assert "acme" in yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]
    assert json.loads(keyring.get_password("zendesk-setup", "acme") or "{}") == fields
    assert fields["access_token"] in fake.live_access_tokens()


@pytest.mark.parametrize("leave", ["escape", "quit"])
async def test_an_abandoned_consent_revokes_the_token_it_created(
    fake: FakeZendesk, config_dir: Path, browser: Path, leave: str
) -> None:
    fake.add_client("acme_cli")
    app = make_app(config_dir, "new", base_url=fake.url, redirect_port=free_port())
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_profile_to_review(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert len(fake.live_access_tokens()) == 1, "the consent issued one token"
        if leave == "escape":
            for _ in range(6):
                if isinstance(app.screen, AuthTypeScreen):
                    break
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("escape", "y")  # the first step asks before discarding what was entered
        else:
            await pilot.press("ctrl+q", "y")
        await settle(pilot)
    assert fake.live_access_tokens() == [], "the abandoned consent left a live token"
    assert not (config_dir / "profiles.yaml").exists()
    assert app.return_value == 1


async def test_a_second_consent_after_changed_scopes_revokes_the_first_token_and_keeps_the_saved_one(
    fake: FakeZendesk, config_dir: Path, browser: Path
) -> None:
    fake.add_client("acme_cli")
    app = make_app(config_dir, "new", base_url=fake.url, redirect_port=free_port())
    async with app.run_test(size=(80, 24)) as pilot:
        await oauth_profile_to_review(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")  # back to the scopes (the finished consent is not shown again)
        await pilot.press("f4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert len(fake.live_access_tokens()) == 2
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    saved = json.loads(keyring.get_password("zendesk-setup", "acme") or "{}")
    assert fake.live_access_tokens() == [saved["access_token"]]
    assert app.return_value == 0


@pytest.mark.usefixtures("no_keyring")
async def test_a_check_that_succeeded_stays_recorded_after_choosing_the_secrets_file(
    fake: FakeZendesk, config_dir: Path
) -> None:
    from tests.conftest import API_TOKEN, EMAIL

    app = make_app(config_dir, "new", base_url=fake.url)
    async with app.run_test(size=(80, 24)) as pilot:
        await api_token_profile_to_review(pilot, EMAIL, API_TOKEN)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("i", "y")
        await settle(pilot)
        assert "Saved without a check" not in str(app.screen.query_one("#review-status").render())
    checked = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    assert checked["ok"] is True and checked["user"] == "Ada Admin"


async def test_the_edit_review_fits_80x24_its_change_scrolls_and_the_result_is_visible(
    fake: FakeZendesk, config_dir: Path
) -> None:
    from tests.conftest import API_TOKEN, EMAIL
    from tests.pilot_helpers import paste
    from tests.stores import save_profile
    from textual.containers import VerticalScroll

    from zendesk_setup.core.profiles import Profile, ProfileStore

    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})
    app = make_app(config_dir, "edit", "acme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "ctrl+u")
        await paste(pilot, "acme-eu")
        await pilot.press("down", "ctrl+u")
        await paste(pilot, "acme-production-eu")
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        pane = app.screen.query_one("#review-diff-pane", VerticalScroll)
        assert pane.region.bottom <= 23, "the change pane runs under the footer"
        await pilot.pause()
        assert pane.max_scroll_y > 0, "the whole renamed profile is more than the pane shows"
        pane.focus()
        await pilot.press("down", "down")
        assert pane.scroll_y > 0, "the change does not scroll by keyboard"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = html.unescape(app.export_screenshot()).replace("\xa0", " ")
        assert "Saved" in text and "acme-production-eu" in text and "press enter to finish" in text


async def test_a_wrong_client_secret_says_so_and_f_leads_back_to_the_secret_field(
    fake: FakeZendesk, config_dir: Path, browser: Path
) -> None:
    from tests.pilot_helpers import paste

    from zendesk_setup.ui.screens.consent import ConsentScreen
    from zendesk_setup.ui.screens.credentials import CredentialsScreen

    fake.add_client("acme_conf", kind="confidential", secret="the-right-secret-0123456789")
    app = make_app(config_dir, "new", base_url=fake.url, redirect_port=free_port())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", *"acme", "enter", *"acme_conf", "down", "right", "space", "tab")
        await paste(pilot, "a-wrong-secret-0123456789")
        await pilot.press("ctrl+n", "f3", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConsentScreen)
        status = str(app.screen.query_one("#consent-status").render())
        assert "client secret" in status and "redirect" not in status.lower()
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, CredentialsScreen)
        assert app.focused is app.screen.query_one("#client-secret-input")
    assert fake.live_access_tokens() == []
