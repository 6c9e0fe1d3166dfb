"""Messages that cross screens (plain classes: cheap at start-up)."""

from __future__ import annotations

from textual.message import Message


class ProfilesChanged(Message):
    """Posted when profiles.yaml was changed, so the home table reloads."""
