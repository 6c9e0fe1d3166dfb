"""The wizard's state and its step logic: pure validation plus the check and save calls the UI runs in workers."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.oauth import DEFAULT_REDIRECT_PORT, redirect_uri_for
from zendesk_setup.core.profiles import AUTH_TYPES, Profile, validate_profile_name
from zendesk_setup.core.subdomain import default_base_url, normalise_subdomain, validate_base_url

if TYPE_CHECKING:
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.zendesk import Identity

API_TOKEN_SHUTOFF = date(2027, 4, 30)
API_TOKEN_NO_NEW = date(2026, 10, 27)

STEP_AUTH = "auth"
STEP_INSTANCE = "instance"
STEP_CREDENTIALS = "credentials"
STEP_SCOPES = "scopes"
STEP_CONSENT = "consent"
STEP_REVIEW = "review"

STEP_TITLES = {
    STEP_AUTH: "Auth type",
    STEP_INSTANCE: "Instance",
    STEP_CREDENTIALS: "Credentials",
    STEP_SCOPES: "Scopes",
    STEP_CONSENT: "Consent",
    STEP_REVIEW: "Check and save",
}

FIELD_STEPS = {
    "name": STEP_INSTANCE,
    "subdomain": STEP_INSTANCE,
    "base_url": STEP_INSTANCE,
    "email": STEP_CREDENTIALS,
    "credentials": STEP_CREDENTIALS,
    "api_token": STEP_CREDENTIALS,
    "client_id": STEP_CREDENTIALS,
    "client_kind": STEP_CREDENTIALS,
    "client_secret": STEP_CREDENTIALS,
    "redirect": STEP_CREDENTIALS,
    "scopes": STEP_SCOPES,
    "consent": STEP_CONSENT,
}

OFFLINE_KINDS = frozenset({"timeout", "dns", "refused", "network", "tls", "server_error", "rate_limited"})

AUTH_LABELS = {
    "oauth": "OAuth (browser sign-in)",
    "api_token": "API token",
    "client_credentials": "Client credentials",
}


def api_token_days_left(today: date) -> int:
    """Days from ``today`` until Zendesk switches API tokens off (never below zero)."""
    return max(0, (API_TOKEN_SHUTOFF - today).days)


def api_token_notice(today: date) -> str:
    """The retirement notice shown beside the API-token choice."""
    days = api_token_days_left(today)
    if days == 0:
        return f"Zendesk switched API tokens off on {API_TOKEN_SHUTOFF.isoformat()}; use OAuth."
    return f"Zendesk switches API tokens off on {API_TOKEN_SHUTOFF.isoformat()} — {days} days left."


def step_for_field(field_name: str | None) -> str | None:
    """The wizard step where the input named by an error's ``field`` is edited."""
    return FIELD_STEPS.get(field_name or "")


