"""The f1 help modal: what the current screen is for and which keys it has."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from zendesk_setup.ui.widgets.key_bar import KeyBar


class HelpModal(ModalScreen[None]):
    """Help text for one screen; any of escape, f1 or q closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "close", "Close", id="close-help", tooltip="Close the help"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.help_title = title
        self.help_text = text

    def compose(self) -> ComposeResult:
        """A titled box with the help as Markdown."""
        with Vertical(id="help-box", classes="modal-box"):
            yield Static(f"Help: {self.help_title}", classes="modal-title")
            with VerticalScroll(id="help-scroll"):
                yield Markdown(self.help_text, id="help-text")
        yield KeyBar()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
