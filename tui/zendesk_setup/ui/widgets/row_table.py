"""A light table of text rows under a fixed header, with a row cursor (the parts of DataTable the home uses).

Textual's DataTable styles ten component classes and keeps cell, row and column caches that a table
of a handful of profiles never needs; this widget draws each visible line straight from the rows, so
the home screen paints sooner. It scrolls (500 profiles are fine), keeps the cursor in view, zebra
stripes the rows and posts ``RowSelected`` on enter or on a click on the highlighted row. When the view is
narrower than the rows, the widest columns give way first and their cells end in an ellipsis; only when
every column is down to one cell does the table scroll sideways.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class RowTable(ScrollView, can_focus=True):
    """Rows of text cells with a header line and a row cursor moved by up/down/page/home/end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up_rows", "Page up", show=False),
        Binding("pagedown", "page_down_rows", "Page down", show=False),
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
        Binding("enter", "select_row", "Select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-table--header", "row-table--cursor", "row-table--even-row"}
    DEFAULT_CSS = """
    RowTable {
        background: $surface;
        color: $foreground;
        &:focus {
            background-tint: $foreground 5%;
        }
        & > .row-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .row-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .row-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .row-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .row-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class RowSelected(Message):
        """Enter, or a click on the highlighted row: ``row_key`` names the row."""

        def __init__(self, table: RowTable, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.row_key = row_key

        @property
        def control(self) -> RowTable:
            """The table (so ``@on(RowTable.RowSelected, "#id")`` works)."""
            return self.table

    class CursorMoved(Message):
        """The highlighted row changed: ``row_key`` names the new one (what the screen's keys act on)."""

        def __init__(self, table: RowTable, row_key: str | None) -> None:
            super().__init__()
            self.table = table
            self.row_key = row_key

        @property
        def control(self) -> RowTable:
            """The table (so ``@on(RowTable.CursorMoved, "#id")`` works)."""
            return self.table

    def __init__(self, *, zebra_stripes: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.zebra_stripes = zebra_stripes
        self._labels: list[str] = []
        self._column_keys: list[str] = []
        self._widths: list[int] = []
        self._rows: list[tuple[str, ...]] = []
        self._keys: list[str] = []
        self._cursor = 0
        self._fitted: tuple[int, list[int]] | None = None

    # Content -------------------------------------------------------------------------------

    def add_column(self, label: str, *, key: str) -> None:
        """Append a column headed ``label``."""
        self._labels.append(label)
        self._column_keys.append(key)
        self._widths.append(cell_len(label))
        self._resized()

    def add_rows(self, rows: list[tuple[str, tuple[str, ...]]]) -> None:
        """Append ``(key, cells)`` rows, one cell per column."""
        widths = self._widths
        for key, cells in rows:
            if len(cells) != len(widths):
                raise ValueError(f"row {key!r} has {len(cells)} cells for {len(widths)} columns")
            for index, cell in enumerate(cells):
                size = cell_len(cell)
                if size > widths[index]:
                    widths[index] = size
            self._keys.append(key)
            self._rows.append(tuple(cells))
        self._resized()

    def clear(self) -> None:
        """Remove every row (the columns stay); the cursor goes back to the top."""
        self._rows.clear()
        self._keys.clear()
        self._widths = [cell_len(label) for label in self._labels]
        self._cursor = 0
        self._resized()

    def _resized(self) -> None:
        # Only the narrowest fit (one cell a column) scrolls sideways; wider views shrink columns instead.
        self._fitted = None
        self.virtual_size = Size(3 * len(self._widths), len(self._rows) + 1)
        self.refresh()

    def column_widths(self, width: int | None = None) -> list[int]:
        """The text width of each column in a view ``width`` cells wide (the table's own width by default)."""
        if width is None:
            width = self.scrollable_content_region.width
        if self._fitted is None or self._fitted[0] != width:
            self._fitted = (width, fit_widths(self._widths, width - 2 * len(self._widths)))
        return self._fitted[1]

    @property
    def row_count(self) -> int:
        """How many rows there are."""
        return len(self._rows)

    @property
    def cursor_row(self) -> int:
        """Index of the highlighted row (0 when the table is empty)."""
        return self._cursor

    @property
    def cursor_key(self) -> str | None:
        """Key of the highlighted row, or None when the table is empty."""
        return self._keys[self._cursor] if self._rows else None

    def get_row_index(self, key: str) -> int:
        """Index of the row named ``key`` (KeyError when there is none)."""
        try:
            return self._keys.index(key)
        except ValueError:
            raise KeyError(key) from None

    # Cursor --------------------------------------------------------------------------------

    def move_cursor(self, *, row: int) -> None:
        """Highlight row ``row`` (clamped to the table) and scroll it into view; say so when the row changed."""
        before = self.cursor_key
        self._cursor = max(0, min(row, len(self._rows) - 1))
        if self.cursor_key != before:
            self.post_message(self.CursorMoved(self, self.cursor_key))
        visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + visible:
            self.scroll_to(y=self._cursor - visible + 1, animate=False, immediate=True)
        self.refresh()

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 2)

    def action_cursor_up(self) -> None:
        """One row up."""
        self.move_cursor(row=self._cursor - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self.move_cursor(row=self._cursor + 1)

    def action_page_up_rows(self) -> None:
        """One page up."""
        self.move_cursor(row=self._cursor - self._page())

    def action_page_down_rows(self) -> None:
        """One page down."""
        self.move_cursor(row=self._cursor + self._page())

    def action_first_row(self) -> None:
        """To the first row."""
        self.move_cursor(row=0)

    def action_last_row(self) -> None:
        """To the last row."""
        self.move_cursor(row=len(self._rows) - 1)

    def action_select_row(self) -> None:
        """Post RowSelected for the highlighted row."""
        if self._rows:
            self.post_message(self.RowSelected(self, self._keys[self._cursor]))

    def on_click(self, event: events.Click) -> None:
        """A click highlights its row; a click on the highlighted row selects it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = int(self.scroll_y) + offset.y - 1
        if row >= len(self._rows):
            return
        if row == self._cursor:
            self.action_select_row()
        else:
            self.move_cursor(row=row)

    # Drawing -------------------------------------------------------------------------------

    def _line_text(self, cells: tuple[str, ...] | list[str], widths: list[int]) -> str:
        return "".join(f" {fit_cell(cell, width)} " for cell, width in zip(cells, widths, strict=True))

    def render_line(self, y: int) -> Strip:
        """Line ``y`` of the view: the header on top, then the rows from the scroll position."""
        width = self.scrollable_content_region.width
        base = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        widths = self.column_widths(width)
        if y == 0:
            text, style = self._line_text(self._labels, widths), self.get_component_rich_style("row-table--header")
        else:
            row = scroll_y + y - 1
            if row >= len(self._rows):
                return Strip.blank(width, base)
            text = self._line_text(self._rows[row], widths)
            if row == self._cursor:
                style = self.get_component_rich_style("row-table--cursor")
            elif self.zebra_stripes and row % 2 == 0:
                style = self.get_component_rich_style("row-table--even-row")
            else:
                style = base
        strip = Strip([Segment(text, style)], cell_len(text))
        if scroll_x:
            strip = strip.crop(scroll_x, scroll_x + width)
        return strip.adjust_cell_length(width, style)


def fit_widths(widths: list[int], available: int) -> list[int]:
    """Column widths that fit ``available`` cells: the widest columns shrink first, none below one cell."""
    if sum(widths) <= available:
        return list(widths)
    low, high = 1, max(widths)
    while low < high:
        level = (low + high + 1) // 2
        if sum(min(width, level) for width in widths) <= available:
            low = level
        else:
            high = level - 1
    fitted = [min(width, low) for width in widths]
    spare = available - sum(fitted)
    for index, width in enumerate(widths):
        if spare <= 0:
            break
        if width > fitted[index]:
            fitted[index] += 1
            spare -= 1
    return fitted


def fit_cell(text: str, width: int) -> str:
    """``text`` padded to ``width`` cells, or cut to it with an ellipsis in the last cell."""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…"


__all__ = ["RowTable", "fit_cell", "fit_widths"]
