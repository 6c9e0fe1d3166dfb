"""The real-terminal fixture: one tmux server per test, killed afterwards."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e_tui.terminal import SOCKET, Terminal


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    """The app in tmux with the test's environment; the server is killed afterwards."""
    if shutil.which("tmux") is None:
        pytest.fail("tmux is needed for the real-terminal test (.ci/run installs it)")
    term = Terminal(SOCKET)
    yield term
    term.tmux("kill-server")
