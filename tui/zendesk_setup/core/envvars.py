"""The variables other Zendesk tools read for a profile: what to set, what to clear, and what no tool can express.

``env`` prints them and ``exec`` runs a command with them, so both follow the same rules: every Zendesk
variable a consumer might read is either set for this profile or cleared, so switching profiles never leaves
the last one's token behind (zcli reads ``ZENDESK_OAUTH_TOKEN`` before ``ZENDESK_EMAIL``/``ZENDESK_API_TOKEN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.session import REFRESH_MARGIN
from zendesk_setup.core.subdomain import ZENDESK_DOMAIN
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    from zendesk_setup.core.session import Session

# Every variable zendesk-setup sets or clears: the names zcli reads, its client-credentials pair, and ours.
MANAGED_VARIABLES = (
    "ZENDESK_SUBDOMAIN",
    "ZENDESK_DOMAIN",
    "ZENDESK_BASE_URL",
    "ZENDESK_OAUTH_TOKEN",
    "ZENDESK_EMAIL",
    "ZENDESK_API_TOKEN",
    "ZENDESK_PASSWORD",
    "ZENDESK_OAUTH_CLIENT_ID",
    "ZENDESK_OAUTH_CLIENT_SECRET",
)
SECRET_VARIABLES = frozenset(
    {"ZENDESK_OAUTH_TOKEN", "ZENDESK_API_TOKEN", "ZENDESK_PASSWORD", "ZENDESK_OAUTH_CLIENT_SECRET"}
)


@dataclass(frozen=True)
class ProfileVariables:
    """The variables for one profile: those to set (secrets as ``Secret``), those to clear, and a note."""

    values: dict[str, str | Secret]
    cleared: tuple[str, ...]
    note: str | None = None

    def revealed(self) -> dict[str, str]:
        """The variables to set with their real values, for the one place that hands them over."""
        return {name: v.reveal() if isinstance(v, Secret) else v for name, v in self.values.items()}

    def secrets(self) -> list[str]:
        """The values a log must never show (tokens), revealed for masking."""
        return [v.reveal() for v in self.values.values() if isinstance(v, Secret) and v]


def host_variables(subdomain: str, base_url: str) -> tuple[dict[str, str], str | None]:
    """How a consumer learns the profile's host: nothing extra, ``ZENDESK_DOMAIN``, or ``ZENDESK_BASE_URL`` and a note.

    zcli builds ``https://{ZENDESK_SUBDOMAIN}.{ZENDESK_DOMAIN or zendesk.com}`` and has no scheme or port, so
    only a base URL of exactly that shape can be given to it.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    prefix = f"{subdomain}."
    if parts.scheme == "https" and parts.port is None and host.startswith(prefix) and len(host) > len(prefix):
        domain = host[len(prefix) :]
        return ({} if domain == ZENDESK_DOMAIN else {"ZENDESK_DOMAIN": domain}), None
    note = (
        f"Note: the base URL {base_url} cannot be given as ZENDESK_SUBDOMAIN and ZENDESK_DOMAIN, so it is in "
        "ZENDESK_BASE_URL, which zcli, zenpy and python-zendesk-sdk ignore: they would send the token to "
        f"https://{subdomain}.{ZENDESK_DOMAIN}. Give ZENDESK_BASE_URL to the client yourself "
        "(node-zendesk endpointUri, zenpy ZENPY_FORCE_SCHEME and ZENPY_FORCE_NETLOC) or use `zendesk-setup api`."
    )
    return {"ZENDESK_BASE_URL": base_url}, note


def profile_variables(
    session: Session, *, min_ttl: float = REFRESH_MARGIN, force_refresh: bool = False
) -> ProfileVariables:
    """The variables for the session's profile, with a token valid at least ``min_ttl`` more seconds."""
    profile = session.profile
    values: dict[str, str | Secret] = {"ZENDESK_SUBDOMAIN": profile.subdomain}
    hosts, note = host_variables(profile.subdomain, profile.api_base_url)
    values.update(hosts)
    token = Secret(session.token(min_ttl=min_ttl, force_refresh=force_refresh))
    if profile.auth == AuthType.API_TOKEN:
        values["ZENDESK_EMAIL"] = profile.email or ""
        values["ZENDESK_API_TOKEN"] = token
    else:
        values["ZENDESK_OAUTH_TOKEN"] = token
    cleared = tuple(name for name in MANAGED_VARIABLES if name not in values)
    return ProfileVariables(values, cleared, note)
