"""Messages that cross screens: what a step or a worker reports upward (plain classes: cheap at start-up)."""

from __future__ import annotations

from textual.message import Message

BACK = "back"
NEXT = "next"
DONE = "done"
CANCEL = "cancel"


class GoTo:
    """A step result asking the wizard to jump to ``step`` (for example the field at fault)."""

    __slots__ = ("field", "step")

    def __init__(self, step: str, field: str | None = None) -> None:
        self.step = step
        self.field = field

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoTo) and (other.step, other.field) == (self.step, self.field)

    def __hash__(self) -> int:
        return hash((self.step, self.field))

    def __repr__(self) -> str:
        return f"GoTo({self.step!r}, {self.field!r})"


StepResult = str | GoTo


class ProfilesChanged(Message):
    """Posted when profiles.yaml was changed, so the home table reloads."""

    def __init__(self, note: str | None = None) -> None:
        super().__init__()
        self.note = note


class WizardEnded(Message):
    """Posted when a wizard run ends; ``saved`` names the profile written, None when cancelled."""

    def __init__(self, saved: str | None = None) -> None:
        super().__init__()
        self.saved = saved
