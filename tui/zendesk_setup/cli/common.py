"""What more than one command needs: the profile store, a profile as JSON, the last check, the scope warning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zendesk_setup.core.paths import config_dir as resolve_config_dir
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    from zendesk_setup.cli.streams import IO
    from zendesk_setup.core.session import Session
    from zendesk_setup.core.zendesk import Identity


def profile_store(config_dir: str | None) -> ProfileStore:
    """The profile store in ``config_dir``, or in the folder the environment or platform names."""
    return ProfileStore(resolve_config_dir(config_dir))


def profile_json(profile: Profile, default: str | None) -> dict[str, Any]:
    """A profile's saved settings as JSON data, with its name, whether it is the default and its base URL."""
    from zendesk_setup.core.expiry import profile_expiry, today_utc

    data: dict[str, Any] = {"name": profile.name, "default": profile.name == default}
    data.update(profile.to_yaml())
    data["base_url"] = profile.api_base_url
    expiry = profile_expiry(profile)
    data["expires"] = expiry.to_json(today_utc()) if expiry is not None else None
    return data


def last_check(profile: Profile) -> str:
    """The last check in a few words: ``never checked``, ``ok (who) when``, ``RATE LIMITED when`` or ``FAILED when``."""
    if profile.checked is None:
        return "never checked"
    stamp = profile.checked.at.strftime("%Y-%m-%d %H:%M")
    if profile.checked.ok:
        who = profile.checked.user or "ok"
        return f"ok ({who}) {stamp}"
    if profile.checked.rate_limited:
        return f"RATE LIMITED {stamp}"
    return f"FAILED {stamp}"


def report_signed_in(profile: Profile, identity: Identity, io: IO) -> None:
    """Say who the saved credentials sign in as, and warn when the granted scopes differ."""
    io.print_out(f"Signed in as {identity.describe()}.")
    difference = scope_report(profile, identity)
    if difference:
        io.print_err(difference)


def scope_report(profile: Profile, identity: Identity) -> str | None:
    """A warning when Zendesk granted other scopes than the profile asked for, else None."""
    if profile.auth == AuthType.API_TOKEN or identity.scopes is None:
        return None
    from zendesk_setup.core.oauth import scope_difference

    missing, extra = scope_difference(list(profile.scopes), list(identity.scopes))
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"not granted: {' '.join(missing)}")
    if extra:
        parts.append(f"granted but not requested: {' '.join(extra)}")
    return (
        "Warning: the granted scopes differ from the requested ones ("
        + "; ".join(parts)
        + "). A misspelled or disallowed scope makes calls fail with 403 later."
    )


def warn_short_token(session: Session, min_ttl: float, io: IO) -> None:
    """Say on stderr when the token handed out lives less than ``--min-ttl`` (Zendesk granted a shorter one)."""
    expires_at = session.token_expires_at
    if expires_at is None:
        return
    left = expires_at - session.clock()
    if left < min_ttl:
        io.print_err(
            f"Warning: Zendesk issued a token that lives {max(left, 0):.0f} s, less than the {min_ttl:.0f} s asked for."
        )
