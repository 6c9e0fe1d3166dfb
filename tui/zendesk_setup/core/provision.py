"""Provisioning: OAuth clients made through an admin profile, migrations off API tokens, and secret rotation.

Every path ends in the credentials service's one pipeline (``check`` then ``save``); this module only adds the
client: it creates it before the consent or the check, records it in the profile, and deletes it again when
anything after its creation fails.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from zendesk_setup.core.clients import ClientsApi, OAuthClient, admin_error
from zendesk_setup.core.draft import NO_SECRET, ProfileDraft
from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.profiles import CreatedClient, Profile, valid_email
from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.session import Session
from zendesk_setup.core.vocab import MIGRATION_SCOPES, AuthType, ClientKind

if TYPE_CHECKING:
    from zendesk_setup.core.consent import Consent
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.service import CheckResult, CredentialsService, SaveResult
    from zendesk_setup.core.zendesk import Identity

Notify = Callable[[str], None]
Prepare = Callable[["Consent"], None]
ConsentRunner = Callable[[ProfileDraft, Prepare | None], "TokenSet"]
"""Runs one browser consent for a draft; calls ``prepare(consent)`` once the loopback port is bound, before the
browser opens (that is when a client is created with the exact redirect URL), and returns the tokens."""

ONE_TIME_ADMIN = "admin token, not stored"
"""The name a one-time admin (an API token typed in to create one client, never saved) goes by in messages."""


def host_label() -> str:
    """This machine's name, as a short label for a client's name and identifier."""
    name = re.sub(r"[^a-z0-9-]+", "-", socket.gethostname().split(".")[0].lower()).strip("-")
    return name[:30] or "this-machine"


def new_identifier(host: str | None = None) -> str:
    """A fresh, unique-looking client identifier: ``zendesk-setup-HOST-abc123``."""
    return f"zendesk-setup-{host or host_label()}-{secrets.token_hex(3)}"


def client_name(host: str | None = None) -> str:
    """The client's name shown in Admin Center: ``zendesk-setup on HOST``."""
    return f"zendesk-setup on {host or host_label()}"


def token_page_url(profile: Profile) -> str:
    """Where the profile's account lists its API tokens in Admin Center."""
    return f"{profile.api_base_url}/admin/apps-integrations/apis/api-tokens"


@dataclass(frozen=True)
class Admin:
    """An admin profile ready to manage OAuth clients: who it is, and its Clients API."""

    profile: Profile
    identity: Identity
    clients: ClientsApi

    def close(self) -> None:
        """Close the HTTP connection to Zendesk."""
        self.clients.http.close()


class OneTimeSecrets:
    """A secret store that holds one admin's API token in memory for one use: nothing is read or written on disk."""

    def __init__(self, fields: dict[str, str]) -> None:
        self._fields = dict(fields)

    def describe(self, profile_name: str) -> str:
        """Where the secret is: nowhere but this process."""
        return "memory only (not stored)"

    def probe(self) -> None:
        """Always usable."""

    def get(self, profile_name: str) -> dict[str, str]:
        """The one entry, whatever the name."""
        return dict(self._fields)

    def get_raw(self, profile_name: str) -> object:
        """The one entry."""
        return dict(self._fields)

    def set(self, profile_name: str, fields: dict[str, str]) -> None:
        """Kept in memory only."""
        self._fields = dict(fields)

    def set_raw(self, profile_name: str, entry: object) -> None:
        """Kept in memory only."""
        if isinstance(entry, dict):
            self._fields = {str(k): str(v) for k, v in entry.items()}

    def delete(self, profile_name: str) -> bool:
        """Forget the token."""
        had = bool(self._fields)
        self._fields = {}
        return had


def check_admin_login(email: str, api_token: Secret) -> None:
    """InputError (field ``admin_email`` or ``admin_token``) unless these look like an admin's email and API token."""
    if not valid_email(email.strip()):
        raise InputError("Enter the email address of the admin the API token belongs to.", field="admin_email")
    token = api_token.reveal().strip()
    if not token or any(ch.isspace() for ch in token):
        raise InputError("Enter the admin's API token (it has no spaces).", field="admin_token")


def can_manage_clients(profile: Profile) -> bool:
    """True when ``profile``'s credentials could create OAuth clients (an API token, or OAuth with ``write``).

    Whether its user is an admin is only known by asking Zendesk (``Provisioner.open_admin``).
    """
    if profile.auth == AuthType.API_TOKEN:
        return True
    return profile.auth == AuthType.OAUTH and "write" in profile.scopes


