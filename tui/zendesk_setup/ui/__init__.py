"""The Textual terminal wizard; imported only by the wizard command, never by the script-facing CLI."""

from __future__ import annotations
