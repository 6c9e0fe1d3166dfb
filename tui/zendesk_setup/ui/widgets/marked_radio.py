"""A radio button whose state reads without colour: ● when chosen, ○ when not."""

from __future__ import annotations

from textual.widgets import RadioButton


class MarkedRadioButton(RadioButton):
    """Textual draws ● for both states and tells them apart by colour only; this one draws ○ when off."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]
        """The mark inside the button: filled when chosen."""
        return "●" if self.value else "○"
