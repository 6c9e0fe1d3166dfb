"""Small modals: a yes/no confirmation, the delete choice, and a one-line text prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.worker import Worker, WorkerState

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

    def key_description(self, binding: Binding) -> str:
        """The footer says what the buttons say: ``y Migrate  n Cancel``, not ``y Yes  n No``."""
        if binding.id == "confirm-yes-key":
            return self.yes_label
        if binding.id == "confirm-no-key":
            return self.no_label
        return binding.description

    @on(Button.Pressed)
    def answer_from_button(self, event: Button.Pressed) -> None:
        """A button answers the question."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        """A key answers the question."""
        self.dismiss(answer)


class DeleteModal(ModalScreen[str | None]):
    """Confirm deleting a profile; when it holds an OAuth token, also offer to revoke it on Zendesk first.

    ``can_revoke`` may be a function that reads the keyring: it runs in a thread worker (a slow Secret Service
    never freezes the screen) while the dialog is already open. A revoke chosen before the answer comes is
    carried out once it says there is a token to revoke.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "r",
            "choose('revoke')",
            "Revoke + delete",
            id="delete-revoke",
            tooltip="Revoke the OAuth token on Zendesk, then delete the profile and its secrets",
        ),
        Binding("d", "choose('delete')", "Delete", id="delete-only", tooltip="Delete the profile and its secrets"),
        Binding("escape,n", "choose_none", "Cancel", id="delete-cancel", tooltip="Delete nothing"),
        Binding("left,right", "app.focus_next", "Switch", show=False, id="delete-switch", tooltip="Switch button"),
    ]

    def __init__(
        self, name: str, *, can_revoke: bool | Callable[[], bool], note: str = "", revoke_note: str = ""
    ) -> None:
        super().__init__()
        self.profile_name = name
        self.token_check = can_revoke if callable(can_revoke) else None
        self.can_revoke: bool | None = None if callable(can_revoke) else can_revoke
        self.note = note
        self.revoke_note = revoke_note
        self.revoke_chosen = False

    def compose(self) -> ComposeResult:
        """The question and the buttons (revoke only while there may be a token to revoke)."""
        with Vertical(classes="modal-box", id="delete-box"):
            yield Static(self.question(), id="delete-question")
            with Horizontal(classes="modal-buttons"):
                if self.can_revoke is not False:
                    yield Button("Revoke + delete (r)", id="choice-revoke", variant="error")
                yield Button("Delete (d)", id="choice-delete", variant="warning")
                yield Button("Cancel (n)", id="choice-cancel", variant="primary")
        yield KeyBar()

    def question(self) -> Content:
        """What deleting does, and what revoking would add."""
        text = f"Delete profile '{self.profile_name}' and its stored secrets?"
        if self.can_revoke is None:
            text += " Looking for an OAuth token to revoke…"
        elif self.can_revoke:
            default = "You can also revoke its OAuth token on Zendesk, so the token stops working at once."
            text += " " + (self.revoke_note or default)
        elif self.note:
            text += " " + self.note
        return Content(text)

    def on_mount(self) -> None:
        """Focus the safe choice; look for a token in the keyring when that is still to be done."""
        self.query_one("#choice-cancel", Button).focus()
        if self.token_check is not None:
            self.run_worker(self.token_check, name="token-check", thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The keyring answered: offer the revoke only when there is a token (an unreadable keyring may hold one)."""
        if event.worker.name != "token-check" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.revocable_found(event.worker.result is not False if event.state == WorkerState.SUCCESS else True)

    def revocable_found(self, can_revoke: bool) -> None:
        """Show the answer; carry out a revoke chosen while waiting for it."""
        if not self.is_attached:
            return
        self.can_revoke = can_revoke
        if not can_revoke:
            for button in self.query("#choice-revoke"):
                button.remove()
        question = self.question()
        if self.revoke_chosen and not can_revoke:
            self.revoke_chosen = False
            question = Content(f"'{self.profile_name}' has no OAuth token to revoke. ") + question
        self.query_one("#delete-question", Static).update(question)
        self.refresh_bindings()
        if self.revoke_chosen:
            self.dismiss("revoke")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide the revoke key when there is no OAuth token to revoke."""
        if action == "choose" and parameters == ("revoke",):
            return self.can_revoke is not False
        return True

    @on(Button.Pressed)
    def choose_from_button(self, event: Button.Pressed) -> None:
        """A button makes the choice."""
        value = (event.button.id or "").removeprefix("choice-")
        if value == "cancel":
            self.dismiss(None)
        else:
            self.action_choose(value)

    def action_choose(self, value: str) -> None:
        """A key makes the choice (a revoke waits for the keyring to say there is a token)."""
        if value == "revoke":
            if self.can_revoke is False:
                return
            if self.can_revoke is None:
                self.revoke_chosen = True
                self.query_one("#delete-question", Static).update(
                    Content(f"Revoke + delete '{self.profile_name}': looking for its OAuth token…")
                )
                return
        self.dismiss(value)

    def action_choose_none(self) -> None:
        """Escape: delete nothing."""
        self.dismiss(None)


class PromptModal(ModalScreen[str | None]):
    """Ask for one line of text (a new profile name); enter or ctrl+n accepts, escape cancels."""

    AUTO_FOCUS = "#prompt-input"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "accept", "OK", id="prompt-ok", tooltip="Accept the text (enter does the same)"),
        Binding("escape", "cancel", "Cancel", id="prompt-cancel", tooltip="Close without changing anything"),
    ]

    def __init__(self, question: str, value: str = "", *, check: object = None, ok: str = "OK") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.check = check
        self.ok_label = ok

    def compose(self) -> ComposeResult:
        """The question, the input and an error line."""
        with Vertical(classes="modal-box", id="prompt-box"):
            yield Static(self.question, id="prompt-question")
            yield Input(self.value, id="prompt-input")
            yield Static("", id="prompt-error", classes="step-error")
        yield KeyBar()

    def key_description(self, binding: Binding) -> str:
        """The footer names what accepting does here (``^n Rename``), not a bare OK."""
        return self.ok_label if binding.id == "prompt-ok" else binding.description

    def refusal(self, text: str) -> str | None:
        """Why the check refuses ``text``, or None when it passes (or there is no check)."""
        if callable(self.check):
            try:
                self.check(text)
            except InputError as error:
                return error.message
        return None

    def show_refusal(self, message: str | None) -> None:
        """Show the reason under the input, or clear it."""
        line = self.query_one("#prompt-error", Static)
        line.update(Content(message or ""))
        line.set_class(message is not None, "visible")

    @on(Input.Changed, "#prompt-input")
    def recheck_text(self, event: Input.Changed) -> None:
        """Once a reason is shown, it follows the text: it goes as soon as the text is acceptable."""
        if self.query_one("#prompt-error", Static).has_class("visible"):
            self.show_refusal(self.refusal(event.value.strip()))

    @on(Input.Submitted, "#prompt-input")
    def accept_text(self, event: Input.Submitted) -> None:
        """Accept the text when the check (if any) passes."""
        self.action_accept()

    def action_accept(self) -> None:
        """Accept the text when the check (if any) passes; otherwise say why not."""
        text = self.query_one("#prompt-input", Input).value.strip()
        message = self.refusal(text)
        if message is not None:
            self.show_refusal(message)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
