"""Step 3: the credentials for the chosen auth type (email + API token, or OAuth client details)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.profiles import CreatedClient
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.vocab import AuthType, ClientKind, Step
from zendesk_setup.core.wizard import CredentialsAnswer, StepPosition
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.widgets.marked_radio import MarkedRadioButton
from zendesk_setup.ui.widgets.secret_input import SecretInput

if TYPE_CHECKING:
    from zendesk_setup.core.provision import ClientAttempt
    from zendesk_setup.ui.screens.create_client import AdminChoice

KEEP = "leave blank to keep the saved one"
CLIENT_FIELDS = ("#client-id-input", "#client-kind", "#client-secret-input")


class CredentialsScreen(WizardScreen):
    """Email and token, or client identifier, kind, secret and the redirect URL to register."""

    STEP = Step.CREDENTIALS
    FIELD_IDS: ClassVar[dict[str, str]] = {
        "email": "email-input",
        "api_token": "token-input",
        "credentials": "token-input",
        "client_id": "client-id-input",
        "client_kind": "client-kind",
        "client_secret": "client-secret-input",
        "redirect": "client-id-input",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "copy_redirect", "Copy redirect URL", id="copy-redirect", tooltip="Copy the redirect URL"),
        Binding(
            "f3",
            "create_client",
            "Create client",
            id="create-client",
            tooltip="Create the OAuth client through an admin's credentials",
        ),
        Binding("f3", "delete_client", "Delete client", id="delete-client", tooltip="Delete the client made here"),
        Binding("enter", "next_step", "Next", show=False, id="enter-next", tooltip="Check this step and go on"),
    ]
    HELP = """\
**API token.** In Admin Center go to *Apps and integrations > APIs > API tokens* (older accounts:
*Zendesk API*, Settings tab, *Add API token*). The token is shown once. Zendesk signs you in as
`email/token` with the token as password: the email is the Zendesk user the calls act as (a dedicated
integration user is best).

**OAuth.** In Admin Center go to *Apps and integrations > APIs > OAuth clients > Add OAuth client*.
Copy the **Identifier** (not the numeric id). Choose *Public* (PKCE, no secret: recommended for this
tool) or *Confidential* (the secret is shown once). Add the redirect URL shown here, exactly, to the
client's Redirect URLs.

**Client credentials.** A confidential client's identifier and secret; the token acts as the user
who created the client.

**No client yet?** Press f3 and zendesk-setup creates it through Zendesk's OAuth Clients API: with a
saved admin profile on the same Zendesk (an API token, or OAuth with `write`), or with an admin's email
and API token typed in once and never stored. The identifier is filled in, a confidential client's
secret goes straight into the profile unseen, and a public client gets exactly the redirect URL shown.
The profile remembers the client, so deleting the profile with revoke can delete the client too; leaving
the wizard without saving deletes it again. f3 on a client made here deletes it again.

