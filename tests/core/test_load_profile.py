"""load_profile() for scripts, and the add/remove/rename actions that keep both stores in step."""

from __future__ import annotations

from pathlib import Path

import httpx
import keyring
import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk
from tests.stores import remove_profile, rename_profile, save_profile

from zendesk_setup import load_profile
from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import KeyringError, ProfileNotFoundError, ZendeskError
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import SERVICE, KeyringSecretStore
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.zendesk import basic_header


def api_profile(name: str, base_url: str) -> Profile:
    """An API-token profile pointed at the fake."""
    return Profile(name=name, subdomain="acme", auth="api_token", email=EMAIL, base_url=base_url)


@pytest.fixture
def store(config_dir: Path) -> ProfileStore:
    """The store in the test's config dir."""
    return ProfileStore(config_dir)


def test_client_has_base_url_and_basic_auth_that_work(fake: FakeZendesk, store: ProfileStore) -> None:
    save_profile(store, api_profile("acme", fake.url), {"api_token": API_TOKEN})
    profile = load_profile("acme")
    assert profile.name == "acme" and profile.base_url == fake.url
    assert API_TOKEN not in repr(profile)
    with profile.client() as zd:
        assert isinstance(zd, httpx.Client)
        assert str(zd.base_url).rstrip("/") == fake.url
        me = zd.get("/api/v2/users/me.json")
    assert me.status_code == 200
    assert me.json()["user"]["id"] == 1001
    assert me.request.headers["Authorization"] == basic_header(EMAIL, API_TOKEN)
    assert profile.auth_header() == basic_header(EMAIL, API_TOKEN)
    assert profile.token() == API_TOKEN


def test_none_means_env_then_default(fake: FakeZendesk, store: ProfileStore, monkeypatch: pytest.MonkeyPatch) -> None:
    save_profile(store, api_profile("first", fake.url), {"api_token": API_TOKEN})
    save_profile(store, api_profile("second", fake.url), {"api_token": "other"})
    assert load_profile().name == "first"
    monkeypatch.setenv("ZENDESK_SETUP_PROFILE", "second")
    assert load_profile().name == "second"
    assert load_profile().token() == "other"


def test_config_dir_argument_beats_the_environment(fake: FakeZendesk, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    save_profile(ProfileStore(elsewhere), api_profile("far", fake.url), {"api_token": API_TOKEN})
    assert load_profile("far", config_dir=elsewhere).name == "far"
    with pytest.raises(ProfileNotFoundError):
        load_profile("far")


def test_unknown_profile_names_the_known_ones(fake: FakeZendesk, store: ProfileStore) -> None:
    save_profile(store, api_profile("acme", fake.url), {"api_token": API_TOKEN})
    with pytest.raises(ProfileNotFoundError, match="profiles: acme"):
        load_profile("nope")


def test_missing_secret_says_how_to_fix(fake: FakeZendesk, store: ProfileStore) -> None:
    store.save(api_profile("acme", fake.url))
    with pytest.raises(KeyringError, match="API token of profile 'acme'"):
        load_profile("acme").token()


def test_add_with_a_wrong_token_saves_nothing(fake: FakeZendesk, store: ProfileStore, config_dir: Path) -> None:
    profile = api_profile("acme", fake.url)
    with pytest.raises(ZendeskError):
        CredentialsService(config_dir).add(ProfileDraft.new_from(profile, api_token="wrong"))
    assert not store.path.exists()
    assert keyring.get_password(SERVICE, "acme") is None


def test_add_with_the_right_token_records_the_check(fake: FakeZendesk, store: ProfileStore, config_dir: Path) -> None:
    profile = api_profile("acme", fake.url)
    result = CredentialsService(config_dir).add(ProfileDraft.new_from(profile, api_token=API_TOKEN))
    assert result.identity is not None and result.identity.name == "Ada Admin"
    saved = store.get("acme")
    assert saved.checked is not None and saved.checked.ok and saved.checked.role == "admin"
    assert API_TOKEN not in store.path.read_text()
    assert KeyringSecretStore().get("acme") == {"api_token": API_TOKEN}


def test_rename_moves_the_secret_and_remove_clears_both(fake: FakeZendesk, store: ProfileStore) -> None:
    save_profile(store, api_profile("acme", fake.url), {"api_token": API_TOKEN})
    rename_profile(store, "acme", "prod")
    assert keyring.get_password(SERVICE, "acme") is None
    assert KeyringSecretStore().get("prod") == {"api_token": API_TOKEN}
    assert store.load().default == "prod"
    profile, had_secret = remove_profile(store, "prod")
    assert profile.name == "prod" and had_secret
    assert keyring.get_password(SERVICE, "prod") is None
    assert store.load().profiles == {}


def test_a_keyring_failure_on_save_leaves_no_profile(fake: FakeZendesk, store: ProfileStore) -> None:
    from tests.conftest import FAIL_KEYRING, PLAINTEXT_KEYRING, use_keyring_backend

    use_keyring_backend(FAIL_KEYRING)
    try:
        with pytest.raises(KeyringError):
            save_profile(store, api_profile("acme", fake.url), {"api_token": API_TOKEN})
    finally:
        use_keyring_backend(PLAINTEXT_KEYRING)
    assert not store.path.exists()
