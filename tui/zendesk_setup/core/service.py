"""The credentials service: every front end checks and saves a ProfileDraft here, and manages saved profiles.

The one pipeline is ``draft -> check(draft) -> save(draft, check)``; a browser consent is a step before the
check that returns tokens (``begin_consent(draft)`` then ``consent.exchange(code)``), never a write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zendesk_setup.core.atomic import ensure_private_dir
from zendesk_setup.core.errors import InputError, KeyringError, SetupError, StorageError
from zendesk_setup.core.locking import refresh_lock, store_lock
from zendesk_setup.core.profiles import CheckRecord, Profile, ProfileStore, validate_profile_name
from zendesk_setup.core.secrets import Secret, SecretStore, secret_store_for
from zendesk_setup.core.session import NOT_SIGNED_IN, Session
from zendesk_setup.core.vocab import AuthType, Storage

if TYPE_CHECKING:
    import httpx

    from zendesk_setup.core.consent import Consent
    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.zendesk import Identity

Notify = Callable[[str], None]
HttpFactory = Callable[[str], "httpx.Client"]

TOKEN_FIELDS = ("access_token", "refresh_token", "access_expires_at", "refresh_expires_at", "granted_scopes")
OFFLINE_KINDS = frozenset({"timeout", "dns", "refused", "network", "tls", "server_error", "rate_limited"})


def check_record(identity: Identity | None = None, error: SetupError | None = None) -> CheckRecord:
    """A CheckRecord for a successful identity or a failure."""
    now = datetime.now(UTC).replace(microsecond=0)
    if identity is not None:
        return CheckRecord(at=now, ok=True, user=identity.name, role=identity.role)
    kind = getattr(error, "kind", None)
    if kind == "rate_limited":
        # Zendesk never judged the credentials: say so, so no one replaces a token that works.
        return CheckRecord(at=now, ok=False, message="rate limited: " + error.message if error else None, kind=kind)
    return CheckRecord(at=now, ok=False, message=error.message if error else None)


def says_something_about_credentials(error: SetupError) -> bool:
    """False for a failed check Zendesk never judged: no answer, a server error, or no token to send yet.

    Such a failure is not recorded as the last check, so it never reads as bad credentials. A rate limit is
    recorded, as such (``checked.kind``), because the user waited for it.
    """
    kind = getattr(error, "kind", None)
    return kind == "rate_limited" or (kind not in OFFLINE_KINDS and kind != NOT_SIGNED_IN)


def can_save_unchecked(error: SetupError) -> bool:
    """True when a failed check looks like being offline, so saving without a check makes sense."""
    return getattr(error, "kind", None) in OFFLINE_KINDS


def new_http_client(base_url: str) -> httpx.Client:
    """A fresh httpx client for ``base_url`` (the default HTTP factory)."""
    from zendesk_setup.core.zendesk import new_http_client as make

    return make(base_url)


@dataclass(frozen=True)
class CheckResult:
    """What a check learnt: who the credentials are, which scopes were granted, and tokens it obtained."""

    identity: Identity
    requested: tuple[str, ...] = ()
    granted: tuple[str, ...] | None = None
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    tokens: TokenSet | None = field(default=None, repr=False)


@dataclass(frozen=True)
class SaveResult:
    """What was saved and where: the profile, the check it carries, profiles.yaml and the secrets."""

    profile: Profile
    check: CheckResult | None
    profiles_path: Path
    secrets_where: str
    is_default: bool

    @property
    def identity(self) -> Identity | None:
        """Who the saved credentials sign in as (None when saved without a check)."""
        return self.check.identity if self.check is not None else None


class CredentialsService:
    """Checks and saves drafts, and renames, duplicates and removes saved profiles, in one config dir."""

    def __init__(self, config_dir: Path | str, *, http_factory: HttpFactory | None = None) -> None:
        self.config_dir = Path(config_dir)
        self.store = ProfileStore(self.config_dir)
        self.http_factory: HttpFactory = http_factory or new_http_client
        self._secret_stores: dict[Storage, SecretStore] = {}

    # Secret stores --------------------------------------------------------------------------------

    def secrets(self, storage: Storage | str) -> SecretStore:
        """The secret store for a ``storage`` setting (made once per service)."""
        kind = Storage(storage)
        if kind not in self._secret_stores:
            self._secret_stores[kind] = secret_store_for(kind, self.config_dir)
        return self._secret_stores[kind]

    def probe(self, storage: Storage | str) -> SecretStore:
        """The secret store, probed so a missing keyring is reported before any other work."""
        store = self.secrets(storage)
        store.probe()
        return store

    def probe_writable(self, profile: Profile) -> None:
        """Prove the profile's secret entry can be read and written now (it is written back unchanged)."""
        store = self.probe(profile.storage)
        with self._locked(profile.name):
            fields = store.get(profile.name)
            if fields is None:
                raise KeyringError(
                    f"Profile '{profile.name}' has no secret entry to update.",
                    "Secret missing",
                    hint=f"Enter its secret again with `zendesk-setup edit {profile.name}`.",
                )
            store.set(profile.name, fields)

    def store_client_secret(self, profile: Profile, client_secret: Secret) -> None:
        """Replace the stored client secret of a saved profile (its tokens stay)."""
        store = self.secrets(profile.storage)
        with self._locked(profile.name):
            fields = dict(store.get(profile.name) or {})
            fields["client_secret"] = client_secret.reveal()
            store.set(profile.name, fields)

    def has_oauth_token(self, profile: Profile) -> bool:
        """True when the profile's secret entry holds an OAuth token (a copy has none); a keyring failure says True."""
        if profile.auth == AuthType.API_TOKEN:
            return False
        try:
            fields = self.secrets(profile.storage).get(profile.name) or {}
        except StorageError:
            return True
        return bool(fields.get("access_token") or fields.get("refresh_token"))

    def session(self, profile: Profile) -> Session:
        """A session on a saved profile (its credentials, refreshed as needed)."""
        return Session(profile, self.secrets(profile.storage), self.config_dir, http_factory=self.http_factory)

    def stored_fields(self, draft: ProfileDraft) -> dict[str, Any]:
        """The saved profile's secret fields when the draft may keep them, else an empty dict."""
        original = draft.original
        if original is None or not draft.can_keep_secret():
            return {}
        return self.secrets(original.storage).get(original.name) or {}

    # Names -----------------------------------------------------------------------------------------

    def ensure_name_free(self, name: str, *, replacing: str | None = None) -> str:
        """Return ``name`` when it is valid and no other profile has it, else InputError (field ``name``)."""
        validate_profile_name(name)
        taken = self.store.load().name_taken(name, other_than=replacing)
        if taken is not None:
            raise InputError(
                f"A profile named '{taken}' already exists.",
                hint=f"Choose another name, or change that profile with `zendesk-setup edit {taken}`.",
                tui_hint=f"Choose another name (or edit '{taken}' from the profiles screen).",
                field="name",
            )
        return name

    def unique_name(self, base: str) -> str:
        """``base`` or ``base-2``, ``base-3``… whichever is free."""
        names = set(self.store.load().profiles)
        if base not in names:
            return base
        for index in range(2, 1000):
            candidate = f"{base[:60]}-{index}"
            if candidate not in names:
                return candidate
        raise StorageError("Too many profiles with the same name.")

    # Consent, check, save ---------------------------------------------------------------------------

    def begin_consent(self, draft: ProfileDraft, *, port: int | None = None) -> Consent:
        """Probe the secret store, then listen on the loopback port and build the consent URL for the draft."""
        from zendesk_setup.core.consent import begin_consent

        profile = draft.to_profile()
        self.probe(profile.storage)
        client_secret = draft.client_secret
        if draft.confidential and not client_secret.reveal().strip():
            stored = self.stored_fields(draft).get("client_secret")
            client_secret = Secret(str(stored or ""))
        return begin_consent(profile, client_secret, self.http_factory, port=port)

    def check(self, draft: ProfileDraft, *, notify: Notify | None = None) -> CheckResult:
        """Call Zendesk with the draft's credentials (stored secrets fill blanks in an edit); SetupError on failure."""
        from zendesk_setup.core import oauth

        profile = draft.to_profile()
        stored = self.stored_fields(draft)
        tokens: TokenSet | None = None
        if profile.auth == AuthType.API_TOKEN:
            api_token = draft.api_token.reveal().strip() or str(stored.get("api_token") or "")
            if not api_token:
                raise InputError("There is no stored API token; enter it.", field="api_token")
            identity = self._verify_api_token(profile, api_token, notify)
        elif profile.auth == AuthType.CLIENT_CREDENTIALS:
            client_secret = draft.client_secret.reveal().strip() or str(stored.get("client_secret") or "")
            if not client_secret:
                raise InputError("There is no stored client secret; enter it.", field="client_secret")
            tokens = self._client_credentials(profile, client_secret)
            identity = self._verify_access_token(profile, tokens, notify)
        elif draft.has_new_tokens() and draft.tokens is not None:
            identity = self._verify_access_token(profile, draft.tokens, notify)
        else:
            original = draft.original
            if original is None:
                raise InputError("Sign in through the browser first.", field="consent")
            saved = replace(profile, name=original.name, storage=original.storage)
            identity = self.session(saved).check(notify=notify)
        requested = tuple(profile.scopes)
        granted = identity.scopes
        missing: tuple[str, ...] = ()
        extra: tuple[str, ...] = ()
        if granted is not None and profile.auth != AuthType.API_TOKEN:
            gone, more = oauth.scope_difference(requested, granted)
            missing, extra = tuple(gone), tuple(more)
        return CheckResult(identity, requested, granted, missing, extra, tokens)

    def save(self, draft: ProfileDraft, check: CheckResult | None) -> SaveResult:
        """Save the draft: secrets first, then the profile; nothing is left half-done when either fails."""
        profile = draft.to_profile()
        if check is not None:
            profile = profile.with_check(check_record(check.identity))
        profile = replace(profile, refresh_expires=self._refresh_expiry(draft, check))
        target = self.probe(profile.storage)
        original = draft.original
        source = self.secrets(original.storage) if original is not None else target
        stored = (source.get(original.name) or {}) if original is not None else {}
        kept = stored if draft.can_keep_secret() else {}
        fields = draft.secret_fields(kept, check.tokens if check is not None else None)
        replaces = original.name if original is not None else None
        self._write(profile, stored if fields is None else fields, target, source, draft.make_default, replaces)
        is_default = self.store.load().default == profile.name
        return SaveResult(profile, check, self.store.path, target.describe(profile.name), is_default)

    @staticmethod
    def _refresh_expiry(draft: ProfileDraft, check: CheckResult | None) -> datetime | None:
        """When the refresh token being saved expires: from new tokens, else what the saved profile recorded."""
        if draft.auth is not AuthType.OAUTH:
            return None
        tokens = draft.tokens if draft.has_new_tokens() else None
        if tokens is None:
            return draft.original.refresh_expires if draft.original is not None else None
        if tokens.refresh_expires_at is None:
            return None
        return datetime.fromtimestamp(tokens.refresh_expires_at, UTC).replace(microsecond=0)

    def add(self, draft: ProfileDraft, *, verify: bool = True, notify: Notify | None = None) -> SaveResult:
        """Check the draft (unless ``verify`` is False), then save it; nothing is saved when the check fails."""
        check = self.check(draft, notify=notify) if verify else None
        return self.save(draft, check)

    def revoke_issued(self, issued: list[tuple[str, TokenSet]]) -> int:
        """Revoke tokens a consent issued that were never saved; returns how many Zendesk revoked (best effort)."""
        from zendesk_setup.core import oauth

        revoked = 0
        for base_url, tokens in issued:
            try:
                with self.http_factory(base_url) as http:
                    oauth.revoke_token(http, base_url, tokens.access_token.reveal())
            except SetupError:
                continue
            revoked += 1
        return revoked

    def record_check(self, name: str, record: CheckRecord) -> None:
        """Store the result of a check on a saved profile (a missing profile is ignored)."""
        self.store.record_check(name, record)

    def test(self, profile: Profile, *, notify: Notify | None = None) -> Identity:
        """Check a saved profile against Zendesk and record the result (a failure to record is ignored)."""
        try:
            identity = self.session(profile).check(notify=notify)
        except SetupError as error:
            if error.exit_code == 1 and says_something_about_credentials(error):
                with contextlib.suppress(SetupError):
                    self.record_check(profile.name, check_record(error=error))
            raise
        with contextlib.suppress(SetupError):
            self.record_check(profile.name, check_record(identity))
        return identity

    # Saved profiles -----------------------------------------------------------------------------

    def write_profile(
        self,
        profile: Profile,
        secret_fields: dict[str, Any],
        *,
        make_default: bool = False,
        replaces: str | None = None,
    ) -> SecretStore:
        """Store ``secret_fields`` and the profile together (the low-level write under ``save``)."""
        profile.validate()
        target = self.secrets(profile.storage)
        source = target
        if replaces:
            document = self.store.load()
            if replaces in document.profiles:
                source = self.secrets(document.profiles[replaces].storage)
        self._write(profile, secret_fields, target, source, make_default, replaces)
        return target

    def _write(
        self,
        profile: Profile,
        fields: dict[str, Any],
        target: SecretStore,
        source: SecretStore,
        make_default: bool,
        replaces: str | None,
    ) -> None:
        with self._locked():
            self.ensure_name_free(profile.name, replacing=replaces)
            try:
                previous = target.get(profile.name)
            except KeyringError:  # a damaged entry under this name is replaced, not restored
                previous = None
            moved_case_only = replaces is not None and replaces != profile.name and source is target
            moved_case_only = moved_case_only and replaces.casefold() == profile.name.casefold()
            if moved_case_only:
                # A keyring that folds case holds one entry for both spellings: drop the old one first.
                with contextlib.suppress(SetupError):
                    source.delete(replaces)
            target.set(profile.name, fields)
            try:
                self.store.save(profile, make_default=make_default, replaces=replaces)
            except BaseException:
                with contextlib.suppress(SetupError):
                    if previous is None:
                        target.delete(profile.name)
                    else:
                        target.set(profile.name, previous)
                raise
            if replaces and not moved_case_only and (replaces != profile.name or source is not target):
                with contextlib.suppress(SetupError):
                    source.delete(replaces)

    def _locked(self, *refreshing: str) -> contextlib.ExitStack:
        """The refresh locks of ``refreshing`` profiles, then the store-wide lock (always in this order)."""
        ensure_private_dir(self.config_dir)
        stack = contextlib.ExitStack()
        for name in refreshing:
            stack.enter_context(refresh_lock(self.config_dir, name))
        stack.enter_context(store_lock(self.config_dir))
        return stack

    def remove(self, name: str) -> tuple[Profile, bool]:
        """Remove a profile and its secrets; returns the profile and whether a secret entry was deleted."""
        profile = self.store.get(name)
        secrets = self.secrets(profile.storage)
        with self._locked(name):
            try:
                previous = secrets.get(name)
            except KeyringError:  # a damaged entry holds nothing to restore; it goes with the profile
                previous = None
            removed_secret = secrets.delete(name)
            try:
                self.store.remove(name)
            except BaseException:
                if previous is not None:
                    with contextlib.suppress(SetupError):
                        secrets.set(name, previous)
                raise
        return profile, removed_secret

    def rename(self, old: str, new: str) -> Profile:
        """Rename a profile, moving its secret entry with it."""
        validate_profile_name(new)
        profile = self.store.get(old)
        if old == new:
            return profile
        secrets = self.secrets(profile.storage)
        with self._locked(old):
            taken = self.store.load().name_taken(new, other_than=old)
            if taken is not None:
                raise InputError(f"A profile named '{taken}' already exists.", field="name")
            try:
                fields, damaged = secrets.get(old), None
            except KeyringError:  # a damaged entry moves as it is, unread
                fields, damaged = None, secrets.get_raw(old)
            has_entry = fields is not None or damaged is not None

            def put(name: str) -> None:
                if fields is not None:
                    secrets.set(name, fields)
                else:
                    secrets.set_raw(name, damaged)

            case_only = old.casefold() == new.casefold()
            if has_entry:
                if case_only:  # one entry for both spellings in a case-folding keyring
                    secrets.delete(old)
                put(new)
            try:
                renamed = self.store.rename(old, new)
            except BaseException:
                if has_entry:
                    with contextlib.suppress(SetupError):
                        secrets.delete(new)
                        put(old)
                raise
            if has_entry and not case_only:
                with contextlib.suppress(SetupError):
                    secrets.delete(old)
        return renamed

    def duplicate(self, name: str, new_name: str) -> Profile:
        """Copy a profile's settings and long-lived secrets; OAuth tokens are not shared, as they rotate."""
        validate_profile_name(new_name)
        profile = self.store.get(name)
        secrets = self.secrets(profile.storage)
        fields = {k: v for k, v in (secrets.get(name) or {}).items() if k not in TOKEN_FIELDS}
        copy = replace(profile, name=new_name, checked=None, created_client=None)  # the client stays the original's
        self._write(copy, fields, secrets, secrets, False, None)
        return copy

    # Verification ------------------------------------------------------------------------------

    def _verify_api_token(self, profile: Profile, api_token: str, notify: Notify | None) -> Identity:
        from zendesk_setup.core.zendesk import basic_header, fetch_identity

        with self.http_factory(profile.api_base_url) as http:
            return fetch_identity(http, basic_header(profile.email or "", api_token), auth="api_token", notify=notify)

    def _client_credentials(self, profile: Profile, client_secret: str) -> TokenSet:
        from zendesk_setup.core import oauth

        with self.http_factory(profile.api_base_url) as http:
            return oauth.client_credentials_token(
                http,
                profile.api_base_url,
                client_id=profile.client_id or "",
                client_secret=client_secret,
                scopes=list(profile.scopes),
            )

    def _verify_access_token(self, profile: Profile, tokens: TokenSet, notify: Notify | None) -> Identity:
        from zendesk_setup.core import oauth
        from zendesk_setup.core.zendesk import bearer_header, fetch_identity

        with self.http_factory(profile.api_base_url) as http:
            access_token = tokens.access_token.reveal()
            identity = fetch_identity(http, bearer_header(access_token), auth=profile.auth, notify=notify)
            granted = tokens.scopes
            if not granted:
                try:
                    info = oauth.current_token_info(http, profile.api_base_url, access_token)
                    granted = tuple(str(s) for s in info.get("scopes") or ())
                except SetupError:
                    granted = ()
        return replace(identity, scopes=granted or None)
