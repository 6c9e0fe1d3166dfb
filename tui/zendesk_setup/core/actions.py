"""TEMPORARY shim over core.service for the CLI while it is being split; removed in the same session."""

from __future__ import annotations

from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.service import CredentialsService, check_record


def rename_profile(store: ProfileStore, old: str, new: str) -> Profile:
    """Shim."""
    return CredentialsService(store.config_dir).rename(old, new)


def remove_profile(store: ProfileStore, name: str) -> tuple[Profile, bool]:
    """Shim."""
    return CredentialsService(store.config_dir).remove(name)


__all__ = ["check_record", "remove_profile", "rename_profile"]