@dataclass
class WizardState:
    """Everything typed so far in one run of the wizard; secrets are kept out of ``repr``."""

    mode: str = "new"
    original: Profile | None = None
    auth: str = "oauth"
    name: str = ""
    subdomain_text: str = ""
    advanced: bool = False
    base_url_text: str = ""
    email: str = ""
    api_token: str = field(default="", repr=False)
    client_id: str = ""
    client_kind: str = "public"
    client_secret: str = field(default="", repr=False)
    scopes: list[str] = field(default_factory=list)
    redirect_port: int = DEFAULT_REDIRECT_PORT
    storage: str = "keyring"
    make_default: bool = False
    tokens: TokenSet | None = field(default=None, repr=False)
    tokens_for: tuple[Any, ...] | None = None

    @classmethod
    def from_profile(cls, profile: Profile) -> WizardState:
        """A state pre-filled from a saved profile, for editing it (secrets stay in the store)."""
        return cls(
            mode="edit",
            original=profile,
            auth=profile.auth,
            name=profile.name,
            subdomain_text=profile.subdomain,
            advanced=profile.base_url is not None,
            base_url_text=profile.base_url or "",
            email=profile.email or "",
            client_id=profile.client_id or "",
            client_kind=profile.client_kind or "public",
            scopes=list(profile.scopes),
            redirect_port=profile.redirect_port or DEFAULT_REDIRECT_PORT,
            storage=profile.storage,
        )

    @property
    def editing(self) -> bool:
        """True when this run edits a saved profile."""
        return self.mode == "edit" and self.original is not None

    def subdomain(self) -> str:
        """The normalised subdomain, or InputError."""
        return normalise_subdomain(self.subdomain_text)

    def base_url(self) -> str | None:
        """The custom base URL when the advanced option is on, else None."""
        if not self.advanced or not self.base_url_text.strip():
            return None
        return validate_base_url(self.base_url_text)

    def api_base_url(self) -> str:
        """Where the profile will talk to."""
        return self.base_url() or default_base_url(self.subdomain())

    def profile_name(self) -> str:
        """The name typed, else the subdomain."""
        return self.name.strip() or self.subdomain()

    def can_keep_secret(self) -> bool:
        """True when a blank secret field keeps the stored one (editing, same auth type)."""
        return self.editing and self.original is not None and self.original.auth == self.auth

    def redirect_uri(self) -> str:
        """The loopback redirect URL to register on the OAuth client."""
        return redirect_uri_for(self.redirect_port)

    def to_profile(self) -> Profile:
        """The Profile these answers describe (validated; raises InputError naming the field)."""
        oauthish = self.auth in ("oauth", "client_credentials")
        profile = Profile(
            name=self.profile_name(),
            subdomain=self.subdomain(),
            auth=self.auth,
            email=self.email.strip() if self.auth == "api_token" else None,
            client_id=self.client_id.strip() if oauthish else None,
            client_kind=(self.client_kind if self.auth == "oauth" else "confidential") if oauthish else None,
            scopes=tuple(self.scopes) if oauthish else (),
            redirect_port=self.redirect_port if self.auth == "oauth" else None,
            base_url=self.base_url(),
            storage=self.storage,
        )
        return profile.validate()

    def consent_fingerprint(self) -> tuple[Any, ...]:
        """What a consent is tied to: changing any of these needs a new one."""
        try:
            where = self.api_base_url()
        except InputError:
            where = ""
        return (where, self.client_id.strip(), self.client_kind, tuple(sorted(self.scopes)))

    def needs_consent(self) -> bool:
        """True when the OAuth browser consent must run (new profile, or client, scopes or host changed)."""
        if self.auth != "oauth":
            return False
        fingerprint = self.consent_fingerprint()
        if self.tokens is not None and self.tokens_for == fingerprint:
            return False
        original = self.original
        if not self.editing or original is None or original.auth != "oauth":
            return True
        saved = (
            original.api_base_url,
            original.client_id or "",
            original.client_kind or "public",
            tuple(sorted(original.scopes)),
        )
        return saved != fingerprint

    def has_new_tokens(self) -> bool:
        """True when a consent in this run produced tokens that match the current answers."""
        return self.tokens is not None and self.tokens_for == self.consent_fingerprint()

    def steps(self) -> list[str]:
        """The steps of this run, in order, for the current auth type."""
        steps = [STEP_AUTH, STEP_INSTANCE, STEP_CREDENTIALS]
        if self.auth in ("oauth", "client_credentials"):
            steps.append(STEP_SCOPES)
        if self.needs_consent():
            steps.append(STEP_CONSENT)
        steps.append(STEP_REVIEW)
        return steps


def validate_instance(state: WizardState, taken_names: set[str]) -> Profile | None:
    """Check the Instance step: name, subdomain and base URL; raises InputError with the field."""
    subdomain = state.subdomain()
    state.base_url()
    name = validate_profile_name(state.name.strip() or subdomain)
    original_name = state.original.name if state.editing and state.original else None
    if name in taken_names and name != original_name:
        raise InputError(f"A profile named '{name}' already exists; choose another name.", field="name")
    return None


