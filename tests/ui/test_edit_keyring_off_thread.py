"""Opening a saved profile for editing from the home screen reads the keyring in a thread, not on the UI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from tests.fake_zendesk import FakeZendesk
from tests.pilot_helpers import settle
from tests.ui.conftest import save_oauth_profile, screen_text

from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.ui.app import ZendeskSetupApp


async def test_edit_reads_the_token_state_off_the_ui_thread(
    app_factory: Callable[..., ZendeskSetupApp], fake: FakeZendesk, config_dir: Path, monkeypatch: object
) -> None:
    save_oauth_profile(config_dir, fake)
    threads: list[threading.Thread] = []
    real = CredentialsService.has_oauth_token

    def watched(self: CredentialsService, profile: Profile) -> bool:
        threads.append(threading.current_thread())
        return real(self, profile)

    monkeypatch.setattr(CredentialsService, "has_oauth_token", watched)  # type: ignore[attr-defined]
    app = app_factory("home")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert "editing 'acme'" in screen_text(app)
    assert threads and all(thread is not threading.main_thread() for thread in threads)
