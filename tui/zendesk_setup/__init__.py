"""zendesk-setup: verified, safely stored Zendesk API credentials."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_profile"]


def __getattr__(name: str) -> Any:
    if name == "load_profile":
        from zendesk_setup.core.session import load_profile

        return load_profile
    raise AttributeError(f"module 'zendesk_setup' has no attribute {name!r}")