def validate_credentials(state: WizardState) -> None:
    """Check the Credentials step for the chosen auth type; raises InputError with the field."""
    keep = state.can_keep_secret()
    if state.auth == "api_token":
        email = state.email.strip()
        if not email or "@" not in email or any(ch.isspace() for ch in email):
            raise InputError("Enter the email address of the Zendesk user the token acts for.", field="email")
        if not state.api_token.strip() and not keep:
            raise InputError("Enter the API token.", field="api_token")
        if any(ch.isspace() for ch in state.api_token.strip()):
            raise InputError("An API token has no spaces; check what was pasted.", field="api_token")
        return
    if not state.client_id.strip():
        raise InputError("Enter the OAuth client's Identifier (not its numeric id).", field="client_id")
    if any(ch.isspace() for ch in state.client_id.strip()):
        raise InputError("A client identifier has no spaces.", field="client_id")
    needs_secret = state.auth == "client_credentials" or state.client_kind == "confidential"
    if needs_secret and not state.client_secret.strip():
        original_kind = state.original.client_kind if state.original is not None else None
        if not (keep and (state.auth == "client_credentials" or original_kind == "confidential")):
            raise InputError("Enter the client secret (shown once when the client was created).", field="client_secret")


def validate_scope_choice(scopes: list[str]) -> list[str]:
    """Refuse an empty or unknown scope choice; returns the clean list."""
    from zendesk_setup.core.scopes import validate_scopes

    return validate_scopes(scopes)


def profile_yaml_diff(old: Profile | None, new: Profile) -> str:
    """A unified diff of the profile's YAML before and after (check records left out)."""
    import difflib

    import yaml

    def text(profile: Profile | None) -> list[str]:
        if profile is None:
            return []
        data = replace(profile, checked=None).to_yaml()
        return yaml.safe_dump({profile.name: data}, sort_keys=False).splitlines()

    before, after = text(old), text(new)
    if before == after:
        return ""
    lines = difflib.unified_diff(before, after, "saved", "new", lineterm="", n=10)
    return "\n".join(list(lines)[2:])


@dataclass
class CheckResult:
    """What the check step learnt: who the credentials are and which scopes were granted."""

    identity: Identity
    requested: tuple[str, ...] = ()
    granted: tuple[str, ...] | None = None
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    tokens: TokenSet | None = field(default=None, repr=False)


@dataclass
class SaveResult:
    """Where a saved profile and its secrets went."""

    profile: Profile
    profiles_path: Path
    secrets_where: str
    is_default: bool


def _stored_fields(state: WizardState, config_dir: Path) -> dict[str, Any]:
    from zendesk_setup.core.secrets import secret_store_for

    if not state.can_keep_secret() or state.original is None:
        return {}
    store = secret_store_for(state.original.storage, config_dir)
    return store.get(state.original.name) or {}


def stored_client_secret(state: WizardState, config_dir: Path) -> str | None:
    """The client secret for a confidential OAuth client: typed now, else the saved one when editing."""
    if state.auth != "oauth" or state.client_kind != "confidential":
        return None
    typed = state.client_secret.strip()
    return typed or str(_stored_fields(state, Path(config_dir)).get("client_secret") or "") or None


