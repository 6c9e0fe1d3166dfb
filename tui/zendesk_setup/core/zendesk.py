"""Talking to Zendesk over httpx: one request helper that turns every failure into a sentence."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    import ssl

from zendesk_setup.core.errors import ZendeskError, one_line
from zendesk_setup.core.headers import basic_header, bearer_header  # noqa: F401 - re-exported
from zendesk_setup.core.vocab import AuthType

DEFAULT_TIMEOUT = 15.0
DEFAULT_DEADLINE = 60.0
DEADLINE_ENV = "ZENDESK_SETUP_HTTP_DEADLINE"
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_RETRY_AFTER = 60.0
FALLBACK_RETRY_AFTER = 10.0
MAX_RATE_LIMIT_RETRIES = 2
USER_AGENT = "zendesk-setup"

Sleeper = Callable[[float], None]
Notifier = Callable[[str], None]


@dataclass(frozen=True)
class Identity:
    """Who a set of credentials belongs to, as ``/api/v2/users/me.json`` says."""

    user_id: int
    name: str
    email: str | None
    role: str | None
    account_url: str
    scopes: tuple[str, ...] | None = None

    def describe(self) -> str:
        """One line such as ``Ada Admin <ada@acme.test> (admin) on https://acme.zendesk.com``."""
        who = self.name
        if self.email:
            who += f" <{self.email}>"
        if self.role:
            who += f" ({self.role})"
        return f"{who} on {self.account_url}"


