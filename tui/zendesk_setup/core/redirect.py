"""The OAuth redirect: the loopback URL to register, and what comes back (a redirect or a pasted URL or code)."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from zendesk_setup.core.errors import InputError, OAuthError, one_line

DEFAULT_REDIRECT_PORT = 47123
CALLBACK_PATH = "/callback"
CALLBACK_HOST = "127.0.0.1"

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


def redirect_error(error: str, description: str | None) -> OAuthError:
    """The OAuthError for a redirect that carried ``error`` (and maybe a description) instead of a code."""
    shown = one_line(error)[:60]
    message = REDIRECT_ERRORS.get(error, f"Zendesk ended the consent with the error '{shown}'.")
    hint = "Run the command again to retry."
    if error == "access_denied":
        hint = "Run the command again and choose Allow to grant access."
    elif description and one_line(description):
        hint = f"Zendesk said: {one_line(description)[:200]}"
    return OAuthError(message, "Consent failed", hint=hint, kind=error[:60])


def parse_pasted_redirect(text: str, state: str) -> str:
    """The code from a pasted redirected URL, a ``code=…&state=…`` query or a bare code; checks state when present."""
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
        raise redirect_error(error, (params.get("error_description") or [None])[0])
    code = (params.get("code") or [""])[0].strip()
    if not looks_like_code(code):
        raise InputError("The code in the pasted URL is empty or malformed.", field="code")
    return code


def looks_like_code(value: str) -> bool:
    """True when ``value`` could be an authorisation code (URL-safe characters, sane length)."""
    return 4 <= len(value) <= 2048 and all((c.isascii() and c.isalnum()) or c in "-._~+/=" for c in value)
