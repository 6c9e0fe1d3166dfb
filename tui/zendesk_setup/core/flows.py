"""The steps of adding a profile, shared by the CLI and the TUI: check first, then save both stores."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zendesk_setup.core.actions import check_record, save_profile
from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import SecretStore, secret_store_for

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.oauth import CallbackServer, Pkce, TokenSet
    from zendesk_setup.core.zendesk import Identity

Say = Callable[[str], None]


@dataclass
class AddResult:
    """What was saved: the profile, who it signs in as (None when not checked) and the secret store."""

    profile: Profile
    identity: Identity | None
    secrets: SecretStore
    tokens: TokenSet | None = None


def secret_store(profile: Profile, config_dir: Path, *, probe: bool = True) -> SecretStore:
    """The profile's secret store, probed so a missing keyring is reported before any other work."""
    store = secret_store_for(profile.storage, config_dir)
    if probe:
        store.probe()
    return store


def http_for(profile: Profile) -> httpx.Client:
    """A fresh httpx client for the profile's base URL."""
    from zendesk_setup.core.zendesk import new_http_client

    return new_http_client(profile.api_base_url)


def verify_api_token(profile: Profile, api_token: str, *, notify: Say | None = None) -> Identity:
    """Check an email and API token against Zendesk."""
    from zendesk_setup.core.zendesk import basic_header, fetch_identity

    with http_for(profile) as http:
        return fetch_identity(http, basic_header(profile.email or "", api_token), auth="api_token", notify=notify)


def verify_access_token(profile: Profile, tokens: TokenSet, *, notify: Say | None = None) -> Identity:
    """Check an OAuth access token against Zendesk; the identity carries the granted scopes."""
    from dataclasses import replace

    from zendesk_setup.core import oauth
    from zendesk_setup.core.zendesk import bearer_header, fetch_identity

    with http_for(profile) as http:
        identity = fetch_identity(http, bearer_header(tokens.access_token), auth=profile.auth, notify=notify)
        granted = tokens.scopes
        if not granted:
            try:
                info = oauth.current_token_info(http, profile.api_base_url, tokens.access_token)
                granted = tuple(str(s) for s in info.get("scopes") or ())
            except SetupError:
                granted = ()
    return replace(identity, scopes=granted or None)


def verify_client_credentials(
    profile: Profile, client_secret: str, *, notify: Say | None = None
) -> tuple[TokenSet, Identity]:
    """Get a token with the client_credentials grant and check who it signs in as."""
    from zendesk_setup.core import oauth

    with http_for(profile) as http:
        tokens = oauth.client_credentials_token(
            http,
            profile.api_base_url,
            client_id=profile.client_id or "",
            client_secret=client_secret,
            scopes=list(profile.scopes),
        )
    return tokens, verify_access_token(profile, tokens, notify=notify)


def _save(
    store: ProfileStore,
    profile: Profile,
    fields: dict[str, Any],
    identity: Identity | None,
    secrets: SecretStore,
    make_default: bool,
    replaces: str | None,
) -> Profile:
    if identity is not None:
        profile = profile.with_check(check_record(identity))
    save_profile(store, profile, fields, make_default=make_default, replaces=replaces, secrets=secrets)
    return profile


def add_api_token_profile(
    store: ProfileStore,
    profile: Profile,
    api_token: str,
    *,
    secrets: SecretStore,
    verify: bool = True,
    make_default: bool = False,
    replaces: str | None = None,
    notify: Say | None = None,
) -> AddResult:
    """Check (unless told not to), then save an API-token profile; nothing is saved when the check fails."""
    identity = verify_api_token(profile, api_token, notify=notify) if verify else None
    saved = _save(store, profile, {"api_token": api_token}, identity, secrets, make_default, replaces)
    return AddResult(saved, identity, secrets)


def add_client_credentials_profile(
    store: ProfileStore,
    profile: Profile,
    client_secret: str,
    *,
    secrets: SecretStore,
    verify: bool = True,
    make_default: bool = False,
    replaces: str | None = None,
    notify: Say | None = None,
) -> AddResult:
    """Get a token with the client_credentials grant, check it, then save; nothing is saved on failure."""
    fields: dict[str, Any] = {"client_secret": client_secret}
    tokens = None
    identity = None
    if verify:
        tokens, identity = verify_client_credentials(profile, client_secret, notify=notify)
        fields.update(tokens.to_secret_fields())
    saved = _save(store, profile, fields, identity, secrets, make_default, replaces)
    return AddResult(saved, identity, secrets, tokens)


