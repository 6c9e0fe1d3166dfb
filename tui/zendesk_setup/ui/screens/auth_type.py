"""Step 1: choose how the profile signs in (OAuth, API token or client credentials)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from zendesk_setup.core.errors import KeyringError, SetupError
from zendesk_setup.core.secrets import SecretStore
from zendesk_setup.core.vocab import AuthType, Step, Storage, api_token_help, api_token_notice
from zendesk_setup.core.wizard import AuthAnswer, StepPosition
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.screens.confirm import ask_insecure_storage

if TYPE_CHECKING:
    from zendesk_setup.core.draft import ProfileDraft

AUTH_ORDER = (AuthType.OAUTH, AuthType.API_TOKEN, AuthType.CLIENT_CREDENTIALS)


class AuthTypeScreen(WizardScreen):
    """The auth-type choice; OAuth is the default and the API-token line carries the shut-off date.

    It also probes the keyring (in a thread: it may block on D-Bus), so a machine without one learns it
    here, with the fix and the plain-file choice, instead of after every field is filled.
    """

    STEP = Step.AUTH
    AUTO_FOCUS = "#auth-choice"
    FIELD_IDS: ClassVar[dict[str, str]] = {"auth": "auth-choice"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "insecure_storage", "Store in file", id="insecure", tooltip="Keep secrets in a 0600 file"),
        Binding("r", "probe_keyring", "Check keyring", id="recheck-keyring", tooltip="Try the OS keyring again"),
    ]
    HELP = f"""\
Choose how scripts will sign in to Zendesk.

- **OAuth** (recommended): you sign in once in the browser and approve the scopes; zendesk-setup keeps
  a refresh token in the OS keyring and renews the access token for your scripts.
- **API token**: an agent email plus a token from Admin Center. {api_token_help()}
- **Client credentials**: a confidential OAuth client's identifier and secret, for unattended jobs
  (CI); the token acts as the user who created the client.

For integrations, create a dedicated Zendesk user, so the access does not depend on a person.

With no usable OS keyring this screen says so first; **i** then keeps the secrets in a plain-text
0600 file (secrets.yaml) instead (insecure), and later steps do not ask again; once the keyring is
fixed (unlocked, or gnome-keyring started), **r** checks it again.

Keys: up/down choose, enter next, escape back (leaves the wizard on this first step), ctrl+q quit.
"""

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(draft, position, focus_field=focus_field)
        self.storage = draft.storage
        self.keyring_error: KeyringError | None = None

    def compose_body(self) -> ComposeResult:
        """The keyring notice (hidden unless the probe fails), then the three choices with a line on each."""
        yield Static("", id="keyring-notice")
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
        """Highlight the current choice (OAuth for a new profile) and probe the keyring in a thread."""
        self.query_one("#auth-choice", OptionList).highlighted = AUTH_ORDER.index(self.draft.auth)
        self.action_probe_keyring()

    def action_probe_keyring(self) -> None:
        """Probe the keyring in a thread worker (it may block on D-Bus); a failure is shown by the handler."""
        if self.storage is not Storage.FILE:
            storage = self.storage
            self.run_worker(
                lambda: self.setup_app.service.probe(storage),
                name="keyring_probe",
                group="keyring",
                thread=True,
                exclusive=True,
                exit_on_error=False,
            )

    def on_keyring_probe_done(self, store: SecretStore) -> None:
        """The keyring works: nothing to say (a notice from an earlier probe goes)."""
        if self.keyring_error is not None:
            self.keyring_error = None
            notice = self.query_one("#keyring-notice", Static)
            notice.update("")
            notice.remove_class("visible")
            self.show_tip(True)
            self.refresh_bindings()

    def on_keyring_probe_failed(self, error: SetupError) -> None:
        """No usable keyring: say so now, with the fix and the plain-file choice."""
        if not isinstance(error, KeyringError) or self.storage is Storage.FILE:
            return
        self.keyring_error = error
        notice = self.query_one("#keyring-notice", Static)
        notice.update(
            Content.assemble(
                ("⚠ " + error.title + ": ", "bold"),
                error.shown_in_tui(),
                "\nPress i to keep this profile's secrets in a plain-text 0600 file (secrets.yaml) instead "
                "(insecure), or fix the keyring and press r to check it again.",
            )
        )
        notice.add_class("visible")
        self.show_tip(False)
        self.refresh_bindings()

    def show_tip(self, shown: bool) -> None:
        """The dedicated-user tip, left out while the keyring notice needs the room (80x24 fits one or the other)."""
        self.query_one("#dedicated-user-tip").display = shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The file-store and recheck keys only while the keyring has failed and the file is not chosen yet."""
        if action in ("insecure_storage", "probe_keyring"):
            return self.keyring_error is not None and self.storage is not Storage.FILE
        return True

    def action_insecure_storage(self) -> None:
        """Warn about the plain-text file; if the user agrees, this profile's secrets go there."""

        def use_file() -> None:
            self.storage = Storage.FILE
            notice = self.query_one("#keyring-notice", Static)
            notice.update(
                Content(
                    "Secrets of this profile will be kept in the plain-text file secrets.yaml (mode 0600) "
                    "beside profiles.yaml, not in the keyring."
                )
            )
            notice.add_class("file-chosen")
            self.show_tip(True)
            self.refresh_bindings()
            self.query_one("#auth-choice", OptionList).focus()

        if self.check_action("insecure_storage", ()):
            ask_insecure_storage(self.app, use_file)

    def answer(self) -> AuthAnswer:
        """The highlighted choice, and the file store when it was chosen here."""
        highlighted = self.query_one("#auth-choice", OptionList).highlighted
        auth = AUTH_ORDER[highlighted] if highlighted is not None else self.draft.auth
        return AuthAnswer(auth, self.storage)

    @on(OptionList.OptionSelected, "#auth-choice")
    def choose_and_continue(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice takes it and moves on."""
        self.action_next_step()