def admin_candidates(service: CredentialsService, draft: ProfileDraft) -> list[Profile]:
    """The saved profiles on the draft's Zendesk that may create its client; known admins first."""
    try:
        host = draft.api_base_url()
    except InputError:
        return []
    found = [
        profile
        for profile in service.store.load().profiles.values()
        if profile.api_base_url == host and can_manage_clients(profile)
    ]

    def rank(profile: Profile) -> tuple[int, str]:
        checked = profile.checked
        known_admin = checked is not None and checked.ok and (checked.role or "").lower() == "admin"
        return (0 if known_admin else 1, profile.name)

    return sorted(found, key=rank)


@dataclass(frozen=True)
class ProvisionResult:
    """A saved profile and the client created for it (None when an existing client was used)."""

    saved: SaveResult
    client: OAuthClient | None


class ClientAttempt:
    """Saving one draft with a client created for it: ``prepare``/``create`` the client, then ``finish`` or ``undo``.

    The CLI runs it in one call (``Provisioner.provision``); the terminal UI spreads it over its consent screen.
    """

    def __init__(self, provisioner: Provisioner, draft: ProfileDraft, clients: ClientsApi | None, *, name: str) -> None:
        self.provisioner = provisioner
        self.draft = draft
        self.clients = clients
        self.name = name
        self.created: OAuthClient | None = None
        self.admin: Admin | None = None

    def run(self, consent: ConsentRunner | None) -> ProvisionResult:
        """All of it in one go: create the client, consent if OAuth, check and save (undone on any failure)."""
        tokens: TokenSet | None = None
        try:
            if self.draft.auth is AuthType.OAUTH:
                if consent is None:
                    raise InputError("An OAuth profile needs a browser consent.", field="consent")
                tokens = consent(self.draft, self.prepare if self.clients is not None else None)
            elif self.clients is not None:
                self.create([])
        except BaseException:
            self.undo(tokens)
            raise
        return self.finish(tokens)

    def close(self) -> None:
        """Close the admin profile's connection, if this attempt opened one."""
        if self.admin is not None:
            self.admin.close()

    def create(self, redirect_uris: list[str]) -> OAuthClient:
        """Create the draft's client (public, or confidential when the draft has a secret) for these redirects."""
        if self.clients is None:
            raise InputError("No admin profile was given to create the client.", field="using")
        kind = ClientKind.CONFIDENTIAL if self.draft.confidential else ClientKind.PUBLIC
        created = self.clients.create(
            name=self.name, identifier=self.draft.client_id, kind=kind, redirect_uris=redirect_uris
        )
        self.created = created
        shown = f"for {', '.join(created.redirect_uris)}" if created.redirect_uris else "with no redirect URL"
        self.provisioner.notify(f"Created {kind} OAuth client '{created.identifier}' (id {created.id}) {shown}.")
        return created

    def prepare(self, consent: Consent) -> None:
        """Create the client for exactly this consent's redirect URL (the loopback port is bound by now)."""
        self.create([consent.redirect_uri])

    def finish(self, tokens: TokenSet | None = None) -> ProvisionResult:
        """Check and save the draft (with the consent's tokens, the created client's secret); undo on failure."""
        draft = self.draft
        created = self.created
        try:
            if tokens is not None:
                draft = draft.with_tokens(tokens)
            if created is not None:
                draft = draft.with_answers(created_client=CreatedClient(created.id, created.identifier))
                if draft.confidential:
                    draft = draft.with_answers(client_secret=created.secret)
            check = self.provisioner.service.check(draft, notify=self.provisioner.notify)
            saved = self.provisioner.service.save(draft, check)
        except BaseException:
            self.undo(tokens)
            raise
        return ProvisionResult(saved, replace(created, secret=NO_SECRET) if created is not None else None)

    def undo(self, tokens: TokenSet | None = None) -> bool:
        """Delete the client this attempt created (its tokens go with it), else revoke the tokens it got.

        False when Zendesk would not delete the client (``notify`` has said where to delete it by hand).
        """
        created, self.created = self.created, None
        notify = self.provisioner.notify
        if self.clients is not None and created is not None:
            try:
                self.clients.delete(created.id)
                notify(f"Deleted the OAuth client '{created.identifier}' again; nothing was changed.")
            except SetupError as exc:
                notify(
                    f"Could not delete the OAuth client '{created.identifier}' (id {created.id}) again: "
                    f"{exc.message} Delete it in Admin Center > Apps and integrations > APIs > OAuth clients."
                )
                return False
            return True
        if tokens is not None:
            with contextlib.suppress(SetupError):
                self.provisioner.service.revoke_issued([(self.draft.api_base_url(), tokens)])
        return True


def other_client_users(service: CredentialsService, profile: Profile) -> list[str]:
    """The other saved profiles that use the same OAuth client as ``profile`` (deleting it would stop them)."""
    return [
        other.name
        for other in service.store.load().profiles.values()
        if other.name != profile.name and other.client_id and other.client_id == profile.client_id
    ]


