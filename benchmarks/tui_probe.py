"""Start a Textual app headless, note when its first screen is ready, optionally idle, then exit.

Run by ``bench.py`` as a child process: ``python tui_probe.py {app|minimal|floor} CONFIG_DIR REST_SECONDS``.
It prints one JSON line with wall-clock stamps (``time.time()``), so the parent can measure from its own
launch time: ``imported`` (Textual and the app module loaded) and ``ready`` (first screen composed,
mounted and idle); ``cpu_*`` are the process CPU seconds at those points (steadier on a busy machine).
``floor`` is a plain Textual app with the widgets the home screen needs (a DataTable of the profiles
and a Footer with its keys) and no zendesk-setup code, to tell Textual's share from ours.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any


def _minimal_app() -> Any:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class MinimalApp(App[None]):
        """The smallest useful Textual app: one label."""

        def compose(self) -> ComposeResult:
            yield Label("Hello")

    return MinimalApp()


def _floor_app(config_dir: Path) -> Any:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer, Static

    from zendesk_setup.core.profiles import ProfileStore

    class TableScreen(Screen[None]):
        """A title, a table of profiles, a status line and a footer of eight keys."""

        BINDINGS = [Binding(key, f"noop_{key}", f"Key {key}") for key in "netscrd"] + [Binding("f1", "noop", "Help")]

        def compose(self) -> ComposeResult:
            yield Static("profiles")
            yield DataTable(cursor_type="row")
            yield Static("")
            yield Footer()

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns("Name", "Subdomain", "Auth", "Default", "Last check")
            for name, profile in ProfileStore(config_dir).load().profiles.items():
                table.add_row(name, profile.subdomain, profile.auth, "", "ok", key=name)

    class FloorApp(App[None]):
        """Pushes the table screen on mount, like the product's home."""

        def on_mount(self) -> None:
            self.push_screen(TableScreen())

    return FloorApp()


def _product_app(config_dir: Path) -> Any:
    from zendesk_setup.ui.app import make_app

    return make_app(config_dir=config_dir)


def main(argv: list[str]) -> int:
    """Run one probe and print its stamps as JSON."""
    kind, config_dir, rest = argv[0], Path(argv[1]), float(argv[2])
    builders = {"minimal": lambda: _minimal_app(), "floor": lambda: _floor_app(config_dir)}
    app = builders.get(kind, lambda: _product_app(config_dir))()
    stamps: dict[str, Any] = {"imported": time.time(), "cpu_imported": time.process_time()}

    async def auto_pilot(pilot: Any) -> None:
        try:
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 10)
        except TimeoutError:
            stamps["workers_timeout"] = True
        await pilot.pause()
        stamps["ready"] = time.time()
        stamps["cpu_ready"] = time.process_time()
        stamps["screen"] = type(pilot.app.screen).__name__
        if rest > 0:
            await asyncio.sleep(rest)
        pilot.app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
    stamps["exited"] = time.time()
    sys.stdout.write(json.dumps(stamps) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
