"""Small modals: a yes/no confirmation, the delete choice, and a one-line text prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from zendesk_setup.core.errors import InputError
from zendesk_setup.ui.widgets.key_bar import KeyBar

INSECURE_STORAGE_QUESTION = (
    "Store this profile's secrets in a plain-text file (secrets.yaml, mode 0600) beside "
    "profiles.yaml? Anyone who can read your files can use them."
)


def ask_insecure_storage(app: App[object], use_file: Callable[[], None]) -> None:
    """After a keyring failure, warn about the plain-text secrets file and call ``use_file`` if the user agrees."""

    def chosen(yes: bool | None) -> None:
        if yes:
            use_file()

    app.push_screen(ConfirmModal(INSECURE_STORAGE_QUESTION, yes="Use the file", no="Cancel"), chosen)


class ConfirmModal(ModalScreen[bool]):
    """Ask a yes/no question; ``y``/enter confirm, ``n``/escape refuse."""

    AUTO_FOCUS = "#confirm-no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes-key", tooltip="Confirm"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no-key", tooltip="Do not do it"),
        Binding("left,right", "app.focus_next", "Switch", show=False, id="confirm-switch", tooltip="Switch button"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        """The question and two buttons."""
        with Vertical(classes="modal-box", id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(classes="modal-buttons"):
                yield Button(f"{self.yes_label} (y)", id="confirm-yes", variant="error")
                yield Button(f"{self.no_label} (n)", id="confirm-no", variant="primary")
        yield KeyBar()

    @on(Button.Pressed)
    def answer_from_button(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        """A key answers the question."""
        self.dismiss(answer)


class DeleteModal(ModalScreen[str | None]):
    """Confirm deleting a profile; for OAuth profiles also offer to revoke the token on Zendesk first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "choose('delete')", "Delete", id="delete-only", tooltip="Delete the profile and its secrets"),
        Binding(
            "r",
            "choose('revoke')",
            "Revoke + delete",
            id="delete-revoke",
            tooltip="Revoke the OAuth token on Zendesk, then delete the profile and its secrets",
        ),
        Binding("escape,n", "choose_none", "Cancel", id="delete-cancel", tooltip="Delete nothing"),
        Binding("left,right", "app.focus_next", "Switch", show=False, id="delete-switch", tooltip="Switch button"),
    ]

    def __init__(self, name: str, *, can_revoke: bool, note: str = "") -> None:
        super().__init__()
        self.profile_name = name
        self.can_revoke = can_revoke
        self.note = note

    def compose(self) -> ComposeResult:
        """The question and the buttons."""
        with Vertical(classes="modal-box", id="delete-box"):
            text = f"Delete profile '{self.profile_name}' and its stored secrets?"
            if self.can_revoke:
                text += " You can also revoke its OAuth token on Zendesk, so the token stops working at once."
            elif self.note:
                text += " " + self.note
            yield Static(text, id="delete-question")
            with Horizontal(classes="modal-buttons"):
                if self.can_revoke:
                    yield Button("Revoke + delete (r)", id="choice-revoke", variant="error")
                yield Button("Delete (d)", id="choice-delete", variant="warning")
                yield Button("Cancel (n)", id="choice-cancel", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        """Focus the safe choice."""
        self.query_one("#choice-cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the revoke key when there is no OAuth token to revoke."""
        if action == "choose" and parameters == ("revoke",) and not self.can_revoke:
            return None
        return True

    @on(Button.Pressed)
    def choose_from_button(self, event: Button.Pressed) -> None:
        """A button makes the choice."""
        value = (event.button.id or "").removeprefix("choice-")
        self.dismiss(None if value == "cancel" else value)

    def action_choose(self, value: str) -> None:
        """A key makes the choice."""
        if value == "revoke" and not self.can_revoke:
            return
        self.dismiss(value)

    def action_choose_none(self) -> None:
        """Escape: delete nothing."""
        self.dismiss(None)


class PromptModal(ModalScreen[str | None]):
    """Ask for one line of text (a new profile name); enter accepts, escape cancels."""

    AUTO_FOCUS = "#prompt-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt-cancel", tooltip="Close without changing anything")
    ]

    def __init__(self, question: str, value: str = "", *, check: object = None) -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check

    def compose(self) -> ComposeResult:
        """The question, the input and an error line."""
        with Vertical(classes="modal-box", id="prompt-box"):
            yield Static(self.question, id="prompt-question")
            yield Input(self.value, id="prompt-input")
            yield Static("", id="prompt-error", classes="step-error")
        yield KeyBar()

    @on(Input.Submitted, "#prompt-input")
    def accept_text(self, event: Input.Submitted) -> None:
        """Accept the text when the check (if any) passes."""
        text = event.value.strip()
        if callable(self.check):
            try:
                self.check(text)
            except InputError as error:
                line = self.query_one("#prompt-error", Static)
                line.update(error.message)
                line.add_class("visible")
                return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
