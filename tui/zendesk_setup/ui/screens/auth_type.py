"""Step 1: choose how the profile signs in (OAuth, API token or client credentials)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from zendesk_setup.core.vocab import AuthType, Step, api_token_help, api_token_notice
from zendesk_setup.core.wizard import AuthAnswer
from zendesk_setup.ui.screens.base import WizardScreen

AUTH_ORDER = (AuthType.OAUTH, AuthType.API_TOKEN, AuthType.CLIENT_CREDENTIALS)


class AuthTypeScreen(WizardScreen):
    """The auth-type choice; OAuth is the default and the API-token line carries the shut-off date."""

    STEP = Step.AUTH
    AUTO_FOCUS = "#auth-choice"
    FIELD_IDS: ClassVar[dict[str, str]] = {"auth": "auth-choice"}
    HELP = f"""\
Choose how scripts will sign in to Zendesk.

- **OAuth** (recommended): you sign in once in the browser and approve the scopes; zendesk-setup keeps
  a refresh token in the OS keyring and renews the access token for your scripts.
- **API token**: an agent email plus a token from Admin Center. {api_token_help()}
- **Client credentials**: a confidential OAuth client's identifier and secret, for unattended jobs
  (CI); the token acts as the user who created the client.

For integrations, create a dedicated Zendesk user, so the access does not depend on a person.

Keys: up/down choose, enter next, escape back (leaves the wizard on this first step), ctrl+q quit.
"""

    def compose_body(self) -> ComposeResult:
        """The three choices with one line each on when to use them."""
        today = self.setup_app.today()
        notice = api_token_notice(today)
        options = [
            Option(
                Content.from_markup(
                    "[b]OAuth (recommended)[/b]\n  Sign in through the browser; tokens refresh themselves."
                ),
                id="oauth",
            ),
            Option(
                Content.from_markup(
                    "[b]API token[/b] (deprecated)\n  Email + token from Admin Center, until the shut-off.\n"
                    "  [$warning]$notice[/]",
                    notice=notice,
                ),
                id="api_token",
            ),
            Option(
                Content.from_markup(
                    "[b]Client credentials[/b]\n  Unattended jobs and CI: a confidential client's id + secret."
                ),
                id="client_credentials",
            ),
        ]
        yield Static("How should this profile sign in to Zendesk?", classes="step-intro")
        yield OptionList(*options, id="auth-choice")
        yield Static(
            "Tip: for integrations, sign in as a dedicated Zendesk user (not a person's account), "
            "so access survives staff changes.",
            id="dedicated-user-tip",
            classes="hint",
        )

    def on_mount(self) -> None:
        """Highlight the current choice (OAuth for a new profile)."""
        self.query_one("#auth-choice", OptionList).highlighted = AUTH_ORDER.index(self.draft.auth)

    def answer(self) -> AuthAnswer:
        """The highlighted choice."""
        highlighted = self.query_one("#auth-choice", OptionList).highlighted
        return AuthAnswer(AUTH_ORDER[highlighted] if highlighted is not None else self.draft.auth)

    @on(OptionList.OptionSelected, "#auth-choice")
    def choose_and_continue(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice takes it and moves on."""
        self.action_next_step()