def check_state(state: WizardState, config_dir: Path) -> CheckResult:
    """Call Zendesk with the answers (stored secrets fill blanks when editing); SetupError on failure."""
    from zendesk_setup.core import flows, oauth

    profile = state.to_profile()
    stored = _stored_fields(state, Path(config_dir))
    tokens: TokenSet | None = None
    if state.auth == "api_token":
        api_token = state.api_token.strip() or str(stored.get("api_token") or "")
        if not api_token:
            raise InputError("There is no stored API token; enter it.", field="api_token")
        identity = flows.verify_api_token(profile, api_token)
    elif state.auth == "client_credentials":
        client_secret = state.client_secret.strip() or str(stored.get("client_secret") or "")
        if not client_secret:
            raise InputError("There is no stored client secret; enter it.", field="client_secret")
        tokens, identity = flows.verify_client_credentials(profile, client_secret)
    elif state.has_new_tokens() and state.tokens is not None:
        tokens = state.tokens
        identity = flows.verify_access_token(profile, tokens)
    else:
        from zendesk_setup.core.session import Session

        original = state.original
        if original is None:
            raise InputError("Sign in through the browser first.", field="consent")
        saved_secrets = replace(profile, name=original.name, storage=original.storage)
        identity = Session.for_profile(saved_secrets, Path(config_dir)).check()
    requested = tuple(profile.scopes)
    granted = identity.scopes
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    if granted is not None and profile.auth != "api_token":
        gone, more = oauth.scope_difference(requested, granted)
        missing, extra = tuple(gone), tuple(more)
    return CheckResult(identity, requested, granted, missing, extra, tokens)


def secret_fields_for(state: WizardState, stored: dict[str, Any], check: CheckResult | None) -> dict[str, Any] | None:
    """The secret fields to store, or None to keep what is stored unchanged."""
    keep = state.can_keep_secret()
    if state.auth == "api_token":
        api_token = state.api_token.strip()
        if api_token:
            return {"api_token": api_token}
        return None if keep else {}
    client_secret = state.client_secret.strip()
    if not client_secret and keep and (state.auth == "client_credentials" or state.client_kind == "confidential"):
        client_secret = str(stored.get("client_secret") or "")
    if state.auth == "oauth" and state.client_kind != "confidential":
        client_secret = ""
    if state.auth == "oauth":
        if state.has_new_tokens() and state.tokens is not None:
            fields = dict(state.tokens.to_secret_fields())
        elif keep:
            if not state.client_secret.strip():
                return None
            fields = {k: v for k, v in stored.items() if k != "client_secret"}
        else:
            fields = {}
    else:
        tokens = check.tokens if check is not None else None
        if tokens is None and keep and not state.client_secret.strip():
            return None
        fields = dict(tokens.to_secret_fields()) if tokens is not None else {}
    if client_secret:
        fields["client_secret"] = client_secret
    return fields


def save_state(state: WizardState, config_dir: Path, check: CheckResult | None) -> SaveResult:
    """Save the profile and its secrets (secrets first); returns where they went."""
    from zendesk_setup.core.actions import check_record, save_profile
    from zendesk_setup.core.profiles import ProfileStore
    from zendesk_setup.core.secrets import secret_store_for

    folder = Path(config_dir)
    store = ProfileStore(folder)
    profile = state.to_profile()
    if check is not None:
        profile = profile.with_check(check_record(check.identity))
    stored = _stored_fields(state, folder)
    fields = secret_fields_for(state, stored, check)
    secrets = secret_store_for(profile.storage, folder)
    secrets.probe()
    replaces = state.original.name if state.editing and state.original else None
    save_profile(store, profile, fields, make_default=state.make_default, replaces=replaces, secrets=secrets)
    is_default = store.load().default == profile.name
    return SaveResult(profile, store.path, secrets.describe(profile.name), is_default)


def can_save_unchecked(error: SetupError) -> bool:
    """True when a failed check looks like being offline, so saving without a check makes sense."""
    return getattr(error, "kind", None) in OFFLINE_KINDS


__all__ = [
    "API_TOKEN_SHUTOFF",
    "AUTH_TYPES",
    "CheckResult",
    "SaveResult",
    "WizardState",
    "api_token_days_left",
    "api_token_notice",
    "can_save_unchecked",
    "check_state",
    "profile_yaml_diff",
    "save_state",
    "secret_fields_for",
    "step_for_field",
    "stored_client_secret",
    "validate_credentials",
    "validate_instance",
    "validate_scope_choice",
]
