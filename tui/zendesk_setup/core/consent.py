"""One browser consent: PKCE and state, the loopback server, the URL to open, and the exchange for tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from zendesk_setup.core import oauth
from zendesk_setup.core.loopback import CallbackServer
from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT, parse_pasted_redirect
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.vocab import ClientKind

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.oauth import Pkce, TokenSet
    from zendesk_setup.core.profiles import Profile


class Consent:
    """A consent in progress; ``exchange`` turns its code into a TokenSet and writes nothing anywhere."""

    def __init__(
        self,
        profile: Profile,
        client_secret: Secret,
        server: CallbackServer,
        http_factory: Callable[[str], httpx.Client],
    ) -> None:
        self.profile = profile
        self.client_secret = client_secret
        self.server = server
        self.pkce: Pkce = oauth.new_pkce()
        self.state = server.state
        self.redirect_uri = server.redirect_uri
        self._http_factory = http_factory
        self.url = oauth.authorize_url(
            profile.api_base_url,
            client_id=profile.client_id or "",
            redirect_uri=self.redirect_uri,
            scopes=list(profile.scopes),
            state=self.state,
            code_challenge=self.pkce.challenge,
        )

    def code_from_paste(self, text: str, *, allow_bare_code: bool = False) -> str:
        """The code from a pasted redirected URL (its host and state checked), or a bare code when that is safe.

        A bare code carries no state, so it is taken for a public client (PKCE binds the code to this attempt)
        or when ``allow_bare_code`` says the user confirmed it; otherwise an OAuthError of kind
        ``bare_code`` asks the caller to confirm first.
        """
        public = self.profile.client_kind == ClientKind.PUBLIC
        return parse_pasted_redirect(
            text, self.state, redirect_uri=self.redirect_uri, allow_bare_code=public or allow_bare_code
        )

    def wait(self, timeout: float) -> str:
        """Block until the browser's redirect brings the code; OAuthError on denial, timeout or cancel."""
        return self.server.wait(timeout)

    def exchange(self, code: str) -> TokenSet:
        """Swap the code for tokens at the profile's token endpoint."""
        profile = self.profile
        secret = self.client_secret.reveal() if profile.client_kind == "confidential" else None
        with self._http_factory(profile.api_base_url) as http:
            return oauth.exchange_code(
                http,
                profile.api_base_url,
                client_id=profile.client_id or "",
                code=code,
                code_verifier=self.pkce.verifier,
                redirect_uri=self.redirect_uri,
                scopes=list(profile.scopes),
                client_secret=secret or None,
            )

    def close(self) -> None:
        """Stop the loopback server and free its port."""
        self.server.cancel()


def begin_consent(
    profile: Profile,
    client_secret: Secret,
    http_factory: Callable[[str], httpx.Client],
    *,
    port: int | None = None,
) -> Consent:
    """Bind the loopback server on the profile's port (or ``port``) and build the authorisation URL."""
    chosen_port = port if port is not None else (profile.redirect_port or DEFAULT_REDIRECT_PORT)
    server = CallbackServer(chosen_port, oauth.new_state())
    server.start()
    return Consent(profile, client_secret, server, http_factory)
