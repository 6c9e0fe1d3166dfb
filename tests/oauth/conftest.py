"""Fixtures for the OAuth core tests: a fake with OAuth clients, and a saved OAuth profile made by real consent."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.fake_zendesk import FakeZendesk, running_fake

from zendesk_setup.core import loopback, oauth
from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.service import CredentialsService

PUBLIC_CLIENT = "zs_public"
CONFIDENTIAL_CLIENT = "zs_confidential"
CLIENT_SECRET = "s3cret-client-0123456789abcdef"
SCOPES = ("read", "users:write")


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, last value wins."""
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


@pytest.fixture
def ofake() -> Iterator[FakeZendesk]:
    """A fake Zendesk with one public and one confidential OAuth client (any loopback redirect allowed)."""
    with running_fake() as server:
        server.add_client(PUBLIC_CLIENT, kind="public")
        server.add_client(CONFIDENTIAL_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


@pytest.fixture
def http(ofake: FakeZendesk) -> Iterator[httpx.Client]:
    """An httpx client on the fake's base URL."""
    with httpx.Client(base_url=ofake.url, timeout=10) as client:
        yield client


def consent_code(fake: FakeZendesk, *, client_id: str = PUBLIC_CLIENT, scopes: tuple[str, ...] = SCOPES):
    """Run a real loopback consent against the fake; returns (code, pkce, redirect_uri)."""
    pkce = oauth.new_pkce()
    state = oauth.new_state()
    server = loopback.CallbackServer(free_port(), state)
    server.start()
    url = oauth.authorize_url(
        fake.url,
        client_id=client_id,
        redirect_uri=server.redirect_uri,
        scopes=list(scopes),
        state=state,
        code_challenge=pkce.challenge,
    )
    location = fake.consent(url, "allow")
    assert httpx.get(location, timeout=5).status_code == 200
    return server.wait(5), pkce, server.redirect_uri


@dataclass
class SavedOAuth:
    """A saved OAuth profile and what was issued for it."""

    profile: Profile
    store: ProfileStore
    tokens: oauth.TokenSet


def save_oauth_profile(
    fake: FakeZendesk, config_dir: Path, name: str = "acme", *, client_id: str = PUBLIC_CLIENT
) -> SavedOAuth:
    """Consent, exchange and save an OAuth profile pointed at the fake."""
    code, pkce, redirect_uri = consent_code(fake, client_id=client_id)
    confidential = client_id == CONFIDENTIAL_CLIENT
    profile = Profile(
        name=name,
        subdomain="acme",
        auth="oauth",
        client_id=client_id,
        client_kind="confidential" if confidential else "public",
        scopes=SCOPES,
        redirect_port=int(urlsplit(redirect_uri).port or 0),
        base_url=fake.url,
    ).validate()
    with httpx.Client(base_url=fake.url) as client:
        tokens = oauth.exchange_code(
            client,
            fake.url,
            client_id=client_id,
            code=code,
            code_verifier=pkce.verifier,
            redirect_uri=redirect_uri,
            scopes=list(SCOPES),
            client_secret=CLIENT_SECRET if confidential else None,
        )
    store = ProfileStore(config_dir)
    draft = ProfileDraft.new_from(profile, client_secret=CLIENT_SECRET if confidential else None)
    result = CredentialsService(config_dir).add(draft.with_tokens(tokens))
    return SavedOAuth(result.profile, store, tokens)


@pytest.fixture
def saved(ofake: FakeZendesk, config_dir: Path) -> SavedOAuth:
    """A public-client OAuth profile named acme, saved through the real flow."""
    return save_oauth_profile(ofake, config_dir)
