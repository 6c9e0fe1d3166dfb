"""Test shorthands over the credentials service: write, rename and remove a profile with its secrets."""

from __future__ import annotations

from typing import Any

from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import SecretStore
from zendesk_setup.core.service import CredentialsService


def save_profile(
    store: ProfileStore, profile: Profile, fields: dict[str, Any], *, make_default: bool = False
) -> SecretStore:
    """Store ``fields`` as the profile's secrets and the profile itself, as a save of the service does."""
    return CredentialsService(store.config_dir).write_profile(profile, fields, make_default=make_default)


def remove_profile(store: ProfileStore, name: str) -> tuple[Profile, bool]:
    """Remove a profile and its secrets."""
    return CredentialsService(store.config_dir).remove(name)


def rename_profile(store: ProfileStore, old: str, new: str) -> Profile:
    """Rename a profile and move its secrets."""
    return CredentialsService(store.config_dir).rename(old, new)
