"""The browser consent on the command line: print the URL, open the browser, wait for the redirect or a paste."""

from __future__ import annotations

import select
import threading
import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from zendesk_setup.cli.streams import confirm
from zendesk_setup.core.errors import InputError, OAuthError, SetupError
from zendesk_setup.core.redirect import BARE_CODE

if TYPE_CHECKING:
    from zendesk_setup.cli.streams import IO
    from zendesk_setup.core.consent import Consent
    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.oauth import TokenSet
    from zendesk_setup.core.service import CredentialsService


def run_consent(
    service: CredentialsService,
    draft: ProfileDraft,
    io: IO,
    *,
    open_browser: bool,
    accept_paste: bool,
    timeout: float,
    port: int | None = None,
    prepare: Callable[[Consent], None] | None = None,
) -> TokenSet:
    """Run one consent for ``draft`` (on ``port`` instead of the draft's when given); nothing is stored here.

    ``prepare(consent)`` runs once the loopback port is bound and before the URL is shown (provisioning creates
    the client there, registered for exactly this redirect URL).
    """
    consent = service.begin_consent(draft, port=port)
    try:
        if prepare is not None:
            prepare(consent)
        else:
            io.print_err(
                f"Register this redirect URL on the OAuth client if you have not yet: {consent.redirect_uri}"
            )
        io.print_err("Open this URL in a browser to consent:")
        io.print_err(consent.url)
        if open_browser:
            try:
                opened = webbrowser.open(consent.url)
            except Exception:
                opened = False
            if not opened:
                io.print_err("Could not open a browser; open the URL above yourself.")
        io.print_err(f"Waiting up to {timeout:.0f} s for the redirect to {consent.redirect_uri} ...")
        code = _wait_with_paste(consent, timeout, io) if accept_paste else consent.wait(timeout)
    finally:
        consent.close()
    return consent.exchange(code)


def consent_runner(
    service: CredentialsService, io: IO, *, no_browser: bool, timeout: float, port: int | None = None
) -> Callable[[ProfileDraft, Callable[[Consent], None] | None], TokenSet]:
    """``run_consent`` with the command's browser, paste and timeout choices, as provisioning calls it."""

    def run(draft: ProfileDraft, prepare: Callable[[Consent], None] | None = None) -> TokenSet:
        return run_consent(
            service,
            draft,
            io,
            open_browser=not no_browser,
            accept_paste=no_browser and io.stdin_is_tty(),
            timeout=timeout,
            port=port,
            prepare=prepare,
        )

    return run


def _wait_with_paste(consent: Consent, timeout: float, io: IO) -> str:
    """The code from the loopback redirect, or from a redirected URL (or code) pasted on standard input."""
    outcome: dict[str, Any] = {}

    def wait() -> None:
        try:
            outcome["code"] = consent.wait(timeout)
        except SetupError as exc:
            outcome["error"] = exc

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    io.print_err("Or paste the redirected URL (or just the code) here and press Enter:")
    stdin = io.stdin
    while waiter.is_alive() and stdin is not None:
        ready, _, _ = select.select([stdin], [], [], 0.2)
        if not ready:
            continue
        line = stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            code = _pasted_code(consent, line, io)
        except SetupError as exc:
            io.print_err(f"{exc.message} Try again, or wait for the browser.")
            continue
        consent.close()
        return code
    waiter.join()
    if "error" in outcome:
        raise outcome["error"]
    return str(outcome["code"])


def _pasted_code(consent: Consent, line: str, io: IO) -> str:
    """The code from a pasted line; a bare code for a confidential client only once confirmed on the terminal."""
    try:
        return consent.code_from_paste(line)
    except OAuthError as exc:
        if exc.kind != BARE_CODE:
            raise
        io.print_err(exc.message)
        if not confirm(io, "Did you copy this code from the consent page you opened just now?"):
            raise InputError(
                "The code was not used; paste the whole redirected URL (it contains state=).", field="code"
            ) from None
    return consent.code_from_paste(line, allow_bare_code=True)
