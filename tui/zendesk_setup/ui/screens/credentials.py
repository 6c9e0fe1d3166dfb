"""Step 3: the credentials for the chosen auth type (email + API token, or OAuth client details)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.vocab import AuthType, ClientKind, Step
from zendesk_setup.core.wizard import CredentialsAnswer
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.widgets.secret_input import SecretInput

KEEP = "leave blank to keep the saved one"


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

Secrets are masked; ctrl+r reveals the focused one. When editing, a blank secret keeps the saved one.
Keys: up/down fields, f2 copy the redirect URL, enter or ctrl+n next, escape back.
"""

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
            yield SecretInput(
                draft.api_token.reveal(), placeholder=KEEP if keep else "the token", id="token-input"
            )
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
        confidential = draft.client_kind is ClientKind.CONFIDENTIAL
        if draft.auth is AuthType.OAUTH:
            with RadioSet(id="client-kind"):
                yield RadioButton("Public (PKCE, recommended)", not confidential, id="kind-public")
                yield RadioButton("Confidential (has a secret)", confidential, id="kind-conf")
        yield Label("Client secret (masked; ctrl+r reveals)", classes="field-label", id="client-secret-label")
        yield SecretInput(
            draft.client_secret.reveal(), placeholder=KEEP if keep else "the secret", id="client-secret-input"
        )
        if draft.auth is AuthType.OAUTH:
            yield Static(
                Content.from_markup(
                    "Register this redirect URL on the client (f2 copies it):\n[b]$url[/b]", url=draft.redirect_uri()
                ),
                id="redirect-url",
            )

    def on_mount(self) -> None:
        """Show the secret only for confidential clients."""
        self.show_secret_for_kind()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The copy key exists only on the OAuth form."""
        if action == "copy_redirect":
            return self.draft.auth is AuthType.OAUTH
        return True

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
