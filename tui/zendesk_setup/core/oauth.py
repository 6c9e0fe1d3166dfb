"""OAuth 2.0 for Zendesk: PKCE, the authorisation URL, the token endpoint, token lookup and revocation."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.secrets import Secret

if TYPE_CHECKING:
    import httpx


TOKEN_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_grant": (
        "Zendesk refused the authorisation code or refresh token: it is wrong, expired, already used, or was "
        "issued for another redirect URL.",
        "Start the consent again; check that the redirect URL registered on the client matches exactly.",
    ),
    "invalid_client": (
        "Zendesk did not recognise the OAuth client or its secret.",
        "Check the client identifier (the Identifier string, not the numeric id) and, for a confidential "
        "client, the secret.",
    ),
    "invalid_scope": (
        "Zendesk refused the requested scopes: the OAuth client's allowed scopes exclude at least "
        "one of them.",
        "Allow the scopes on the OAuth client in Admin Center, or ask for fewer.",
    ),
    "unauthorized_client": (
        "This OAuth client is not allowed to use this grant type.",
        "Client credentials need a confidential client; check the client kind in Admin Center.",
    ),
    "invalid_request": (
        "Zendesk found the token request malformed or missing a parameter.",
        "Check the client identifier, the scopes and the redirect URL.",
    ),
    "unsupported_grant_type": (
        "Zendesk does not support this grant type for the client.",
        "Check the client kind in Admin Center.",
    ),
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Pkce:
    """A PKCE pair: the secret verifier and its S256 challenge."""

    verifier: str = field(repr=False)
    challenge: str


def s256_challenge(verifier: str) -> str:
    """base64url(SHA-256(verifier)) without padding, as RFC 7636 S256 says."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def new_pkce() -> Pkce:
    """A fresh verifier from 32 random bytes (base64url) and its S256 challenge."""
    verifier = _b64url(secrets.token_bytes(32))
    return Pkce(verifier, s256_challenge(verifier))


def new_state() -> str:
    """A fresh random ``state`` value for one consent attempt."""
    return secrets.token_urlsafe(24)


def authorize_url(
    base_url: str,
    *,
    client_id: str,
    redirect_uri: str,
    scopes: list[str] | tuple[str, ...],
    state: str,
    code_challenge: str,
) -> str:
    """The consent URL at ``{base}/oauth/authorizations/new`` with PKCE S256 and ``state``."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    return f"{base_url.rstrip('/')}/oauth/authorizations/new?{urlencode(params, quote_via=quote)}"


# Tokens ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one grant (as masked ``Secret`` values) with their expiry times and the granted scopes.

    Text given for a token becomes a Secret; ``reveal()`` is called only where a token is sent or stored.
    """

    access_token: Secret
    refresh_token: Secret | None = None
    access_expires_at: float | None = None
    refresh_expires_at: float | None = None
    scopes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.access_token, Secret):
            object.__setattr__(self, "access_token", Secret(str(self.access_token)))
        if self.refresh_token is not None and not isinstance(self.refresh_token, Secret):
            object.__setattr__(self, "refresh_token", Secret(str(self.refresh_token)))

    @classmethod
    def from_secret_fields(cls, fields: dict[str, Any] | None) -> TokenSet | None:
        """Rebuild from a keyring entry; None when it holds no access token."""
        if not fields or not fields.get("access_token"):
            return None

        def number(key: str) -> float | None:
            value = fields.get(key)
            if value is None or isinstance(value, bool):
                return None
            try:
                return float(value)
            except (TypeError, ValueError):
                return None

        scopes = fields.get("granted_scopes") or ()
        if isinstance(scopes, str):
            scopes = scopes.split()
        refresh = fields.get("refresh_token")
        return cls(
            access_token=Secret(str(fields["access_token"])),
            refresh_token=Secret(str(refresh)) if refresh else None,
            access_expires_at=number("access_expires_at"),
            refresh_expires_at=number("refresh_expires_at"),
            scopes=tuple(str(s) for s in scopes),
        )

    def to_secret_fields(self) -> dict[str, Any]:
        """The fields stored in the profile's keyring entry."""
        return {
            "access_token": self.access_token.reveal(),
            "refresh_token": self.refresh_token.reveal() if self.refresh_token is not None else None,
            "access_expires_at": self.access_expires_at,
            "refresh_expires_at": self.refresh_expires_at,
            "granted_scopes": list(self.scopes),
        }

    def expired(self, now: float, margin: float = 0.0) -> bool:
        """True when the access token expires within ``margin`` seconds of ``now`` (never, without an expiry)."""
        return self.access_expires_at is not None and now + margin >= self.access_expires_at


