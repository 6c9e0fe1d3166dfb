"""A 429's wait on screen: the core's notice, counted down each second until the core retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.timer import Timer


class RateLimitCountdown:
    """Shows the core's rate-limit notice through ``show`` and counts its seconds down, once a second.

    ``notifier()`` is the ``notify`` callback to hand a core call running in a thread worker; ``waits`` says
    afterwards how often Zendesk made it wait, and ``summary`` says so in words.
    """

    def __init__(self, owner: DOMNode, show: Callable[[str], None]) -> None:
        self.owner = owner
        self.show = show
        self.waits = 0
        self.notice = ""
        self.left = 0
        self.timer: Timer | None = None

    def notifier(self) -> Callable[[str], None]:
        """The core's ``notify`` for a thread worker: each notice starts the countdown on the UI thread."""
        app = self.owner.app

        def notify(notice: str) -> None:
            app.call_from_thread(self.start, notice)

        return notify

    def reset(self) -> None:
        """Forget earlier waits (a new attempt starts)."""
        self.stop()
        self.waits = 0

    def start(self, notice: str) -> None:
        """Zendesk answered 429: show the notice with the seconds left, and count down."""
        self.waits += 1
        self.stop()
        self.notice = str(notice)
        self.left = max(0, round(float(getattr(notice, "seconds", 0))))
        self.show_left()
        self.timer = self.owner.set_interval(1.0, self.tick)

    def tick(self) -> None:
        """One second less to wait."""
        self.left = max(0, self.left - 1)
        self.show_left()
        if self.left == 0:
            self.stop()

    def show_left(self) -> None:
        """The notice and the seconds left."""
        left = f"retrying in {self.left} s…" if self.left else "retrying now…"
        self.show(f"{self.notice} {left}")

    def stop(self) -> None:
        """Stop counting (the call went through or failed)."""
        if self.timer is not None:
            self.timer.stop()
            self.timer = None

    def summary(self, what: str) -> str:
        """``Zendesk rate limited {what} once; …`` after waits, else an empty string."""
        if not self.waits:
            return ""
        times = "once" if self.waits == 1 else f"{self.waits} times"
        return f"Zendesk rate limited {what} {times}; zendesk-setup waited and retried."


__all__ = ["RateLimitCountdown"]
