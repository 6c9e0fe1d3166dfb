"""Step 5 (OAuth): browser consent with a loopback redirect, a countdown, and a paste field for SSH use."""

from __future__ import annotations

import contextlib
import sys
import webbrowser
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import KeyringError, OAuthError, SetupError
from zendesk_setup.core.redirect import BARE_CODE
from zendesk_setup.core.vocab import Step, Storage
from zendesk_setup.core.wizard import ConsentAnswer, GoTo, Next, StepPosition, step_for_field
from zendesk_setup.ui.screens.base import WizardScreen
from zendesk_setup.ui.screens.confirm import ConfirmModal, ask_insecure_storage

if TYPE_CHECKING:
    from zendesk_setup.core.consent import Consent
    from zendesk_setup.core.oauth import TokenSet


class ConsentUrl(TextArea):
    """The authorisation URL on one read-only line that scrolls sideways, never wrapped into broken pieces.

    It takes no typed keys, so `o`, `c` and `u` reach the screen while it has the focus; up and down move
    between fields as in the forms, home and end scroll to either end of the URL, and a mouse drag selects.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            id=id,
            soft_wrap=False,
            read_only=True,
            show_cursor=False,
            compact=True,
            highlight_cursor_line=False,
        )

    def action_cursor_up(self, select: bool = False) -> None:
        """Up goes to the previous field (there is only one line)."""
        self.screen.focus_previous()

    def action_cursor_down(self, select: bool = False) -> None:
        """Down goes to the next field."""
        self.screen.focus_next()

    def action_cursor_line_start(self, select: bool = False) -> None:
        """Home shows the start of the URL."""
        self.scroll_to(x=0, animate=False)

    def action_cursor_line_end(self, select: bool = False) -> None:
        """End shows the end of the URL."""
        self.scroll_to(x=self.max_scroll_x, animate=False)


class ConsentScreen(WizardScreen):
    """Opens the Zendesk consent page and waits for the redirect (or a pasted URL or code)."""

    STEP = Step.CONSENT
    AUTO_FOCUS = "#consent-url"
    FIELD_IDS: ClassVar[dict[str, str]] = {"consent": "paste-input"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Stop waiting, free the port and go back"),
        Binding("o", "open_again", "Open browser", id="open-browser", tooltip="Open the consent page again"),
        Binding("o", "retry", "Try again", id="retry", tooltip="Start the sign-in again, with a new URL"),
        Binding("c", "copy_url", "Copy URL", id="copy-url", tooltip="Copy the URL through the terminal (OSC 52)"),
        Binding("u", "show_plain_url", "URL as text", id="plain-url", tooltip="Print the URL whole, to select"),
        Binding("i", "insecure_storage", "Store in file", id="insecure", tooltip="Keep secrets in a 0600 file"),
        Binding("f", "fix", "Fix field", id="fix", tooltip="Go back to the field at fault"),
        Binding("f2", "open_again", "Open browser", id="open-browser-f2", tooltip="Same as o"),
        Binding("f2", "retry", "Try again", id="retry-f2", tooltip="Same as o"),
        Binding("f3", "copy_url", "Copy URL", id="copy-url-f3", tooltip="Same as c"),
        Binding("f4", "show_plain_url", "URL as text", id="plain-url-f4", tooltip="Same as u"),
    ]
    HELP = """\
zendesk-setup opened the Zendesk consent page in your browser. Sign in as the user the scripts should
act as, check the scopes, and press **Allow**. Zendesk then sends the browser to
`http://127.0.0.1:PORT/callback`, where zendesk-setup is listening, and this screen moves on.

**Over SSH or without a browser here**: open the URL shown on any machine. It sits on one line that
scrolls sideways (home and end show either end). `c` copies it where the terminal allows programs to set
the clipboard; `u` prints it whole as plain text, to select with the mouse, and enter comes back.
After *Allow* the browser shows an error page for the 127.0.0.1 address: copy the whole address from its
address bar (or just the `code` value) and paste it anywhere on this screen (or tab to the field, type it
and press enter). A mistyped one is refused and the wait goes on.

The code is valid for 120 seconds. If Zendesk says the redirect URL is not allowed, add the exact
redirect URL to the OAuth client in Admin Center.

