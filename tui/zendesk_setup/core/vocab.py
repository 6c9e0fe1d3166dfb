"""The product's words as types: auth types, client kinds, secret storage, wizard steps, and the API-token end."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class AuthType(StrEnum):
    """How a profile signs in (the YAML ``auth:`` value)."""

    OAUTH = "oauth"
    API_TOKEN = "api_token"
    CLIENT_CREDENTIALS = "client_credentials"

    @property
    def label(self) -> str:
        """The name shown to a person."""
        return _AUTH_LABELS[self]

    @property
    def uses_client(self) -> bool:
        """True for the OAuth types, which have a client identifier and scopes."""
        return self is not AuthType.API_TOKEN


_AUTH_LABELS = {
    AuthType.OAUTH: "OAuth (browser sign-in)",
    AuthType.API_TOKEN: "API token",
    AuthType.CLIENT_CREDENTIALS: "Client credentials",
}


class ClientKind(StrEnum):
    """An OAuth client's kind: public (PKCE only) or confidential (PKCE and a secret)."""

    PUBLIC = "public"
    CONFIDENTIAL = "confidential"


class Storage(StrEnum):
    """Where a profile's secrets live: the OS keyring, or the explicit plain-text file."""

    KEYRING = "keyring"
    FILE = "file"


class Step(StrEnum):
    """The wizard's steps, in order."""

    AUTH = "auth"
    INSTANCE = "instance"
    CREDENTIALS = "credentials"
    SCOPES = "scopes"
    CONSENT = "consent"
    REVIEW = "review"

    @property
    def title(self) -> str:
        """The step's heading."""
        return _STEP_TITLES[self]


_STEP_TITLES = {
    Step.AUTH: "Auth type",
    Step.INSTANCE: "Instance",
    Step.CREDENTIALS: "Credentials",
    Step.SCOPES: "Scopes",
    Step.CONSENT: "Consent",
    Step.REVIEW: "Check and save",
}

API_TOKEN_NO_NEW = date(2026, 10, 27)
API_TOKEN_SHUTOFF = date(2027, 4, 30)
API_TOKENS_PAGE = "Admin Center > Apps and integrations > APIs > API tokens"
MIGRATION_SCOPES = ("read", "write")  # what an API token could do


def api_token_days_left(today: date) -> int:
    """Days from ``today`` until Zendesk switches API tokens off (never below zero)."""
    return max(0, (API_TOKEN_SHUTOFF - today).days)


def api_token_notice(today: date) -> str:
    """The retirement notice shown beside the API-token choice."""
    days = api_token_days_left(today)
    if days == 0:
        return f"Zendesk switched API tokens off on {API_TOKEN_SHUTOFF.isoformat()}; use OAuth."
    return f"Zendesk switches API tokens off on {API_TOKEN_SHUTOFF.isoformat()} — {days} days left."


def api_token_help() -> str:
    """One sentence on the end of API tokens, for help texts and notes."""
    return (
        f"Zendesk creates no new API tokens since {API_TOKEN_NO_NEW.isoformat()} and switches every "
        f"token off on {API_TOKEN_SHUTOFF.isoformat()}."
    )
