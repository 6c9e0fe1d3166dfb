"""Session: refresh before expiry, rotation stored at once, refresh after 401, failed refresh, client credentials."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.fake_zendesk import FakeZendesk

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.secrets import secret_store_for
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.session import Session, load_profile, open_session

from .conftest import CLIENT_SECRET, CONFIDENTIAL_CLIENT, SavedOAuth, save_oauth_profile


def session_at(saved: SavedOAuth, config_dir: Path, offset: float) -> Session:
    """A session for the saved profile whose clock runs ``offset`` seconds ahead."""
    session = open_session(saved.profile.name, config_dir=config_dir)
    session.clock = lambda: time.time() + offset
    return session


def stored(config_dir: Path, name: str = "acme") -> dict:
    """The keyring entry of a profile."""
    return secret_store_for("keyring", config_dir).get(name) or {}


def test_saved_profile_keeps_tokens_only_in_the_keyring(saved: SavedOAuth, config_dir: Path) -> None:
    fields = stored(config_dir)
    assert fields["access_token"] == saved.tokens.access_token.reveal()
    assert fields["refresh_token"] == saved.tokens.refresh_token.reveal()
    assert fields["access_expires_at"] == saved.tokens.access_expires_at
    assert fields["granted_scopes"] == ["read", "users:write"]
    text = (config_dir / "profiles.yaml").read_text()
    assert saved.tokens.access_token.reveal() not in text and saved.tokens.refresh_token.reveal() not in text


def test_valid_token_is_used_without_refresh(saved: SavedOAuth, config_dir: Path, ofake: FakeZendesk) -> None:
    assert session_at(saved, config_dir, 0).token() == saved.tokens.access_token.reveal()
    assert ofake.refresh_count == 0


def test_refresh_happens_before_expiry_and_the_rotated_pair_is_stored(
    saved: SavedOAuth, config_dir: Path, ofake: FakeZendesk
) -> None:
    session = session_at(saved, config_dir, 1800 - 30)
    new_access = session.token()
    assert ofake.refresh_count == 1
    assert new_access != saved.tokens.access_token.reveal() and new_access in ofake.live_access_tokens()
    fields = stored(config_dir)
    assert fields["access_token"] == new_access
    assert fields["refresh_token"] != saved.tokens.refresh_token.reveal()
    assert fields["refresh_token"] in ofake.live_refresh_tokens()
    assert saved.tokens.refresh_token.reveal() not in ofake.live_refresh_tokens()
    assert session.token() == new_access and ofake.refresh_count == 1
    assert session.auth_header() == f"Bearer {new_access}"


def test_failed_refresh_says_how_to_consent_again(saved: SavedOAuth, config_dir: Path, ofake: FakeZendesk) -> None:
    for token in ofake.tokens.values():
        token.refresh_used = True
    with pytest.raises(OAuthError) as caught:
        session_at(saved, config_dir, 3600).token()
    assert "zendesk-setup edit acme" in str(caught.value)
    assert caught.value.kind == "invalid_grant"
    assert saved.tokens.refresh_token.reveal() not in str(caught.value)
    assert stored(config_dir)["refresh_token"] == saved.tokens.refresh_token.reveal()


def test_check_refreshes_once_after_401_invalid_token(saved: SavedOAuth, config_dir: Path, ofake: FakeZendesk) -> None:
    ofake.expire_access_tokens()
    identity = session_at(saved, config_dir, 0).check()
    assert identity.name == "Ada Admin" and identity.scopes == ("read", "users:write")
    assert ofake.refresh_count == 1
    assert stored(config_dir)["access_token"] in ofake.live_access_tokens()


def test_client_refreshes_once_after_401_and_retries(saved: SavedOAuth, config_dir: Path, ofake: FakeZendesk) -> None:
    ofake.expire_access_tokens()
    with load_profile("acme", config_dir=config_dir).client() as zd:
        me = zd.get("/api/v2/users/me.json")
        assert me.status_code == 200 and me.json()["user"]["id"] == 1001
        assert ofake.refresh_count == 1
        ofake.inject("/api/v2/tickets", 401, body={"error": "invalid_token"}, times=None)
        tickets = zd.get("/api/v2/tickets.json")
    assert tickets.status_code == 401
    assert ofake.refresh_count == 2


def test_confidential_profile_keeps_its_secret_and_refreshes(ofake: FakeZendesk, config_dir: Path) -> None:
    saved = save_oauth_profile(ofake, config_dir, "conf", client_id=CONFIDENTIAL_CLIENT)
    assert stored(config_dir, "conf")["client_secret"] == CLIENT_SECRET
    token = session_at(saved, config_dir, 3600).token()
    assert token in ofake.live_access_tokens() and ofake.refresh_count == 1


def test_client_credentials_profile_gets_a_new_token_when_expired(ofake: FakeZendesk, config_dir: Path) -> None:
    profile = Profile(
        name="ci",
        subdomain="acme",
        auth="client_credentials",
        client_id=CONFIDENTIAL_CLIENT,
        client_kind="confidential",
        scopes=("read",),
        base_url=ofake.url,
    ).validate()
    result = CredentialsService(config_dir).add(ProfileDraft.new_from(profile, client_secret=CLIENT_SECRET))
    assert result.identity is not None and result.identity.user_id == 1001
    first = stored(config_dir, "ci")["access_token"]
    session = open_session("ci", config_dir=config_dir)
    assert session.token() == first
    session.clock = lambda: time.time() + 3600
    second = session.token()
    assert second != first and second in ofake.live_access_tokens()
    grants = [r["grant_type"] for r in ofake.token_requests]
    assert grants == ["client_credentials", "client_credentials"]
    assert stored(config_dir, "ci")["client_secret"] == CLIENT_SECRET
    assert CLIENT_SECRET not in (config_dir / "profiles.yaml").read_text()


def test_failed_client_credentials_add_saves_nothing(ofake: FakeZendesk, config_dir: Path) -> None:
    profile = Profile(
        name="ci",
        subdomain="acme",
        auth="client_credentials",
        client_id=CONFIDENTIAL_CLIENT,
        client_kind="confidential",
        scopes=("read",),
        base_url=ofake.url,
    ).validate()
    with pytest.raises(OAuthError):
        CredentialsService(config_dir).add(ProfileDraft.new_from(profile, client_secret="wrong-secret"))
    assert not (config_dir / "profiles.yaml").exists()
    assert stored(config_dir, "ci") == {}



def test_a_damaged_keyring_entry_names_the_profile_in_the_fix(saved: SavedOAuth, config_dir: Path) -> None:
    import keyring

    keyring.set_password("zendesk-setup", "acme", "not the JSON zendesk-setup writes")
    with pytest.raises(SetupError) as caught:
        session_at(saved, config_dir, 0).token()
    assert "zendesk-setup edit acme" in str(caught.value)
    assert "NAME" not in str(caught.value)
