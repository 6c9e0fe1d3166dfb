"""A profile being made or changed: the wizard's answers or the flags of ``add``, validated in one place."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import yaml

from zendesk_setup.core.errors import InputError
from zendesk_setup.core.profiles import CreatedClient, Profile, valid_email, validate_profile_name
from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT, redirect_uri_for
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.subdomain import default_base_url, normalise_subdomain, validate_base_url
from zendesk_setup.core.vocab import AuthType, ClientKind, Storage

if TYPE_CHECKING:
    from zendesk_setup.core.oauth import TokenSet

NO_SECRET = Secret("")


@dataclass(frozen=True)
class ProfileDraft:
    """Everything known about a profile before it is saved; secrets are ``Secret`` values, never plain text.

    ``original`` is the saved profile an edit starts from (None for a new profile); ``tokens`` are the tokens
    a consent of this run produced, valid for the answers recorded in ``tokens_for``.
    """

    auth: AuthType = AuthType.OAUTH
    name: str = ""
    subdomain: str = ""
    use_base_url: bool = False
    base_url: str = ""
    email: str = ""
    api_token: Secret = NO_SECRET
    client_id: str = ""
    client_kind: ClientKind = ClientKind.PUBLIC
    client_secret: Secret = NO_SECRET
    scopes: tuple[str, ...] = ()
    redirect_port: int = DEFAULT_REDIRECT_PORT
    storage: Storage = Storage.KEYRING
    make_default: bool = False
    created_client: CreatedClient | None = None
    signed_in: bool = True
    original: Profile | None = None
    tokens: TokenSet | None = field(default=None, repr=False)
    tokens_for: tuple[Any, ...] | None = None

    @classmethod
    def from_profile(cls, profile: Profile) -> ProfileDraft:
        """A draft pre-filled from a saved profile, for editing it (its secrets stay in the store)."""
        return cls(
            auth=AuthType(profile.auth),
            name=profile.name,
            subdomain=profile.subdomain,
            use_base_url=profile.base_url is not None,
            base_url=profile.base_url or "",
            email=profile.email or "",
            client_id=profile.client_id or "",
            client_kind=ClientKind(profile.client_kind or ClientKind.PUBLIC),
            scopes=tuple(profile.scopes),
            redirect_port=profile.redirect_port or DEFAULT_REDIRECT_PORT,
            storage=Storage(profile.storage),
            created_client=profile.created_client,
            original=profile,
        )

    @classmethod
    def new_from(
        cls,
        profile: Profile,
        *,
        api_token: str | None = None,
        client_secret: str | None = None,
        make_default: bool = False,
    ) -> ProfileDraft:
        """A draft for a new profile with ``profile``'s settings and the given secrets (scripts, tests, ``add``)."""
        return replace(
            cls.from_profile(profile),
            original=None,
            api_token=Secret(api_token or ""),
            client_secret=Secret(client_secret or ""),
            make_default=make_default,
        )

    def with_answers(self, **answers: Any) -> ProfileDraft:
        """A copy with some answers changed."""
        return replace(self, **answers)

    @property
    def editing(self) -> bool:
        """True when this draft changes a saved profile."""
        return self.original is not None

    @property
    def confidential(self) -> bool:
        """True when the client has a secret: client credentials, or a confidential OAuth client."""
        return self.auth is AuthType.CLIENT_CREDENTIALS or (
            self.auth is AuthType.OAUTH and self.client_kind is ClientKind.CONFIDENTIAL
        )

    def normalised_subdomain(self) -> str:
        """The normalised subdomain, or InputError."""
        return normalise_subdomain(self.subdomain)

    def custom_base_url(self) -> str | None:
        """The custom base URL when one is asked for, else None."""
        if not self.use_base_url or not self.base_url.strip():
            return None
        return validate_base_url(self.base_url)

    def api_base_url(self) -> str:
        """Where the profile will talk to."""
        return self.custom_base_url() or default_base_url(self.normalised_subdomain())

    def profile_name(self) -> str:
        """The name typed, else the subdomain."""
        return self.name.strip() or self.normalised_subdomain()

    def redirect_uri(self) -> str:
        """The loopback redirect URL to register on the OAuth client."""
        return redirect_uri_for(self.redirect_port)

    def can_keep_secret(self) -> bool:
        """True when a blank secret keeps the stored one (editing, same auth type)."""
        return self.original is not None and self.original.auth == self.auth

    def keeps_client_secret(self) -> bool:
        """True when a blank client secret keeps the stored one (the saved client had a secret too)."""
        original = self.original
        if not self.can_keep_secret() or original is None:
            return False
        return self.auth is AuthType.CLIENT_CREDENTIALS or original.client_kind == ClientKind.CONFIDENTIAL

    def to_profile(self) -> Profile:
        """The Profile this draft describes (validated; raises InputError naming the field)."""
        uses_client = self.auth.uses_client
        oauth = self.auth is AuthType.OAUTH
        profile = Profile(
            name=self.profile_name(),
            subdomain=self.normalised_subdomain(),
            auth=self.auth,
            email=self.email.strip() if self.auth is AuthType.API_TOKEN else None,
            client_id=self.client_id.strip() if uses_client else None,
            client_kind=(self.client_kind if oauth else ClientKind.CONFIDENTIAL) if uses_client else None,
            scopes=tuple(self.scopes) if uses_client else (),
            redirect_port=self.redirect_port if oauth else None,
            base_url=self.custom_base_url(),
            storage=self.storage,
            created_client=self._client_record() if uses_client else None,
        )
        return profile.validate()

    def _client_record(self) -> CreatedClient | None:
        """The client zendesk-setup created, while the draft still uses it."""
        created = self.created_client
        if created is None or created.identifier != self.client_id.strip():
            return None
        return created

    def validate_instance(self) -> str:
        """Check the subdomain, the base URL and the name; returns the profile name (InputError naming the field)."""
        subdomain = self.normalised_subdomain()
        self.custom_base_url()
        return validate_profile_name(self.name.strip() or subdomain)

    def validate_credentials(self) -> None:
        """Check the credentials for the chosen auth type; raises InputError naming the field."""
        if self.auth is AuthType.API_TOKEN:
            if not valid_email(self.email.strip()):
                raise InputError("Enter the email address of the Zendesk user the token acts for.", field="email")
            token = self.api_token.reveal().strip()
            if not token and not self.can_keep_secret():
                raise InputError("Enter the API token.", field="api_token")
            if any(ch.isspace() for ch in token):
                raise InputError("An API token has no spaces; check what was pasted.", field="api_token")
            return
        if not self.client_id.strip():
            raise InputError("Enter the OAuth client's Identifier (not its numeric id).", field="client_id")
        if any(ch.isspace() for ch in self.client_id.strip()):
            raise InputError("A client identifier has no spaces.", field="client_id")
        if self.confidential and not self.client_secret.reveal().strip() and not self.keeps_client_secret():
            raise InputError("Enter the client secret (shown once when the client was created).", field="client_secret")

    def consent_key(self) -> tuple[Any, ...]:
        """What a consent is tied to: changing any of these needs a new one."""
        try:
            where = self.api_base_url()
        except InputError:
            where = ""
        return (where, self.client_id.strip(), self.client_kind, tuple(sorted(self.scopes)))

    def has_new_tokens(self) -> bool:
        """True when a consent in this run produced tokens that match the current answers."""
        return self.tokens is not None and self.tokens_for == self.consent_key()

    def with_tokens(self, tokens: TokenSet) -> ProfileDraft:
        """A copy carrying the tokens of a consent for the current answers."""
        return replace(self, tokens=tokens, tokens_for=self.consent_key())

    def needs_consent(self) -> bool:
        """True when the answers need a browser consent: a new OAuth profile, or client, scopes or host changed."""
        if self.auth is not AuthType.OAUTH:
            return False
        original = self.original
        if original is None or original.auth != AuthType.OAUTH or not self.signed_in:
            return True
        saved = (
            original.api_base_url,
            original.client_id or "",
            original.client_kind or ClientKind.PUBLIC,
            tuple(sorted(original.scopes)),
        )
        return saved != self.consent_key()

    def awaits_consent(self) -> bool:
        """True while a needed consent has not produced tokens for the current answers yet."""
        return self.needs_consent() and not self.has_new_tokens()

    def secret_fields(self, stored: dict[str, Any], issued: TokenSet | None) -> dict[str, Any] | None:
        """The secret fields to store, or None to keep what is stored unchanged.

        Args:
            stored: what the saved profile holds now (empty for a new profile).
            issued: tokens the check obtained (client credentials), if any.
        """
        keep = self.can_keep_secret()
        if self.auth is AuthType.API_TOKEN:
            api_token = self.api_token.reveal().strip()
            if api_token:
                return {"api_token": api_token}
            return None if keep else {}
        typed_secret = self.client_secret.reveal().strip()
        client_secret = typed_secret
        if not client_secret and self.keeps_client_secret():
            client_secret = str(stored.get("client_secret") or "")
        if not self.confidential:
            client_secret = ""
        if self.auth is AuthType.OAUTH:
            if self.has_new_tokens() and self.tokens is not None:
                fields = dict(self.tokens.to_secret_fields())
            elif keep:
                if not typed_secret:
                    return None
                fields = {k: v for k, v in stored.items() if k != "client_secret"}
            else:
                fields = {}
        else:
            if issued is None and keep and not typed_secret:
                return None
            fields = dict(issued.to_secret_fields()) if issued is not None else {}
        if client_secret:
            fields["client_secret"] = client_secret
        return fields


def profile_yaml_diff(old: Profile | None, new: Profile) -> str:
    """A unified diff of the profile's YAML before and after (check records and token expiry left out)."""

    def text(profile: Profile | None) -> list[str]:
        if profile is None:
            return []
        data = replace(profile, checked=None, refresh_expires=None).to_yaml()
        return yaml.safe_dump({profile.name: data}, sort_keys=False).splitlines()

    before, after = text(old), text(new)
    if before == after:
        return ""
    lines = difflib.unified_diff(before, after, "saved", "new", lineterm="", n=2)
    return "\n".join(list(lines)[2:])
