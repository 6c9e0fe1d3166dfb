"""Authorization header values, kept free of httpx so ``header`` never loads the HTTP stack."""

from __future__ import annotations

import base64


def basic_header(email: str, api_token: str) -> str:
    """The Authorization header value for an API token: Basic base64(email/token:token)."""
    raw = f"{email}/token:{api_token}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def bearer_header(access_token: str) -> str:
    """The Authorization header value for an OAuth access token."""
    return f"Bearer {access_token}"
