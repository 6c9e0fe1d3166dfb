"""A profile joined to its secrets: working Authorization headers, refreshed OAuth tokens, httpx clients."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zendesk_setup.core.errors import KeyringError, OAuthError, ProfileNotFoundError, SetupError, StorageError
from zendesk_setup.core.headers import basic_header
from zendesk_setup.core.locking import refresh_lock, store_lock
from zendesk_setup.core.paths import config_dir as resolve_config_dir
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import Secret, SecretStore, secret_store_for
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.zendesk import Identity

REFRESH_MARGIN = 60.0
Clock = Callable[[], float]
CONSENT_NEEDED = "consent_needed"
NOT_SIGNED_IN = "not_signed_in"
REJECTED_REFRESH = "refresh_rejected"
DEAD_TOKEN_FIELDS = ("access_token", "access_expires_at")


def consent_again_hint(name: str) -> str:
    """The way back for an OAuth profile whose tokens no longer work."""
    return f"Run `zendesk-setup login {name}` to consent again (or `zendesk-setup edit {name}` to change its settings)."


CONSENT_AGAIN_TUI = "Press e on the profiles screen to sign in again."


def missing_secret_error(profile: Profile, what: str) -> KeyringError:
    """The error for a profile whose secret entry is gone or incomplete."""
    return KeyringError(
        f"The {what} of profile '{profile.name}' is not in its secret store.",
        "Secret missing",
        hint=f"Enter it again with `zendesk-setup edit {profile.name}`.",
        tui_hint="Press e on the profiles screen to enter it again.",
    )


class Session:
    """Turns a profile into credentials: the one place that reads secrets and refreshes tokens."""

    def __init__(
        self,
        profile: Profile,
        secrets: SecretStore,
        config_dir: Path,
        *,
        clock: Clock = time.time,
        http_factory: Callable[[str], httpx.Client] | None = None,
    ) -> None:
        self.profile = profile
        self.secrets = secrets
        self.config_dir = Path(config_dir)
        self.clock = clock
        self._http_factory = http_factory
        self.token_expires_at: float | None = None

    @classmethod
    def for_profile(cls, profile: Profile, config_dir: Path) -> Session:
        """A session on ``profile`` with the secret store its ``storage`` setting names."""
        return cls(profile, secret_store_for(profile.storage, Path(config_dir)), Path(config_dir))

    def http(self) -> httpx.Client:
        """A plain httpx client for this profile's base URL (no auth attached)."""
        if self._http_factory is not None:
            return self._http_factory(self.profile.api_base_url)
        from zendesk_setup.core.zendesk import new_http_client

        return new_http_client(self.profile.api_base_url)

    def fields(self) -> dict[str, Any]:
        """The stored secret fields (an empty dict when there is no entry)."""
        with self.naming_errors():
            return self.secrets.get(self.profile.name) or {}

    def settled_fields(self) -> dict[str, Any]:
        """The stored fields read under the store-wide lock, so no other process is halfway through a write."""
        from zendesk_setup.core.atomic import ensure_private_dir  # tempfile: only on this slower path

        ensure_private_dir(self.config_dir)
        with store_lock(self.config_dir):
            return self.fields()

    @contextmanager
    def naming_errors(self) -> Iterator[None]:
        """Put this profile's name into the ``zendesk-setup edit NAME`` hints of errors raised inside.

        For an OAuth profile, "edit NAME to consent again" becomes ``zendesk-setup login NAME``.
        """
        name = self.profile.name
        try:
            yield
        except SetupError as exc:
            if exc.hint:
                if self.profile.auth == "oauth":
                    exc.hint = exc.hint.replace(
                        "`zendesk-setup edit NAME` to consent again", f"`zendesk-setup login {name}` to consent again"
                    )
                exc.hint = exc.hint.replace("zendesk-setup edit NAME", f"zendesk-setup edit {name}")
            raise

    def token(
        self, *, force_refresh: bool = False, min_ttl: float = REFRESH_MARGIN, rejected: str | None = None
    ) -> str:
        """The bare secret a script sends: the API token, or an OAuth access token valid ``min_ttl`` seconds more.

        ``rejected`` names a token a server just refused: it is refreshed unless another process already did.
        """
        if self.profile.auth == "api_token":
            api_token = self.fields().get("api_token") or self.settled_fields().get("api_token")
            if api_token:
                return str(api_token)
            if not self._follow_migration():
                raise missing_secret_error(self.profile, "API token")
        return self._access_token(force_refresh=force_refresh, min_ttl=min_ttl, rejected=rejected)

    def _follow_migration(self) -> bool:
        """The profile read as an API-token one was moved to OAuth since (``migrate``): go on with the saved one.

        ``migrate`` replaces the secret entry and the YAML in one save under the store lock; a script that read
        the YAML just before it finds OAuth tokens in the entry. True when the saved profile now signs in
        another way, and this session uses it from here on.
        """
        with store_lock(self.config_dir):
            try:
                saved = ProfileStore(self.config_dir).get(self.profile.name)
            except SetupError:
                return False
        if saved.auth == AuthType.API_TOKEN:
            return False
        if saved.storage != self.profile.storage:
            self.secrets = secret_store_for(saved.storage, self.config_dir)
        self.profile = saved
        return True

    def auth_header(
        self, *, force_refresh: bool = False, min_ttl: float = REFRESH_MARGIN, rejected: str | None = None
    ) -> str:
        """The full Authorization header value for this profile."""
        if self.profile.auth == "api_token":
            token = self.token()
            if self.profile.auth == "api_token":  # token() follows a migration that just saved
                return basic_header(self.profile.email or "", token)
        return "Bearer " + self._access_token(force_refresh=force_refresh, min_ttl=min_ttl, rejected=rejected)

    def _access_token(
        self, *, force_refresh: bool, min_ttl: float = REFRESH_MARGIN, rejected: str | None = None
    ) -> str:
        from zendesk_setup.core.oauth import TokenSet

        margin = max(float(min_ttl), 0.0)
        try:
            fields = self.fields()
            self._refuse_rejected(fields)
            current = TokenSet.from_secret_fields(fields)
        except StorageError:
            # A read racing another process's write (file-backed keyrings) is retried under the lock.
            current = None
        if rejected is not None:
            force_refresh = current is None or current.access_token.reveal() == rejected
        if current is not None and not force_refresh and not current.expired(self.clock(), margin):
            self.token_expires_at = current.access_expires_at
            return current.access_token.reveal()
        stale = Secret(rejected) if rejected is not None else (current.access_token if current is not None else None)
        from zendesk_setup.core.atomic import ensure_private_dir

        ensure_private_dir(self.config_dir)
        with refresh_lock(self.config_dir, self.profile.name):
            fields = self.settled_fields()
            self._refuse_rejected(fields)
            current = TokenSet.from_secret_fields(fields)
            still_valid = current is not None and not current.expired(self.clock(), margin)
            if still_valid and (not force_refresh or current.access_token != stale):
                self.token_expires_at = current.access_expires_at
                return current.access_token.reveal()
            try:
                fresh = self._new_tokens(fields, current)
            except OAuthError as exc:
                if exc.kind == "invalid_grant" and self.profile.auth == "oauth" and current is not None:
                    self.record_rejected(current.access_token.reveal())
                raise
            fields.update(fresh.to_secret_fields())
            if fresh.refresh_token is None and self.profile.auth == "oauth" and current is not None:
                fields["refresh_token"] = current.refresh_token.reveal() if current.refresh_token else None
            with store_lock(self.config_dir):
                if self.profile.name not in ProfileStore(self.config_dir).load().profiles:
                    raise ProfileNotFoundError(
                        f"Profile '{self.profile.name}' was removed while its token was being refreshed; "
                        "the new token was not stored."
                    )
                self.secrets.set(self.profile.name, fields)
            self._record_refresh_expiry(fresh)
            self.token_expires_at = fresh.access_expires_at
            return fresh.access_token.reveal()

    def _record_refresh_expiry(self, fresh: Any) -> None:
        """Note in profiles.yaml when the new refresh token expires, for list and the home screen (best effort)."""
        if self.profile.auth != "oauth" or fresh.refresh_token is None:
            return
        moment = datetime.fromtimestamp(fresh.refresh_expires_at, UTC) if fresh.refresh_expires_at else None
        with contextlib.suppress(SetupError, OSError):
            ProfileStore(self.config_dir).record_refresh_expiry(self.profile.name, moment)

    def _refuse_rejected(self, fields: dict[str, Any]) -> None:
        """Raise the way back when Zendesk has rejected this profile's tokens (recorded by ``record_rejected``)."""
        if not fields.get(CONSENT_NEEDED) or self.profile.auth != "oauth":
            return
        raise OAuthError(
            f"Zendesk rejected the OAuth refresh token of profile '{self.profile.name}', so it has no working "
            "token any more.",
            "Consent needed",
            hint=consent_again_hint(self.profile.name),
            tui_hint=CONSENT_AGAIN_TUI,
            kind=CONSENT_NEEDED,
        )

    def record_rejected(self, access_token: str) -> bool:
        """Record in the secret entry that Zendesk rejected the refresh token paired with ``access_token``.

        The dead access token is dropped, so no later call can hand it out, and the entry says a consent is
        needed. Nothing is written when the entry meanwhile holds other tokens (a new consent) or the profile
        is gone. Returns whether it was recorded.
        """
        from zendesk_setup.core.atomic import ensure_private_dir

        ensure_private_dir(self.config_dir)
        with store_lock(self.config_dir):
            if self.profile.name not in ProfileStore(self.config_dir).load().profiles:
                return False
            with self.naming_errors():
                fields = self.secrets.get(self.profile.name) or {}
            if fields.get("access_token") != access_token:
                return False
            for key in DEAD_TOKEN_FIELDS:
                fields.pop(key, None)
            fields[CONSENT_NEEDED] = REJECTED_REFRESH
            self.secrets.set(self.profile.name, fields)
        return True

    def _new_tokens(self, fields: dict[str, Any], current: Any) -> Any:
        from zendesk_setup.core import oauth

        profile = self.profile
        client_secret = fields.get("client_secret")
        with self.http() as http:
            if profile.auth == "client_credentials":
                if not client_secret:
                    raise missing_secret_error(profile, "client secret")
                return oauth.client_credentials_token(
                    http,
                    profile.api_base_url,
                    client_id=profile.client_id or "",
                    client_secret=str(client_secret),
                    scopes=list(profile.scopes),
                    now=self.clock(),
                )
            if current is None:
                raise OAuthError(
                    f"Profile '{profile.name}' is not signed in yet: it has no OAuth token (a copy never has one).",
                    "Not signed in yet",
                    hint=f"Run `zendesk-setup login {profile.name}` to sign in.",
                    tui_hint="Press e to sign in.",
                    kind=NOT_SIGNED_IN,
                )
            refresh_token = current.refresh_token
            if not refresh_token:
                raise OAuthError(
                    f"The OAuth access token of profile '{profile.name}' has expired and cannot be refreshed.",
                    "Consent needed",
                    hint=consent_again_hint(profile.name),
                    tui_hint=CONSENT_AGAIN_TUI,
                    kind="no_refresh_token",
                )
            try:
                return oauth.refresh_tokens(
                    http,
                    profile.api_base_url,
                    client_id=profile.client_id or "",
                    refresh_token=refresh_token.reveal(),
                    client_secret=str(client_secret)
                    if client_secret and profile.client_kind == "confidential"
                    else None,
                    now=self.clock(),
                )
            except OAuthError as exc:
                if exc.kind in (None, "invalid_grant", "invalid_client", "unauthorized_client") or exc.status in (
                    400,
                    401,
                ):
                    raise OAuthError(
                        f"Refreshing the OAuth token of profile '{profile.name}' failed: {exc.message}",
                        "Refresh failed",
                        hint=consent_again_hint(profile.name),
                        tui_hint=CONSENT_AGAIN_TUI,
                        status=exc.status,
                        kind=exc.kind,
                    ) from None
                raise

    def check(self, *, notify: Callable[[str], None] | None = None) -> Identity:
        """Verify against Zendesk who these credentials belong to (refreshing an OAuth token once on 401)."""
        from zendesk_setup.core.zendesk import ZendeskError, fetch_identity

        with self.http() as http, self.naming_errors():
            try:
                return self._identity(http, fetch_identity, notify, force_refresh=False)
            except ZendeskError as exc:
                if self.profile.auth == "api_token" or exc.status != 401:
                    raise
            return self._identity(http, fetch_identity, notify, force_refresh=True)

    def _identity(self, http: httpx.Client, fetch: Any, notify: Any, *, force_refresh: bool) -> Identity:
        header = self.auth_header(force_refresh=force_refresh)
        identity = fetch(http, header, auth=self.profile.auth, notify=notify)
        if self.profile.auth == "api_token":
            return identity
        from zendesk_setup.core import oauth

        granted = tuple(self.fields().get("granted_scopes") or ())
        try:
            info = oauth.current_token_info(http, self.profile.api_base_url, header.removeprefix("Bearer "))
            scopes = info.get("scopes")
            if isinstance(scopes, list):
                granted = tuple(str(s) for s in scopes)
        except SetupError:
            pass
        return replace(identity, scopes=granted or None)

    def revoke(self) -> None:
        """Revoke this profile's OAuth token on Zendesk (refreshing it first if it has expired)."""
        from zendesk_setup.core import oauth

        access_token = self.token()
        with self.http() as http:
            oauth.revoke_token(http, self.profile.api_base_url, access_token)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` with base URL and auth set; OAuth tokens refresh as needed."""
        import httpx

        from zendesk_setup.core.zendesk import DEFAULT_TIMEOUT, USER_AGENT, tls_context

        kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
        kwargs.setdefault("verify", tls_context())
        headers = {"User-Agent": USER_AGENT, **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.profile.api_base_url, auth=_ProfileAuth(self), headers=headers, **kwargs)


def _profile_auth_class() -> type:
    import httpx

    class ProfileAuth(httpx.Auth):
        """Sets the profile's Authorization header; refreshes and retries once on 401 invalid_token."""

        requires_response_body = True

        def __init__(self, session: Session) -> None:
            self.session = session

        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            request.headers["Authorization"] = self.session.auth_header()
            response = yield request
            if response.status_code == 401 and self.session.profile.auth != "api_token":
                sent = request.headers["Authorization"].removeprefix("Bearer ")
                request.headers["Authorization"] = self.session.auth_header(rejected=sent)
                yield request

    return ProfileAuth


def _ProfileAuth(session: Session) -> Any:
    return _profile_auth_class()(session)


class LoadedProfile:
    """What ``load_profile`` returns: a saved profile's settings and working credentials, for scripts.

    Public API: ``name``, ``subdomain``, ``base_url``, ``auth_type``, ``token()``, ``auth_header()``,
    ``client()`` (httpx) and ``requests_auth()`` (requests, for zenpy and friends). Nothing here prints
    or stores a secret; ``repr`` never shows one.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.profile = session.profile
        self.name: str = session.profile.name
        self.subdomain: str = session.profile.subdomain
        self.base_url: str = session.profile.api_base_url
        self.auth_type: AuthType = AuthType(session.profile.auth)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` with base URL and auth set, OAuth refreshed as needed (and once on a 401)."""
        return self.session.client(**kwargs)

    def auth_header(self, *, force_refresh: bool = False, min_ttl: float = REFRESH_MARGIN) -> str:
        """The Authorization header value, for a token valid at least ``min_ttl`` more seconds (OAuth types)."""
        return self.session.auth_header(force_refresh=force_refresh, min_ttl=min_ttl)

    def token(self, *, min_ttl: float = REFRESH_MARGIN, force_refresh: bool = False) -> str:
        """The bare token (OAuth access token valid at least ``min_ttl`` more seconds, or the API token)."""
        return self.session.token(force_refresh=force_refresh, min_ttl=min_ttl)

    def requests_auth(self) -> Any:
        """A ``requests.auth.AuthBase`` that sets the header and, for OAuth types, refreshes once on a 401.

        Use it as ``session.auth``; zenpy takes such a session with ``session.authorized = True``.
        ``requests`` is an optional dependency, imported only here.
        """
        import requests.auth

        loaded = self

        class ProfileRequestsAuth(requests.auth.AuthBase):
            """Sets this profile's Authorization header; one refresh and one retry on a 401 (OAuth types)."""

            def __call__(self, request: Any) -> Any:
                request.headers["Authorization"] = loaded.session.auth_header()
                if loaded.auth_type is not AuthType.API_TOKEN:
                    request.register_hook("response", self._retry_on_401)
                return request

            def _retry_on_401(self, response: Any, **kwargs: Any) -> Any:
                if response.status_code != 401 or getattr(response.request, "_zendesk_setup_retried", False):
                    return response
                sent = str(response.request.headers.get("Authorization", ""))
                retry = response.request.copy()
                retry.headers["Authorization"] = loaded.session.auth_header(rejected=sent.removeprefix("Bearer "))
                retry._zendesk_setup_retried = True
                response.content  # noqa: B018 - read the body so the connection can be reused
                response.close()
                again = response.connection.send(retry, **kwargs)
                again.history.append(response)
                again.request = retry
                return again

            def __repr__(self) -> str:
                return f"ProfileRequestsAuth({loaded.name!r})"

        return ProfileRequestsAuth()

    def __repr__(self) -> str:
        return f"LoadedProfile(name={self.name!r}, base_url={self.base_url!r}, auth={self.profile.auth!r})"


def open_session(name: str | None = None, *, config_dir: str | Path | None = None) -> Session:
    """Resolve a profile (by name, ``$ZENDESK_SETUP_PROFILE`` or default) and attach its secret store."""
    folder = resolve_config_dir(config_dir)
    return Session.for_profile(ProfileStore(folder).resolve(name), folder)


def load_profile(name: str | None = None, *, config_dir: str | Path | None = None) -> LoadedProfile:
    """Load a saved profile for use from Python; ``None`` means the default profile."""
    return LoadedProfile(open_session(name, config_dir=config_dir))


__all__ = ["LoadedProfile", "Session", "StorageError", "load_profile", "open_session"]
