"""A real terminal for end-to-end tests: the installed app in tmux (80x24 unless asked), driven by keys only."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO

SOCKET = f"zendesk-setup-test-{os.getpid()}"


class Terminal:
    """One tmux server with one 80x24 window running a command."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        """Run a tmux command against this server and return its output."""
        result = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=10)
        return result.stdout

    def screen(self) -> str:
        """The visible text of the window."""
        return self.tmux("capture-pane", "-p")

    def keys(self, *keys: str) -> None:
        """Press tmux key names (Enter, Tab, Space, Down, C-q ...)."""
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        """Type literal text."""
        self.tmux("send-keys", "-l", text)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Wait until ``text`` is on screen; fail with the screen when it never comes."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


def start(
    terminal: Terminal,
    tmp_path: Path,
    *,
    size: tuple[int, int] = (80, 24),
    args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> None:
    """Start this checkout's app in the terminal (``size`` columns x rows) with the test's environment.

    ``env`` adds or overrides variables (an empty value unsets one); ``args`` go to ``zendesk-setup``.
    """
    env_names = ("HOME", "ZENDESK_SETUP_CONFIG_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "PYTHON_KEYRING_BACKEND")
    values = {name: os.environ[name] for name in env_names if name in os.environ}
    # COLUMNS/LINES inherited from the test process would beat the window's size: the window decides.
    values.update({"COLUMNS": "", "LINES": ""})
    values.update(env or {})
    exports = " ".join(f"{name}={shlex.quote(value)}" for name, value in values.items() if value)
    unsets = " ".join(name for name, value in values.items() if not value)
    pythonpath = shlex.quote(os.pathsep.join([str(REPO / "tui"), str(REPO)]))
    script = tmp_path / "run.sh"
    command = " ".join(shlex.quote(part) for part in (sys.executable, "-m", "zendesk_setup", *args))
    script.write_text(
        (f"unset {unsets}\n" if unsets else "")
        + f"export {exports} PYTHONPATH={pythonpath} TERM=xterm-256color\n"
        + f"exec {command}\n"
    )
    width, height = size
    terminal.tmux("new-session", "-d", "-x", str(width), "-y", str(height), f"sh {shlex.quote(str(script))}; sleep 30")
