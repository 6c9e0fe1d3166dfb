"""TEMPORARY shim over core.service for the CLI while it is being split; removed in the same session."""

from __future__ import annotations

import select
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import SecretStore
from zendesk_setup.core.service import CredentialsService, SaveResult

Say = Callable[[str], None]


class _Result:
    def __init__(self, saved: SaveResult, service: CredentialsService) -> None:
        self.profile = saved.profile
        self.identity = saved.identity
        self.secrets = service.secrets(saved.profile.storage)


def secret_store(profile: Profile, config_dir: Path, *, probe: bool = True) -> SecretStore:
    """The probed secret store."""
    service = CredentialsService(config_dir)
    return service.probe(profile.storage) if probe else service.secrets(profile.storage)


def add_api_token_profile(store: ProfileStore, profile: Profile, api_token: str, *, secrets: Any = None,
                          verify: bool = True, make_default: bool = False) -> SaveResult:
    """Shim."""
    draft = ProfileDraft.new_from(profile, api_token=api_token, make_default=make_default)
    service = CredentialsService(store.config_dir)
    return _Result(service.add(draft, verify=verify), service)  # type: ignore[return-value]


def add_client_credentials_profile(store: ProfileStore, profile: Profile, client_secret: str, *, secrets: Any = None,
                                   verify: bool = True, make_default: bool = False) -> SaveResult:
    """Shim."""
    draft = ProfileDraft.new_from(profile, client_secret=client_secret, make_default=make_default)
    service = CredentialsService(store.config_dir)
    return _Result(service.add(draft, verify=verify), service)  # type: ignore[return-value]


def _wait_with_paste(consent: Any, timeout: float, say: Say) -> str:
    outcome: dict[str, Any] = {}

    def wait() -> None:
        try:
            outcome["code"] = consent.wait(timeout)
        except SetupError as exc:
            outcome["error"] = exc

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    say("Or paste the redirected URL (or just the code) here and press Enter:")
    while waiter.is_alive():
        ready, _, _ = select.select([sys.stdin], [], [], 0.2)
        if not ready:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        if not line.strip():
            continue
        try:
            code = consent.code_from_paste(line)
        except SetupError as exc:
            say(f"{exc.message} Try again, or wait for the browser.")
            continue
        consent.close()
        return code
    waiter.join()
    if "error" in outcome:
        raise outcome["error"]
    return str(outcome["code"])


def add_oauth_profile_interactive(store: ProfileStore, profile: Profile, client_secret: str | None, *,
                                  secrets: Any = None, open_browser: bool = True, accept_paste: bool = False,
                                  timeout: float = 300.0, verify: bool = True, make_default: bool = False,
                                  say: Say = print) -> SaveResult:
    """Shim."""
    service = CredentialsService(store.config_dir)
    draft = ProfileDraft.new_from(profile, client_secret=client_secret, make_default=make_default)
    consent = service.begin_consent(draft)
    try:
        say(f"Register this redirect URL on the OAuth client if you have not yet: {consent.redirect_uri}")
        say("Open this URL in a browser to consent:")
        say(consent.url)
        if open_browser:
            try:
                opened = webbrowser.open(consent.url)
            except Exception:
                opened = False
            if not opened:
                say("Could not open a browser; open the URL above yourself.")
        say(f"Waiting up to {timeout:.0f} s for the redirect to {consent.redirect_uri} ...")
        code = _wait_with_paste(consent, timeout, say) if accept_paste else consent.wait(timeout)
    finally:
        consent.close()
    return _Result(service.add(draft.with_tokens(consent.exchange(code)), verify=verify), service)  # type: ignore
