"""The Textual app: the home screen of profiles and the wizard that walks through the steps."""

from __future__ import annotations

import asyncio
import contextlib
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import WorkerCancelled, WorkerFailed

from zendesk_setup.core.errors import InputError, SetupError
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.ui.messages import ProfilesChanged
from zendesk_setup.ui.screens import screen_for_step
from zendesk_setup.ui.screens.confirm import ConfirmModal
from zendesk_setup.ui.screens.profiles import ProfilesScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.profiles import CreatedClient, Profile
    from zendesk_setup.core.provision import ClientAttempt
    from zendesk_setup.core.wizard import StepResult, WizardFlow

EXIT_OK = 0
EXIT_CANCELLED = 1
EXIT_USAGE = 2


class ZendeskSetupApp(App[int]):
    """Profiles home plus the step-by-step wizard for new and saved profiles."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "zendesk-setup"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit_app",
            "Quit",
            priority=True,
            id="quit",
            tooltip="Quit zendesk-setup (asks first when something is not saved)",
        ),
    ]

    def __init__(
        self,
        config_dir: Path,
        mode: str = "home",
        name: str | None = None,
        *,
        today: date | None = None,
        now: Callable[[], datetime] | None = None,
        clock: Callable[[], float] | None = None,
        base_url: str | None = None,
        consent_timeout: float = 300.0,
        open_browser: bool = True,
        redirect_port: int | None = None,
    ) -> None:
        super().__init__()
        self.config_dir = Path(config_dir)
        self.service = CredentialsService(self.config_dir)
        self.store = self.service.store
        self.mode = mode
        self.start_name = name
        self.fixed_today = today
        self.now_fn = now or (lambda: datetime.now(UTC))
        self.clock = clock or time.monotonic
        self.preset_base_url = base_url
        self.consent_timeout = consent_timeout
        self.open_browser = open_browser
        self.redirect_port = redirect_port
        self.unsaved = False
        self.wizard_flow: WizardFlow | None = None
        self.wizard_start: ProfileDraft | None = None
        self.issued_tokens: list[tuple[str, TokenSet]] = []
        self.created_clients: list[ClientAttempt] = []
        self.result_note: str | None = None

    def today(self) -> date:
        """Today's date (fixed in tests and screenshots)."""
        return self.fixed_today or self.now_fn().date()

    def new_draft(self, name: str | None = None) -> ProfileDraft:
        """A blank draft for a new profile, with the preset base URL and port when the app was given them."""
        from zendesk_setup.core.draft import ProfileDraft

        draft = ProfileDraft(name=name or "")
        if self.preset_base_url:
            draft = draft.with_answers(use_base_url=True, base_url=self.preset_base_url)
        if self.redirect_port is not None:
            draft = draft.with_answers(redirect_port=self.redirect_port)
        return draft

    def _fatal_error(self) -> None:
        """Stop on an unexpected error without Textual's default traceback, which prints local variables."""
        # Overrides a private Textual hook on purpose: its traceback shows locals, and a local may hold a secret.
        error = self._exception
        frames = traceback.extract_tb(error.__traceback__) if error is not None else []
        where = "\n".join(f"  {Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in frames[-6:])
        self.panic(
            Text(
                f"zendesk-setup stopped on an internal error ({type(error).__name__}); nothing more was saved.\n"
                "Please report it with the lines below (they hold no secret):\n" + where
            )
        )

    def get_default_screen(self) -> Screen[Any]:
        """In home mode the profiles screen is the bottom of the stack (no empty screen is painted first)."""
        if self.mode == "home":
            return ProfilesScreen()
        return super().get_default_screen()

    def on_mount(self) -> None:
        """Go straight into the wizard for ``new`` and ``edit`` (home mode starts on the profiles screen)."""
        if self.mode == "edit":
            try:
                profile = self.store.get(self.start_name or "")
            except SetupError as error:
                self.result_note = error.message
                self.exit(EXIT_USAGE)
                return
            # Nothing is on screen yet to freeze: read the token state now, so the first frame is the wizard's.
            self.start_wizard(self.edit_draft(profile, signed_in=self.has_token(profile)))
        elif self.mode == "new":
            self.start_wizard(self.new_draft(self.start_name))

    def start_edit(self, profile: Profile) -> None:
        """From the home screen, open the wizard on a saved profile; the keyring is read off the UI thread.

        An OAuth profile with no token yet (a copy) goes through the consent. A slow Secret Service (one that
        asks to be unlocked, say) must not freeze the screen meanwhile.
        """

        async def open_edit() -> None:
            signed_in = await asyncio.to_thread(self.has_token, profile)
            self.start_wizard(self.edit_draft(profile, signed_in=signed_in))

        self.run_worker(open_edit(), group="edit", exclusive=True, exit_on_error=False)

    def has_token(self, profile: Profile) -> bool:
        """False for an OAuth profile whose keyring entry holds no token yet (a copy): its edit needs a consent."""
        return profile.auth != "oauth" or self.service.has_oauth_token(profile)

    @staticmethod
    def edit_draft(profile: Profile, *, signed_in: bool) -> ProfileDraft:
        """A draft for editing ``profile``; one that is not signed in goes through the consent."""
        from zendesk_setup.core.draft import ProfileDraft

        return ProfileDraft.from_profile(profile).with_answers(signed_in=signed_in)

    def start_wizard(self, draft: ProfileDraft) -> None:
        """Run the wizard on ``draft`` (a new profile or an edit), from its first step."""
        from zendesk_setup.core.wizard import WizardFlow

        self.unsaved = True
        self.wizard_start = draft
        self.show_step(WizardFlow(draft))

    def show_step(self, flow: WizardFlow) -> None:
        """Push the screen of the flow's step; what it dismisses with decides the next one.

        Callbacks rather than one long worker, so ``app.workers.wait_for_complete()`` only waits for real I/O.
        """
        from zendesk_setup.core.wizard import ConsentAnswer, Finished

        flow = self.drop_unfit_clients(flow)
        self.wizard_flow = flow
        screen = screen_for_step(flow.step)(flow.draft, flow.position(), focus_field=flow.field)

        def step_done(result: StepResult | None) -> None:
            answer = getattr(result, "answer", None)
            if isinstance(answer, ConsentAnswer) and answer.tokens is not None:
                self.issued_tokens.append((flow.draft.api_base_url(), answer.tokens))
            if result is not None and flow.leaves_first_step(result) and self.has_changes(flow.answered(result)):
                self.ask_to_discard(flow, result)
                return
            outcome = flow.after(result if result is not None else Finished(None))
            if isinstance(outcome, Finished):
                saved_tokens = flow.draft.tokens if outcome.saved and flow.draft.has_new_tokens() else None
                saved_client = flow.draft.created_client if outcome.saved else None
                self.end_wizard(outcome.saved, kept=saved_tokens, kept_client=saved_client)
            else:
                self.show_step(outcome)

        self.push_screen(screen, step_done)

    def has_changes(self, current: ProfileDraft | None = None) -> bool:
        """True when leaving the wizard now would lose something entered (answers, or tokens of a consent)."""
        from zendesk_setup.core.wizard import has_changes

        if self.wizard_start is None:
            return False
        if self.issued_tokens or self.created_clients:
            return True
        return has_changes(self.wizard_start, current if current is not None else self.current_draft())

    def current_draft(self) -> ProfileDraft | None:
        """The wizard's draft with what the topmost step screen shows applied (None outside the wizard)."""
        for screen in reversed(self.screen_stack):
            answered_draft = getattr(screen, "answered_draft", None)
            if answered_draft is not None:
                return answered_draft()
        return self.wizard_flow.draft if self.wizard_flow is not None else None

    def discard_question(self, *, quitting: bool = False) -> str:
        """What leaving without saving loses, in words fit for a new profile or an edit."""
        start = self.wizard_start
        if start is not None and start.original is not None:
            ask = "Quit without saving your changes to" if quitting else "Discard your changes to"
            return f"{ask} '{start.original.name}'? The saved profile stays as it was."
        if quitting:
            return "Quit without saving? Nothing of this profile has been written yet."
        return "Discard this new profile? Nothing of it has been written yet."

    def ask_to_discard(self, flow: WizardFlow, result: StepResult) -> None:
        """Going back from the first step with changes: ask, then end the run or show the step again."""
        from zendesk_setup.core.wizard import WizardFlow

        answered = flow.answered(result)

        def chosen(discard: bool | None) -> None:
            if discard:
                self.end_wizard(None)
            else:
                self.show_step(WizardFlow(answered, flow.step, flow.field))

        self.push_screen(ConfirmModal(self.discard_question(), yes="Discard", no="Keep editing"), chosen)

    def end_wizard(
        self, saved: str | None, *, kept: TokenSet | None = None, kept_client: CreatedClient | None = None
    ) -> None:
        """Undo what this run made and did not save (tokens, clients), say what happened, then go home (or leave)."""
        self.unsaved = False
        self.wizard_flow = None
        self.wizard_start = None
        self.wind_up(lambda: self.say_how_it_ended(saved), kept=kept, kept_client=kept_client)

    # OAuth clients the credentials step made (f3) ------------------------------------------------------------

    def client_attempt(self, client_id: int) -> ClientAttempt | None:
        """The attempt of this run that created the client with numeric id ``client_id``."""
        for attempt in self.created_clients:
            if attempt.created is not None and attempt.created.id == client_id:
                return attempt
        return None

    def track_client(self, attempt: ClientAttempt) -> None:
        """Remember a client this run made: it is deleted again unless the profile saved uses it."""
        self.created_clients.append(attempt)

    def forget_client(self, attempt: ClientAttempt) -> None:
        """A client made in this run was deleted again (or is kept by a save): stop tracking it."""
        if attempt in self.created_clients:
            self.created_clients.remove(attempt)

    def drop_unfit_clients(self, flow: WizardFlow) -> WizardFlow:
        """Delete again a client made for other answers (another Zendesk or auth type), and clear it from the draft."""
        from zendesk_setup.core.draft import NO_SECRET

        draft = flow.draft
        for attempt in list(self.created_clients):
            try:
                fits = attempt.draft.auth is draft.auth and attempt.draft.api_base_url() == draft.api_base_url()
            except InputError:
                fits = True  # the answers are being fixed; decide once they are valid
            if fits:
                continue
            created = attempt.created
            self.forget_client(attempt)
            self.run_worker(lambda a=attempt: self.undo_clients([a]), thread=True, exit_on_error=False)
            if created is not None and draft.created_client is not None and draft.created_client.id == created.id:
                draft = draft.with_answers(created_client=None, client_id="", client_secret=NO_SECRET)
                self.notify(
                    f"The OAuth client '{created.identifier}' was made for other answers; it is being deleted "
                    "again. Press f3 on the credentials step for a new one.",
                    markup=False,
                )
        return replace(flow, draft=draft) if draft is not flow.draft else flow

    @staticmethod
    def undo_clients(attempts: list[ClientAttempt]) -> int:
        """Delete these clients on Zendesk and close their admin connections; how many could not be deleted."""
        failed = 0
        for attempt in attempts:
            try:
                failed += 0 if attempt.undo() else 1
            finally:
                attempt.close()
        return failed

    def wind_up(
        self,
        then: Callable[[], None],
        *,
        kept: TokenSet | None = None,
        kept_client: CreatedClient | None = None,
    ) -> None:
        """Revoke every token a consent of this run issued and delete every client it made that nothing saved.

        A consent that is abandoned (escape, cancel, quit, or a second consent after changed answers) must not
        leave a live token that nothing knows about, nor an OAuth client made for a profile never saved.
        Then call ``then``.
        """
        orphans = [(base_url, tokens) for base_url, tokens in self.issued_tokens if tokens is not kept]
        self.issued_tokens = []
        clients = self.created_clients
        self.created_clients = []
        kept_id = kept_client.id if kept_client is not None else None
        unused = [a for a in clients if a.created is None or a.created.id != kept_id]
        for attempt in clients:
            if attempt not in unused:
                attempt.close()
        # A client still being made (f3, then quit at once) is waited for, then deleted like the others.
        making = [w for w in self.workers if w.name == "create_client" and not w.is_finished]
        if not orphans and not unused and not making:
            then()
            return

        async def revoke_then() -> None:
            for worker in making:
                with contextlib.suppress(WorkerFailed, WorkerCancelled):
                    made = await worker.wait()
                    if made is not None and made not in unused:
                        unused.append(made)
            # Tokens first: once its client is deleted, a token can no longer be revoked (it died with it).
            revoked = await asyncio.to_thread(self.service.revoke_issued, orphans) if orphans else 0
            if revoked < len(orphans):
                self.notify(
                    "A token from this sign-in could not be revoked on Zendesk; revoke it in Admin Center "
                    "(Apps and integrations > APIs > OAuth clients).",
                    severity="warning",
                    markup=False,
                )
            if unused and await asyncio.to_thread(self.undo_clients, unused):
                self.notify(
                    "An OAuth client made in this run could not be deleted again; delete it in Admin Center "
                    "(Apps and integrations > APIs > OAuth clients).",
                    severity="warning",
                    markup=False,
                )
            then()

        self.run_worker(revoke_then(), group="wind-up", exit_on_error=False)

    def say_how_it_ended(self, saved: str | None) -> None:
        """Say what happened, then go home (or leave when started as ``new``/``edit``)."""
        if saved is None:
            note = "Cancelled: nothing was written."
            self.result_note = note
            if self.mode != "home":
                self.exit(EXIT_CANCELLED)
                return
            self.notify(note, title="Wizard closed")
        else:
            self.result_note = f"Saved profile '{saved}'."
            if self.mode != "home":
                self.exit(EXIT_OK)
                return
        self.post_message(ProfilesChanged())

    def on_profiles_changed(self, message: ProfilesChanged) -> None:
        """Reload the home table when it is showing."""
        for screen in self.screen_stack:
            if isinstance(screen, ProfilesScreen):
                screen.reload()

    def action_quit_app(self) -> None:
        """Quit, asking first while a wizard has unsaved answers."""
        if isinstance(self.screen, ConfirmModal):
            return
        if not self.unsaved:
            self.exit(EXIT_OK)
            return
        if not self.has_changes():
            self.result_note = "Quit: nothing was written."
            self.exit(EXIT_CANCELLED if self.mode != "home" else EXIT_OK)
            return

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                self.result_note = "Quit: nothing was written."
                self.wind_up(lambda: self.exit(EXIT_CANCELLED if self.mode != "home" else EXIT_OK))

        self.push_screen(ConfirmModal(self.discard_question(quitting=True), yes="Quit", no="Stay"), leave)


def make_app(
    config_dir: Path | str,
    mode: str = "home",
    name: str | None = None,
    **options: Any,
) -> ZendeskSetupApp:
    """Build the app the CLI runs and the tests drive.

    Options: today, now, clock, base_url, consent_timeout, open_browser, redirect_port.
    """
    if mode not in ("home", "new", "edit"):
        raise ValueError(f"unknown mode {mode!r}")
    return ZendeskSetupApp(Path(config_dir), mode, name, **options)


def run_app(config_dir: Path | str, mode: str = "home", name: str | None = None) -> int:
    """Run the wizard in this terminal and return the exit code; prints what happened after the screen closes."""
    app = make_app(config_dir, mode, name)
    code = app.run()
    if app.result_note:
        print(app.result_note)
    return int(code if code is not None else EXIT_OK)
