"""A masked input whose value can be revealed with a key, for tokens and client secrets."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class SecretInput(Input):
    """An ``Input(password=True)`` with a ``ctrl+r`` key that shows or hides what was typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+r",
            "toggle_reveal",
            "Reveal",
            id="reveal-secret",
            tooltip="Show or hide the secret typed in this field",
        )
    ]

    def __init__(self, value: str = "", *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(value, placeholder=placeholder, password=True, id=id)

    def action_toggle_reveal(self) -> None:
        """Show the value when masked, mask it when shown."""
        self.password = not self.password
