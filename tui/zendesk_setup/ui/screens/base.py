"""The common frame of every wizard step: header, error line, footer, and the back/next/help keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.vocab import Step
from zendesk_setup.core.wizard import Answer, Back, Next, StepPosition, StepResult
from zendesk_setup.ui.widgets.key_bar import KeyBar
from zendesk_setup.ui.widgets.step_header import StepHeader
from zendesk_setup.ui.workers import WorkerResults

if TYPE_CHECKING:
    from zendesk_setup.ui.app import ZendeskSetupApp


class WizardScreen(WorkerResults, Screen[StepResult]):
    """A wizard step: it takes the draft and its position, and dismisses with its answer (Next or Back)."""

    STEP: ClassVar[Step] = Step.AUTH
    HELP = ""
    FIELD_IDS: ClassVar[dict[str, str]] = {}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Go back one step, keeping what you typed"),
        Binding("ctrl+n", "next_step", "Next", id="next", tooltip="Check this step and go on"),
        Binding("f1", "help", "Help", id="help", tooltip="Explain this screen"),
        Binding("down", "app.focus_next", "Next field", show=False, id="focus-next", tooltip="Next field"),
        Binding("up", "app.focus_previous", "Previous field", show=False, id="focus-prev", tooltip="Previous field"),
    ]

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(classes="wizard-step")
        self.draft = draft
        self.position = position
        self.initial_field = focus_field
        self.shown_error: SetupError | None = None

    def on_screen_resume(self) -> None:
        """When sent back to fix a field, put the cursor in it."""
        if self.initial_field:
            self.call_after_refresh(self.focus_field, self.initial_field)
            self.initial_field = None

    @property
    def setup_app(self) -> ZendeskSetupApp:
        """The running app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Header, the step's own widgets in a scroll area, the error line and the footer."""
        yield StepHeader(self.position.header(self.subject()), id="step-header")
        with VerticalScroll(id="step-body"):
            yield from self.compose_body()
        yield Static("", id="step-error", classes="step-error")
        yield KeyBar()

    def subject(self) -> str:
        """What the run is about, for the step header: ``new profile`` or ``editing 'acme'``."""
        original = self.draft.original
        return f"editing '{original.name}'" if original is not None else "new profile"

    def compose_body(self) -> ComposeResult:
        """The step's widgets."""
        yield from ()

    def answer(self) -> Answer | None:
        """What is on screen, as this step's answer (None for steps that answer nothing)."""
        return None

    def answered_draft(self) -> ProfileDraft:
        """The draft with what is on screen applied."""
        answer = self.answer()
        return answer.apply(self.draft) if answer is not None else self.draft

    def validate_step(self, draft: ProfileDraft) -> None:
        """Raise InputError when the step cannot be left forward with ``draft``."""

    def show_error(self, error: SetupError | None, *, focus: bool = True) -> None:
        """Show an error (message and hint) under the form, or clear it; focus the field at fault."""
        self.shown_error = error
        line = self.query_one("#step-error", Static)
        if error is None:
            line.update("")
            line.remove_class("visible")
            return
        line.update(Content(error.shown_in_tui()))
        line.add_class("visible")
        target = self.field_widget(error.field)
        if focus and target is not None and target.focusable and target.display:
            target.focus()

    def recheck_shown_error(self) -> None:
        """After an edit, an input error on screen follows the input: gone once valid, never stale."""
        if not isinstance(self.shown_error, InputError):
            return
        try:
            self.validate_step(self.answered_draft())
        except InputError as error:
            if error.field != self.shown_error.field:
                self.show_error(None)
            elif error.shown_in_tui() != self.shown_error.shown_in_tui():
                self.show_error(error, focus=False)
            return
        except SetupError:
            return
        self.show_error(None)

    def field_widget(self, field_name: str | None) -> Widget | None:
        """The widget where the input an error's ``field`` names is edited, if this step has it."""
        widget_id = self.FIELD_IDS.get(field_name or "")
        if not widget_id:
            return None
        found = self.query(f"#{widget_id}")
        return found.first() if found else None

    def focus_field(self, field_name: str | None) -> None:
        """Move the focus to the widget for an error field, if this step has it."""
        target = self.field_widget(field_name)
        if target is not None:
            target.focus()

    def action_back(self) -> None:
        """Keep the answers and go back one step."""
        self.dismiss(Back(self.answer()))

    def action_next_step(self) -> None:
        """Check the answers, and go on when they are fine."""
        try:
            self.validate_step(self.answered_draft())
        except InputError as error:
            self.show_error(error)
            return
        self.show_error(None)
        self.dismiss(Next(self.answer()))

    def action_help(self) -> None:
        """Open the help for this step."""
        from zendesk_setup.ui.screens.help import HelpModal

        self.app.push_screen(HelpModal(self.STEP.title, self.HELP))
