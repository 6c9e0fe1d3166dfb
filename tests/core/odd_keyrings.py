"""Keyring backends that misbehave on purpose, chosen with PYTHON_KEYRING_BACKEND=tests.core.odd_keyrings.NAME."""

from __future__ import annotations

import os
import threading

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked

RELEASE = threading.Event()


class HungKeyring(KeyringBackend):
    """A keyring that never answers (like a Secret Service waiting on an unseen unlock prompt)."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    def get_password(self, service: str, username: str) -> str | None:
        """Block until released (tests) or for $HUNG_KEYRING_SECONDS (subprocesses)."""
        RELEASE.wait(float(os.environ.get("HUNG_KEYRING_SECONDS", "60")))
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        """Block like get_password."""
        self.get_password(service, username)

    def delete_password(self, service: str, username: str) -> None:
        """Block like get_password."""
        self.get_password(service, username)


class LockedKeyring(KeyringBackend):
    """A keyring that is there but locked."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    def get_password(self, service: str, username: str) -> str | None:
        """Refuse: the collection is locked."""
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = get_password  # type: ignore[assignment]
    delete_password = get_password  # type: ignore[assignment]


class CaseFoldingKeyring(KeyringBackend):
    """The plaintext test keyring, but entry names fold case (as Windows' Credential Manager does)."""

    @properties.classproperty
    def priority(cls) -> float:
        return 1

    def _inner(self) -> KeyringBackend:
        from keyrings.alt.file import PlaintextKeyring

        return PlaintextKeyring()

    def get_password(self, service: str, username: str) -> str | None:
        """The entry whose name equals ``username`` without regard to case."""
        return self._inner().get_password(service, username.casefold())

    def set_password(self, service: str, username: str, password: str) -> None:
        """Store under the case-folded name."""
        self._inner().set_password(service, username.casefold(), password)

    def delete_password(self, service: str, username: str) -> None:
        """Delete the case-folded entry."""
        self._inner().delete_password(service, username.casefold())


class SlowKeyring(CaseFoldingKeyring):
    """The plaintext test keyring taking $SLOW_KEYRING_SECONDS (default 0.3) to store an entry, as a busy D-Bus can."""

    def get_password(self, service: str, username: str) -> str | None:
        """The entry, as stored."""
        return self._inner().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        """Wait (except for zendesk-setup's probe entries), then store."""
        import time

        if not username.startswith("__"):
            time.sleep(float(os.environ.get("SLOW_KEYRING_SECONDS", "0.3")))
        self._inner().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        """Delete the entry."""
        self._inner().delete_password(service, username)
