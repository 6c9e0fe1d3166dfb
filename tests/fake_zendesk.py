"""A fake Zendesk (API tokens, OAuth with PKCE, users/me) served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import html
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

try:
    from tests.fake_lists import answer_list
except ImportError:  # run as a script: python tests/fake_zendesk.py
    from fake_lists import answer_list  # type: ignore[no-redef]

CODE_TTL = 120.0
DEFAULT_ACCESS_TTL = 1800
DEFAULT_REFRESH_TTL = 2592000

AUTH_FAILED = {"error": "Couldn't authenticate you"}
INVALID_TOKEN = {
    "error": "invalid_token",
    "error_description": (
        "The access token provided is expired, revoked, malformed or invalid for other reasons."
    ),
}
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": (
        "The provided access grant is invalid, expired, or revoked (e.g. invalid assertion, "
        "expired authorization, etc.) or mismatching authorization code and redirection URI"
    ),
}
INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": (
        "Client authentication failed due to unknown client, no client authentication included, "
        "or unsupported authentication method."
    ),
}
DENIED_DESCRIPTION = "The end-user or authorization server denied the request"
ANONYMOUS_USER = {
    "id": None,
    "url": None,
    "name": "Anonymous user",
    "email": "invalid@example.com",
    "role": "end-user",
    "role_type": None,
    "custom_role_id": None,
    "active": True,
    "suspended": False,
    "verified": False,
    "locale": "en-US",
    "time_zone": "UTC",
    "two_factor_auth_enabled": None,
}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CLIENTS_PATH = re.compile(r"/api/v2/oauth/clients(?:/(?P<id>\d+))?(?P<generate>/generate_secret)?(?:\.json)?")
NOT_ADMIN = {
    "error": "Forbidden",
    "description": "You do not have access to this page. Please contact the account owner of this help desk.",
}


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def s256(verifier: str) -> str:
    """The PKCE S256 challenge for a verifier: base64url(sha256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_loopback_url(url: str) -> bool:
    """True for an absolute http(s) URL whose host is a loopback name or address."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in LOOPBACK_HOSTS


@dataclass
class FakeUser:
    """A Zendesk user of the fake account."""

    id: int
    name: str
    email: str
    role: str = "admin"
    active: bool = True
    verified: bool = True


@dataclass
class FakeClient:
    """A registered OAuth client; ``redirect_uris`` None accepts any loopback URL."""

    numeric_id: int
    identifier: str
    kind: str = "public"
    secret: str | None = None
    redirect_uris: tuple[str, ...] | None = None
    allowed_scopes: frozenset[str] | None = None
    name: str = "zendesk-setup"
    owner_user_id: int = 1001
    legacy: bool = False


@dataclass
class FakeCode:
    """An authorization code waiting to be exchanged."""

    code: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    code_challenge: str | None
    user_id: int
    expires_at: float
    used: bool = False


@dataclass
class FakeToken:
    """An issued OAuth access token (and its refresh token, if any)."""

    id: int
    access_token: str
    refresh_token: str | None
    scopes: tuple[str, ...]
    user_id: int
    client_id: str
    created_at: float
    expires_at: float | None
    refresh_expires_at: float | None
    pkce: bool
    grant_type: str
    used_at: float | None = None
    revoked: bool = False
    refresh_used: bool = False


@dataclass
class Injection:
    """A canned answer for the next ``times`` requests whose path starts with ``prefix``."""

    prefix: str
    status: int | None
    body: bytes
    headers: dict[str, str]
    content_type: str
    times: int | None
    delay: float
    method: str | None = None


@dataclass
class _Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(status: int, payload: Any, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(status, json.dumps(payload).encode(), "application/json; charset=utf-8", headers or {})


def _html_reply(status: int, text: str) -> _Reply:
    return _Reply(status, text.encode(), "text/html; charset=utf-8")


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


class FakeZendesk:
    """A threaded fake of the Zendesk endpoints zendesk-setup uses, on an ephemeral loopback port."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_ttl: int | None = DEFAULT_ACCESS_TTL,
        refresh_ttl: int | None = DEFAULT_REFRESH_TTL,
        auto_consent: str | None = None,
        consent_user_id: int = 1001,
    ) -> None:
        self.host = host
        self.port = port
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.auto_consent = auto_consent
        self.consent_user_id = consent_user_id
        self.clock_offset = 0.0
        self.lock = threading.RLock()
        self.users: dict[int, FakeUser] = {}
        self.api_tokens: dict[str, str | None] = {}
        self.clients: dict[str, FakeClient] = {}
        self.codes: dict[str, FakeCode] = {}
        self.tokens: dict[int, FakeToken] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.injections: list[Injection] = []
        self._refresh_count = 0
        self.clients_created: list[str] = []
        self.secrets_generated = 0
        self._user_ids = itertools.count(1002)
        self._client_ids = itertools.count(360000001)
        self._token_ids = itertools.count(9000001)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.users[1001] = FakeUser(1001, "Ada Admin", "ada@acme.test", "admin")

    # Lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeZendesk:
        """Bind the port and serve in a background thread."""
        handler = type("FakeZendeskHandler", (_Handler,), {"fake": self})
        server = ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True, name="fake-zendesk"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeZendesk:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    # Clock ---------------------------------------------------------------------------------

    def now(self) -> float:
        """The fake's clock: real time plus ``clock_offset``."""
        return time.time() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock forward."""
        with self.lock:
            self.clock_offset += seconds

    def expire_access_tokens(self) -> None:
        """Expire every live access token now, as Zendesk may do early (refresh tokens stay valid)."""
        with self.lock:
            past = self.now() - 1
            for token in self.tokens.values():
                if not token.revoked:
                    token.expires_at = past

    # Seeding -------------------------------------------------------------------------------

    def add_user(
        self, name: str, email: str, role: str = "admin", *, verified: bool = True, active: bool = True
    ) -> int:
        """Add a user and return its id."""
        with self.lock:
            user_id = next(self._user_ids)
            self.users[user_id] = FakeUser(user_id, name, email, role, active, verified)
            return user_id

    def add_api_token(self, token: str, email: str | None = None) -> None:
        """Register an API token, valid with any verified user's email (or only ``email`` if given)."""
        with self.lock:
            self.api_tokens[token] = email

    def remove_api_token(self, token: str) -> None:
        """Deactivate an API token."""
        with self.lock:
            self.api_tokens.pop(token, None)

    def add_client(
        self,
        client_id: str,
        *,
        kind: str = "public",
        secret: str | None = None,
        redirect_uris: Iterable[str] | None = None,
        allowed_scopes: Iterable[str] | None = None,
        name: str = "zendesk-setup",
        owner_user_id: int = 1001,
        legacy: bool = False,
    ) -> int:
        """Register an OAuth client and return its id; ``legacy`` tokens never expire unless asked to."""
        if kind not in ("public", "confidential", "unknown"):
            raise ValueError(f"unknown client kind {kind!r}")
        if kind == "confidential" and not secret:
            raise ValueError("a confidential client needs a secret")
        with self.lock:
            numeric_id = next(self._client_ids)
            self.clients[client_id] = FakeClient(
                numeric_id=numeric_id,
                identifier=client_id,
                kind=kind,
                secret=secret,
                redirect_uris=tuple(redirect_uris) if redirect_uris is not None else None,
                allowed_scopes=frozenset(allowed_scopes) if allowed_scopes is not None else None,
                name=name,
                owner_user_id=owner_user_id,
                legacy=legacy,
            )
            return numeric_id

    # Fault injection -----------------------------------------------------------------------

    def inject(
        self,
        path_prefix: str,
        status: int | None,
        *,
        body: bytes | str | dict[str, Any] | list[Any] = b"",
        headers: dict[str, str] | None = None,
        times: int | None = 1,
        delay: float = 0.0,
        content_type: str = "application/json",
        method: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (None: all) under ``path_prefix`` with a canned reply.

        With ``status`` None the request is only delayed and then handled normally.
        """
        if isinstance(body, dict | list):
            raw = json.dumps(body).encode()
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = body
        with self.lock:
            self.injections.append(
                Injection(path_prefix, status, raw, dict(headers or {}), content_type, times, delay, method)
            )

    def clear_injections(self) -> None:
        """Drop every pending injection."""
        with self.lock:
            self.injections.clear()

    def _take_injection(self, method: str, path: str) -> Injection | None:
        with self.lock:
            for injection in self.injections:
                if not path.startswith(injection.prefix):
                    continue
                if injection.method and injection.method.upper() != method:
                    continue
                if injection.times is not None:
                    injection.times -= 1
                    if injection.times <= 0:
                        self.injections.remove(injection)
                return injection
        return None

    # Observability -------------------------------------------------------------------------

    @property
    def refresh_count(self) -> int:
        """How many refresh_token grants succeeded."""
        return self._refresh_count

    def live_access_tokens(self) -> list[str]:
        """Access tokens that are neither revoked nor expired."""
        with self.lock:
            now = self.now()
            return [t.access_token for t in self.tokens.values() if self._alive(t, now)]

    def live_refresh_tokens(self) -> list[str]:
        """Refresh tokens that could still be used."""
        with self.lock:
            now = self.now()
            return [
                t.refresh_token
                for t in self.tokens.values()
                if t.refresh_token and self._refresh_alive(t, now)
            ]

    def token_record(self, access_token: str) -> FakeToken | None:
        """The record behind an access token, live or not."""
        with self.lock:
            for token in self.tokens.values():
                if token.access_token == access_token:
                    return token
        return None

    # Token bookkeeping ---------------------------------------------------------------------

    @staticmethod
    def _alive(token: FakeToken, now: float) -> bool:
        return not token.revoked and (token.expires_at is None or token.expires_at > now)

    @staticmethod
    def _refresh_alive(token: FakeToken, now: float) -> bool:
        return (
            token.refresh_token is not None
            and not token.revoked
            and not token.refresh_used
            and (token.refresh_expires_at is None or token.refresh_expires_at > now)
        )

    def _issue(
        self,
        client: FakeClient,
        user_id: int,
        scopes: tuple[str, ...],
        *,
        pkce: bool,
        grant_type: str,
        with_refresh: bool,
        expires_in: int | None,
        refresh_expires_in: int | None,
    ) -> FakeToken:
        now = self.now()
        access_ttl = expires_in if expires_in is not None else (None if client.legacy else self.access_ttl)
        if access_ttl is None:
            with_refresh = False
        refresh_ttl = refresh_expires_in if refresh_expires_in is not None else self.refresh_ttl
        token = FakeToken(
            id=next(self._token_ids),
            access_token=secrets.token_hex(32),
            refresh_token=secrets.token_hex(32) if with_refresh else None,
            scopes=scopes,
            user_id=user_id,
            client_id=client.identifier,
            created_at=now,
            expires_at=now + access_ttl if access_ttl is not None else None,
            refresh_expires_at=(now + refresh_ttl if with_refresh and refresh_ttl is not None else None),
            pkce=pkce,
            grant_type=grant_type,
        )
        self.tokens[token.id] = token
        return token

    def _token_body(self, token: FakeToken) -> dict[str, Any]:
        now = self.now()
        body: dict[str, Any] = {
            "access_token": token.access_token,
            "token_type": "bearer",
            "scope": " ".join(token.scopes),
        }
        if token.expires_at is not None:
            body["expires_in"] = round(token.expires_at - now)
        if token.refresh_token is not None:
            body["refresh_token"] = token.refresh_token
            if token.refresh_expires_at is not None:
                body["refresh_token_expires_in"] = round(token.refresh_expires_at - now)
        return body

    def _token_json(self, token: FakeToken) -> dict[str, Any]:
        client = self.clients.get(token.client_id)
        return {
            "id": token.id,
            "token": token.access_token[:10],
            "scopes": list(token.scopes),
            "user_id": token.user_id,
            "client_id": client.numeric_id if client else None,
            "created_at": _iso(token.created_at),
            "expires_at": _iso(token.expires_at),
            "refresh_token": token.refresh_token[:10] if token.refresh_token else None,
            "refresh_token_expires_at": _iso(token.refresh_expires_at),
            "used_at": _iso(token.used_at),
            "url": f"{self.url}/api/v2/oauth/tokens/{token.id}.json",
        }

    def _user_json(self, user: FakeUser) -> dict[str, Any]:
        return {
            "id": user.id,
            "url": f"{self.url}/api/v2/users/{user.id}.json",
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "role_type": None,
            "custom_role_id": None,
            "active": user.active,
            "suspended": False,
            "verified": user.verified,
            "locale": "en-US",
            "time_zone": "Europe/London",
            "two_factor_auth_enabled": False,
            "created_at": "2024-01-02T03:04:05Z",
        }

    # Authentication ------------------------------------------------------------------------

    def _authenticate(self, header: str | None) -> tuple[str, Any]:
        """Classify an Authorization header as none, anonymous, bad_basic, bad_bearer, user or token."""
        if not header:
            return "none", None
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return "anonymous", None
            username, sep, password = decoded.partition(":")
            if not sep or not username.endswith("/token"):
                return "anonymous", None
            email = username[: -len("/token")]
            with self.lock:
                if password not in self.api_tokens:
                    return "bad_basic", None
                bound = self.api_tokens[password]
                if bound is not None and bound.lower() != email.lower():
                    return "bad_basic", None
                for user in self.users.values():
                    if user.email.lower() == email.lower() and user.verified and user.active:
                        return "user", user
            return "bad_basic", None
        if scheme.lower() == "bearer":
            with self.lock:
                now = self.now()
                for token in self.tokens.values():
                    if token.access_token == value:
                        if not self._alive(token, now):
                            return "bad_bearer", None
                        token.used_at = now
                        return "token", token
            return "bad_bearer", None
        return "anonymous", None

    # Request handling ----------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        """Answer one HTTP request (called from the server threads)."""
        with self.lock:
            self.requests.append((method, raw_path, headers, body))
        parts = urlsplit(raw_path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        injection = self._take_injection(method, path)
        if injection is not None:
            if injection.delay:
                time.sleep(injection.delay)
            if injection.status is not None:
                return _Reply(injection.status, injection.body, injection.content_type, injection.headers)
        if path == "/oauth/authorizations/new" and method in ("GET", "POST"):
            params = query if method == "GET" else self._form(headers, body)
            return self._authorize(params)
        if path == "/oauth/authorizations/decide" and method == "POST":
            return self._decide(self._form(headers, body))
        if path == "/oauth/tokens" and method == "POST":
            return self._tokens(headers, body)
        if path.startswith("/api/v2/"):
            return self._api(method, path, headers, body, query)
        return _json_reply(404, {"error": "InvalidEndpoint", "description": "Not found"})

    @staticmethod
    def _form(headers: dict[str, str], body: bytes) -> dict[str, Any]:
        content_type = headers.get("content-type", "")
        text = body.decode("utf-8", "replace")
        if "json" in content_type or text.lstrip().startswith("{"):
            try:
                parsed = json.loads(text or "{}")
            except ValueError:
                return {}
            return parsed if isinstance(parsed, dict) else {}
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}

    # OAuth: authorization ------------------------------------------------------------------

    def _redirect_allowed(self, client: FakeClient, redirect_uri: str) -> bool:
        if client.redirect_uris is None:
            return is_loopback_url(redirect_uri)
        return redirect_uri in client.redirect_uris

    @staticmethod
    def _redirect_with(redirect_uri: str, params: dict[str, str]) -> _Reply:
        parts = urlsplit(redirect_uri)
        extra = urlencode({k: v for k, v in params.items() if v is not None})
        query = f"{parts.query}&{extra}" if parts.query else extra
        location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return _Reply(302, b"", "text/html; charset=utf-8", {"Location": location})

    def _check_authorize(self, params: dict[str, Any]) -> tuple[_Reply | None, FakeClient | None]:
        """Validate authorize parameters: an error reply (HTML page or redirect), or the client."""
        client_id = str(params.get("client_id") or "")
        redirect_uri = str(params.get("redirect_uri") or "")
        state = params.get("state")
        with self.lock:
            client = self.clients.get(client_id)
        if client is None:
            return _html_reply(
                400,
                _page(
                    "Invalid OAuth request",
                    "<h1>Invalid OAuth request</h1><p id='oauth-error'>invalid_client: "
                    f"no OAuth client with the identifier {html.escape(client_id)!s} exists.</p>",
                ),
            ), None
        if not redirect_uri or not self._redirect_allowed(client, redirect_uri):
            return _html_reply(
                400,
                _page(
                    "Invalid OAuth request",
                    "<h1>Invalid OAuth request</h1><p id='oauth-error'>invalid_redirect_uri: the "
                    f"redirect_uri {html.escape(redirect_uri)} is not registered for this client.</p>",
                ),
            ), None

        def fail(error: str, description: str) -> tuple[_Reply, None]:
            return self._redirect_with(
                redirect_uri, {"error": error, "error_description": description, "state": state}
            ), None

        if params.get("response_type") != "code":
            return fail("unsupported_response_type", "The response type is not supported.")
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method")
        if client.kind == "public" and not challenge:
            return fail("invalid_request", "Code challenge is required for public clients.")
        if challenge and method != "S256":
            return fail("invalid_request", "Code challenge method must be S256.")
        if not str(params.get("scope") or "").strip():
            return fail("invalid_request", "The request is missing a required parameter: scope.")
        return None, client

    def _authorize(self, params: dict[str, Any]) -> _Reply:
        error, client = self._check_authorize(params)
        if error is not None or client is None:
            return error or _html_reply(400, "bad request")
        hidden = "".join(
            f"<input type='hidden' name='{html.escape(name)}' value='{html.escape(str(params[name]))}'>"
            for name in (
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method",
            )
            if params.get(name) is not None
        )
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in str(params["scope"]).split())
        with self.lock:
            user = self.users.get(self.consent_user_id)
        who = html.escape(user.email if user else "unknown user")
        script = ""
        if self.auto_consent in ("allow", "deny"):
            script = (
                "<script>window.addEventListener('load', function () {"
                f"document.getElementById('{self.auto_consent}-button').click();"
                "});</script>"
            )
        body = (
            f"<h1>Allow {html.escape(client.name)} to access your Zendesk account?</h1>"
            f"<p>Signed in as {who}.</p><p>It asks for these scopes:</p><ul>{scopes}</ul>"
            "<form id='consent-form' method='post' action='/oauth/authorizations/decide'>"
            f"{hidden}"
            "<button id='allow-button' type='submit' name='decision' value='allow'>Allow</button>"
            "<button id='deny-button' type='submit' name='decision' value='deny'>Deny</button>"
            f"</form>{script}"
        )
        return _html_reply(200, _page("Authorize application", body))

    def _decide(self, params: dict[str, Any]) -> _Reply:
        error, client = self._check_authorize(params)
        if error is not None or client is None:
            return error or _html_reply(400, "bad request")
        redirect_uri = str(params["redirect_uri"])
        state = params.get("state")
        if params.get("decision") != "allow":
            return self._redirect_with(
                redirect_uri,
                {"error": "access_denied", "error_description": DENIED_DESCRIPTION, "state": state},
            )
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = FakeCode(
                code=code,
                client_id=client.identifier,
                redirect_uri=redirect_uri,
                scopes=tuple(str(params["scope"]).split()),
                code_challenge=params.get("code_challenge") or None,
                user_id=self.consent_user_id,
                expires_at=self.now() + CODE_TTL,
            )
        return self._redirect_with(redirect_uri, {"code": code, "state": state})

    def issue_code(
        self,
        client_id: str,
        redirect_uri: str,
        scopes: Iterable[str],
        *,
        code_challenge: str | None = None,
        user_id: int | None = None,
    ) -> str:
        """Create an authorization code directly, as if the user had consented in a browser."""
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = FakeCode(
                code=code,
                client_id=client_id,
                redirect_uri=redirect_uri,
                scopes=tuple(scopes),
                code_challenge=code_challenge,
                user_id=user_id if user_id is not None else self.consent_user_id,
                expires_at=self.now() + CODE_TTL,
            )
        return code

    def consent(self, authorize_url: str, decision: str = "allow") -> str:
        """Play the user on the consent page over HTTP and return the redirect Location (not followed).

        Raises AssertionError when the authorize request is refused without a redirect.
        """
        import urllib.error
        import urllib.request

        class _NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(_NoRedirect)

        def fetch(request: urllib.request.Request) -> tuple[int, str | None, str]:
            try:
                with opener.open(request, timeout=10) as response:
                    return response.status, response.headers.get("Location"), response.read().decode()
            except urllib.error.HTTPError as exc:
                return exc.code, exc.headers.get("Location"), exc.read().decode("utf-8", "replace")

        status, location, page = fetch(urllib.request.Request(authorize_url))
        if location:
            return location
        if status != 200:
            raise AssertionError(f"authorize refused with {status}: {page[:300]}")
        params = {k: v[-1] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        params["decision"] = decision
        status, location, page = fetch(
            urllib.request.Request(
                f"{self.url}/oauth/authorizations/decide",
                data=urlencode(params).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        )
        if not location:
            raise AssertionError(f"decide gave {status} without a redirect: {page[:300]}")
        return location

    # OAuth: tokens -------------------------------------------------------------------------

    @staticmethod
    def _ttl(value: Any) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            return None
        return number if number > 0 else None

    def _scope_error(self, client: FakeClient, scopes: Iterable[str]) -> _Reply | None:
        if client.allowed_scopes is None:
            return None
        bad = [s for s in scopes if s not in client.allowed_scopes]
        if not bad:
            return None
        return _json_reply(
            400,
            {
                "error": "invalid_scope",
                "error_description": "The requested scope is invalid, unknown, or malformed.",
            },
        )

    def _client_secret_ok(self, client: FakeClient, secret: Any) -> bool:
        return (
            client.secret is not None
            and isinstance(secret, str)
            and secrets.compare_digest(secret, client.secret)
        )

    def _tokens(self, headers: dict[str, str], body: bytes) -> _Reply:
        params = self._form(headers, body)
        with self.lock:
            self.token_requests.append(dict(params))
            grant_type = params.get("grant_type")
            client = self.clients.get(str(params.get("client_id") or ""))
            if grant_type not in ("authorization_code", "refresh_token", "client_credentials"):
                return _json_reply(
                    400,
                    {
                        "error": "unsupported_grant_type",
                        "error_description": "The authorization grant type is not supported.",
                    },
                )
            if client is None:
                return _json_reply(401, INVALID_CLIENT)
            secret = params.get("client_secret")
            if secret is not None and not self._client_secret_ok(client, secret):
                return _json_reply(401, INVALID_CLIENT)
            expires_in = self._ttl(params.get("expires_in"))
            refresh_expires_in = self._ttl(params.get("refresh_token_expires_in"))
            if grant_type == "authorization_code":
                return self._grant_code(client, params, expires_in, refresh_expires_in)
            if grant_type == "refresh_token":
                return self._grant_refresh(client, params, expires_in, refresh_expires_in)
            return self._grant_client_credentials(client, params, expires_in)

    def _grant_code(
        self, client: FakeClient, params: dict[str, Any], expires_in: int | None, refresh_in: int | None
    ) -> _Reply:
        grant = self.codes.get(str(params.get("code") or ""))
        if (
            grant is None
            or grant.used
            or grant.expires_at <= self.now()
            or grant.client_id != client.identifier
            or grant.redirect_uri != params.get("redirect_uri")
        ):
            return _json_reply(400, INVALID_GRANT)
        verifier = params.get("code_verifier")
        if grant.code_challenge:
            if not isinstance(verifier, str) or not secrets.compare_digest(
                s256(verifier), grant.code_challenge
            ):
                return _json_reply(400, INVALID_GRANT)
        elif client.kind == "public":
            return _json_reply(400, INVALID_GRANT)
        elif not self._client_secret_ok(client, params.get("client_secret")):
            return _json_reply(401, INVALID_CLIENT)
        scope_error = self._scope_error(client, grant.scopes)
        if scope_error is not None:
            return scope_error
        grant.used = True
        token = self._issue(
            client,
            grant.user_id,
            grant.scopes,
            pkce=bool(grant.code_challenge),
            grant_type="authorization_code",
            with_refresh=True,
            expires_in=expires_in,
            refresh_expires_in=refresh_in,
        )
        return _json_reply(201, self._token_body(token))

    def _grant_refresh(
        self, client: FakeClient, params: dict[str, Any], expires_in: int | None, refresh_in: int | None
    ) -> _Reply:
        value = str(params.get("refresh_token") or "")
        now = self.now()
        old = next((t for t in self.tokens.values() if t.refresh_token and t.refresh_token == value), None)
        if old is None or not self._refresh_alive(old, now) or old.client_id != client.identifier:
            return _json_reply(400, INVALID_GRANT)
        if (
            client.kind == "confidential"
            and not old.pkce
            and not self._client_secret_ok(client, params.get("client_secret"))
        ):
            return _json_reply(401, INVALID_CLIENT)
        scopes = old.scopes
        if params.get("scope"):
            asked = tuple(str(params["scope"]).split())
            if any(s not in old.scopes for s in asked):
                return _json_reply(
                    400,
                    {
                        "error": "invalid_scope",
                        "error_description": "The requested scope is invalid, unknown, or malformed.",
                    },
                )
            scopes = asked
        old.revoked = True
        old.refresh_used = True
        token = self._issue(
            client,
            old.user_id,
            scopes,
            pkce=old.pkce,
            grant_type="refresh_token",
            with_refresh=True,
            expires_in=expires_in,
            refresh_expires_in=refresh_in,
        )
        self._refresh_count += 1
        return _json_reply(201, self._token_body(token))

    def _grant_client_credentials(
        self, client: FakeClient, params: dict[str, Any], expires_in: int | None
    ) -> _Reply:
        if client.kind != "confidential":
            return _json_reply(
                400,
                {
                    "error": "invalid_client",
                    "error_description": "Client credentials are only available to confidential clients.",
                },
            )
        if not self._client_secret_ok(client, params.get("client_secret")):
            return _json_reply(401, INVALID_CLIENT)
        scopes = tuple(str(params.get("scope") or "").split())
        if not scopes:
            return _json_reply(
                400,
                {"error": "invalid_request", "error_description": "The scope parameter is missing."},
            )
        scope_error = self._scope_error(client, scopes)
        if scope_error is not None:
            return scope_error
        token = self._issue(
            client,
            client.owner_user_id,
            scopes,
            pkce=False,
            grant_type="client_credentials",
            with_refresh=False,
            expires_in=expires_in,
            refresh_expires_in=None,
        )
        return _json_reply(201, self._token_body(token))

    # API -----------------------------------------------------------------------------------

    def _api(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b"", query: dict[str, str] | None = None
    ) -> _Reply:
        kind, who = self._authenticate(headers.get("authorization"))
        if kind == "bad_bearer":
            return _json_reply(401, INVALID_TOKEN)
        if kind == "bad_basic":
            return _json_reply(401, AUTH_FAILED)
        with self.lock:
            user = who if kind == "user" else (self.users.get(who.user_id) if kind == "token" else None)
        if path in ("/api/v2/users/me.json", "/api/v2/users/me") and method == "GET":
            payload = self._user_json(user) if user is not None else dict(ANONYMOUS_USER)
            return _json_reply(200, {"user": payload, "authenticity_token": secrets.token_urlsafe(24)})
        if user is None:
            return _json_reply(401, AUTH_FAILED)
        match = re.fullmatch(r"/api/v2/oauth/tokens/(current|\d+)(?:\.json)?", path)
        if match:
            return self._token_endpoint(method, match.group(1), user, who if kind == "token" else None)
        if kind == "token":
            needed = self._required_scope(method, path)
            if needed and not any(s in who.scopes for s in needed):
                return _json_reply(
                    403,
                    {
                        "error": "Forbidden",
                        "description": f"You are missing the following required scopes: {needed[0]}",
                    },
                )
        clients_match = CLIENTS_PATH.fullmatch(path)
        if clients_match:
            return self._clients_api(method, clients_match, user, body)
        resource = path[len("/api/v2/") :].split("/")[0].removesuffix(".json")
        listed = answer_list(self, method, path, query or {})
        if listed is not None:
            return _Reply(listed[0], listed[1], "application/json; charset=utf-8", listed[2])
        if path == "/api/v2/account/settings.json":
            return _json_reply(200, {"settings": {"branding": {"header_color": "1F73B7"}}})
        if method == "GET":
            return _json_reply(200, {resource: [], "count": 0, "next_page": None})
        if method == "DELETE":
            return _Reply(204)
        return _json_reply(200 if method == "PUT" else 201, {resource: {}})

    # OAuth Clients API ---------------------------------------------------------------------

    def client_by_id(self, numeric_id: int) -> FakeClient | None:
        """The client with this numeric id, or None."""
        with self.lock:
            return next((c for c in self.clients.values() if c.numeric_id == numeric_id), None)

    def _client_json(self, client: FakeClient, *, with_secret: bool = False) -> dict[str, Any]:
        secret = client.secret or ""
        return {
            "id": client.numeric_id,
            "url": f"{self.url}/api/v2/oauth/clients/{client.numeric_id}.json",
            "name": client.name,
            "identifier": client.identifier,
            "kind": client.kind,
            "redirect_uri": list(client.redirect_uris or ()),
            "secret": secret if with_secret else (secret[:9] + "*" * 6 if secret else None),
            "user_id": client.owner_user_id,
            "company": None,
            "description": None,
            "global": False,
            "created_at": "2026-11-30T10:00:00Z",
        }

    @staticmethod
    def _record_invalid(field_name: str, description: str, error: str = "InvalidValue") -> _Reply:
        return _json_reply(
            422,
            {
                "error": "RecordInvalid",
                "description": "Record validation errors",
                "details": {field_name: [{"description": description, "error": error}]},
            },
        )

    @staticmethod
    def _valid_redirect(url: Any) -> bool:
        if not isinstance(url, str):
            return False
        parts = urlsplit(url)
        if parts.scheme == "https":
            return bool(parts.hostname)
        return parts.scheme == "http" and (parts.hostname or "") in ("localhost", "127.0.0.1")

    def _clients_api(self, method: str, match: re.Match[str], user: FakeUser, body: bytes) -> _Reply:
        """GET/POST /oauth/clients, GET/PUT/DELETE /oauth/clients/{id}, PUT .../generate_secret (admins only)."""
        if user.role != "admin":
            return _json_reply(403, NOT_ADMIN)
        numeric = match.group("id")
        generate = bool(match.group("generate"))
        with self.lock:
            if numeric is None:
                if generate:
                    return _json_reply(404, {"error": "InvalidEndpoint", "description": "Not found"})
                if method == "GET":
                    listed = sorted(self.clients.values(), key=lambda c: c.numeric_id)
                    return _json_reply(
                        200,
                        {
                            "clients": [self._client_json(c) for c in listed],
                            "next_page": None,
                            "previous_page": None,
                            "count": len(listed),
                        },
                    )
                if method == "POST":
                    return self._create_client(user, body)
                return _json_reply(405, {"error": "MethodNotAllowed"})
            client = self.client_by_id(int(numeric))
            if client is None:
                return _json_reply(404, {"error": "RecordNotFound", "description": "Not found"})
            if generate:
                if method != "PUT":
                    return _json_reply(405, {"error": "MethodNotAllowed"})
                client.secret = secrets.token_hex(32)
                self.secrets_generated += 1
                return _json_reply(200, {"client": self._client_json(client, with_secret=True)})
            if method == "GET":
                return _json_reply(200, {"client": self._client_json(client)})
            if method == "DELETE":
                del self.clients[client.identifier]
                for token in self.tokens.values():
                    if token.client_id == client.identifier:
                        token.revoked = True
                return _Reply(204)
        return _json_reply(405, {"error": "MethodNotAllowed"})

    def _create_client(self, user: FakeUser, body: bytes) -> _Reply:
        try:
            payload = json.loads(body.decode("utf-8") or "{}")
        except ValueError:
            return _json_reply(400, {"error": "InvalidJSON", "description": "The body is not JSON."})
        data = payload.get("client") if isinstance(payload, dict) else None
        if not isinstance(data, dict):
            return self._record_invalid("client", "client: is required", "BlankValue")
        name = data.get("name")
        identifier = data.get("identifier")
        if not isinstance(name, str) or not name.strip():
            return self._record_invalid("name", "Name: cannot be blank", "BlankValue")
        if not isinstance(identifier, str) or not identifier.strip():
            return self._record_invalid("identifier", "Identifier: cannot be blank", "BlankValue")
        if identifier in self.clients:
            return self._record_invalid("identifier", "Identifier: has already been taken", "DuplicateValue")
        kind = data.get("kind") or "unknown"
        if kind not in ("public", "confidential", "unknown"):
            return self._record_invalid("kind", f"Kind: {kind} is not a valid kind")
        redirect_raw = data.get("redirect_uri") or []
        if isinstance(redirect_raw, str):
            redirect_raw = [redirect_raw]
        if not isinstance(redirect_raw, list) or not all(self._valid_redirect(u) for u in redirect_raw):
            return self._record_invalid(
                "redirect_uri",
                "Redirect URLs: must be absolute https URLs, or http on localhost or 127.0.0.1",
            )
        client = FakeClient(
            numeric_id=next(self._client_ids),
            identifier=identifier,
            kind=kind,
            secret=secrets.token_hex(32),
            redirect_uris=tuple(redirect_raw),
            name=name,
            owner_user_id=user.id,
        )
        self.clients[identifier] = client
        self.clients_created.append(identifier)
        return _json_reply(201, {"client": self._client_json(client, with_secret=True)})

    @staticmethod
    def _required_scope(method: str, path: str) -> list[str]:
        resource = path[len("/api/v2/") :].split("/")[0].removesuffix(".json")
        access = "read" if method in ("GET", "HEAD") else "write"
        return [access, f"{resource}:{access}"]

    def _token_endpoint(self, method: str, which: str, user: FakeUser, bearer: FakeToken | None) -> _Reply:
        with self.lock:
            if which == "current":
                if bearer is None:
                    return _json_reply(404, {"error": "RecordNotFound", "description": "Not found"})
                target = bearer
            else:
                target = self.tokens.get(int(which))
                if target is None or target.revoked:
                    return _json_reply(404, {"error": "RecordNotFound", "description": "Not found"})
                if user.role != "admin" and target.user_id != user.id:
                    return _json_reply(
                        403,
                        {"error": "Forbidden", "description": "You do not have access to this page."},
                    )
            if method == "GET":
                return _json_reply(200, {"token": self._token_json(target)})
            if method == "DELETE":
                target.revoked = True
                return _Reply(204)
        return _json_reply(405, {"error": "MethodNotAllowed"})


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZendesk
    server_version = "FakeZendesk/1.0"
    protocol_version = "HTTP/1.0"
    timeout = 10

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            reply = self.fake.handle(self.command, self.path, headers, body)
        except Exception as exc:
            reply = _json_reply(500, {"error": "InternalError", "description": type(exc).__name__})
        self.send_response(reply.status)
        if reply.body or reply.status not in (204, 304):
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and reply.body:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(reply.body)

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_DELETE = _serve
    do_PATCH = _serve
    do_HEAD = _serve


@contextlib.contextmanager
def running_fake(**kw: Any) -> Iterator[FakeZendesk]:
    """Start a FakeZendesk (keyword arguments go to its constructor) and stop it afterwards."""
    fake = FakeZendesk(**kw)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def main(argv: list[str] | None = None) -> int:
    """Serve a fake Zendesk until Ctrl-C, for manual trials of zendesk-setup."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--api-token", default="fake-api-token-0123456789")
    parser.add_argument("--client-id", default="zendesk-setup-test")
    parser.add_argument("--client-secret", default=None, help="make the client confidential with this secret")
    parser.add_argument("--auto-consent", choices=("allow", "deny"), default=None)
    parser.add_argument("--access-ttl", type=int, default=DEFAULT_ACCESS_TTL)
    args = parser.parse_args(argv)
    fake = FakeZendesk(port=args.port, auto_consent=args.auto_consent, access_ttl=args.access_ttl)
    fake.add_api_token(args.api_token)
    kind = "confidential" if args.client_secret else "public"
    fake.add_client(args.client_id, kind=kind, secret=args.client_secret)
    fake.start()
    print(f"Fake Zendesk serving at {fake.url}")
    print("  admin user:  Ada Admin <ada@acme.test>")
    print(f"  API token:   {args.api_token}  (fake, for manual trials only)")
    print(f"  OAuth client: {args.client_id} ({kind}; any loopback redirect URL accepted)")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
