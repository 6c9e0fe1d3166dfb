"""The line at the top of every wizard step: where you are and what the step is for."""

from __future__ import annotations

from textual.widgets import Static


class StepHeader(Static):
    """Shows ``Step 2 of 6 · Instance`` and whether a new profile or an edit is in progress."""

    DEFAULT_CSS = """
    StepHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, index: int, count: int, title: str, subject: str, *, id: str | None = None) -> None:
        super().__init__(f"zendesk-setup · {subject} · step {index + 1} of {count}: {title}", id=id)
