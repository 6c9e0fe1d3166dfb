"""What will stop a profile working, and when: the API-token shut-off, the refresh token's end, a client secret.

Read from profiles.yaml alone (the refresh token's expiry is recorded there, never the token), so ``list`` and the
home screen can show it for every profile without touching the keyring.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF, AuthType

if TYPE_CHECKING:
    from zendesk_setup.core.profiles import Profile


@dataclass(frozen=True)
class Expiry:
    """One thing that will stop a profile working: ``what`` ends ``on`` that day (None: it does not expire)."""

    what: str
    on: date | None
    note: str

    def days_left(self, today: date) -> int | None:
        """Whole days from ``today`` until it ends (0 once it has), or None when it does not expire."""
        return None if self.on is None else max(0, (self.on - today).days)

    def short(self, today: date) -> str:
        """A few words for a table cell: ``API token off 2027-04-30 (150 d)``."""
        if self.on is None:
            return self.what
        days = self.days_left(today)
        when = "ENDED" if days == 0 else f"{days} d"
        return f"{self.what} {self.on.isoformat()} ({when})"

    def to_json(self, today: date) -> dict[str, Any]:
        """The expiry as JSON data."""
        return {
            "what": self.what,
            "on": self.on.isoformat() if self.on else None,
            "days_left": self.days_left(today),
            "note": self.note,
        }


def expiry_cell(profile: Profile, today: date) -> str:
    """What ends ``profile`` and when, in a few words for a table (``-`` when nothing known ends it)."""
    if profile.auth == AuthType.API_TOKEN:
        return _shutoff_cell(today)
    if profile.auth == AuthType.OAUTH and profile.refresh_expires is not None:
        expiry = profile_expiry(profile)
        return expiry.short(today) if expiry is not None else "-"
    return "-"


@functools.lru_cache(maxsize=2)
def _shutoff_cell(today: date) -> str:
    """The API-token cell, the same for every API-token profile on one day."""
    return Expiry("API token off", API_TOKEN_SHUTOFF, "").short(today)


def today_utc() -> date:
    """Today's date in UTC (the dates Zendesk announces)."""
    return datetime.now(UTC).date()


def profile_expiry(profile: Profile) -> Expiry | None:
    """What will stop ``profile`` working first, or None when nothing known will."""
    if profile.auth == AuthType.API_TOKEN:
        return Expiry(
            "API token off",
            API_TOKEN_SHUTOFF,
            f"Zendesk switches every API token off on {API_TOKEN_SHUTOFF.isoformat()}; "
            f"run `zendesk-setup migrate {profile.name}` to move it to OAuth.",
        )
    if profile.auth == AuthType.OAUTH and profile.refresh_expires is not None:
        return Expiry(
            "sign-in until",
            profile.refresh_expires.astimezone(UTC).date(),
            "The refresh token ends then unless the profile is used before (each refresh renews it); after that "
            f"`zendesk-setup login {profile.name}` signs in again.",
        )
    if profile.auth == AuthType.CLIENT_CREDENTIALS or profile.client_kind == "confidential":
        made = "created by zendesk-setup" if profile.created_client is not None else "from Admin Center"
        return Expiry(
            "secret never expires",
            None,
            f"The client secret ({made}) works until it is rotated: `zendesk-setup rotate {profile.name} "
            "--using ADMIN`.",
        )
    return None
