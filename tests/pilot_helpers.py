"""Pilot helpers shared by the screen tests and the snapshot scenes: paste into the focus, wait for workers."""

from __future__ import annotations

import contextlib
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste ``text`` into the focused widget, as a terminal's bracketed paste does (faster than keys)."""
    focused = pilot.app.focused
    assert focused is not None, "nothing has the focus to paste into"
    focused.post_message(events.Paste(text))
    await pilot.pause()


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and the screens they switch to start their own workers, several times over.

    A worker that failed is an outcome the screen shows (workers return results or raise SetupError), not an error.
    """
    for _ in range(rounds):
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def api_token_profile_to_review(pilot: Pilot[Any], email: str, api_token: str) -> None:
    """From the wizard's first screen: API token, subdomain acme, the email and token, on to the check."""
    await pilot.press("down", "enter")
    await paste(pilot, "acme")
    await pilot.press("enter")
    await paste(pilot, email)
    await pilot.press("down")
    await paste(pilot, api_token)
    await pilot.press("enter")
    await settle(pilot)


async def oauth_profile_to_review(pilot: Pilot[Any], client_id: str = "acme_cli") -> None:
    """From the wizard's first screen: OAuth, subdomain acme, a public client, the read preset, consent, check."""
    await pilot.press("enter", *"acme", "enter", *client_id, "enter", "f3", "enter")
    await settle(pilot)