@dataclass
class Consent:
    """One attempt at browser consent: fresh PKCE and state, a loopback server, and the URL to open."""

    profile: Profile
    pkce: Pkce
    state: str
    server: CallbackServer
    url: str
    redirect_uri: str
    started: float = field(default_factory=time.monotonic)

    def code_from_paste(self, text: str) -> str:
        """The code from a pasted redirected URL or bare code (checks the state)."""
        from zendesk_setup.core.oauth import parse_pasted_redirect

        return parse_pasted_redirect(text, self.state)

    def exchange(self, code: str, client_secret: str | None) -> TokenSet:
        """Swap the code for tokens at the profile's token endpoint."""
        from zendesk_setup.core import oauth

        with http_for(self.profile) as http:
            return oauth.exchange_code(
                http,
                self.profile.api_base_url,
                client_id=self.profile.client_id or "",
                code=code,
                code_verifier=self.pkce.verifier,
                redirect_uri=self.redirect_uri,
                scopes=list(self.profile.scopes),
                client_secret=client_secret if self.profile.client_kind == "confidential" else None,
            )

    def close(self) -> None:
        """Stop the loopback server and free its port."""
        self.server.cancel()


def begin_consent(profile: Profile, *, port: int | None = None) -> Consent:
    """Bind the loopback server on the profile's port and build the authorisation URL."""
    from zendesk_setup.core import oauth

    chosen_port = port if port is not None else (profile.redirect_port or oauth.DEFAULT_REDIRECT_PORT)
    pkce = oauth.new_pkce()
    state = oauth.new_state()
    server = oauth.CallbackServer(chosen_port, state)
    server.start()
    redirect_uri = server.redirect_uri
    url = oauth.authorize_url(
        profile.api_base_url,
        client_id=profile.client_id or "",
        redirect_uri=redirect_uri,
        scopes=list(profile.scopes),
        state=state,
        code_challenge=pkce.challenge,
    )
    return Consent(profile, pkce, state, server, url, redirect_uri)


def _wait_with_paste(consent: Consent, timeout: float, say: Say) -> str:
    import select

    outcome: dict[str, Any] = {}

    def wait() -> None:
        try:
            outcome["code"] = consent.server.wait(timeout)
        except SetupError as exc:
            outcome["error"] = exc

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    say("Or paste the redirected URL (or just the code) here and press Enter:")
    while waiter.is_alive():
        ready, _, _ = select.select([sys.stdin], [], [], 0.2)
        if not ready:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            code = consent.code_from_paste(line)
        except SetupError as exc:
            say(f"{exc.message} Try again, or wait for the browser.")
            continue
        consent.close()
        return code
    waiter.join()
    if "error" in outcome:
        raise outcome["error"]
    return str(outcome["code"])


def add_oauth_profile_interactive(
    store: ProfileStore,
    profile: Profile,
    client_secret: str | None,
    *,
    secrets: SecretStore,
    open_browser: bool = True,
    accept_paste: bool = False,
    timeout: float = 300.0,
    verify: bool = True,
    make_default: bool = False,
    replaces: str | None = None,
    say: Say = print,
) -> AddResult:
    """Browser consent with PKCE on the command line, then exchange, check and save."""
    consent = begin_consent(profile)
    try:
        say(f"Register this redirect URL on the OAuth client if you have not yet: {consent.redirect_uri}")
        say("Open this URL in a browser to consent:")
        say(consent.url)
        if open_browser:
            import webbrowser

            try:
                opened = webbrowser.open(consent.url)
            except Exception:
                opened = False
            if not opened:
                say("Could not open a browser; open the URL above yourself.")
        say(f"Waiting up to {timeout:.0f} s for the redirect to {consent.redirect_uri} ...")
        code = _wait_with_paste(consent, timeout, say) if accept_paste else consent.server.wait(timeout)
    finally:
        consent.close()
    tokens = consent.exchange(code, client_secret)
    return finish_oauth_profile(
        store,
        profile,
        tokens,
        client_secret,
        secrets=secrets,
        verify=verify,
        make_default=make_default,
        replaces=replaces,
    )


def finish_oauth_profile(
    store: ProfileStore,
    profile: Profile,
    tokens: TokenSet,
    client_secret: str | None,
    *,
    secrets: SecretStore,
    verify: bool = True,
    make_default: bool = False,
    replaces: str | None = None,
    notify: Say | None = None,
) -> AddResult:
    """Check freshly issued OAuth tokens and save them with the profile."""
    identity = verify_access_token(profile, tokens, notify=notify) if verify else None
    fields: dict[str, Any] = dict(tokens.to_secret_fields())
    if client_secret:
        fields["client_secret"] = client_secret
    saved = _save(store, profile, fields, identity, secrets, make_default, replaces)
    return AddResult(saved, identity, secrets, tokens)


__all__ = [
    "AddResult",
    "Consent",
    "OAuthError",
    "add_api_token_profile",
    "add_client_credentials_profile",
    "add_oauth_profile_interactive",
    "begin_consent",
    "finish_oauth_profile",
    "secret_store",
    "verify_access_token",
    "verify_api_token",
]
