"""The wizard's credentials step makes the OAuth client itself (f3): the real app, Pilot, the fake's Clients API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import yaml
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import paste, settle
from tests.provision.conftest import AGENT_TOKEN
from tests.ui.conftest import save_api_token_profile, screen_text
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton, Static

from zendesk_setup.ui.app import ZendeskSetupApp
from zendesk_setup.ui.screens.create_client import CreateClientModal
from zendesk_setup.ui.screens.credentials import CredentialsScreen
from zendesk_setup.ui.screens.profiles import ProfilesScreen


def field(app: ZendeskSetupApp, selector: str) -> Input:
    """An input of the screen on top."""
    return app.screen.query_one(selector, Input)


async def to_credentials(pilot: Pilot[Any], *, client_credentials: bool = False) -> None:
    """From the wizard's first screen to the credentials step for a new profile 'acme-ci' on the fake."""
    if client_credentials:
        await pilot.press("down", "down")
    await pilot.press("enter")
    await paste(pilot, "acme")
    await pilot.press("tab")
    await paste(pilot, "acme-ci")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CredentialsScreen), screen_text(pilot.app)


async def create_client(pilot: Pilot[Any], *, once: tuple[str, str] | None = None) -> None:
    """Press f3 and create the client through the first admin listed, or an admin's email and token typed once."""
    await pilot.press("f3")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CreateClientModal), screen_text(pilot.app)
    if once is not None:
        email, token = once
        pilot.app.screen.query_one("#admin-once", RadioButton).value = True
        await pilot.pause()
        pilot.app.screen.query_one("#admin-email-input", Input).value = email
        pilot.app.screen.query_one("#admin-token-input", Input).value = token
    await pilot.press("ctrl+n")
    await settle(pilot)


