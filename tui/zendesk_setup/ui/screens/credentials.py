"""Step 3: the credentials for the chosen auth type (email + API token, or OAuth client details)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from zendesk_setup.core.wizard import STEP_CREDENTIALS, validate_credentials
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.widgets.secret_input import SecretInput

KEEP = "leave blank to keep the saved one"


class CredentialsScreen(WizardScreen):
    """Email and token, or client identifier, kind, secret and the redirect URL to register."""

    STEP = STEP_CREDENTIALS
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
        return "#email-input" if self.state.auth == "api_token" else "#client-id-input"

    def compose_body(self) -> ComposeResult:
        """The fields for the chosen auth type."""
        state = self.state
        keep = state.can_keep_secret()
        if state.auth == "api_token":
            yield Static(
                "Admin Center › Apps and integrations › APIs › API tokens. Zendesk sees the user name "
                "[b]email/token[/b] and the token as password.",
                classes="step-intro",
            )
            yield Label("Email of the Zendesk user (a dedicated integration user is best)", classes="field-label")
            yield Input(state.email, placeholder="ada@acme.com", id="email-input")
            yield Label("API token (masked; ctrl+r reveals)", classes="field-label")
            yield SecretInput(state.api_token, placeholder=KEEP if keep else "the token", id="token-input")
            return
        if state.auth == "oauth":
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
        yield Input(state.client_id, placeholder="acme_cli", id="client-id-input")
        if state.auth == "oauth":
            with RadioSet(id="client-kind"):
                yield RadioButton(
                    "Public (PKCE, recommended)", state.client_kind != "confidential", id="kind-public"
                )
                yield RadioButton("Confidential (has a secret)", state.client_kind == "confidential", id="kind-conf")
        yield Label("Client secret (masked; ctrl+r reveals)", classes="field-label", id="client-secret-label")
        yield SecretInput(state.client_secret, placeholder=KEEP if keep else "the secret", id="client-secret-input")
        if state.auth == "oauth":
            yield Static(
                f"Register this redirect URL on the client (f2 copies it):\n[b]{state.redirect_uri()}[/b]",
                id="redirect-url",
            )

    def on_mount(self) -> None:
        """Show the secret only for confidential clients."""
        self.show_secret_for_kind()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The copy key exists only on the OAuth form."""
        if action == "copy_redirect":
            return self.state.auth == "oauth"
        return True

    def show_secret_for_kind(self) -> None:
        """Public OAuth clients have no secret field."""
        if self.state.auth != "oauth":
            return
        confidential = self.query_one("#kind-conf", RadioButton).value
        self.state.client_kind = "confidential" if confidential else "public"
        for widget_id in ("#client-secret-label", "#client-secret-input"):
            self.query_one(widget_id).display = confidential

    @on(RadioSet.Changed, "#client-kind")
    def client_kind_changed(self) -> None:
        """Switching kind shows or hides the secret."""
        self.show_secret_for_kind()

    def store_answers(self) -> None:
        """Copy the fields into the state."""
        state = self.state
        if state.auth == "api_token":
            state.email = self.query_one("#email-input", Input).value.strip()
            state.api_token = self.query_one("#token-input", Input).value.strip()
            return
        state.client_id = self.query_one("#client-id-input", Input).value.strip()
        state.client_secret = self.query_one("#client-secret-input", Input).value.strip()
        if state.auth == "oauth":
            state.client_kind = "confidential" if self.query_one("#kind-conf", RadioButton).value else "public"
            if state.client_kind == "public":
                state.client_secret = ""

    def validate_step(self) -> None:
        """The fields this auth type needs must be there."""
        validate_credentials(self.state)

    @on(Input.Submitted)
    def submit_moves_on(self) -> None:
        """Enter in a field moves on."""
        self.action_next_step()

    def action_copy_redirect(self) -> None:
        """Copy the redirect URL to the clipboard."""
        self.app.copy_to_clipboard(self.state.redirect_uri())
        self.notify(f"Copied {self.state.redirect_uri()}", title="Redirect URL")