Keys: o open the browser again (after a failure: try again), c copy the URL, u show the URL as text, tab to
the paste field, enter submit it, escape go back (stops waiting, frees the port), ctrl+q quit.
"""

    class UrlReady(Message):
        """Posted by the consent worker once the loopback server listens and the URL is known."""

        def __init__(self, url: str) -> None:
            super().__init__()
            self.url = url

    class BrowserFailed(Message):
        """Posted when no browser could be opened here."""

    def __init__(self, draft: ProfileDraft, position: StepPosition, *, focus_field: str | None = None) -> None:
        super().__init__(draft, position, focus_field=focus_field)
        self.storage = draft.storage
        self.consent: Consent | None = None
        self.pasted_code: str | None = None
        self.pasted_from_terminal = False
        self.submitted_from_terminal = False
        self.started_at: float | None = None
        self.ticker: Timer | None = None
        self.finished = False
        self.failure: SetupError | None = None

    def compose_body(self) -> ComposeResult:
        """Status, the full URL, the countdown and the paste field."""
        yield Static("Checking the keyring and preparing the sign-in…", id="consent-status", classes="step-intro")
        yield ConsentUrl(id="consent-url")
        yield Static("", id="consent-countdown")
        yield Label("Paste the redirected URL (or the code) anywhere, or tab here and type:", classes="field-label")
        yield Input(placeholder="http://127.0.0.1:…/callback?code=…&state=…", id="paste-input")

    def on_mount(self) -> None:
        """Start the consent in a worker and a one-second countdown."""
        self.ticker = self.set_interval(1.0, self.show_countdown)
        self.start_consent()

    def answer(self) -> ConsentAnswer:
        """No tokens yet; keeps the storage choice made on this screen."""
        return ConsentAnswer(None, self.storage)

    def set_status(self, text: str, *, error: bool = False) -> None:
        """Update the status line (plain text: never markup)."""
        status = self.query_one("#consent-status", Static)
        status.update(Content(text))
        status.set_class(error, "invalid")

    @on(UrlReady)
    def show_url(self, message: UrlReady) -> None:
        """Show the authorisation URL in full and start counting down."""
        url_field = self.query_one("#consent-url", ConsentUrl)
        url_field.load_text(message.url)
        url_field.display = True
        self.refresh_bindings()
        self.started_at = self.setup_app.clock()
        self.set_status(
            "Your browser should show the Zendesk consent page; choose Allow. Open this URL yourself if it did not:"
        )
        self.show_countdown()

    @on(BrowserFailed)
    def say_no_browser(self) -> None:
        """Say that the URL must be opened by hand."""
        self.set_status(
            "No browser could be opened here: open the URL below on any machine "
            "(c copies it, u shows it whole as text to select):"
        )

    def show_countdown(self) -> None:
        """Minutes and seconds left for the redirect."""
        if self.started_at is None or self.finished:
            return
        left = max(0, int(self.setup_app.consent_timeout - (self.setup_app.clock() - self.started_at)))
        self.query_one("#consent-countdown", Static).update(
            f"Waiting for the redirect on {self.draft.redirect_uri()} — {left // 60}:{left % 60:02d} left"
        )

    def on_consent_failed(self, error: SetupError) -> None:
        """Explain why the consent failed and what to do (a cancel by this screen says nothing)."""
        if isinstance(error, OAuthError) and error.kind == "cancelled":
            return
        self.finished = True
        self.failure = error
        self.set_status(error.shown_in_tui(), error=True)
        keys = "Press escape to go back, or o to try again."
        if self.fix_step() is not None:
            keys = "Press f to fix it, o to try again, or escape to go back."
        if self.keyring_failed():
            keys = (
                "Press i to keep the secrets in a plain-text 0600 file (insecure), o to try again, escape to go back."
            )
        self.query_one("#consent-countdown", Static).update(keys)
        self.set_focus(None)
        self.query_one("#consent-url", ConsentUrl).display = False
        self.refresh_bindings()

    def on_consent_done(self, tokens: TokenSet) -> None:
        """The consent produced tokens: go on to the check with them."""
        self.dismiss(Next(ConsentAnswer(tokens, self.storage)))

    def keyring_failed(self) -> bool:
        """True when the last failure was the keyring and the file store has not been chosen yet."""
        return isinstance(self.failure, KeyringError) and self.storage is not Storage.FILE

    def action_insecure_storage(self) -> None:
        """After a keyring failure, offer the plain-text file with a warning, then start the sign-in again."""

        def use_file() -> None:
            self.storage = Storage.FILE
            self.failure = None
            self.refresh_bindings()
            self.show_error(None)
            self.start_consent()

        ask_insecure_storage(self.app, use_file)

    def open_browser(self, url: str) -> None:
        """Open the URL with the user's browser (Python's webbrowser honours $BROWSER); runs in a thread."""
        if not self.setup_app.open_browser:
            return
        try:
            opened = webbrowser.open(url)
        except Exception:
            opened = False
        if not opened:
            self.post_message(self.BrowserFailed())

    def start_consent(self) -> None:
        """Start (or restart) the sign-in in a worker."""
        self.finished = False
        self.pasted_code = None
        self.failure = None
        self.run_worker(
            self.consent_flow, name="consent", group="consent", thread=True, exclusive=True, exit_on_error=False
        )

    def consent_flow(self) -> TokenSet:
        """Probe the keyring, listen on the loopback port, open the browser, wait, and exchange the code."""
        app = self.setup_app
        draft = replace(self.draft, storage=self.storage)
        consent = app.service.begin_consent(draft)
        self.consent = consent
        try:
            self.consent_began(consent)
            self.post_message(self.UrlReady(consent.url))
            self.open_browser(consent.url)
            code = consent.wait(app.consent_timeout)
        finally:
            self.finished = True
        return consent.exchange(code)

    def consent_began(self, consent: Consent) -> None:
        """Called in the worker once the loopback port is bound, before the browser opens (a hook for migration)."""

    @on(Input.Submitted, "#paste-input")
    def use_pasted_redirect(self, event: Input.Submitted) -> None:
        """Take the code from a pasted redirected URL (the state is checked) and stop listening."""
        self.submitted_from_terminal, self.pasted_from_terminal = self.pasted_from_terminal, False
        consent = self.consent
        if consent is None or self.finished:
            self.show_error(SetupError("The sign-in is not waiting; press o to try again."))
            return
        pasted = event.value
        try:
            code = consent.code_from_paste(pasted)
        except OAuthError as error:
            if error.kind != BARE_CODE:
                self.refuse_paste(error)
                return

            def use_bare_code(confirmed: bool | None) -> None:
                if confirmed and not self.finished:
                    self.take_code(consent.code_from_paste(pasted, allow_bare_code=True))

            self.app.push_screen(
                ConfirmModal(
                    "Use this bare code? Unlike the full redirected URL it carries no state tying it to this "
                    "sign-in, so only use a code you copied from the consent you just opened.",
                    yes="Use the code",
                    no="Paste the URL",
                ),
                use_bare_code,
            )
            return
        except SetupError as error:
            self.refuse_paste(error)
            return
        self.take_code(code)

    def take_code(self, code: str) -> None:
        """Exchange a pasted code while the sign-in keeps waiting: a mistyped one must not end the wait."""
        self.show_error(None)
        self.pasted_code = code
        consent = self.consent
        if consent is None:
            return
        self.query_one("#consent-status", Static).update("Exchanging the pasted code for tokens…")
        self.run_worker(
            lambda: consent.exchange(code),
            name="paste_exchange",
            group="paste",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def on_paste_exchange_done(self, tokens: TokenSet) -> None:
        """The pasted code worked: stop listening and go on with the tokens."""
        self.close_consent()
        self.dismiss(Next(ConsentAnswer(tokens, self.storage)))

    def on_paste_exchange_failed(self, error: SetupError) -> None:
        """The pasted code was refused: say so and keep waiting for the right one (or the browser)."""
        self.pasted_code = None
        self.set_status(
            "Still waiting: the browser can still finish the sign-in, or paste the right URL or code. "
            "Open the URL yourself if the browser did not:"
        )
        self.refuse_paste(SetupError(f"That code was refused: {error.message}"))

    def refuse_paste(self, error: SetupError) -> None:
        """Show why a paste was refused; after a terminal paste, give o and c back by leaving the paste field.

        Text typed into the field stays focused so it can be corrected; the footer then shows f2 and f3.
        It is selected, so the right URL pasted (or typed) next replaces it instead of joining it; an arrow key
        drops the selection to mend a typo.
        """
        self.show_error(error, focus=False)
        if self.submitted_from_terminal:
            self.query_one("#consent-url").focus()
        else:
            self.query_one("#paste-input", Input).select_all()

    async def on_paste(self, event: events.Paste) -> None:
        """A paste anywhere on the screen goes to the paste field and is submitted at once."""
        paste_input = self.query_one("#paste-input", Input)
        if self.focused is paste_input or not event.text.strip():
            return
        event.stop()
        paste_input.value = event.text.strip()
        paste_input.focus()
        self.pasted_from_terminal = True
        await paste_input.action_submit()

    def waiting(self) -> bool:
        """True while the URL on screen is live: the sign-in listens for its redirect."""
        return self.consent is not None and not self.finished

    def action_open_again(self) -> None:
        """Open the consent page again while waiting."""
        if self.consent is not None and not self.finished:
            url = self.consent.url
            self.run_worker(lambda: self.open_browser(url), group="browser", thread=True)

    def action_retry(self) -> None:
        """After a failure, start the sign-in again (a new port binding, URL and wait)."""
        self.show_error(None)
        self.start_consent()

    def action_copy_url(self) -> None:
        """Copy the consent URL through the terminal (OSC 52), which some terminals and tmux ignore."""
        if self.consent is not None and not self.finished:
            self.app.copy_to_clipboard(self.consent.url)
            self.notify(
                "Sent the URL to the clipboard through the terminal. Nothing arrived? Press u to select it as text.",
                title="Clipboard",
            )

    def action_show_plain_url(self) -> None:
        """Leave the full screen for a moment and print the URL as plain text, which any terminal selects whole.

        Textual draws each screen row on its own, so a selection across rows copies line breaks; text the
        terminal wraps itself is copied as one line.
        """
        if self.consent is None or self.finished:
            return
        url = self.consent.url
        try:
            with self.app.suspend():
                print_plain_url(url)
        except SuspendNotSupported:
            self.notify("This terminal cannot show the URL as plain text; press c to copy it.", title="Consent URL")

    def close_consent(self) -> None:
        """Stop listening and free the port."""
        self.finished = True
        if self.consent is not None:
            self.consent.close()

    def fix_step(self) -> Step | None:
        """The step where the field the last failure names is edited (a wrong client secret, say)."""
        return step_for_field(self.failure.field) if self.failure is not None else None

    def action_fix(self) -> None:
        """Go back to the field at fault."""
        step = self.fix_step()
        if step is not None and self.failure is not None:
            self.close_consent()
            self.dismiss(GoTo(step, self.failure.field, self.answer()))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys that work now: the URL's keys while waiting, try again after a failure; no next key."""
        if action == "insecure_storage":
            return self.keyring_failed()
        if action == "fix":
            return self.fix_step() is not None
        if action in ("open_again", "copy_url", "show_plain_url"):
            return self.waiting()
        if action == "retry":
            return self.failure is not None
        return action != "next_step"

    def on_unmount(self) -> None:
        """Never leave the port open behind the screen."""
        self.close_consent()

    def action_back(self) -> None:
        """Cancel the wait, free the port, and go back."""
        self.close_consent()
        super().action_back()

    def action_next_step(self) -> None:
        """There is no next without a consent: say what to do."""
        self.show_error(SetupError("Allow access in the browser, or paste the redirected URL, to go on."))


def print_plain_url(url: str) -> None:
    """Print the URL on the plain terminal and wait for enter (runs while the app is suspended)."""
    sys.stdout.write(f"\nThe consent URL as plain text, for a mouse selection (the terminal wraps it):\n\n{url}\n\n")
    sys.stdout.flush()
    with contextlib.suppress(EOFError, KeyboardInterrupt):
        input("Press enter to go back to zendesk-setup. ")
