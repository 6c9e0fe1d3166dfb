"""Secret stores over the real keyring library (backend picked by PYTHON_KEYRING_BACKEND) and the 0600 file."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
import yaml
from tests.conftest import FAIL_KEYRING, PLAINTEXT_KEYRING, use_keyring_backend
from tests.core import odd_keyrings

from zendesk_setup.core.errors import ConfigFileError, KeyringError
from zendesk_setup.core.secrets import (
    PROBE_ENTRY,
    SERVICE,
    FileSecretStore,
    KeyringSecretStore,
    Secret,
    secret_store_for,
)

TOKEN = "s3cret-value-that-must-not-leak"


@pytest.fixture
def hung_keyring() -> Iterator[None]:
    """A keyring backend that never answers; released at the end so its threads finish."""
    odd_keyrings.RELEASE.clear()
    use_keyring_backend("tests.core.odd_keyrings.HungKeyring")
    yield
    odd_keyrings.RELEASE.set()
    use_keyring_backend(PLAINTEXT_KEYRING)


def test_one_entry_per_profile_named_after_it_holding_json(keyring_file: Path) -> None:
    store = KeyringSecretStore()
    assert store.get("acme") is None
    store.set("acme", {"api_token": TOKEN, "unused": None})
    assert json.loads(keyring.get_password(SERVICE, "acme") or "") == {"api_token": TOKEN}
    assert store.get("acme") == {"api_token": TOKEN}
    assert keyring_file.exists()
    assert store.delete("acme") is True
    assert keyring.get_password(SERVICE, "acme") is None
    assert store.delete("acme") is False


def test_probe_succeeds_and_leaves_no_probe_entry(keyring_file: Path) -> None:
    KeyringSecretStore().probe()
    # Each probe writes an entry of its own name (PROBE_ENTRY plus a suffix) and must delete it again.
    assert keyring_file.exists(), "the probe never wrote to the keyring"
    assert not [name for name in plaintext_keyring_names(keyring_file) if name.startswith(PROBE_ENTRY)]


def plaintext_keyring_names(keyring_file: Path) -> list[str]:
    """Every user name stored in the plaintext test keyring, unescaped."""
    import configparser

    from keyrings.alt.escape import unescape

    parser = configparser.RawConfigParser()
    parser.read(keyring_file)
    return [unescape(option) for section in parser.sections() for option in parser.options(section)]


def test_an_entry_in_another_format_is_a_clear_error() -> None:
    keyring.set_password(SERVICE, "acme", "not json at all")
    with pytest.raises(KeyringError, match="not in zendesk-setup's format"):
        KeyringSecretStore().get("acme")


@pytest.mark.usefixtures("no_keyring")
@pytest.mark.parametrize("action", ["probe", "get", "set", "delete"])
def test_no_keyring_says_why_and_how_to_fix(action: str) -> None:
    store = KeyringSecretStore()
    calls = {
        "probe": store.probe,
        "get": lambda: store.get("acme"),
        "set": lambda: store.set("acme", {"api_token": TOKEN}),
        "delete": lambda: store.delete("acme"),
    }
    with pytest.raises(KeyringError) as caught:
        calls[action]()
    error = caught.value
    assert error.exit_code == 3
    assert "No usable OS keyring" in error.message
    assert error.hint is not None
    assert "gnome-keyring" in error.hint and "--insecure-storage" in error.hint
    assert TOKEN not in str(error)


def test_fail_backend_name_is_the_one_tests_use() -> None:
    use_keyring_backend(FAIL_KEYRING)
    try:
        assert type(keyring.get_keyring()).__module__ == "keyring.backends.fail"
    finally:
        use_keyring_backend(PLAINTEXT_KEYRING)


@pytest.mark.usefixtures("hung_keyring")
@pytest.mark.parametrize("action", ["probe", "get", "set"])
def test_a_hung_keyring_times_out_with_a_clear_error(action: str) -> None:
    store = KeyringSecretStore(timeout=0.3)
    calls = {"probe": store.probe, "get": lambda: store.get("acme"), "set": lambda: store.set("acme", {"a": TOKEN})}
    started = time.monotonic()
    with pytest.raises(KeyringError) as caught:
        calls[action]()
    elapsed = time.monotonic() - started
    assert elapsed < 2.0
    assert "did not answer within" in caught.value.message
    assert caught.value.title == "Keyring not answering"
    assert TOKEN not in str(caught.value)


def test_a_locked_keyring_says_so() -> None:
    use_keyring_backend("tests.core.odd_keyrings.LockedKeyring")
    try:
        with pytest.raises(KeyringError, match="locked"):
            KeyringSecretStore().set("acme", {"api_token": TOKEN})
    finally:
        use_keyring_backend(PLAINTEXT_KEYRING)


def test_secret_is_masked_in_repr_and_str() -> None:
    secret = Secret(TOKEN)
    assert TOKEN not in repr(secret) and TOKEN not in str(secret) and TOKEN not in f"{secret}"
    assert secret.reveal() == TOKEN
    assert Secret(TOKEN) == secret
    assert not Secret("")


def test_storage_setting_picks_the_store(config_dir: Path) -> None:
    assert isinstance(secret_store_for("keyring", config_dir), KeyringSecretStore)
    assert isinstance(secret_store_for("file", config_dir), FileSecretStore)


def test_file_store_is_0600_beside_profiles_and_round_trips(config_dir: Path) -> None:
    store = FileSecretStore(config_dir)
    store.probe()
    assert not config_dir.exists()
    store.set("acme", {"api_token": TOKEN, "nothing": None})
    store.set("other", {"client_secret": "x"})
    path = config_dir / "secrets.yaml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700
    assert yaml.safe_load(path.read_text()) == {
        "version": 1,
        "secrets": {"acme": {"api_token": TOKEN}, "other": {"client_secret": "x"}},
    }
    assert store.get("acme") == {"api_token": TOKEN}
    assert store.delete("acme") is True
    assert store.delete("acme") is False
    assert store.get("acme") is None
    assert keyring.get_password(SERVICE, "acme") is None
    assert "insecure" in store.describe("other")


def test_file_store_reports_a_broken_file_and_keeps_it(config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    path = config_dir / "secrets.yaml"
    path.write_text("secrets:\n  acme: {api_token: [\n")
    before = path.read_bytes()
    store = FileSecretStore(config_dir)
    with pytest.raises(ConfigFileError, match="line"):
        store.set("other", {"api_token": TOKEN})
    assert path.read_bytes() == before
