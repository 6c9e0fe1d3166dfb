"""Step 1: choose how the profile signs in (OAuth, API token or client credentials)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from zendesk_setup.core.wizard import AUTH_LABELS, STEP_AUTH, api_token_notice
from zendesk_setup.ui.screens.base import WizardScreen

AUTH_ORDER = ("oauth", "api_token", "client_credentials")


class AuthTypeScreen(WizardScreen):
    """The auth-type choice; OAuth is the default and the API-token line carries the shut-off date."""

    STEP = STEP_AUTH
    AUTO_FOCUS = "#auth-choice"
    FIELD_IDS: ClassVar[dict[str, str]] = {"auth": "auth-choice"}
    HELP = """\
Choose how scripts will sign in to Zendesk.

- **OAuth** (recommended): you sign in once in the browser and approve the scopes; zendesk-setup keeps
  a refresh token in the OS keyring and renews the access token for your scripts.
- **API token**: an agent email plus a token from Admin Center. Zendesk creates no new tokens since
  2026-10-27 and switches every token off on 2027-04-30.
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
        choice = self.query_one("#auth-choice", OptionList)
        choice.highlighted = AUTH_ORDER.index(self.state.auth) if self.state.auth in AUTH_ORDER else 0

    def store_answers(self) -> None:
        """Keep the highlighted choice."""
        choice = self.query_one("#auth-choice", OptionList)
        if choice.highlighted is not None:
            self.state.auth = AUTH_ORDER[choice.highlighted]

    @on(OptionList.OptionSelected, "#auth-choice")
    def choose_and_continue(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice takes it and moves on."""
        self.action_next_step()


__all__ = ["AUTH_LABELS", "AuthTypeScreen"]
