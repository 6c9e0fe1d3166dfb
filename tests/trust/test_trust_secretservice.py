"""The secret store and the CLI against a real Secret Service: gnome-keyring over D-Bus, checked with secret-tool."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.trust.conftest import SecretServiceBus, start_secret_service

from zendesk_setup.core.errors import KeyringError
from zendesk_setup.core.secrets import KEYRING_TIMEOUT, PROBE_ENTRY, KeyringSecretStore

pytestmark = pytest.mark.secretservice

# A CLI child needs ~0.5 s to start Python and import keyring; a locked keyring must answer within that.
FAST_FAILURE_BUDGET = 2.5
TIMEOUT_SLACK = 2.5


def unique(prefix: str) -> str:
    """A profile name no other test on the shared keyring uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def add_api_token(cli: Callable[..., object], fake_url: str, name: str, *extra: str) -> object:
    """``zendesk-setup add NAME`` for Ada's API token against the fake."""
    return cli(
        "add", name, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL,
        "--api-token-stdin", "--base-url", fake_url, *extra,
        stdin=API_TOKEN + "\n",
    )  # fmt: skip


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """Run ``fn`` and return its result and wall-clock seconds."""
    start = time.monotonic()
    result = fn()
    return result, time.monotonic() - start


def test_store_set_get_delete_land_in_the_real_secret_service(secret_service: SecretServiceBus) -> None:
    store = KeyringSecretStore()
    name = unique("store")
    fields = {"api_token": "s3cret-in-gnome-keyring", "access_expires_at": 123.0}

    store.probe()
    assert PROBE_ENTRY not in secret_service.search_all(), "the probe entry must not be left behind"

    store.set(name, fields)
    stored = secret_service.lookup(name)
    assert stored is not None, "secret-tool finds no entry after set()"
    assert json.loads(stored) == fields
    assert store.get(name) == fields

    store.set(name, {"api_token": "rotated"})
    assert json.loads(secret_service.lookup(name) or "null") == {"api_token": "rotated"}

    assert store.delete(name) is True
    assert secret_service.lookup(name) is None, "the entry is still in gnome-keyring after delete()"
    assert store.get(name) is None
    assert store.delete(name) is False


def test_cli_add_token_remove_against_the_real_secret_service(
    secret_service: SecretServiceBus, fake, cli, config_dir: Path
) -> None:
    name = unique("acme")

    added = add_api_token(cli, fake.url, name)
    assert added.code == 0, added.err
    stored = secret_service.lookup(name)
    assert stored is not None, "add said it saved, but gnome-keyring has no entry"
    assert json.loads(stored) == {"api_token": API_TOKEN}
    profiles_text = (config_dir / "profiles.yaml").read_text()
    assert name in profiles_text and API_TOKEN not in profiles_text

    token = cli("token", name)
    assert token.code == 0, token.err
    assert token.out.strip() == API_TOKEN

    removed = cli("remove", name, "--yes")
    assert removed.code == 0, removed.err
    assert secret_service.lookup(name) is None, "remove said it removed, but the entry is still in gnome-keyring"
    assert name not in secret_service.search_all()
    assert name not in (config_dir / "profiles.yaml").read_text()

    after = cli("token", name)
    assert after.code == 2 and "no profile" in after.err.lower()


def test_locked_keyring_fails_fast_with_a_clear_message(
    private_secret_service: SecretServiceBus, fake, cli, config_dir: Path
) -> None:
    saved = add_api_token(cli, fake.url, "before-lock")
    assert saved.code == 0, saved.err
    private_secret_service.lock_all()

    token, seconds = timed(lambda: cli("token", "before-lock"))
    assert token.code == 3, token.err
    assert "keyring is locked" in token.err and "Traceback" not in token.err
    assert token.out == ""
    assert seconds < FAST_FAILURE_BUDGET, f"a locked keyring took {seconds:.2f} s to report"

    add, seconds = timed(lambda: add_api_token(cli, fake.url, "after-lock"))
    assert add.code == 3, add.err
    assert "keyring is locked" in add.err and "Traceback" not in add.err
    assert seconds < FAST_FAILURE_BUDGET
    assert "after-lock" not in (config_dir / "profiles.yaml").read_text(), "a profile was saved without its secret"
    assert API_TOKEN not in add.all


def test_keyring_daemon_never_unlocked_fails_fast(monkeypatch: pytest.MonkeyPatch, fake, cli, config_dir) -> None:
    handle = start_secret_service(unlock=False)
    try:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", handle.address)
        monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
        add, seconds = timed(lambda: add_api_token(cli, fake.url, "acme"))
    finally:
        handle.stop()
    assert add.code == 3, add.err
    assert "keyring could not be opened" in add.err and "gnome-keyring" in add.err
    assert "Traceback" not in add.err and API_TOKEN not in add.all
    assert seconds < FAST_FAILURE_BUDGET
    assert not (config_dir / "profiles.yaml").exists()


@pytest.mark.parametrize(
    "bus_address",
    [
        pytest.param("unix:path=/nonexistent/zendesk-setup-bus", id="bus-socket-missing"),
        pytest.param(None, id="no-bus"),
    ],
)
def test_missing_secret_service_fails_fast(
    bus_address: str | None, monkeypatch: pytest.MonkeyPatch, fake, cli, config_dir: Path
) -> None:
    if bus_address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus_address)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.SecretService.Keyring")
    add, seconds = timed(lambda: add_api_token(cli, fake.url, "acme"))
    assert add.code == 3, add.err
    assert "No usable OS keyring" in add.err, add.err
    assert "--insecure-storage" in add.err and "Traceback" not in add.err
    assert seconds < FAST_FAILURE_BUDGET
    assert not (config_dir / "profiles.yaml").exists()


def test_frozen_keyring_daemon_times_out_instead_of_hanging(
    private_secret_service: SecretServiceBus, fake, cli, config_dir: Path
) -> None:
    saved = add_api_token(cli, fake.url, "frozen")
    assert saved.code == 0, saved.err
    pid = private_secret_service.daemon_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        token, seconds = timed(lambda: cli("token", "frozen", timeout=30))
        in_process_error: KeyringError | None = None
        start = time.monotonic()
        try:
            KeyringSecretStore(timeout=1.0).get("frozen")
        except KeyringError as exc:
            in_process_error = exc
        in_process_seconds = time.monotonic() - start
    finally:
        os.kill(pid, signal.SIGCONT)
    assert token.code == 3, token.err
    assert f"did not answer within {KEYRING_TIMEOUT:.0f} s" in token.err and "Traceback" not in token.err
    assert token.out == ""
    assert seconds < KEYRING_TIMEOUT + TIMEOUT_SLACK, f"a frozen keyring held the CLI for {seconds:.2f} s"
    assert in_process_error is not None and "did not answer" in in_process_error.message
    assert 0.9 <= in_process_seconds < 1.5