@functools.lru_cache(maxsize=4)
def _tls_context_for(cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    return httpx.create_ssl_context()


def tls_context() -> ssl.SSLContext:
    """The verifying TLS context clients share: loading the CA bundle costs tens of ms, so it happens once."""
    return _tls_context_for(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


def new_http_client(base_url: str = "", timeout: float = DEFAULT_TIMEOUT) -> httpx.Client:
    """An httpx client with our timeout and user agent; no redirects are followed."""
    return httpx.Client(
        base_url=base_url,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
        verify=tls_context(),
    )


def error_text(response: httpx.Response) -> str | None:
    """The human part of a Zendesk error body, whatever its shape (string, object or plain text)."""
    try:
        body = response.json()
    except ValueError:
        text = one_line(response.text)
        return text[:200] or None
    if not isinstance(body, dict):
        return None
    error = body.get("error")
    description = body.get("error_description") or body.get("description")
    if isinstance(error, dict):
        description = error.get("message") or error.get("title") or description
        error = error.get("title")
    parts = [one_line(str(p)) for p in (error, description) if p]
    parts = [p for p in parts if p]
    if not parts:
        return None
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        parts = parts[1:]
    return ": ".join(parts)[:300]


def error_code(response: httpx.Response) -> str | None:
    """The machine-readable ``error`` string of a body, if there is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return body["error"]
    return None


def _host(url: httpx.URL | str) -> str:
    parsed = httpx.URL(str(url))
    return parsed.host or str(url)


def _transport_error(exc: httpx.HTTPError, url: str) -> ZendeskError:
    host = _host(url)
    if isinstance(exc, httpx.TimeoutException):
        return ZendeskError(
            f"{host} did not answer in time.",
            "Timed out",
            hint="Check your network connection and try again.",
            kind="timeout",
        )
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, httpx.ConnectError):
        if any(
            s in lowered
            for s in (
                "name or service not known",
                "nodename nor servname",
                "getaddrinfo",
                "name resolution",
                "no address associated",
            )
        ):
            return ZendeskError(
                f"The name {host} could not be found (DNS).",
                "Unknown host",
                hint="Check the subdomain, and that you are online.",
                field="subdomain",
                kind="dns",
            )
        if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
            return ZendeskError(
                f"A secure (TLS) connection to {host} could not be made.",
                "TLS failure",
                hint="A proxy or a wrong base URL may be in the way.",
                kind="tls",
            )
        if "refused" in lowered:
            return ZendeskError(
                f"{host} refused the connection.",
                "Connection refused",
                hint="Check the base URL and that the server is running.",
                kind="refused",
            )
        return ZendeskError(
            f"Could not connect to {host}.",
            "Network problem",
            hint="Check your network connection and try again.",
            kind="network",
        )
    return ZendeskError(
        f"The request to {host} failed ({type(exc).__name__}).",
        "Network problem",
        hint="Check your network connection and try again.",
        kind="network",
    )


class RateLimitWait(str):
    """The rate-limit notice: its text, and the ``seconds`` of the wait, for a front end that counts down."""

    seconds: float

    def __new__(cls, seconds: float) -> RateLimitWait:
        notice = super().__new__(cls, f"Zendesk is rate limiting; waiting {seconds:.0f} s before retrying.")
        notice.seconds = seconds
        return notice


def retry_after_seconds(response: httpx.Response) -> float:
    """Seconds to wait on a 429: ``Retry-After`` when it parses, else a fallback, bounded."""
    value = response.headers.get("Retry-After", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = FALLBACK_RETRY_AFTER
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


def request(
    http: httpx.Client,
    method: str,
    url: str,
    *,
    sleep: Sleeper = time.sleep,
    notify: Notifier | None = None,
    max_retries: int = MAX_RATE_LIMIT_RETRIES,
    **kwargs: Any,
) -> httpx.Response:
    """Send one request; waits out 429 (bounded) and turns transport failures into ZendeskError.

    The response is returned whatever its status otherwise; callers decide what a status means.
    """
    attempt = 0
    while True:
        response = _bounded_request(http, method, url, **kwargs)
        if response.status_code != 429 or attempt >= max_retries:
            return response
        wait = retry_after_seconds(response)
        if notify is not None:
            notify(RateLimitWait(wait))
        sleep(wait)
        attempt += 1


def request_deadline() -> float:
    """Seconds one whole request may take, headers and body together (``$ZENDESK_SETUP_HTTP_DEADLINE``)."""
    try:
        seconds = float(os.environ.get(DEADLINE_ENV, DEFAULT_DEADLINE))
    except ValueError:
        return DEFAULT_DEADLINE
    return seconds if 0 < seconds < float("inf") else DEFAULT_DEADLINE


def _deadline_error(target: str, deadline: float) -> ZendeskError:
    return ZendeskError(
        f"{_host(target)} did not finish answering within {deadline:.0f} s.",
        "Timed out",
        hint="Check your network connection and try again.",
        kind="timeout",
    )


def _bounded_request(http: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request with an overall deadline and a cap on the body read; a server that drips or floods fails."""
    deadline = request_deadline()
    target = str(http.base_url.join(url))
    expired = threading.Event()

    def give_up() -> None:
        # Per-read timeouts cannot stop a server that sends a byte every few seconds: close the connection.
        expired.set()
        with contextlib.suppress(Exception):
            http.close()

    timer = threading.Timer(deadline, give_up)
    timer.daemon = True
    timer.start()
    try:
        with http.stream(method, url, **kwargs) as streamed:
            body = bytearray()
            for chunk in streamed.iter_bytes():
                body += chunk
                if len(body) > MAX_BODY_BYTES:
                    raise ZendeskError(
                        f"{_host(target)} answered with more than {MAX_BODY_BYTES // (1024 * 1024)} MB; "
                        "zendesk-setup stopped reading.",
                        "Answer too large",
                        hint="Check the base URL: it may not point at Zendesk.",
                        kind="too_large",
                    )
            headers = [
                (key, value)
                for key, value in streamed.headers.multi_items()
                if key.lower() not in ("content-encoding", "content-length", "transfer-encoding")
            ]
            return httpx.Response(
                streamed.status_code, headers=headers, content=bytes(body), request=streamed.request
            )
    except httpx.HTTPError as exc:
        if expired.is_set():
            raise _deadline_error(target, deadline) from None
        raise _transport_error(exc, target) from None
    except RuntimeError:  # the client was closed under the request by the deadline
        if not expired.is_set():
            raise
        raise _deadline_error(target, deadline) from None
    finally:
        timer.cancel()


def status_error(response: httpx.Response, *, auth: str = "api_token") -> ZendeskError:
    """One clear sentence for a non-success status from the Zendesk API."""
    status = response.status_code
    detail = error_text(response)
    host = _host(response.request.url) if response.request else "Zendesk"
    if status == 401:
        if auth == AuthType.API_TOKEN:
            return ZendeskError(
                "Zendesk did not accept the email and API token.",
                "Not authenticated (401)",
                hint="Check the email and the token; the token may have been revoked or deactivated.",
                field="credentials",
                status=status,
                kind="unauthorized",
            )
        return ZendeskError(
            "Zendesk did not accept the OAuth access token.",
            "Not authenticated (401)",
            hint="It may have been revoked; run `zendesk-setup edit NAME` to consent again.",
            tui_hint="It may have been revoked; sign in again (e on the profiles screen).",
            field="credentials",
            status=status,
            kind="unauthorized",
        )
    if status == 403:
        message = "Zendesk refused the request (403 Forbidden)."
        if detail:
            message = f"Zendesk refused the request: {detail}."
        return ZendeskError(
            message.replace("..", "."),
            "Forbidden (403)",
            hint="The user's role or the token's scopes do not allow this; add the missing scope and consent again.",
            field="scopes",
            status=status,
            kind="forbidden",
        )
    if status == 404:
        return ZendeskError(
            f"{host} has no such Zendesk endpoint (404).",
            "Not found (404)",
            hint="Check the subdomain: the account may not exist or may have been renamed.",
            field="subdomain",
            status=status,
            kind="not_found",
        )
    if status == 429:
        return ZendeskError(
            "Zendesk is still rate limiting after waiting.",
            "Rate limited (429)",
            hint="Wait a minute and try again.",
            status=status,
            kind="rate_limited",
        )
    if status >= 500:
        return ZendeskError(
            f"Zendesk had a server error ({status}).",
            "Zendesk server error",
            hint="This is on Zendesk's side; try again in a few minutes.",
            status=status,
            kind="server_error",
        )
    suffix = f": {detail}" if detail else ""
    return ZendeskError(
        f"Zendesk answered with an unexpected status {status}{suffix}.",
        f"Unexpected answer ({status})",
        status=status,
        kind="unexpected",
    )


def _server_text(value: Any, limit: int = 200) -> str | None:
    """Text from a server as data: one line, no control or escape characters, bounded; None when empty."""
    if not isinstance(value, str):
        return None
    return one_line(value)[:limit] or None


def fetch_identity(
    http: httpx.Client,
    auth_header: str,
    *,
    auth: str = "api_token",
    sleep: Sleeper = time.sleep,
    notify: Notifier | None = None,
) -> Identity:
    """Check credentials: a 200 from users/me with a non-null ``user.id``, else ZendeskError."""
    response = request(
        http,
        "GET",
        "/api/v2/users/me.json",
        headers={"Authorization": auth_header, "Accept": "application/json"},
        sleep=sleep,
        notify=notify,
    )
    if response.status_code != 200:
        raise status_error(response, auth=auth)
    try:
        body = response.json()
    except ValueError:
        raise ZendeskError(
            "Zendesk answered with something that is not JSON.",
            "Unexpected answer",
            hint="Check the subdomain or base URL: it may not point at Zendesk.",
            field="subdomain",
            kind="not_json",
        ) from None
    user = body.get("user") if isinstance(body, dict) else None
    if not isinstance(user, dict) or not isinstance(user.get("id"), int) or isinstance(user.get("id"), bool):
        raise ZendeskError(
            "Zendesk treated the request as anonymous: the credentials were not used.",
            "Not signed in",
            hint="Check the email and token (or the OAuth token); Zendesk ignores credentials it cannot read.",
            field="credentials",
            status=200,
            kind="anonymous",
        )
    return Identity(
        user_id=user["id"],
        name=_server_text(user.get("name")) or "(no name)",
        email=_server_text(user.get("email")),
        role=_server_text(user.get("role")),
        account_url=str(http.base_url).rstrip("/"),
    )
