"""The line at the top of every wizard step: where you are and what the step is for."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StepHeader(Static):
    """Shows ``zendesk-setup · new profile · step 2 of 6: Instance`` (the line comes from the core's flow)."""

    DEFAULT_CSS = """
    StepHeader {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, line: str, *, id: str | None = None) -> None:
        super().__init__(Content(line), id=id)
