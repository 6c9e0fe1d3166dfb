"""OAuth 2.0 for Zendesk: PKCE, the authorisation URL, the loopback callback, and the token endpoint."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode

from zendesk_setup.core.errors import InputError, OAuthError, SetupError, one_line

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.oauth_callback import CallbackHTTPServer
    from zendesk_setup.core.scopes import validate_scopes

DEFAULT_REDIRECT_PORT = 47123
CALLBACK_PATH = "/callback"
CALLBACK_HOST = "127.0.0.1"
CONNECTION_TIMEOUT = 5.0
MAX_REQUEST_LINE = 8192
MAX_HEADERS = 64

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
        "Zendesk refused the requested scopes: the client is not allowed some of them.",
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

REDIRECT_ERRORS: dict[str, str] = {
    "access_denied": "The consent was denied in the browser, so no token was issued.",
    "invalid_scope": "Zendesk refused the requested scopes for this client.",
    "invalid_request": "Zendesk found the authorisation request malformed (often a redirect URL not registered).",
    "unauthorized_client": "This OAuth client may not use the authorisation code grant.",
    "server_error": "Zendesk had a problem during the consent.",
}


def redirect_uri_for(port: int) -> str:
    """The loopback redirect URL to register on the OAuth client for ``port``."""
    return f"http://{CALLBACK_HOST}:{port}{CALLBACK_PATH}"


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


# The loopback callback -------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em;"><h1>{title}</h1><p>{text}</p></body></html>
"""


def _redirect_error(error: str, description: str | None) -> OAuthError:
    shown = one_line(error)[:60]
    message = REDIRECT_ERRORS.get(error, f"Zendesk ended the consent with the error '{shown}'.")
    hint = "Run the command again to retry."
    if error == "access_denied":
        hint = "Run the command again and choose Allow to grant access."
    elif description and one_line(description):
        hint = f"Zendesk said: {one_line(description)[:200]}"
    return OAuthError(message, "Consent failed", hint=hint, kind=error[:60])


class CallbackServer:
    """A one-shot loopback server on 127.0.0.1 that waits for the OAuth redirect with a matching state."""

    def __init__(self, port: int, state: str) -> None:
        self.port = port
        self.state = state
        self._server: CallbackHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def redirect_uri(self) -> str:
        """The redirect URL this server answers on."""
        return redirect_uri_for(self.port)

    def start(self) -> None:
        """Bind 127.0.0.1 on the port and serve in a background thread."""
        if self._server is not None:
            return
        from zendesk_setup.core.oauth_callback import CallbackHTTPServer

        try:
            server = CallbackHTTPServer(self.port, self.state)
        except OSError as exc:
            if exc.errno in (98, 48, 10048) or "in use" in str(exc).lower():
                raise OAuthError(
                    f"Port {self.port} on 127.0.0.1 is busy, so the sign-in redirect cannot be received.",
                    "Port in use",
                    hint=f"Close the program using port {self.port} (another zendesk-setup waiting?), or pick "
                    "another with --port and register its redirect URL on the OAuth client.",
                    kind="port_in_use",
                ) from None
            raise OAuthError(
                f"Cannot listen on 127.0.0.1:{self.port} for the sign-in redirect ({exc.strerror or exc}).",
                "Port unavailable",
                hint="Pick another port with --port and register its redirect URL on the OAuth client.",
                kind="port_unavailable",
            ) from None
        self._server = server
        self.port = server.server_address[1]
        # shutdown() waits for the serve loop to look up; a short poll keeps the hand-over to the exchange quick.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def wait(self, timeout: float) -> str:
        """Block until the redirect arrives and return its code; OAuthError on denial, timeout or cancel."""
        if self._server is None:
            if self._closed:
                raise OAuthError("The sign-in was cancelled or has already finished.", "Cancelled", kind="cancelled")
            self.start()
        server = self._server
        assert server is not None
        try:
            if not server.done.wait(timeout):
                raise OAuthError(
                    f"No sign-in arrived at {self.redirect_uri} within {timeout:.0f} s.",
                    "Timed out",
                    hint="Run the command again; check that the redirect URL is registered on the OAuth client.",
                    kind="timeout",
                )
            server.replied.wait(1.0 if server.error is None or server.error.kind != "cancelled" else 0)
            if server.error is not None:
                raise server.error
            return str(server.code)
        finally:
            self._shutdown()

    def cancel(self) -> None:
        """Free the port; a pending ``wait()`` raises OAuthError(kind="cancelled")."""
        server = self._server
        if server is not None:
            server.settle(
                error=OAuthError("The sign-in was cancelled.", "Cancelled", kind="cancelled"),
            )
        self._shutdown()

    def _shutdown(self) -> None:
        with self._lock:
            self._closed = True
            server, self._server = self._server, None
            thread, self._thread = self._thread, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def __enter__(self) -> CallbackServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def parse_pasted_redirect(text: str, state: str) -> str:
    """The code from a pasted redirected URL, a ``code=…&state=…`` query or a bare code; checks state when present."""
    pasted = text.strip().strip("'\"<>").strip()
    if not pasted:
        raise InputError(
            "Nothing was pasted: paste the redirected URL from the address bar, or the code.", field="code"
        )
    if "?" not in pasted and "=" not in pasted and "://" not in pasted:
        if not _looks_like_code(pasted):
            raise InputError(
                "That does not look like an authorisation code or a redirected URL.",
                hint="Copy the full address the browser shows after you press Allow.",
                field="code",
            )
        return pasted
    query = pasted.split("?", 1)[1] if "?" in pasted else ("" if "://" in pasted else pasted)
    params = parse_qs(query.split("#", 1)[0], keep_blank_values=True)
    if "code" not in params and "error" not in params:
        raise InputError(
            "The pasted text has no authorisation code: paste the whole URL the browser was sent to "
            "(it starts with http://127.0.0.1 and contains code=).",
            field="code",
        )
    pasted_state = (params.get("state") or [None])[0]
    if pasted_state is not None and not secrets.compare_digest(pasted_state.encode(), state.encode()):
        raise OAuthError(
            "The pasted URL belongs to another sign-in attempt (its state does not match).",
            "Sign-in not recognised",
            hint="Paste the URL from the consent you just opened, or start again.",
            kind="state_mismatch",
        )
    error = (params.get("error") or [""])[0]
    if error:
        raise _redirect_error(error, (params.get("error_description") or [None])[0])
    code = (params.get("code") or [""])[0].strip()
    if not _looks_like_code(code):
        raise InputError("The code in the pasted URL is empty or malformed.", field="code")
    return code