def delete_created_client(service: CredentialsService, profile: Profile) -> CreatedClient:
    """Delete the OAuth client zendesk-setup created for ``profile``, with the profile's own credentials.

    Its tokens stop working with it. SetupError when Zendesk refuses (the profile's user is no admin, say).
    """
    created = profile.created_client
    if created is None:
        raise InputError(f"Profile '{profile.name}' has no OAuth client made by zendesk-setup.")
    session = service.session(profile)
    with session.http() as http:
        ClientsApi(session, http).delete(created.id)
    return created


class Provisioner:
    """Creates OAuth clients through admin profiles and saves the profiles that use them."""

    def __init__(self, service: CredentialsService, *, notify: Notify | None = None) -> None:
        self.service = service
        self.notify = notify or (lambda _text: None)

    # Admins --------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def admin(self, name: str, *, require_admin: bool = True) -> Iterator[Admin]:
        """Check ``name``'s credentials against Zendesk and open its Clients API (refused unless an admin)."""
        admin = self.open_admin(name, require_admin=require_admin)
        try:
            yield admin
        finally:
            admin.close()

    def open_admin(self, name: str, *, require_admin: bool = True) -> Admin:
        """Like ``admin``, for a caller that closes it itself (the terminal UI keeps it across screens)."""
        profile = self.service.store.get(name)
        return self._admin(profile, self.service.session(profile), require_admin=require_admin)

    def open_admin_once(self, draft: ProfileDraft, email: str, api_token: Secret) -> Admin:
        """An admin from an API token typed in for one use, on the draft's Zendesk; the token is never stored.

        For someone with no saved admin profile: the token creates the client, then is forgotten with this Admin.
        """
        check_admin_login(email, api_token)
        token = api_token.reveal().strip()
        profile = Profile(
            name=ONE_TIME_ADMIN,
            subdomain=draft.normalised_subdomain(),
            auth=AuthType.API_TOKEN,
            email=email.strip(),
            base_url=draft.custom_base_url(),
        )
        session = Session(
            profile,
            OneTimeSecrets({"api_token": token}),
            self.service.config_dir,
            http_factory=self.service.http_factory,
        )
        return self._admin(profile, session, require_admin=True)

    def _admin(self, profile: Profile, session: Session, *, require_admin: bool) -> Admin:
        identity = session.check(notify=self.notify)
        if require_admin and (identity.role or "").lower() != "admin":
            if profile.name == ONE_TIME_ADMIN:
                raise SetupError(
                    f"That API token signs in as {identity.name} ({identity.role or 'no role'}); only a Zendesk "
                    "admin can create OAuth clients.",
                    "Admin needed",
                    field="admin_token",
                    tui_hint="Use an admin's email and API token, or ask an admin to create the client.",
                )
            raise admin_error(profile.name, identity)
        http = session.http()
        return Admin(profile, identity, ClientsApi(session, http, notify=self.notify))

    def create_for(self, draft: ProfileDraft, admin: Admin, *, name: str | None = None) -> ClientAttempt:
        """Create the draft's client now through ``admin``, for the redirect URL its consent will use.

        The terminal UI calls this from the credentials step: the identifier is a fresh one, the kind the draft's
        (client credentials: confidential, with no redirect URL). The attempt owns ``admin`` from here on: its
        ``close`` closes it, and ``undo`` deletes the client again.
        """
        kind = ClientKind.CONFIDENTIAL if draft.confidential else ClientKind.PUBLIC
        ready = draft.with_answers(client_id=new_identifier(), client_kind=kind)
        attempt = self.attempt(ready, admin.clients, name=name)
        attempt.admin = admin
        try:
            attempt.create([ready.redirect_uri()] if ready.auth is AuthType.OAUTH else [])
        except BaseException:
            attempt.close()
            raise
        return attempt

    # Creating and saving ---------------------------------------------------------------------------

    def attempt(self, draft: ProfileDraft, clients: ClientsApi | None, *, name: str | None = None) -> ClientAttempt:
        """One attempt at saving ``draft`` with a client created through ``clients`` (None: the draft's own)."""
        return ClientAttempt(self, draft, clients, name=name or client_name())

    def provision(
        self,
        draft: ProfileDraft,
        clients: ClientsApi | None,
        consent: ConsentRunner | None,
        *,
        name: str | None = None,
    ) -> ProvisionResult:
        """Create the draft's client through ``clients`` (unless None), consent if OAuth, then check and save.

        A client created here is deleted again, and tokens issued here revoked, when any later step fails; the
        draft's original profile is then left exactly as it was.
        """
        return self.attempt(draft, clients, name=name).run(consent)

    # Migration -----------------------------------------------------------------------------------------

    def migration_draft(
        self,
        profile: Profile,
        *,
        to: AuthType = AuthType.OAUTH,
        scopes: tuple[str, ...] = MIGRATION_SCOPES,
        client_id: str | None = None,
        port: int | None = None,
    ) -> ProfileDraft:
        """The draft that turns an API-token profile into ``to`` under the same name and settings."""
        if profile.auth != AuthType.API_TOKEN:
            raise InputError(
                f"Profile '{profile.name}' already uses {profile.auth}; migrate moves API-token profiles to OAuth.",
                "Nothing to migrate",
            )
        if to not in (AuthType.OAUTH, AuthType.CLIENT_CREDENTIALS):
            raise InputError("--to must be oauth or client_credentials.", field="to")
        if to is AuthType.CLIENT_CREDENTIALS and client_id:
            raise InputError(
                "--client-id cannot be used with --to client_credentials: its secret would have to be typed in. "
                "Leave it out and a client is created, its secret stored without anyone seeing it.",
                field="client_id",
            )
        return replace(
            ProfileDraft.from_profile(profile),
            auth=to,
            email="",
            client_id=client_id or new_identifier(),
            client_kind=ClientKind.CONFIDENTIAL if to is AuthType.CLIENT_CREDENTIALS else ClientKind.PUBLIC,
            scopes=tuple(scopes),
            redirect_port=port or profile.redirect_port or DEFAULT_REDIRECT_PORT,
            created_client=None,
        )

    def start_migration(
        self,
        name: str,
        *,
        to: AuthType = AuthType.OAUTH,
        scopes: tuple[str, ...] = MIGRATION_SCOPES,
        client_id: str | None = None,
        port: int | None = None,
    ) -> ClientAttempt:
        """Check the API-token profile ``name`` and its admin rights, and ready the attempt that migrates it.

        The caller runs the consent (``attempt.prepare`` creates the client once the port is bound), then
        ``attempt.finish(tokens)``, or ``attempt.undo()``; and ``attempt.close()`` at the end.
        """
        profile = self.service.store.get(name)
        draft = self.migration_draft(profile, to=to, scopes=scopes, client_id=client_id, port=port)
        self.service.probe(profile.storage)
        self.service.stored_fields(ProfileDraft.from_profile(profile))  # a damaged entry stops us before Zendesk
        admin = self.open_admin(name, require_admin=client_id is None)
        self.notify(f"Profile '{name}' signs in as {admin.identity.describe()}.")
        attempt = self.attempt(draft, None if client_id else admin.clients)
        attempt.admin = admin
        return attempt

    def migrate(
        self,
        name: str,
        consent: ConsentRunner | None,
        *,
        to: AuthType = AuthType.OAUTH,
        scopes: tuple[str, ...] = MIGRATION_SCOPES,
        client_id: str | None = None,
        port: int | None = None,
    ) -> ProvisionResult:
        """Move the API-token profile ``name`` to OAuth in place: same name, one atomic save, API token last."""
        attempt = self.start_migration(name, to=to, scopes=scopes, client_id=client_id, port=port)
        try:
            return attempt.run(consent)
        finally:
            attempt.close()

    # Rotation ----------------------------------------------------------------------------------------------

    def rotate(self, name: str, using: str) -> tuple[Profile, CheckResult]:
        """A new client secret for ``name`` through the admin profile ``using``, stored at once, then checked."""
        profile = self.service.store.get(name)
        confidential = profile.auth == AuthType.CLIENT_CREDENTIALS or (
            profile.auth == AuthType.OAUTH and profile.client_kind == ClientKind.CONFIDENTIAL
        )
        if not confidential:
            raise InputError(
                f"Profile '{name}' has no client secret to rotate ({profile.auth}, "
                f"{profile.client_kind or 'no client'}); rotate is for client credentials and confidential clients.",
                "Nothing to rotate",
            )
        self.service.probe_writable(profile)  # the old secret dies when Zendesk answers: the store must take the new
        with self.admin(using) as admin:
            client_number = profile.created_client.id if profile.created_client is not None else None
            if client_number is None:
                found = admin.clients.find(profile.client_id or "")
                if found is None:
                    raise InputError(
                        f"Profile '{using}' sees no OAuth client with the identifier '{profile.client_id}'.",
                        "No such client",
                        hint=f"List the clients with `zendesk-setup client list --using {using}`.",
                    )
                client_number = found.id
            rotated = admin.clients.generate_secret(client_number)
            self.notify(f"Zendesk made a new secret for client '{profile.client_id}'; the old one no longer works.")
            self.service.store_client_secret(profile, rotated.secret)
        draft = ProfileDraft.from_profile(profile).with_answers(client_secret=rotated.secret)
        check = self.service.check(draft, notify=self.notify)
        saved = self.service.save(draft, check)
        return saved.profile, check
