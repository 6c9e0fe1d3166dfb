"""Secret storage: the OS keyring through ``keyring`` (one entry per profile), or an explicit 0600 file."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from zendesk_setup.core.errors import ConfigFileError, KeyringError
from zendesk_setup.core.locking import file_lock
from zendesk_setup.core.paths import SECRETS_FILE, read_trusted_text
from zendesk_setup.core.vocab import Storage

SERVICE = "zendesk-setup"
KEYRING_TIMEOUT = 3.0
PROBE_ENTRY = "__zendesk-setup-probe__"
TRANSIENT_ERRORS = frozenset({"ItemNotFoundException"})
"""Secret Service errors of a race inside the daemon: an item another process deleted while this call searched
(gnome-keyring, twenty processes adding profiles at once). The call is tried again; set and delete are idempotent."""
TRANSIENT_RETRIES = 2


class _Transient(Exception):
    """A keyring call met a transient race and may be tried again."""
HEADLESS_FIX = (
    "On a desktop, unlock your login keyring. On headless Linux, install gnome-keyring and run "
    "`dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock --components=secrets; "
    "zendesk-setup ...'`. Or pass --insecure-storage to keep secrets in a 0600 file instead."
)
HEADLESS_FIX_TUI = HEADLESS_FIX.removesuffix(" Or pass --insecure-storage to keep secrets in a 0600 file instead.")

T = TypeVar("T")


class Secret:
    """A secret string whose ``repr`` and ``str`` are masked; ``reveal()`` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    def __str__(self) -> str:
        return "********"

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))


def entry_name(profile_name: str) -> str:
    """The keyring user name for a profile: the profile name itself (service ``zendesk-setup``)."""
    return profile_name


class SecretStore(Protocol):
    """Where a profile's secrets live: a JSON object of fields per profile."""

    def describe(self, profile_name: str) -> str:
        """Where this profile's secrets are, in words (never the secret)."""
        ...

    def probe(self) -> None:
        """Raise a StorageError now when storing secrets would fail."""
        ...

    def get(self, profile_name: str) -> dict[str, Any] | None:
        """The stored fields, or None when there is no entry."""
        ...

    def set(self, profile_name: str, fields: dict[str, Any]) -> None:
        """Store (replace) the fields of a profile."""
        ...

    def delete(self, profile_name: str) -> bool:
        """Remove a profile's entry; True when there was one."""
        ...

    def get_raw(self, profile_name: str) -> object | None:
        """The entry as stored, unread (so a damaged one can still be moved), or None."""
        ...

    def set_raw(self, profile_name: str, entry: object) -> None:
        """Store an entry that ``get_raw`` returned, unchanged."""
        ...


def _encode(fields: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in fields.items() if v is not None}, sort_keys=True)


