"""The credentials step's "create the client for me": choose the admin whose credentials create the OAuth client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioSet, Static

from zendesk_setup.core.draft import NO_SECRET
from zendesk_setup.core.errors import InputError
from zendesk_setup.core.provision import check_admin_login
from zendesk_setup.core.secrets import Secret
from zendesk_setup.ui.widgets.key_bar import KeyBar
from zendesk_setup.ui.widgets.marked_radio import MarkedRadioButton
from zendesk_setup.ui.widgets.secret_input import SecretInput

if TYPE_CHECKING:
    from zendesk_setup.core.profiles import Profile

ONCE = "admin-once"


@dataclass(frozen=True)
class AdminChoice:
    """Whose credentials create the client: a saved profile (``using``), or an admin's API token used once."""

    using: str | None = None
    email: str = ""
    api_token: Secret = NO_SECRET


def describe_admin(profile: Profile) -> str:
    """One line for a candidate: its name, how it signs in, and who it was last seen as."""
    how = "API token" if profile.auth == "api_token" else "OAuth, write scope"
    checked = profile.checked
    if checked is not None and checked.ok and checked.user:
        who = f"{checked.user} ({checked.role})" if checked.role else checked.user
        return f"{profile.name}: {how}, {who}"
    return f"{profile.name}: {how}, not checked yet"


class CreateClientModal(ModalScreen[AdminChoice | None]):
    """Say which client will be made, and through whom; ctrl+n or the Create button makes it, escape cancels."""

    # One-row fields: with three admins and the token fields the box still fits 80x24.
    DEFAULT_CSS = """
    CreateClientModal #create-client-box { max-height: 24; padding: 0 2; }
    CreateClientModal RadioSet { width: 1fr; height: auto; }
    CreateClientModal #admin-once-fields { height: auto; }
    CreateClientModal #admin-once-fields Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    CreateClientModal #admin-once-fields Input:focus { background: $primary 30%; }
    CreateClientModal #admin-once-fields #admin-token-input { margin: 1 0 0 0; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "create", "Create", id="create-client-go", tooltip="Create the OAuth client"),
        Binding("escape", "cancel", "Cancel", id="create-client-cancel", tooltip="Create nothing"),
    ]

    def __init__(self, plan: str, candidates: list[Profile]) -> None:
        super().__init__()
        self.plan = plan
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        """What will be made, whose credentials make it, and the one-time token fields."""
        with Vertical(classes="modal-box", id="create-client-box"):
            yield Static(self.plan, id="create-client-plan", markup=False)
            with RadioSet(id="admin-choice"):
                for index, profile in enumerate(self.candidates):
                    yield MarkedRadioButton(
                        Content(describe_admin(profile)), index == 0, id=f"admin-{index}", name=profile.name
                    )
                yield MarkedRadioButton(
                    "An admin's API token, used once and not stored", not self.candidates, id=ONCE, name=ONCE
                )
            with Vertical(id="admin-once-fields"):
                yield Input(placeholder="admin's email", id="admin-email-input")
                yield SecretInput(placeholder="admin's API token (masked; ctrl+r reveals)", id="admin-token-input")
            yield Static("", id="create-client-error", classes="step-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Create (ctrl+n)", id="create-client-yes", variant="primary")
                yield Button("Cancel (esc)", id="create-client-no")
        yield KeyBar()

    def on_mount(self) -> None:
        """Show the token fields only for the one-time choice; focus where the choice is made."""
        self.show_once_fields()
        if self.candidates:
            self.query_one(RadioSet).focus()
        else:
            self.query_one("#admin-email-input", Input).focus()

    def chosen(self) -> str:
        """The name of the chosen radio button: a profile name, or ``ONCE``."""
        pressed = self.query_one(RadioSet).pressed_button
        return (pressed.name or ONCE) if pressed is not None else ONCE

    def show_once_fields(self) -> None:
        """The email and token fields belong to the one-time choice."""
        self.query_one("#admin-once-fields").display = self.chosen() == ONCE

    @on(RadioSet.Changed)
    def choice_changed(self) -> None:
        """Switching the choice shows or hides the token fields."""
        self.show_once_fields()
        self.show_error("")

    def show_error(self, text: str) -> None:
        """One line under the fields."""
        line = self.query_one("#create-client-error", Static)
        line.update(Content(text))
        line.set_class(bool(text), "visible")

    def choice(self) -> AdminChoice:
        """The choice on screen; InputError when the one-time fields are not filled in right."""
        name = self.chosen()
        if name != ONCE:
            return AdminChoice(using=name)
        email = self.query_one("#admin-email-input", Input).value.strip()
        token = Secret(self.query_one("#admin-token-input", Input).value.strip())
        check_admin_login(email, token)
        return AdminChoice(email=email, api_token=token)

    def action_create(self) -> None:
        """Create with the choice on screen, or say what is missing."""
        try:
            choice = self.choice()
        except InputError as error:
            self.show_error(error.message)
            target = "#admin-email-input" if error.field == "admin_email" else "#admin-token-input"
            self.query_one(target, Input).focus()
            return
        self.dismiss(choice)

    @on(Input.Submitted)
    def submitted(self) -> None:
        """Enter in a token field creates."""
        self.action_create()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        """The buttons do what their keys do."""
        if event.button.id == "create-client-yes":
            self.action_create()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Create nothing."""
        self.dismiss(None)
