"""A Secret Service race (an item another process deleted mid-search) is tried again, not reported as a refusal."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.backend
import pytest

from zendesk_setup.core.errors import KeyringError
from zendesk_setup.core.secrets import KeyringSecretStore


class ItemNotFoundException(Exception):
    """What secretstorage raises when gnome-keyring loses an item to another process mid-call."""


class RacyKeyring(keyring.backend.KeyringBackend):
    """A keyring whose first ``failures`` writes meet the daemon's race."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.writes = 0
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.writes += 1
        if self.writes <= self.failures:
            raise ItemNotFoundException("No such item")
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def racy() -> Iterator[type[RacyKeyring]]:
    previous = keyring.get_keyring()
    yield RacyKeyring
    keyring.set_keyring(previous)


def test_a_write_that_meets_the_race_once_is_tried_again_and_lands(racy: type[RacyKeyring]) -> None:
    backend = racy(failures=1)
    keyring.set_keyring(backend)
    store = KeyringSecretStore()
    store.set("acme", {"api_token": "tok"})
    assert store.get("acme") == {"api_token": "tok"}
    assert backend.writes == 2


def test_a_race_that_does_not_end_is_reported_in_words(racy: type[RacyKeyring]) -> None:
    backend = racy(failures=100)
    keyring.set_keyring(backend)
    with pytest.raises(KeyringError, match=r"refused to store a secret \(ItemNotFoundException\)"):
        KeyringSecretStore().set("acme", {"api_token": "tok"})
    assert backend.writes == 3
