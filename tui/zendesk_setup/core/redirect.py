"""The OAuth redirect: the loopback URL to register, and what comes back (a redirect or a pasted URL or code)."""

from __future__ import annotations

import re
import secrets
from urllib.parse import SplitResult, parse_qs, urlsplit

from zendesk_setup.core.errors import InputError, OAuthError, one_line

DEFAULT_REDIRECT_PORT = 47123
CALLBACK_PATH = "/callback"
CALLBACK_HOST = "127.0.0.1"
LOOPBACK_NETLOC = re.compile(r"127\.0\.0\.1(?::[0-9]{1,5})?")
BARE_CODE = "bare_code"

REDIRECT_ERRORS: dict[str, str] = {
    "access_denied": "The consent was denied in the browser, so no token was issued.",
    "invalid_scope": "Zendesk refused the requested scopes: the OAuth client's allowed scopes "
    "exclude at least one of them.",
    "invalid_request": "Zendesk found the authorisation request malformed (often a redirect URL not registered).",
    "unauthorized_client": "This OAuth client may not use the authorisation code grant.",
    "server_error": "Zendesk had a problem during the consent.",
}


def redirect_uri_for(port: int) -> str:
    """The loopback redirect URL to register on the OAuth client for ``port``."""
    return f"http://{CALLBACK_HOST}:{port}{CALLBACK_PATH}"


def redirect_error(error: str, description: str | None) -> OAuthError:
    """The OAuthError for a redirect that carried ``error`` (and maybe a description) instead of a code."""
    shown = one_line(error)[:60]
    message = REDIRECT_ERRORS.get(error, f"Zendesk ended the consent with the error '{shown}'.")
    hint, tui_hint = "Run the command again to retry.", "Press o to try again."
    if error == "access_denied":
        hint = "Run the command again and choose Allow to grant access."
        tui_hint = "Press o to try again and choose Allow to grant access."
    elif description and one_line(description):
        hint = tui_hint = f"Zendesk said: {one_line(description)[:200]}"
    field = "scopes" if error == "invalid_scope" else None
    return OAuthError(message, "Consent failed", hint=hint, kind=error[:60], tui_hint=tui_hint, field=field)


def parse_pasted_redirect(
    text: str, state: str, *, redirect_uri: str | None = None, allow_bare_code: bool = True
) -> str:
    """The code from a pasted redirected URL, a ``code=…&state=…`` query, or (when allowed) a bare code.

    A URL must be the loopback redirect (``redirect_uri``, else any port of ``http://127.0.0.1/callback``) and
    anything but a bare code must carry exactly this attempt's ``state``.

    Args:
        redirect_uri: the redirect URL of this attempt; a pasted URL naming another scheme, host, port or
            path is refused.
        allow_bare_code: False refuses a bare code with an OAuthError of kind ``bare_code``, so the caller
            can ask for a confirmation (a bare code carries no state binding it to this attempt).
    """
    pasted = text.strip().strip("'\"<>").strip()
    if not pasted:
        raise InputError(
            "Nothing was pasted: paste the redirected URL from the address bar, or the code.", field="code"
        )
    if "?" not in pasted and "=" not in pasted and "://" not in pasted:
        if not looks_like_code(pasted):
            raise InputError(
                "That does not look like an authorisation code or a redirected URL.",
                hint="Copy the full address the browser shows after you press Allow.",
                field="code",
            )
        if not allow_bare_code:
            raise OAuthError(
                "A code pasted on its own carries no proof that it comes from this sign-in.",
                "Confirmation needed",
                hint="Paste the whole redirected URL (it contains state=), or confirm that you copied the code "
                "from the consent you just opened.",
                kind=BARE_CODE,
            )
        return pasted
    query = _pasted_query(pasted, redirect_uri)
    params = parse_qs(query, keep_blank_values=True)
    if "code" not in params and "error" not in params:
        raise InputError(
            "The pasted text has no authorisation code: paste the whole URL the browser was sent to "
            "(it starts with http://127.0.0.1 and contains code=).",
            field="code",
        )
    states = params.get("state") or []
    if not states:
        raise OAuthError(
            "The pasted URL carries no state, so it cannot be matched to this sign-in.",
            "Sign-in not recognised",
            hint="Paste the whole address the browser shows after you press Allow (it contains state=).",
            kind="state_missing",
        )
    if len(states) != 1 or not secrets.compare_digest(states[0].encode(), state.encode()):
        raise OAuthError(
            "The pasted URL belongs to another sign-in attempt (its state does not match).",
            "Sign-in not recognised",
            hint="Paste the URL from the consent you just opened, or start again.",
            kind="state_mismatch",
        )
    error = (params.get("error") or [""])[0]
    if error:
        raise redirect_error(error, (params.get("error_description") or [None])[0])
    codes = params.get("code") or [""]
    code = codes[0].strip()
    if len(codes) != 1 or not looks_like_code(code):
        raise InputError("The code in the pasted URL is empty or malformed.", field="code")
    return code


def _pasted_query(pasted: str, redirect_uri: str | None) -> str:
    """The query of a pasted URL or query string; InputError when it names anything but the loopback redirect."""
    if "://" not in pasted and "?" not in pasted:
        return pasted.split("#", 1)[0]
    where, _, query = pasted.partition("?")
    if where or "://" in pasted:
        try:
            parts = urlsplit(pasted if "://" in pasted else f"http://{pasted}")
        except ValueError:
            parts = None
        if parts is None or not _is_redirect_endpoint(parts, redirect_uri):
            raise InputError(
                "The pasted URL does not lead to this computer's sign-in helper "
                f"({redirect_uri or f'http://{CALLBACK_HOST}:PORT{CALLBACK_PATH}'}), so it was not used.",
                hint="Copy the address the browser shows after you press Allow; it starts with "
                f"http://{CALLBACK_HOST}.",
                field="code",
            )
        return parts.query
    return query.split("#", 1)[0]


def _is_redirect_endpoint(parts: SplitResult, redirect_uri: str | None) -> bool:
    """True when ``parts`` names the loopback redirect: the same scheme, host, port and path, no user info."""
    if redirect_uri is not None:
        expected = urlsplit(redirect_uri)
        return (
            parts.scheme.lower() == expected.scheme
            and parts.netloc.lower() == expected.netloc.lower()
            and parts.path == expected.path
        )
    return (
        parts.scheme.lower() == "http"
        and LOOPBACK_NETLOC.fullmatch(parts.netloc) is not None
        and parts.path == CALLBACK_PATH
    )


def looks_like_code(value: str) -> bool:
    """True when ``value`` could be an authorisation code (URL-safe characters, sane length)."""
    return 4 <= len(value) <= 2048 and all((c.isascii() and c.isalnum()) or c in "-._~+/=" for c in value)
