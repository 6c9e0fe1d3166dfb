"""Reusable widgets of the wizard."""

from __future__ import annotations