def _decode(raw: str | None, profile_name: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise KeyringError(
            f"The keyring entry of profile '{profile_name}' is not in zendesk-setup's format.",
            hint=f"Enter the secret again with `zendesk-setup edit {profile_name}`, or remove the profile.",
            tui_hint="Press e on the profiles screen to enter the secret again, or d to remove the profile.",
        )
    return value


class KeyringSecretStore:
    """Secrets in the OS keyring; every call runs with a timeout so a locked keyring cannot hang us."""

    def __init__(self, service: str = SERVICE, timeout: float = KEYRING_TIMEOUT) -> None:
        self.service = service
        self.timeout = timeout

    def describe(self, profile_name: str) -> str:
        """E.g. ``OS keyring (SecretService Keyring), service zendesk-setup, entry acme``."""
        return f"OS keyring, service '{self.service}', entry '{entry_name(profile_name)}'"

    def _call(self, action: str, fn: Callable[..., T], *args: Any) -> T:
        for _attempt in range(TRANSIENT_RETRIES):
            try:
                return self._call_once(action, fn, *args)
            except _Transient:
                continue
        return self._call_once(action, fn, *args, retry=False)

    def _call_once(self, action: str, fn: Callable[..., T], *args: Any, retry: bool = True) -> T:
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["value"] = fn(*args)
            except BaseException as exc:
                outcome["error"] = exc

        worker = threading.Thread(target=run, name=f"keyring-{action}", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():
            raise KeyringError(
                f"The OS keyring did not answer within {self.timeout:.0f} s while trying to {action}.",
                "Keyring not answering",
                hint="It may be locked and waiting for a password prompt. " + HEADLESS_FIX,
                tui_hint="It may be locked and waiting for a password prompt. " + HEADLESS_FIX_TUI,
            )
        if "error" in outcome:
            if retry and type(outcome["error"]).__name__ in TRANSIENT_ERRORS:
                raise _Transient
            raise self._explain(action, outcome["error"]) from None
        return outcome["value"]

    def _explain(self, action: str, exc: BaseException) -> KeyringError:
        import keyring.errors

        name = type(exc).__name__
        if isinstance(exc, keyring.errors.NoKeyringError):
            return KeyringError(
                "No usable OS keyring was found, so secrets cannot be stored safely.",
                "No keyring",
                hint=HEADLESS_FIX,
                tui_hint=HEADLESS_FIX_TUI,
            )
        if (
            isinstance(exc, FileNotFoundError | ConnectionError)
            or "unable to initialize" in str(exc).lower()
            or name == "SecretServiceNotAvailableException"
        ):
            return KeyringError(
                "No usable OS keyring was found (no Secret Service answers on D-Bus), "
                "so secrets cannot be stored safely.",
                "No keyring",
                hint=HEADLESS_FIX,
                tui_hint=HEADLESS_FIX_TUI,
            )
        if isinstance(exc, keyring.errors.KeyringLocked) or "locked" in str(exc).lower():
            return KeyringError(
                f"The OS keyring is locked, so zendesk-setup could not {action}.",
                "Keyring locked",
                hint="Unlock it (log in to the desktop session) and try again. " + HEADLESS_FIX,
                tui_hint="Unlock it (log in to the desktop session). " + HEADLESS_FIX_TUI,
            )
        if isinstance(exc, keyring.errors.InitError) or "dismissed" in str(exc).lower():
            return KeyringError(
                f"The OS keyring could not be opened ({name}), so zendesk-setup could not {action}.",
                "Keyring unavailable",
                hint=HEADLESS_FIX,
                tui_hint=HEADLESS_FIX_TUI,
            )
        return KeyringError(
            f"The OS keyring refused to {action} ({name}).",
            "Keyring error",
            hint=HEADLESS_FIX,
            tui_hint=HEADLESS_FIX_TUI,
        )

    def probe(self) -> None:
        """Write and delete a probe entry, so a missing or locked keyring is found before any work."""
        import keyring

        backend = self._call("open the keyring", keyring.get_keyring)
        if type(backend).__module__.startswith("keyring.backends.fail") or getattr(backend, "priority", 1) <= 0:
            raise self._explain("open the keyring", keyring.errors.NoKeyringError())
        import secrets

        # A name of its own per probe: two processes probing at once must not delete each other's entry.
        entry = f"{PROBE_ENTRY}-{os.getpid()}-{secrets.token_hex(4)}"
        self._call("store a secret", keyring.set_password, self.service, entry, "probe")
        self._call("delete a secret", keyring.delete_password, self.service, entry)

    def get(self, profile_name: str) -> dict[str, Any] | None:
        """The profile's fields from the keyring, or None."""

        return _decode(self.get_raw(profile_name), profile_name)

    def get_raw(self, profile_name: str) -> str | None:
        """The entry's text as the keyring holds it, or None."""
        import keyring

        return self._call("read a secret", keyring.get_password, self.service, entry_name(profile_name))

    def set_raw(self, profile_name: str, entry: object) -> None:
        """Store entry text that ``get_raw`` returned."""
        import keyring

        self._call("store a secret", keyring.set_password, self.service, entry_name(profile_name), str(entry))

    def set(self, profile_name: str, fields: dict[str, Any]) -> None:
        """Replace the profile's entry in the keyring."""
        import keyring

        self._call("store a secret", keyring.set_password, self.service, entry_name(profile_name), _encode(fields))

    def delete(self, profile_name: str) -> bool:
        """Remove the profile's entry from the keyring."""
        import keyring
        import keyring.errors

        def delete_quietly(service: str, name: str) -> bool:
            try:
                keyring.delete_password(service, name)
            except keyring.errors.PasswordDeleteError:
                return False
            return True

        return self._call("delete a secret", delete_quietly, self.service, entry_name(profile_name))


class FileSecretStore:
    """The explicit ``--insecure-storage`` choice: secrets.yaml (0600) beside profiles.yaml."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = Path(config_dir)
        self.path = self.config_dir / SECRETS_FILE

    def describe(self, profile_name: str) -> str:
        """Where the secrets are, with the warning that the file is plain text."""
        return f"plain-text file {self.path} (mode 0600, insecure storage), key '{profile_name}'"

    def probe(self) -> None:
        """A file store works whenever the folder is writable; that is checked on write."""

    def _load(self) -> dict[str, Any]:
        import yaml

        from zendesk_setup.core import fastyaml

        text = read_trusted_text(self.path, self.config_dir)
        if text is None:
            return {}
        try:
            data = fastyaml.load_bounded(text, getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            # Only our own wording is quoted: a parser's problem text may carry a character of a secret.
            problem = f": {exc.problem}" if isinstance(exc, fastyaml.ShapeError) else ""
            raise ConfigFileError(
                f"{self.path} cannot be read{where}{problem}.", hint="Fix or move the file."
            ) from None
        secrets = data.get("secrets", {}) if isinstance(data, dict) else None
        if not isinstance(secrets, dict):
            raise ConfigFileError(f"{self.path} is not a valid secrets file.", hint="Fix or move the file.")
        return secrets

    def get(self, profile_name: str) -> dict[str, Any] | None:
        """The profile's fields from secrets.yaml, or None."""
        value = self._load().get(profile_name)
        return dict(value) if isinstance(value, dict) else None

    def get_raw(self, profile_name: str) -> object | None:
        """The profile's entry in secrets.yaml as stored, or None."""
        return self._load().get(profile_name)

    def set_raw(self, profile_name: str, entry: object) -> None:
        """Store an entry that ``get_raw`` returned."""
        self._write(lambda secrets: secrets.__setitem__(profile_name, entry))

    def _write(self, change: Callable[[dict[str, Any]], Any]) -> Any:
        import yaml

        from zendesk_setup.core.atomic import ensure_private_dir, write_private_file

        ensure_private_dir(self.config_dir)
        with file_lock(self.config_dir / (SECRETS_FILE + ".lock")):
            secrets = self._load()
            result = change(secrets)
            text = "# zendesk-setup secrets stored WITHOUT the OS keyring (--insecure-storage).\n" + yaml.safe_dump(
                {"version": 1, "secrets": secrets}, sort_keys=False
            )
            write_private_file(self.path, text)
        return result

    def set(self, profile_name: str, fields: dict[str, Any]) -> None:
        """Replace the profile's entry in secrets.yaml."""
        clean = {k: v for k, v in fields.items() if v is not None}
        self._write(lambda secrets: secrets.__setitem__(profile_name, clean))

    def delete(self, profile_name: str) -> bool:
        """Remove the profile's entry from secrets.yaml."""
        if not self.path.exists():
            return False
        return bool(self._write(lambda secrets: secrets.pop(profile_name, None) is not None))


def secret_store_for(storage: str, config_dir: Path) -> SecretStore:
    """The store a profile's ``storage`` setting names: ``keyring`` (default) or ``file``."""
    if storage == Storage.FILE:
        return FileSecretStore(config_dir)
    return KeyringSecretStore()
