"""Step 6: check the credentials with Zendesk, show who they belong to, show the change, and save."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import LoadingIndicator, Static

from zendesk_setup.core.draft import ProfileDraft, profile_yaml_diff
from zendesk_setup.core.errors import KeyringError, SetupError
from zendesk_setup.core.service import CheckResult, SaveResult, can_save_unchecked
from zendesk_setup.core.vocab import AuthType, Step, Storage
from zendesk_setup.core.wizard import Finished, GoTo, ReviewAnswer, StepPosition, step_for_field
from zendesk_setup.ui.rate_limit import RateLimitCountdown
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.screens.confirm import ask_insecure_storage

CHECKING, CHECKED, FAILED, SAVING, SAVED = "checking", "checked", "failed", "saving", "saved"


class DiffPane(VerticalScroll):
    """The YAML change of an edit: focusable only when it is longer than it shows, then up/down scroll it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "scroll_down",
            "Scroll change",
            key_display="↑↓",
            id="scroll-change",
            tooltip="Scroll the change to profiles.yaml (also pgup/pgdn, home/end)",
        ),
    ]

    def allow_focus(self) -> bool:
        """Tab stops here only when there is something to scroll."""
        return self.display and self.max_scroll_y > 0


class ReviewScreen(WizardScreen):
    """Calls Zendesk in a worker, then offers save, fix, retry or (when offline) save without checking."""

    STEP = Step.REVIEW
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,ctrl+s", "save", "Save", id="save", tooltip="Save the profile and its secrets"),
        Binding("enter", "finish", "Finish", id="finish", tooltip="Close the wizard"),
        Binding("f", "fix", "Fix field", id="fix", tooltip="Go back to the field at fault"),
        Binding("enter", "fix", "Fix field", show=False, id="fix-enter", tooltip="Go back to the field at fault"),
        Binding("r", "recheck", "Check again", id="recheck", tooltip="Call Zendesk again"),
        Binding("enter", "recheck", "Check again", show=False, id="recheck-enter", tooltip="Call Zendesk again"),
        Binding("w", "save_unchecked", "Save unchecked", id="save-unchecked", tooltip="Save without a check"),
        Binding("i", "insecure_storage", "Store in file", id="insecure", tooltip="Keep secrets in a 0600 file"),
    ]
    HELP = """\
zendesk-setup calls `/api/v2/users/me.json` with the new credentials and shows who they belong to.
For OAuth it also compares the scopes Zendesk granted with the ones you asked for: Zendesk issues
tokens for scopes it does not know, and calls then fail with 403.

- **enter** or **ctrl+s** saves: the profile to `profiles.yaml` (never a secret) and the secrets to
  the OS keyring. When editing, the change to the YAML is shown first.
- When the check fails, the message says what is wrong; **f** goes back to the field at fault and
  **r** checks again.
- Offline (network, DNS, timeout, server errors) **w** saves without checking.
- With no usable keyring, **i** keeps the secrets in a plain-text 0600 file instead (insecure).

Escape goes back a step; after saving, enter finishes.
"""

    phase: reactive[str] = reactive(CHECKING)
    """Where the screen is: checking, checked, failed, saving or saved."""

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(draft, position, focus_field=focus_field)
        self.check: CheckResult | None = None
        self.error: SetupError | None = None
        self.saved: SaveResult | None = None
        self.attempts = 0
        self.rate_limit = RateLimitCountdown(self, self.show_progress)
        self.diff_lines = 0
        self.focus_diff_when_long = False
        self.nothing_changed = False

    def compose_body(self) -> ComposeResult:
        """Summary, status, identity, scopes, change preview and save result."""
        yield Static(self.summary(), id="review-summary")
        yield LoadingIndicator(id="review-loading")
        yield Static("", id="review-progress")
        yield Static("", id="review-status")
        yield Static("", id="review-scopes")
        yield Static("", id="review-diff-title")
        with DiffPane(id="review-diff-pane"):
            yield Static("", id="review-diff")
        yield Static("", id="review-saved")

    def summary(self) -> Content:
        """What is about to be saved, in one or two lines."""
        draft = self.draft
        try:
            address = draft.api_base_url()
            name = draft.profile_name()
        except SetupError:
            address, name = "?", "?"
        parts = [draft.auth.label, address]
        parts.append(draft.email if draft.auth is AuthType.API_TOKEN else f"client {draft.client_id}")
        return Content.from_markup("Profile [b]$name[/b] · $rest", name=name, rest=" · ".join(parts))

    def on_mount(self) -> None:
        """Start the check; keep the change's title in step with its scroll position."""
        pane = self.query_one("#review-diff-pane", DiffPane)
        pane.display = False
        self.query_one("#review-diff-title").display = False
        self.show_block("#review-scopes", "")
        self.show_block("#review-saved", "")
        self.watch(pane, "scroll_y", self.show_diff_position, init=False)
        self.watch(pane, "virtual_size", self.diff_resized, init=False)
        self.run_check()

    def answer(self) -> ReviewAnswer:
        """The storage choice made on this screen."""
        return ReviewAnswer(self.draft.storage)

    def watch_phase(self, phase: str) -> None:
        """Show the spinner while busy and refresh which keys apply."""
        busy = phase in (CHECKING, SAVING)
        self.query_one("#review-loading").display = busy
        self.query_one("#review-progress").display = busy
        self.refresh_bindings()

    def key_description(self, binding: Binding) -> str:
        """The footer says what enter does when an edit changed nothing: it records the check."""
        if binding.id == "save" and self.nothing_changed:
            return "Record check"
        return binding.description

    def show_block(self, selector: str, text: str | Content) -> None:
        """Fill one of the text blocks, and hide it while empty (its margin would leave blank lines)."""
        block = self.query_one(selector, Static)
        block.update(text)
        block.display = bool(text)

    def changes_nothing(self, result: CheckResult) -> bool:
        """True when saving this edit would store the same settings and secrets (only the check is new)."""
        draft = self.draft
        if not draft.editing or draft.make_default:
            return False
        try:
            diff = profile_yaml_diff(draft.original, draft.to_profile())
        except SetupError:
            return False
        return not diff and draft.secret_fields({}, result.tokens) is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only the keys that make sense in the current phase."""
        phase = self.phase
        can_fix = self.error is not None and step_for_field(self.error.field) is not None
        if action == "save":
            return phase == CHECKED
        if action == "finish":
            return phase == SAVED
        if action == "fix":
            return phase == FAILED and can_fix
        if action == "recheck":
            return phase == FAILED
        if action == "save_unchecked":
            return phase == FAILED and self.error is not None and can_save_unchecked(self.error)
        if action == "insecure_storage":
            return phase == FAILED and isinstance(self.error, KeyringError) and self.draft.storage is not Storage.FILE
        if action == "back":
            return phase != SAVED and phase != SAVING
        return action != "next_step"

    def run_check(self) -> None:
        """Call Zendesk with the draft in a thread worker (the core is synchronous); a retry visibly starts anew."""
        self.attempts += 1
        self.rate_limit.reset()
        status = self.query_one("#review-status", Static)
        status.update("")
        status.remove_class("invalid", "ok")
        self.show_block("#review-saved", "")
        self.nothing_changed = False
        if self.attempts == 1:
            self.set_phase(CHECKING, "Checking the credentials with Zendesk…")
        else:
            self.set_phase(CHECKING, f"Checking the credentials with Zendesk again (attempt {self.attempts})…")
        draft = self.draft
        notify = self.rate_limit.notifier()

        self.run_worker(
            lambda: self.setup_app.service.check(draft, notify=notify),
            name="check",
            group="verify",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def set_phase(self, phase: str, progress: str) -> None:
        """Change phase and the progress line."""
        self.phase = phase
        self.show_progress(progress)

    def show_progress(self, text: str) -> None:
        """The progress line (a 429's countdown among others)."""
        self.query_one("#review-progress", Static).update(Content(text))

    def on_check_done(self, result: CheckResult) -> None:
        """Who the credentials belong to, scopes compared, and the change when editing."""
        self.check = result
        self.error = None
        self.rate_limit.stop()
        who = result.identity
        line = self.query_one("#review-status", Static)
        note = self.rate_limit.summary("this check")
        line.update(
            Content.from_markup(
                "[b]✓ Signed in as $name[/b] <$email>, role $role, on $account$note",
                name=who.name,
                email=who.email or "no email",
                role=who.role or "unknown",
                account=who.account_url,
                note=f"\n{note}" if note else "",
            )
        )
        line.add_class("ok")
        self.show_scopes(result)
        self.show_diff()
        self.nothing_changed = self.changes_nothing(result)
        self.phase = CHECKED
        if self.nothing_changed:
            prompt = Content.from_markup(
                "Nothing changed: '$name' keeps its settings and secrets. "
                "Press enter to record this check on it (the only thing written).",
                name=self.draft.original.name if self.draft.original else "",
            )
        else:
            prompt = Content("Press enter to save.")
        self.show_block("#review-saved", prompt)
        self.query_one("#review-status", Static).remove_class("invalid")

    def show_scopes(self, result: CheckResult) -> None:
        """Requested next to granted scopes for OAuth profiles."""
        if self.draft.auth is AuthType.API_TOKEN:
            self.show_block("#review-scopes", "")
            return
        requested = " ".join(result.requested)
        granted = " ".join(result.granted) if result.granted is not None else "(Zendesk did not say)"
        text = Content.from_markup("Requested: $r\nGranted:   $g", r=requested, g=granted)
        if result.missing:
            text = text + Content.from_markup(
                "\n[$error]Not granted: $m — calls needing them will fail with 403.[/]", m=" ".join(result.missing)
            )
        self.show_block("#review-scopes", text)

    def show_diff(self) -> None:
        """The YAML change of an edit, coloured like a diff, in a pane of its own; a long one gets the focus."""
        title = self.query_one("#review-diff-title", Static)
        pane = self.query_one("#review-diff-pane", DiffPane)
        box = self.query_one("#review-diff", Static)
        self.diff_lines = 0
        title.display = self.draft.editing
        if not self.draft.editing:
            pane.display = False
            return
        try:
            diff = profile_yaml_diff(self.draft.original, self.draft.to_profile())
        except SetupError:
            diff = ""
        if not diff:
            title.update("profiles.yaml: no change to the settings.")
            pane.display = False
            return
        lines: list[Content] = []
        for line in diff.splitlines():
            if line.startswith("@@"):
                if lines:
                    lines.append(Content.styled("   ⋮", "dim"))
                continue
            style = "$success" if line.startswith("+") else "$error" if line.startswith("-") else ""
            lines.append(Content.styled(line, style) if style else Content(line))
        self.diff_lines = len(lines)
        title.update("Change to profiles.yaml:")
        box.update(Content("\n").join(lines))
        pane.display = True
        self.focus_diff_when_long = True
        self.diff_resized()

    def diff_resized(self) -> None:
        """The change was laid out anew: its title and focus follow once the layout has settled."""
        self.call_after_refresh(self.show_diff_position)

    def show_diff_position(self) -> None:
        """The change's title; when it is longer than the pane, which lines show and the keys that scroll it."""
        if not self.diff_lines:
            return
        pane = self.query_one("#review-diff-pane", DiffPane)
        title = self.query_one("#review-diff-title", Static)
        shown = pane.scrollable_content_region.height
        if pane.max_scroll_y <= 0 or shown <= 0:
            title.update("Change to profiles.yaml:")
            return
        if self.focus_diff_when_long and self.focused is None:
            # The pane knows it overflows only once laid out; then up/down should read it at once.
            self.focus_diff_when_long = False
            pane.focus()
        first = round(pane.scroll_y) + 1
        last = min(self.diff_lines, first + shown - 1)
        keys = "↑↓ pgup pgdn" if self.focused is pane else "tab, then ↑↓"
        title.update(f"Change to profiles.yaml, lines {first}–{last} of {self.diff_lines} ({keys} to scroll):")

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def focus_moved(self) -> None:
        """The change's title names the keys that scroll it from where the focus is."""
        self.show_diff_position()

    def on_check_failed(self, error: SetupError) -> None:
        """Explain the failure with its likely fix, and say which keys help."""
        self.error = error
        self.check = None
        self.rate_limit.stop()
        line = self.query_one("#review-status", Static)
        keys = []
        if step_for_field(error.field):
            keys.append("f: fix the field")
        keys.append("r: check again")
        if can_save_unchecked(error):
            keys.append("w: save without checking")
        if isinstance(error, KeyringError):
            keys.append("i: store secrets in a 0600 file instead (insecure)")
        line.update(
            Content.from_markup(
                "[b]✗ $title[/b]$attempt: $message\n$hint\n[dim]$keys[/dim]",
                title=error.title,
                attempt=f" (attempt {self.attempts})" if self.attempts > 1 else "",
                message=error.message,
                hint=(error.tui_hint if error.tui_hint is not None else error.hint) or "",
                keys=" · ".join(keys),
            )
        )
        line.add_class("invalid")
        self.show_block("#review-scopes", "")
        self.show_block("#review-saved", "")
        self.show_diff()
        self.phase = FAILED

    def action_finish(self) -> None:
        """Close the wizard once saved."""
        if self.phase == SAVED and self.saved is not None:
            self.dismiss(Finished(self.saved.profile.name))

    def action_save(self) -> None:
        """Save with the check result."""
        if self.phase == CHECKED:
            self.run_save(self.check)

    def action_save_unchecked(self) -> None:
        """Save without a check (offline)."""
        if self.phase == FAILED:
            self.run_save(None)

    def action_recheck(self) -> None:
        """Call Zendesk again."""
        self.run_check()

    def action_fix(self) -> None:
        """Go back to the step of the field at fault."""
        step = step_for_field(self.error.field if self.error else None)
        if step:
            self.dismiss(GoTo(step, self.error.field if self.error else None, self.answer()))

    def action_insecure_storage(self) -> None:
        """After a keyring failure, offer the plain-text file with a warning."""

        def use_file() -> None:
            self.draft = self.draft.with_answers(storage=Storage.FILE)
            self.run_save(self.check)

        ask_insecure_storage(self.app, use_file)

    def run_save(self, check: CheckResult | None) -> None:
        """Write the secrets and the profile in a thread worker (the keyring may block)."""
        self.set_phase(SAVING, "Saving…")
        draft = self.draft
        self.run_worker(
            lambda: self.setup_app.service.save(draft, check),
            name="save",
            group="save",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_save_failed(self, error: SetupError) -> None:
        """A failed save is shown like a failed check, with the keys that help; the check's result is kept."""
        check = self.check
        self.on_check_failed(error)
        self.check = check

    def on_save_done(self, saved: SaveResult) -> None:
        """Where the profile and the secrets went (the change preview makes room for it)."""
        self.saved = saved
        self.setup_app.unsaved = False
        self.phase = SAVED
        self.diff_lines = 0
        self.focus_diff_when_long = False
        self.query_one("#review-diff-pane").display = False
        self.query_one("#review-diff-title").display = False
        if saved.check is None:
            status = self.query_one("#review-status", Static)
            name = saved.profile.name
            status.update(
                Content(
                    f"Saved without a check: press t on the profiles screen (or run `zendesk-setup test {name}`) "
                    "once Zendesk answers again."
                )
            )
            status.remove_class("invalid")
        recorded_only = saved.check is not None and self.changes_nothing(saved.check)
        self.show_block(
            "#review-saved",
            Content.from_markup(
                "[b]$done[/b] profile '$name'$default$rest.\nSettings: $path\nSecrets:  $where\n"
                "Scripts: zendesk-setup token $name · press enter to finish.",
                done="Recorded the check on" if recorded_only else "Saved",
                rest="; nothing else changed" if recorded_only else "",
                name=saved.profile.name,
                default=" (the default)" if saved.is_default else "",
                path=str(saved.profiles_path),
                where=saved.secrets_where,
            ),
        )
        self.call_after_refresh(self.query_one("#review-saved").scroll_visible, animate=False)
