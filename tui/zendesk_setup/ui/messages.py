"""Messages that cross screens: what a step or a worker reports upward."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

BACK = "back"
NEXT = "next"
DONE = "done"
CANCEL = "cancel"


@dataclass(frozen=True)
class GoTo:
    """A step result asking the wizard to jump to ``step`` (for example the field at fault)."""

    step: str
    field: str | None = None


StepResult = str | GoTo


@dataclass
class ProfilesChanged(Message):
    """Posted when profiles.yaml was changed, so the home table reloads."""

    note: str | None = None


@dataclass
class WizardEnded(Message):
    """Posted when a wizard run ends; ``saved`` names the profile written, None when cancelled."""

    saved: str | None = None
