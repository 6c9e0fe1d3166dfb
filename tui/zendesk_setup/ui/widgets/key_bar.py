"""A one-line footer of the screen's keys: what Textual's compact Footer shows, drawn by one widget.

Textual's Footer mounts a widget per key and recomposes all of them whenever the bindings change;
on the home screen that was the largest single cost of the first paint. This bar draws the same
keys as one line, dims keys whose action is disabled, and a click on a key presses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

_DIM = Style(dim=True)


class KeyBar(Widget, can_focus=False):
    """The keys of the active bindings (shown ones only), docked at the bottom of the screen."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: list[tuple[str, str, str, bool, str]] | None = None

    def on_mount(self) -> None:
        """Redraw whenever the screen's bindings change (focus moves, ``refresh_bindings``)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop listening to the screen."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.keys() != self._drawn:
            self.refresh()

    def keys(self) -> list[tuple[str, str, str, bool, str]]:
        """(key, key display, description, enabled, tooltip) of each shown key, one per action, in order.

        Only worked out while this screen is on top: Textual checks ``screen.*`` actions against the app's
        top screen, which may still be mounting. Underneath, the bar keeps what it last drew; resuming the
        screen refreshes its bindings, and so the bar.
        """
        if not self.screen.is_active:
            return self._drawn or []
        seen: set[str] = set()
        keys: list[tuple[str, str, str, bool, str]] = []
        # A screen may word a key for what it does there (a dialog's "Migrate" rather than "Yes").
        describe = getattr(self.screen, "key_description", None)
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            display = self.app.get_key_display(binding)
            description = describe(binding) if callable(describe) else binding.description
            keys.append((binding.key, display, description, enabled, tooltip or description))
        return keys

    def render_line(self, y: int) -> Strip:
        """The single line: ``key description`` pairs, one space apart, as the compact Footer lays them out.

        Each pair carries its key and tooltip in its style's meta, which mouse events report back.
        """
        base = self.rich_style
        width = self.size.width
        if y != 0:
            return Strip.blank(width, base)
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        segments: list[Segment] = []
        self._drawn = keys = self.keys()
        described = fitting_descriptions([(display, description) for _k, display, description, _e, _t in keys], width)
        for (key, display, description, enabled, tooltip), keep in zip(keys, described, strict=True):
            if keep is None:
                break
            pointer = Style.from_meta({"key": key if enabled else "", "tooltip": tooltip})
            key_part, text_part = key_style + pointer, description_style + pointer
            if not enabled:
                key_part, text_part = key_part + _DIM, text_part + _DIM
            segments.append(Segment(display, key_part))
            if keep:
                segments.append(Segment(f" {description}", text_part))
            segments.append(Segment(" ", base))
        return Strip(segments).adjust_cell_length(width, base)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        """Explain the key under the pointer in a tooltip."""
        self.tooltip = event.style.meta.get("tooltip")

    def on_click(self, event: events.Click) -> None:
        """Press the clicked key (a disabled key rings the bell)."""
        meta = event.style.meta
        if "key" not in meta:
            return
        if meta["key"]:
            self.app.simulate_key(meta["key"])
        else:
            self.app.bell()


def fitting_descriptions(keys: list[tuple[str, str]], width: int) -> list[bool | None]:
    """Which keys keep their description so the line fits ``width``: descriptions go from the right, then keys.

    True: the key with its description; False: the key alone; None: not drawn (whole keys go, never half of one).
    """
    keep: list[bool | None] = [bool(description) for _display, description in keys]

    def length() -> int:
        parts = [
            cell_len(display) + (1 + cell_len(description) if kept else 0)
            for (display, description), kept in zip(keys, keep, strict=True)
            if kept is not None
        ]
        return sum(parts) + max(0, len(parts) - 1)

    index = len(keys) - 1
    while length() > width and index >= 0:
        keep[index] = False
        index -= 1
    index = len(keys) - 1
    while length() > width and index >= 0:
        keep[index] = None
        index -= 1
    return keep


__all__ = ["KeyBar", "fitting_descriptions"]