def _looks_like_code(value: str) -> bool:
    return 4 <= len(value) <= 2048 and all((c.isascii() and c.isalnum()) or c in "-._~+/=" for c in value)


# Tokens ----------------------------------------------------------------------------------------


def _mask(value: str | None) -> str:
    return "'***'" if value else repr(value)


@dataclass(frozen=True)
class TokenSet:
    """The tokens of one grant with their expiry times (epoch seconds) and the granted scopes."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    access_expires_at: float | None = None
    refresh_expires_at: float | None = None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"TokenSet(access_token={_mask(self.access_token)}, refresh_token={_mask(self.refresh_token)}, "
            f"access_expires_at={self.access_expires_at!r}, refresh_expires_at={self.refresh_expires_at!r}, "
            f"scopes={self.scopes!r})"
        )

    __str__ = __repr__

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
            access_token=str(fields["access_token"]),
            refresh_token=str(refresh) if refresh else None,
            access_expires_at=number("access_expires_at"),
            refresh_expires_at=number("refresh_expires_at"),
            scopes=tuple(str(s) for s in scopes),
        )

    def to_secret_fields(self) -> dict[str, Any]:
        """The fields stored in the profile's keyring entry."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "access_expires_at": self.access_expires_at,
            "refresh_expires_at": self.refresh_expires_at,
            "granted_scopes": list(self.scopes),
        }

    def expired(self, now: float, margin: float = 0.0) -> bool:
        """True when the access token expires within ``margin`` seconds of ``now`` (never, without an expiry)."""
        return self.access_expires_at is not None and now + margin >= self.access_expires_at

    def refresh_expired(self, now: float) -> bool:
        """True when the refresh token is known to have expired."""
        return self.refresh_expires_at is not None and now >= self.refresh_expires_at


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
    return TokenSet(
        access_token=body["access_token"],
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
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
        return OAuthError(message, f"OAuth {code.replace('_', ' ')}", hint=hint, status=status, kind=code)
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
    return _post_token(http, base_url, payload, now, scopes)


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


def __getattr__(name: str) -> Any:
    """Re-export ``validate_scopes`` lazily, so importing this module stays cheap."""
    if name == "validate_scopes":
        from zendesk_setup.core.scopes import validate_scopes

        return validate_scopes
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_REDIRECT_PORT",
    "CallbackServer",
    "Pkce",
    "TokenSet",
    "authorize_url",
    "client_credentials_token",
    "current_token_info",
    "exchange_code",
    "new_pkce",
    "new_state",
    "parse_pasted_redirect",
    "redirect_uri_for",
    "refresh_tokens",
    "revoke_token",
    "s256_challenge",
    "scope_difference",
    "token_error",
    "validate_scopes",
]
