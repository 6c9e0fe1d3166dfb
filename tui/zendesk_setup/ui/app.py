"""The Textual app: the home screen of profiles and the wizard that walks through the steps."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.profiles import ProfileStore
from zendesk_setup.ui.messages import BACK, DONE, NEXT, GoTo, ProfilesChanged, WizardEnded

if TYPE_CHECKING:
    from textual.screen import Screen

    from zendesk_setup.core.wizard import WizardState

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
        self.store = ProfileStore(self.config_dir)
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
        self.wizard_state: WizardState | None = None
        self.result_note: str | None = None

    def today(self) -> date:
        """Today's date (fixed in tests and screenshots)."""
        return self.fixed_today or self.now_fn().date()

    def new_state(self, name: str | None = None) -> WizardState:
        """A fresh wizard state, with the preset base URL when the app was given one."""
        from zendesk_setup.core.wizard import WizardState

        state = WizardState(name=name or "")
        if self.preset_base_url:
            state.advanced = True
            state.base_url_text = self.preset_base_url
        if self.redirect_port is not None:
            state.redirect_port = self.redirect_port
        return state

    def _fatal_error(self) -> None:
        """Stop on an unexpected error without Textual's default traceback, which prints local variables."""
        # Overrides a private Textual hook on purpose: its traceback shows locals, and a local may hold a secret.
        import traceback

        from rich.text import Text

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
            from zendesk_setup.ui.screens.profiles import ProfilesScreen

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
            from zendesk_setup.core.wizard import WizardState

            self.start_wizard(WizardState.from_profile(profile))
        elif self.mode == "new":
            self.start_wizard(self.new_state(self.start_name))

    def start_wizard(self, state: WizardState) -> None:
        """Run the wizard on ``state`` (a new profile or an edit)."""
        self.wizard_state = state
        self.unsaved = True
        self.run_wizard(state)

    def _step_screen(self, step: str, state: WizardState, index: int, count: int, field: str | None) -> Any:
        from zendesk_setup.core.wizard import STEP_AUTH, STEP_CONSENT, STEP_CREDENTIALS, STEP_INSTANCE, STEP_SCOPES

        if step == STEP_AUTH:
            from zendesk_setup.ui.screens.auth_type import AuthTypeScreen as screen_class
        elif step == STEP_INSTANCE:
            from zendesk_setup.ui.screens.instance import InstanceScreen as screen_class
        elif step == STEP_CREDENTIALS:
            from zendesk_setup.ui.screens.credentials import CredentialsScreen as screen_class
        elif step == STEP_SCOPES:
            from zendesk_setup.ui.screens.scopes import ScopesScreen as screen_class
        elif step == STEP_CONSENT:
            from zendesk_setup.ui.screens.consent import ConsentScreen as screen_class
        else:
            from zendesk_setup.ui.screens.review import ReviewScreen as screen_class
        return screen_class(state, index, count, focus_field=field)

    def run_wizard(self, state: WizardState, index: int = 0, field: str | None = None) -> None:
        """Show step ``index``; each screen dismisses with NEXT, BACK, GoTo, DONE or CANCEL.

        Callbacks rather than one long worker, so ``app.workers.wait_for_complete()`` only waits for real I/O.
        """
        steps = state.steps()
        index = max(0, min(index, len(steps) - 1))
        step = steps[index]

        def step_done(result: object) -> None:
            if result == BACK:
                if index == 0:
                    self.end_wizard(None)
                else:
                    self.run_wizard(state, index - 1)
            elif result == NEXT:
                new_steps = state.steps()
                self.run_wizard(state, new_steps.index(step) + 1 if step in new_steps else index + 1)
            elif isinstance(result, GoTo):
                new_steps = state.steps()
                target = new_steps.index(result.step) if result.step in new_steps else index
                self.run_wizard(state, target, result.field)
            elif result == DONE:
                self.end_wizard(state.profile_name())
            else:
                self.end_wizard(None)

        self.push_screen(self._step_screen(step, state, index, len(steps), field), step_done)

    def end_wizard(self, saved: str | None) -> None:
        """The wizard run is over: saved names the profile written, None when cancelled."""
        self.unsaved = False
        self.wizard_state = None
        self.post_message(WizardEnded(saved))

    def on_wizard_ended(self, message: WizardEnded) -> None:
        """Say what happened, then go home (or leave when started as ``new``/``edit``)."""
        if message.saved is None:
            note = "Cancelled: nothing was written."
            self.result_note = note
            if self.mode != "home":
                self.exit(EXIT_CANCELLED)
                return
            self.notify(note, title="Wizard closed")
        else:
            self.result_note = f"Saved profile '{message.saved}'."
            if self.mode != "home":
                self.exit(EXIT_OK)
                return
        self.post_message(ProfilesChanged())

    def on_profiles_changed(self, message: ProfilesChanged) -> None:
        """Reload the home table when it is showing."""
        from zendesk_setup.ui.screens.profiles import ProfilesScreen

        for screen in self.screen_stack:
            if isinstance(screen, ProfilesScreen):
                screen.reload()

    def action_quit_app(self) -> None:
        """Quit, asking first while a wizard has unsaved answers."""
        from zendesk_setup.ui.screens.confirm import ConfirmModal

        if isinstance(self.screen, ConfirmModal):
            return
        if not self.unsaved:
            self.exit(EXIT_OK)
            return

        def leave(confirmed: bool | None) -> None:
            if confirmed:
                self.result_note = "Quit: nothing was written."
                self.exit(EXIT_CANCELLED if self.mode != "home" else EXIT_OK)

        self.push_screen(
            ConfirmModal("Quit without saving? Nothing of this profile has been written yet.", yes="Quit", no="Stay"),
            leave,
        )


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
