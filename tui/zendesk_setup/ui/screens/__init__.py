"""One screen class per module: the home table, the wizard steps and the modals."""

from __future__ import annotations
