"""The f1 help modal: what the current screen is for and which keys it has."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from zendesk_setup.ui.widgets.key_bar import KeyBar


class HelpScroll(VerticalScroll):
    """The help text's scroll area; its footer key shows only when the help is longer than the box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down",
            "scroll_down",
            "Scroll",
            key_display="↑↓",
            id="scroll-help",
            tooltip="Scroll the help (also pgup/pgdn, home/end)",
        ),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the scroll keys only when there is something to scroll."""
        if action in ("scroll_down", "scroll_up"):
            return self.max_scroll_y > 0
        return True

    def on_resize(self) -> None:
        """The box changed size: the help may now fit, or no longer fit."""
        self.screen.refresh_bindings()


class HelpModal(ModalScreen[None]):
    """Help text for one screen; any of escape, f1 or q closes it."""

    AUTO_FOCUS = "#help-scroll"
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
            with HelpScroll(id="help-scroll"):
                yield Markdown(self.help_text, id="help-text")
        yield KeyBar()

    def on_mount(self) -> None:
        """Recheck the scroll keys once the Markdown is laid out (only then is its length known)."""
        self.watch(self.query_one("#help-scroll", HelpScroll), "virtual_size", self.refresh_bindings, init=False)

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
