"""Fixtures for the Pilot tests: the real app from make_app, a scripted browser, and keyring readers."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.pilot_helpers import paste as paste  # the screen tests import these from here
from tests.pilot_helpers import settle as settle

from zendesk_setup.ui.app import ZendeskSetupApp, make_app

TODAY = date(2026, 11, 25)
CLIENT_SECRET = "s3cret-client-0123456789abcdef"


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stored_secrets(name: str) -> dict[str, Any] | None:
    """The JSON fields of a profile's keyring entry (plaintext test backend), or None."""
    import keyring

    raw = keyring.get_password("zendesk-setup", name)
    return json.loads(raw) if raw is not None else None


@pytest.fixture
def app_factory(config_dir: Path, fake: Any) -> Callable[..., ZendeskSetupApp]:
    """Build the real app against the fake Zendesk, with a fixed date and a free redirect port."""

    def build(mode: str = "home", name: str | None = None, **options: Any) -> ZendeskSetupApp:
        options.setdefault("today", TODAY)
        options.setdefault("base_url", fake.url)
        options.setdefault("redirect_port", free_port())
        return make_app(config_dir, mode, name, **options)

    return build


def screen_text(app: ZendeskSetupApp) -> str:
    """The screenshot SVG with entities decoded, so plain text can be searched."""
    import html

    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def save_api_token_profile(config_dir: Path, fake: Any, name: str = "acme") -> None:
    """A saved API-token profile pointing at the fake, made through the core."""
    from tests.conftest import API_TOKEN, EMAIL
    from tests.stores import save_profile

    from zendesk_setup.core.profiles import Profile, ProfileStore

    profile = Profile(name=name, subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})


def save_oauth_profile(
    config_dir: Path, fake: Any, name: str = "acme", scopes: tuple[str, ...] = ("read", "users:write")
) -> dict[str, Any]:
    """A saved OAuth profile with real tokens from the fake (consent played over HTTP); returns its secrets."""
    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.profiles import Profile
    from zendesk_setup.core.service import CredentialsService

    if "acme_cli" not in fake.clients:
        fake.add_client("acme_cli")
    profile = Profile(
        name=name,
        subdomain="acme",
        auth="oauth",
        client_id="acme_cli",
        client_kind="public",
        scopes=scopes,
        redirect_port=free_port(),
        base_url=fake.url,
    )
    service = CredentialsService(config_dir)
    draft = ProfileDraft.new_from(profile)
    consent = service.begin_consent(draft)
    try:
        code = consent.code_from_paste(fake.consent(consent.url, "allow"))
    finally:
        consent.close()
    service.add(draft.with_tokens(consent.exchange(code)))
    fields = stored_secrets(name)
    assert fields is not None
    return fields


def assert_no_secret(app: ZendeskSetupApp, *secrets: str) -> None:
    """The secrets appear neither on screen nor in profiles.yaml."""
    screen_text_now = screen_text(app)
    assert "Quit" in screen_text_now
    for secret in secrets:
        assert secret not in screen_text_now
    yaml_path = app.config_dir / "profiles.yaml"
    if yaml_path.exists():
        text = yaml_path.read_text()
        for secret in secrets:
            assert secret not in text


os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