async def test_f3_makes_a_public_client_for_exactly_this_redirect_and_the_profile_remembers_it(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path, browser: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        assert "f3 creates it" in screen_text(app)
        await pilot.press("f3")
        await pilot.pause()
        assert "acme: API token" in screen_text(app) and "Create a public OAuth client" in screen_text(app)
        await pilot.press("ctrl+n")
        await settle(pilot)
        (identifier,) = fake.clients_created
        assert field(app, "#client-id-input").value == identifier
        assert field(app, "#client-id-input").disabled
        assert "Made by zendesk-setup through 'acme'" in screen_text(app)
        assert "Delete client" in screen_text(app) and "Create client" not in screen_text(app)
        assert "The client's only redirect URL" in screen_text(app)
        await pilot.press("enter")  # on to the scopes
        await pilot.press("f2", "enter")  # a preset, then the consent and the check
        await settle(pilot, rounds=8)
        assert "Signed in as" in screen_text(app), screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
    profile = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme-ci"]
    assert profile["client_id"] == identifier and profile["created_client"]["identifier"] == identifier
    client = fake.clients[identifier]
    assert client.kind == "public" and client.redirect_uris == (f"http://127.0.0.1:{app.redirect_port}/callback",)
    assert client.numeric_id == profile["created_client"]["id"]


async def test_client_credentials_with_an_admin_token_used_once_store_the_secret_unseen(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, client_credentials=True)
        await create_client(pilot, once=(EMAIL, API_TOKEN))
        (identifier,) = fake.clients_created
        secret = fake.clients[identifier].secret
        assert secret and field(app, "#client-secret-input").disabled
        assert secret not in screen_text(app) and API_TOKEN not in screen_text(app)
        assert "API token (not stored)" in screen_text(app)
        assert "stored unseen, never shown" in screen_text(app) and "ctrl+r reveals" not in screen_text(app)
        await pilot.press("ctrl+n")  # on to the scopes
        await pilot.press("f2", "ctrl+n")  # a preset, then the check
        await settle(pilot)
        assert "Signed in as" in screen_text(app), screen_text(app)
        assert secret not in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
    text = (config_dir / "profiles.yaml").read_text()
    assert secret not in text and API_TOKEN not in text
    assert yaml.safe_load(text)["profiles"]["acme-ci"]["created_client"]["identifier"] == identifier
    entry = json.loads(keyring.get_password("zendesk-setup", "acme-ci") or "{}")
    assert entry["client_secret"] == secret and "api_token" not in entry
    assert fake.clients[identifier].kind == "confidential" and not fake.clients[identifier].redirect_uris


async def test_leaving_the_wizard_unsaved_deletes_the_client_it_made(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("home")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("n")
        await pilot.pause()
        await to_credentials(pilot, client_credentials=True)
        await create_client(pilot)
        (identifier,) = fake.clients_created
        assert identifier in fake.clients
        await pilot.press("escape", "escape", "escape")  # back to the first step, and out
        await pilot.pause()
        await pilot.press("y")  # discard
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
    assert identifier not in fake.clients
    assert "acme-ci" not in (config_dir / "profiles.yaml").read_text()


async def test_quitting_deletes_the_client_it_made(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot)
        (identifier,) = fake.clients_created
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
    assert identifier not in fake.clients


async def test_f3_again_deletes_the_client_and_unlocks_the_fields(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot)
        (identifier,) = fake.clients_created
        await pilot.press("f3")
        await pilot.pause()
        assert f"Delete the OAuth client '{identifier}'" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert identifier not in fake.clients
        assert field(app, "#client-id-input").value == "" and not field(app, "#client-id-input").disabled
        assert "f3 creates it" in screen_text(app) and "Create client" in screen_text(app)
        assert app.created_clients == []


async def test_an_agents_token_is_refused_in_one_sentence_and_nothing_is_made(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path, agent: str
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot, once=(agent, AGENT_TOKEN))
        text = " ".join(str(app.screen.query_one("#step-error", Static).content).split())
        assert "No client was made. That API token signs in as Abe Agent (agent)" in text, text
        assert "only a Zendesk admin can create OAuth clients" in text
        assert AGENT_TOKEN not in text
        assert not field(app, "#client-id-input").disabled
    assert fake.clients_created == []


async def test_a_client_made_for_another_zendesk_is_deleted_when_the_address_changes(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    app = app_factory("new")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await to_credentials(pilot)
        await create_client(pilot)
        (identifier,) = fake.clients_created
        await pilot.press("escape")  # back to the instance step
        await pilot.pause()
        field(app, "#base-url-input").value = "http://127.0.0.1:9"  # another Zendesk
        await pilot.press("escape")  # its answer goes back with it
        await settle(pilot)
        await pilot.press("enter")  # auth step again: on to the instance step
        await pilot.press("enter")  # and on to the credentials
        await settle(pilot)
        assert isinstance(app.screen, CredentialsScreen), screen_text(app)
        assert field(app, "#client-id-input").value == ""
    assert identifier not in fake.clients


async def test_quitting_while_the_client_is_being_made_still_deletes_it(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    save_api_token_profile(config_dir, fake, "acme")
    fake.inject("/api/v2/oauth/clients", None, delay=1.5, method="POST")  # Zendesk is slow to make it
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("ctrl+n")  # the client is being made...
        await pilot.pause()
        assert "Creating the OAuth client" in screen_text(app)
        await pilot.press("ctrl+q")  # ...and the user quits at once
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
    (identifier,) = fake.clients_created
    assert identifier not in fake.clients


async def test_the_dialog_fits_80x24_with_three_admins_and_the_token_fields(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    for name in ("acme", "acme-two", "acme-three"):
        save_api_token_profile(config_dir, fake, name)
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot, client_credentials=True)
        await pilot.press("f3")
        await pilot.pause()
        app.screen.query_one("#admin-once", RadioButton).value = True
        await pilot.pause()
        box = app.screen.query_one("#create-client-box")
        assert app.screen.region.contains_region(box.region), box.region
        assert box.virtual_size.height <= box.size.height, "the dialog's content is cut off"
        for widget in app.screen.query("#create-client-box Button, #create-client-box Input"):
            assert box.content_region.contains_region(widget.region), (widget, widget.region, box.content_region)


async def test_a_wrong_admin_token_says_no_client_was_made_and_how_to_go_on(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot, once=(EMAIL, "not-the-token-0123"))
        text = " ".join(str(app.screen.query_one("#step-error", Static).content).split())
        assert text.startswith("No client was made. Zendesk did not accept the email and API token."), text
        assert "Press f3 to try again" in text and "zendesk-setup edit" not in text
        assert "not-the-token-0123" not in screen_text(app)
    assert fake.clients_created == []


async def test_the_dialog_keeps_a_mistyped_admin_login_and_says_what_is_wrong(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot, once=("not-an-email", API_TOKEN))
        assert isinstance(app.screen, CreateClientModal)
        error = str(app.screen.query_one("#create-client-error", Static).content)
        assert error == "Enter the email address of the admin the API token belongs to."
        app.screen.query_one("#admin-email-input", Input).value = EMAIL
        app.screen.query_one("#admin-token-input", Input).value = "has a space"
        await pilot.press("ctrl+n")
        assert "Enter the admin's API token (it has no spaces)." in str(
            app.screen.query_one("#create-client-error", Static).content
        )
    assert fake.clients_created == []


async def test_an_admins_name_from_zendesk_is_shown_as_text_never_as_markup_or_escapes(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path
) -> None:
    fake.add_user("[b]Eve[/b]\x1b[31m [link=http://x]Red[/link]", "eve@acme.test", role="admin")
    fake.add_api_token("eve-token-0123456789", "eve@acme.test")
    app = app_factory("new")
    async with app.run_test(size=(80, 24)) as pilot:
        await to_credentials(pilot)
        await create_client(pilot, once=("eve@acme.test", "eve-token-0123456789"))
        note = str(app.screen.query_one("#create-client-note", Static).content)
        assert "through [b]Eve[/b] [31m [link=http://x]Red[/link]'s API token (not stored)" in note, note
        assert "\x1b" not in note and "eve-token-0123456789" not in screen_text(app)
