"""Operations that touch both stores (profiles.yaml and secrets) so neither is left half-done."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zendesk_setup.core.errors import InputError, SetupError, StorageError
from zendesk_setup.core.profiles import CheckRecord, Profile, ProfileStore, validate_profile_name
from zendesk_setup.core.secrets import SecretStore, secret_store_for

TOKEN_FIELDS = ("access_token", "refresh_token", "access_expires_at", "refresh_expires_at", "granted_scopes")


def check_record(identity: Any | None = None, error: SetupError | None = None) -> CheckRecord:
    """A CheckRecord for a successful identity or a failure."""
    now = datetime.now(UTC).replace(microsecond=0)
    if identity is not None:
        return CheckRecord(at=now, ok=True, user=identity.name, role=identity.role)
    return CheckRecord(at=now, ok=False, message=error.message if error else None)


def save_profile(
    store: ProfileStore,
    profile: Profile,
    secret_fields: dict[str, Any] | None,
    *,
    make_default: bool = False,
    replaces: str | None = None,
    secrets: SecretStore | None = None,
) -> SecretStore:
    """Store secrets first, then the profile; if the profile cannot be written, the secrets are put back.

    ``secret_fields`` None keeps whatever is stored (moving it when the profile was renamed).
    Returns the secret store used, so callers can say where the secrets went.
    """
    profile.validate()
    secrets = secrets or secret_store_for(profile.storage, store.config_dir)
    old_name = replaces or profile.name
    document = store.load()
    if profile.name != old_name and profile.name in document.profiles:
        raise InputError(f"A profile named '{profile.name}' already exists.", field="name")
    if replaces is None and profile.name in document.profiles:
        raise InputError(
            f"A profile named '{profile.name}' already exists.",
            hint=f"Edit it with `zendesk-setup edit {profile.name}` or choose another name.",
            field="name",
        )
    old_store = secrets
    if replaces and replaces in document.profiles and document.profiles[replaces].storage != profile.storage:
        old_store = secret_store_for(document.profiles[replaces].storage, store.config_dir)
    previous_new = secrets.get(profile.name)
    fields = secret_fields
    if fields is None:
        fields = old_store.get(old_name) or {}
    secrets.set(profile.name, fields)
    try:
        store.save(profile, make_default=make_default, replaces=replaces)
    except BaseException:
        with contextlib.suppress(SetupError):
            if previous_new is None:
                secrets.delete(profile.name)
            else:
                secrets.set(profile.name, previous_new)
        raise
    if replaces and (replaces != profile.name or old_store is not secrets):
        with contextlib.suppress(SetupError):
            old_store.delete(replaces)
    return secrets


def remove_profile(store: ProfileStore, name: str) -> tuple[Profile, bool]:
    """Remove a profile and its secrets; returns the profile and whether a secret entry was deleted."""
    profile = store.get(name)
    secrets = secret_store_for(profile.storage, store.config_dir)
    previous = secrets.get(name)
    removed_secret = secrets.delete(name) if previous is not None else False
    try:
        store.remove(name)
    except BaseException:
        if previous is not None:
            with contextlib.suppress(SetupError):
                secrets.set(name, previous)
        raise
    return profile, removed_secret


def rename_profile(store: ProfileStore, old: str, new: str) -> Profile:
    """Rename a profile, moving its secret entry with it."""
    validate_profile_name(new)
    profile = store.get(old)
    if old == new:
        return profile
    if new in store.load().profiles:
        raise InputError(f"A profile named '{new}' already exists.", field="name")
    secrets = secret_store_for(profile.storage, store.config_dir)
    fields = secrets.get(old)
    if fields is not None:
        secrets.set(new, fields)
    try:
        renamed = store.rename(old, new)
    except BaseException:
        if fields is not None:
            with contextlib.suppress(SetupError):
                secrets.delete(new)
        raise
    if fields is not None:
        with contextlib.suppress(SetupError):
            secrets.delete(old)
    return renamed


def duplicate_profile(store: ProfileStore, name: str, new_name: str) -> Profile:
    """Copy a profile's settings and long-lived secrets; OAuth tokens are not shared, as they rotate."""
    validate_profile_name(new_name)
    profile = store.get(name)
    secrets = secret_store_for(profile.storage, store.config_dir)
    fields = {k: v for k, v in (secrets.get(name) or {}).items() if k not in TOKEN_FIELDS}
    copy = replace(profile, name=new_name, checked=None)
    save_profile(store, copy, fields, secrets=secrets)
    return copy


def unique_name(store: ProfileStore, base: str) -> str:
    """``base`` or ``base-2``, ``base-3``… whichever is free."""
    names = set(store.load().profiles)
    if base not in names:
        return base
    for index in range(2, 1000):
        candidate = f"{base[:60]}-{index}"
        if candidate not in names:
            return candidate
    raise StorageError("Too many profiles with the same name.")


def config_paths(config_dir: Path) -> dict[str, str]:
    """Where things are, for messages."""
    from zendesk_setup.core.paths import PROFILES_FILE, SECRETS_FILE

    return {"profiles": str(config_dir / PROFILES_FILE), "secrets_file": str(config_dir / SECRETS_FILE)}
