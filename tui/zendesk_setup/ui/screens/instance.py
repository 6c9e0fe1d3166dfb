"""Step 2: the profile name and the Zendesk instance (subdomain, or an advanced custom base URL)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Checkbox, Input, Label, Static

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.vocab import Step
from zendesk_setup.core.wizard import InstanceAnswer
from zendesk_setup.ui.screens.base import WizardScreen


class InstanceScreen(WizardScreen):
    """Subdomain in any form (acme, acme.zendesk.com, a full URL), normalised live; name defaults to it."""

    STEP = Step.INSTANCE
    AUTO_FOCUS = "#subdomain-input"
    FIELD_IDS: ClassVar[dict[str, str]] = {
        "name": "name-input",
        "subdomain": "subdomain-input",
        "base_url": "base-url-input",
    }
    LIVE_LINES: ClassVar[dict[str, str]] = {"subdomain": "#subdomain-result", "base_url": "#base-url-result"}
    HELP = """\
**Subdomain**: the part before `.zendesk.com`. You may paste `acme`, `acme.zendesk.com` or any
URL of your account such as `https://acme.zendesk.com/agent/tickets/1`; it is reduced to `acme`
and the address used is shown below the field.

**Profile name**: how scripts name this connection (`zendesk-setup token NAME`). Left blank, it is
the subdomain. A sandbox is a separate instance: give it its own profile.

**Advanced**: a custom base URL replaces `https://SUBDOMAIN.zendesk.com`. It must be `https://`,
except `http://` for loopback addresses (a local test server).

Keys: up/down move between fields, space ticks the checkbox, enter or ctrl+n next, escape back.
"""

    def compose_body(self) -> ComposeResult:
        """Subdomain, live address, profile name, advanced toggle and base URL."""
        draft = self.draft
        yield Static("Which Zendesk account is this profile for?", classes="step-intro")
        yield Label("Subdomain or Zendesk address", classes="field-label")
        yield Input(draft.subdomain, placeholder="acme, acme.zendesk.com or a URL", id="subdomain-input")
        yield Static("", id="subdomain-result", classes="live-result")
        yield Label("Profile name (blank: the subdomain)", classes="field-label")
        yield Input(draft.name, placeholder="the subdomain", id="name-input")
        yield Checkbox("Advanced: use a custom base URL", draft.use_base_url, id="advanced-toggle")
        yield Input(draft.base_url, placeholder="https://acme.zendesk.com", id="base-url-input")
        yield Static("", id="base-url-result", classes="live-result")

    def on_mount(self) -> None:
        """Show the normalised address for what is already filled in."""
        self.refresh_preview()

    def answer(self) -> InstanceAnswer:
        """The fields as typed."""
        return InstanceAnswer(
            subdomain=self.query_one("#subdomain-input", Input).value,
            name=self.query_one("#name-input", Input).value,
            use_base_url=self.query_one("#advanced-toggle", Checkbox).value,
            base_url=self.query_one("#base-url-input", Input).value,
        )

    def validate_step(self, draft: ProfileDraft) -> None:
        """Subdomain, name and base URL must be valid; the name must be free."""
        original = draft.original
        name = draft.validate_instance()
        self.setup_app.service.ensure_name_free(name, replacing=original.name if original is not None else None)

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def refresh_preview(self) -> None:
        """Normalise as the user types: the address, or an inline message, never a crash."""
        draft = self.answered_draft()
        result = self.query_one("#subdomain-result", Static)
        name_input = self.query_one("#name-input", Input)
        try:
            subdomain = draft.normalised_subdomain()
        except InputError as error:
            result.update(Content(error.message if draft.subdomain.strip() else ""))
            result.set_class(bool(draft.subdomain.strip()), "invalid")
            name_input.placeholder = "the subdomain"
        else:
            result.update(Content(f"→ {subdomain}: https://{subdomain}.zendesk.com"))
            result.remove_class("invalid")
            name_input.placeholder = subdomain
        base_input = self.query_one("#base-url-input", Input)
        base_result = self.query_one("#base-url-result", Static)
        base_input.display = draft.use_base_url
        base_result.display = draft.use_base_url
        if draft.use_base_url:
            try:
                base = draft.custom_base_url()
            except InputError as error:
                base_result.update(Content(error.message))
                base_result.add_class("invalid")
            else:
                where = f"→ API and sign-in go to {base}" if base else "Blank: the zendesk.com address."
                base_result.update(Content(where))
                base_result.remove_class("invalid")
        self.recheck_shown_error()

    @on(Checkbox.Changed, "#advanced-toggle")
    def bring_base_url_into_view(self, event: Checkbox.Changed) -> None:
        """Ticking Advanced shows the base URL field: scroll it and its live line into view, never below the fold."""
        if event.value:
            self.call_after_refresh(self.query_one("#base-url-result").scroll_visible, animate=False)

    def show_error(self, error: SetupError | None, *, focus: bool = True) -> None:
        """An error about the subdomain or base URL goes on its live line under the field, never twice."""
        live = self.LIVE_LINES.get(error.field or "") if error is not None else None
        if error is None or live is None:
            super().show_error(error, focus=focus)
            return
        super().show_error(None)
        self.shown_error = error
        line = self.query_one(live, Static)
        line.update(Content(error.shown_in_tui()))
        line.add_class("invalid")
        if focus:
            self.focus_field(error.field)

    @on(Input.Submitted)
    def submit_moves_on(self) -> None:
        """Enter in any field moves on."""
        self.action_next_step()