PLAIN_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MAX_TOKEN_LENGTH = 4096


def is_plain_token(value: str) -> bool:
    """True for an RFC 6750 bearer token (b64token): nothing in it can run, quote or add a line anywhere."""
    return len(value) <= MAX_TOKEN_LENGTH and PLAIN_TOKEN.fullmatch(value) is not None


def _token_set(body: Any, now: float, requested: list[str] | tuple[str, ...] = ()) -> TokenSet:
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
        raise OAuthError(
            "Zendesk's token endpoint answered without an access token.",
            "Unexpected answer",
            hint="Check the base URL: it may not point at Zendesk.",
            kind="no_access_token",
        )

    def seconds(key: str) -> float | None:
        value = body.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        try:
            return now + float(value)
        except ValueError:
            return None

    scope = body.get("scope")
    if isinstance(scope, str):
        scopes = tuple(scope.split())
    elif isinstance(scope, list):
        scopes = tuple(str(s) for s in scope)
    else:
        scopes = tuple(requested)
    refresh = body.get("refresh_token")
    refresh = refresh if isinstance(refresh, str) and refresh else None
    for value in (body["access_token"], refresh):
        if value is not None and not is_plain_token(value):
            raise OAuthError(
                "Zendesk's token endpoint answered with a token that is not a plain OAuth token (RFC 6750: visible "
                "ASCII without spaces, quotes, '$', backticks or backslashes), so it was refused and not stored.",
                "Token refused",
                hint="Check the base URL: it may not point at Zendesk.",
                kind="bad_token",
            )
    return TokenSet(
        access_token=Secret(body["access_token"]),
        refresh_token=Secret(refresh) if refresh is not None else None,
        access_expires_at=seconds("expires_in"),
        refresh_expires_at=seconds("refresh_token_expires_in"),
        scopes=scopes,
    )


def token_error(response: httpx.Response) -> OAuthError:
    """A plain-words OAuthError for a failed token-endpoint answer (kind = Zendesk's error code)."""
    from zendesk_setup.core.zendesk import error_code, error_text, status_error

    code = error_code(response)
    status = response.status_code
    if code in TOKEN_ERRORS:
        message, hint = TOKEN_ERRORS[code]
        field = "scopes" if code == "invalid_scope" else None
        return OAuthError(message, f"OAuth {code.replace('_', ' ')}", hint=hint, status=status, kind=code, field=field)
    if status == 404:
        return OAuthError(
            "This server has no OAuth token endpoint (404).",
            "Not found (404)",
            hint="Check the subdomain or base URL.",
            field="subdomain",
            status=status,
            kind="not_found",
        )
    if status in (400, 401, 403):
        detail = error_text(response)
        suffix = f": {detail}" if detail else ""
        return OAuthError(
            f"Zendesk refused the token request ({status}){suffix}.".replace("..", "."),
            f"Token request refused ({status})",
            hint="Check the client identifier, secret and scopes.",
            status=status,
            kind=code or "refused",
        )
    return _as_oauth(status_error(response, auth="oauth"))


def _post_token(
    http: httpx.Client,
    base_url: str,
    payload: dict[str, Any],
    now: float | None,
    requested: list[str] | tuple[str, ...] = (),
) -> TokenSet:
    from zendesk_setup.core.zendesk import request

    body = {k: v for k, v in payload.items() if v is not None}
    response = request(
        http,
        "POST",
        f"{base_url.rstrip('/')}/oauth/tokens",
        json=body,
        headers={"Accept": "application/json"},
    )
    if not 200 <= response.status_code < 300:
        raise token_error(response)
    try:
        data = response.json()
    except ValueError:
        raise OAuthError(
            "Zendesk's token endpoint answered with something that is not JSON.",
            "Unexpected answer",
            hint="Check the base URL: it may not point at Zendesk.",
            status=response.status_code,
            kind="not_json",
        ) from None
    return _token_set(data, time.time() if now is None else now, requested)