Secrets are masked; ctrl+r reveals the focused one. When editing, a blank secret keeps the saved one.
Keys: up/down fields, f2 copy the redirect URL, f3 create the client, enter or ctrl+n next, escape back.
"""

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(draft, position, focus_field=focus_field)
        self.created_client: CreatedClient | None = draft.created_client
        self.creating = False

    @property
    def AUTO_FOCUS(self) -> str:  # type: ignore[override]
        """The first field depends on the auth type."""
        return "#email-input" if self.draft.auth is AuthType.API_TOKEN else "#client-id-input"

    def compose_body(self) -> ComposeResult:
        """The fields for the chosen auth type."""
        draft = self.draft
        keep = draft.can_keep_secret()
        if draft.auth is AuthType.API_TOKEN:
            yield Static(
                "Admin Center › Apps and integrations › APIs › API tokens. Zendesk sees the user name "
                "[b]email/token[/b] and the token as password.",
                classes="step-intro",
            )
            yield Label("Email of the Zendesk user (a dedicated integration user is best)", classes="field-label")
            yield Input(draft.email, placeholder="ada@acme.com", id="email-input")
            yield Label("API token (masked; ctrl+r reveals)", classes="field-label")
            yield SecretInput(draft.api_token.reveal(), placeholder=KEEP if keep else "the token", id="token-input")
            return
        if draft.auth is AuthType.OAUTH:
            yield Static(
                "Admin Center › Apps and integrations › APIs › OAuth clients › Add OAuth client.",
                classes="step-intro",
            )
        else:
            yield Static(
                "A confidential OAuth client (Admin Center › Apps and integrations › APIs › OAuth clients). "
                "Tokens act as the user who created it.",
                classes="step-intro",
            )
        yield Label("Client identifier (the Identifier, not the numeric id)", classes="field-label")
        yield Input(draft.client_id, placeholder="acme_cli", id="client-id-input")
        yield Static("", id="create-client-note")
        confidential = draft.client_kind is ClientKind.CONFIDENTIAL
        if draft.auth is AuthType.OAUTH:
            with RadioSet(id="client-kind"):
                yield MarkedRadioButton("Public (PKCE, recommended)", not confidential, id="kind-public")
                yield MarkedRadioButton("Confidential (has a secret)", confidential, id="kind-conf")
        yield Label("Client secret (masked; ctrl+r reveals)", classes="field-label", id="client-secret-label")
        yield SecretInput(
            draft.client_secret.reveal(), placeholder=KEEP if keep else "the secret", id="client-secret-input"
        )
        if draft.auth is AuthType.OAUTH:
            yield Static("", id="redirect-url")

    def on_mount(self) -> None:
        """Show the secret only for confidential clients, and what f3 does (or did) about the client."""
        self.show_secret_for_kind()
        self.show_created_client()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The copy key exists only on the OAuth form, the create key on both client forms (not while it works)."""
        if action == "copy_redirect":
            return self.draft.auth is AuthType.OAUTH
        if action in ("create_client", "delete_client"):
            if not self.draft.auth.uses_client or (self.made_here() is None) != (action == "create_client"):
                return False
            return None if self.creating else True
        return True

    # The client made for this run (f3) --------------------------------------------------------------

    def made_here(self) -> ClientAttempt | None:
        """The attempt that created the client on screen in this run (None: a client typed in or saved before)."""
        created = self.created_client
        return self.setup_app.client_attempt(created.id) if created is not None else None

    def show_created_client(self) -> None:
        """Lock the client fields on a client made here (f3 deletes it again), or say what f3 can do."""
        if not self.draft.auth.uses_client:
            return
        self.refresh_bindings()
        attempt = self.made_here()
        for selector in CLIENT_FIELDS:
            for widget in self.query(selector):
                widget.disabled = attempt is not None
        self.show_redirect(registered=attempt is not None)
        for label in self.query("#client-secret-label"):
            label.update(
                "Client secret (made with the client; stored unseen, never shown)"
                if attempt is not None
                else "Client secret (masked; ctrl+r reveals)"
            )
        note = self.query_one("#create-client-note", Static)
        if self.creating:
            note.update("Creating the OAuth client on Zendesk…")
        elif attempt is not None and attempt.created is not None:
            created = attempt.created
            confidential = attempt.draft.confidential
            secret = " Its secret is stored with the profile, unseen." if confidential else ""
            note.update(
                Content.from_markup(
                    "Made by zendesk-setup through $admin: $kind client [b]$identifier[/b] (id $id).$secret "
                    "f3 deletes it again.",
                    admin=self.admin_label(attempt),
                    kind="confidential" if confidential else "public",
                    identifier=created.identifier,
                    id=str(created.id),
                    secret=secret,
                )
            )
        else:
            note.update("No client yet? f3 creates it through an admin's credentials: nothing to copy.")

    def show_redirect(self, *, registered: bool) -> None:
        """The redirect URL: to register on a client typed in, or registered already on one made here."""
        for line in self.query("#redirect-url"):
            words = (
                "The client's only redirect URL (f2 copies it):"
                if registered
                else "Register this redirect URL on the client (f2 copies it):"
            )
            line.update(Content.from_markup("$words\n[b]$url[/b]", words=words, url=self.draft.redirect_uri()))

    @staticmethod
    def admin_label(attempt: ClientAttempt) -> str:
        """Whose credentials made the client: a profile's name, or the one-time admin token."""
        from zendesk_setup.core.provision import ONE_TIME_ADMIN

        admin = attempt.admin
        if admin is None:
            return "an admin"
        if admin.profile.name == ONE_TIME_ADMIN:
            return f"{admin.identity.name}'s API token (not stored)"
        return f"'{admin.profile.name}'"

    def action_delete_client(self) -> None:
        """Delete the client made here again (after asking)."""
        attempt = self.made_here()
        if attempt is not None and not self.creating:
            self.ask_to_delete(attempt)

    def action_create_client(self) -> None:
        """Create the client through an admin: a modal says what will be made and asks whose credentials."""
        if self.creating or self.made_here() is not None:
            return
        from zendesk_setup.core.provision import admin_candidates, client_name
        from zendesk_setup.ui.screens.create_client import CreateClientModal

        draft = self.answered_draft()
        confidential = draft.confidential
        kind = "confidential" if confidential else "public"
        where = draft.api_base_url()
        redirect = f"for the redirect URL {draft.redirect_uri()}" if draft.auth is AuthType.OAUTH else "for server use"
        secret = " Its secret goes straight into this profile; nobody sees it." if confidential else ""
        if draft.auth is AuthType.CLIENT_CREDENTIALS:
            secret += " Its tokens act as the admin who creates it."
        plan = (
            f"Create a {kind} OAuth client '{client_name()}' on {where} {redirect}.{secret} "
            "Leaving the wizard without saving deletes it again. Whose credentials create it?"
        )
        candidates = admin_candidates(self.setup_app.service, draft)
        self.app.push_screen(CreateClientModal(plan, candidates), self.create_with)

    def create_with(self, choice: AdminChoice | None) -> None:
        """Check the admin and create the client in a thread worker."""
        if choice is None:
            return
        from zendesk_setup.core.provision import Provisioner

        draft = self.answered_draft()
        service = self.setup_app.service

        def create() -> ClientAttempt:
            provisioner = Provisioner(service)
            if choice.using is not None:
                admin = provisioner.open_admin(choice.using)
            else:
                admin = provisioner.open_admin_once(draft, choice.email, choice.api_token)
            return provisioner.create_for(draft, admin)

        self.creating = True
        self.show_error(None)
        self.show_created_client()
        self.run_worker(create, name="create_client", group="create-client", thread=True, exit_on_error=False)

    def on_create_client_done(self, attempt: ClientAttempt) -> None:
        """Fill in the client that was made and lock its fields."""
        self.creating = False
        self.setup_app.track_client(attempt)
        created = attempt.created
        if created is not None:
            self.created_client = CreatedClient(created.id, created.identifier)
            self.query_one("#client-id-input", Input).value = created.identifier
            if attempt.draft.confidential:
                self.query_one("#client-secret-input", Input).value = created.secret.reveal()
        self.show_created_client()
        self.focus_next_after_client()

    def on_create_client_failed(self, error: SetupError) -> None:
        """Say why no client was made (not an admin, no write scope, Zendesk refused): nothing changed."""
        self.creating = False
        self.show_created_client()
        # Whatever went wrong (not an admin, a wrong admin token, Zendesk refusing), the way out is the same.
        error = SetupError(
            f"No client was made. {error.message}",
            error.title,
            tui_hint="Press f3 to try again or choose another admin, or ask an admin to create the client and type "
            "its identifier here.",
        )
        self.show_error(error, focus=False)

    def focus_next_after_client(self) -> None:
        """After the client is made the identifier is locked: the focus moves on to what is left (the footer)."""
        if self.focused is None or self.focused.disabled:
            self.set_focus(None)

    def ask_to_delete(self, attempt: ClientAttempt) -> None:
        """f3 on a client made here: ask, then delete it again on Zendesk in a worker."""
        created = attempt.created
        if created is None:
            return

        def chosen(yes: bool | None) -> None:
            if not yes:
                return
            self.creating = True
            self.show_created_client()
            self.run_worker(
                lambda: (attempt, self.setup_app.undo_clients([attempt]) == 0),
                name="delete_client",
                group="create-client",
                thread=True,
                exit_on_error=False,
            )

        question = f"Delete the OAuth client '{created.identifier}' (id {created.id}) on Zendesk again?"
        self.app.push_screen(ConfirmModal(question, yes="Delete it", no="Keep it"), chosen)

    def on_delete_client_done(self, result: tuple[ClientAttempt, bool]) -> None:
        """The client is gone (or could not be deleted: then it says where to delete it by hand)."""
        attempt, deleted = result
        self.creating = False
        self.setup_app.forget_client(attempt)
        identifier = self.created_client.identifier if self.created_client is not None else ""
        self.created_client = None
        self.query_one("#client-id-input", Input).value = ""
        self.query_one("#client-secret-input", Input).value = ""
        self.show_created_client()
        if not deleted:
            self.show_error(
                SetupError(
                    f"Zendesk did not delete the client '{identifier}'.",
                    tui_hint="Delete it in Admin Center > Apps and integrations > APIs > OAuth clients.",
                ),
                focus=False,
            )
        self.query_one("#client-id-input", Input).focus()

    def on_delete_client_failed(self, error: SetupError) -> None:
        """Unexpected: say so; the client stays on screen."""
        self.creating = False
        self.show_created_client()
        self.show_error(error, focus=False)

    def action_next_step(self) -> None:
        """Not while the client is being made."""
        if not self.creating:
            super().action_next_step()

    def action_back(self) -> None:
        """Not while the client is being made (it would be left behind)."""
        if not self.creating:
            super().action_back()

    def show_secret_for_kind(self) -> None:
        """Public OAuth clients have no secret field."""
        if self.draft.auth is not AuthType.OAUTH:
            return
        confidential = self.query_one("#kind-conf", RadioButton).value
        for widget_id in ("#client-secret-label", "#client-secret-input"):
            self.query_one(widget_id).display = confidential

    @on(RadioSet.Changed, "#client-kind")
    def client_kind_changed(self) -> None:
        """Switching kind shows or hides the secret."""
        self.show_secret_for_kind()
        self.recheck_shown_error()

    @on(Input.Changed)
    def input_changed(self) -> None:
        """An error shown for a field goes once the field is right."""
        self.recheck_shown_error()

    def answer(self) -> CredentialsAnswer:
        """The fields for this auth type (secrets as Secret values)."""
        if self.draft.auth is AuthType.API_TOKEN:
            return CredentialsAnswer(
                email=self.query_one("#email-input", Input).value.strip(),
                api_token=Secret(self.query_one("#token-input", Input).value.strip()),
            )
        kind = self.draft.client_kind
        if self.draft.auth is AuthType.OAUTH:
            kind = ClientKind.CONFIDENTIAL if self.query_one("#kind-conf", RadioButton).value else ClientKind.PUBLIC
        return CredentialsAnswer(
            client_id=self.query_one("#client-id-input", Input).value.strip(),
            client_kind=kind,
            client_secret=Secret(self.query_one("#client-secret-input", Input).value.strip()),
            created_client=self.created_client,
        )

    def validate_step(self, draft: ProfileDraft) -> None:
        """The fields this auth type needs must be there."""
        draft.validate_credentials()

    @on(Input.Submitted)
    def submit_moves_on(self) -> None:
        """Enter in a field moves on."""
        self.action_next_step()

    def action_copy_redirect(self) -> None:
        """Copy the redirect URL to the clipboard."""
        self.app.copy_to_clipboard(self.draft.redirect_uri())
        self.notify(f"Copied {self.draft.redirect_uri()}", title="Redirect URL", markup=False)