def exchange_code(
    http: httpx.Client,
    base_url: str,
    *,
    client_id: str,
    code: str,
    code_verifier: str,
    redirect_uri: str,
    scopes: list[str] | tuple[str, ...],
    client_secret: str | None = None,
    now: float | None = None,
) -> TokenSet:
    """Swap an authorisation code for tokens (PKCE verifier, same redirect URI, secret only if confidential)."""
    payload = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
        "scope": " ".join(scopes),
        "client_secret": client_secret or None,
    }
    try:
        return _post_token(http, base_url, payload, now, scopes)
    except OAuthError as error:
        if client_secret and error.kind == "invalid_client":
            raise OAuthError(
                "Zendesk refused the client secret: it is wrong, or it was replaced by a newer one.",
                "Wrong client secret",
                hint="Enter the secret shown when the client was created (or generate a new one in Admin Center).",
                field="client_secret",
                status=error.status,
                kind=error.kind,
            ) from None
        raise


def refresh_tokens(
    http: httpx.Client,
    base_url: str,
    *,
    client_id: str,
    refresh_token: str,
    client_secret: str | None = None,
    now: float | None = None,
) -> TokenSet:
    """Use the refresh token for a new pair; Zendesk rotates it, so the caller must store both at once."""
    payload = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret or None,
    }
    return _post_token(http, base_url, payload, now)


def client_credentials_token(
    http: httpx.Client,
    base_url: str,
    *,
    client_id: str,
    client_secret: str,
    scopes: list[str] | tuple[str, ...],
    now: float | None = None,
) -> TokenSet:
    """A new access token from the client_credentials grant (confidential clients; no refresh token)."""
    payload = {
        "grant_type": "client_credentials",
        "client_id": client_id,
        "client_secret": client_secret,
        "scope": " ".join(scopes),
    }
    return _post_token(http, base_url, payload, now, scopes)


def current_token_info(http: httpx.Client, base_url: str, access_token: str) -> dict[str, Any]:
    """What Zendesk knows of this access token (``/api/v2/oauth/tokens/current.json``): id, scopes, expiry."""
    from zendesk_setup.core.zendesk import bearer_header, request, status_error

    response = request(
        http,
        "GET",
        f"{base_url.rstrip('/')}/api/v2/oauth/tokens/current.json",
        headers={"Authorization": bearer_header(access_token), "Accept": "application/json"},
    )
    if response.status_code != 200:
        raise _as_oauth(status_error(response, auth="oauth"))
    try:
        body = response.json()
    except ValueError:
        body = None
    token = body.get("token") if isinstance(body, dict) else None
    if not isinstance(token, dict):
        raise OAuthError(
            "Zendesk answered the token lookup without token details.",
            "Unexpected answer",
            status=response.status_code,
            kind="not_json",
        )
    return token


def revoke_token(http: httpx.Client, base_url: str, access_token: str) -> None:
    """Revoke the token on Zendesk: find its id through current.json, then DELETE it by id."""
    from zendesk_setup.core.zendesk import bearer_header, request, status_error

    info = current_token_info(http, base_url, access_token)
    token_id = info.get("id")
    if not isinstance(token_id, int) or isinstance(token_id, bool):
        raise OAuthError("Zendesk did not say which token id to revoke.", "Revocation failed", kind="no_token_id")
    response = request(
        http,
        "DELETE",
        f"{base_url.rstrip('/')}/api/v2/oauth/tokens/{token_id}.json",
        headers={"Authorization": bearer_header(access_token), "Accept": "application/json"},
    )
    if response.status_code not in (200, 204):
        raise _as_oauth(status_error(response, auth="oauth"))


def _as_oauth(error: SetupError) -> OAuthError:
    return OAuthError(
        error.message,
        error.title,
        hint=error.hint,
        field=error.field,
        status=getattr(error, "status", None),
        kind=getattr(error, "kind", None),
    )


def scope_difference(
    requested: list[str] | tuple[str, ...], granted: list[str] | tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """The requested scopes Zendesk did not grant, and the granted ones not requested: (missing, extra)."""
    granted_set = set(granted)
    requested_set = set(requested)
    missing = [s for s in requested if s not in granted_set]
    extra = [s for s in granted if s not in requested_set]
    return missing, extra


__all__ = [
    "Pkce",
    "TokenSet",
    "authorize_url",
    "client_credentials_token",
    "current_token_info",
    "exchange_code",
    "new_pkce",
    "new_state",
    "refresh_tokens",
    "revoke_token",
    "s256_challenge",
    "scope_difference",
    "token_error",
]
