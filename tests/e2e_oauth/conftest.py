"""Fixtures for end-to-end OAuth runs of the CLI in subprocesses against the fake Zendesk."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from tests.conftest import CliResult
from tests.fake_zendesk import FakeZendesk, running_fake

HERE = Path(__file__).resolve().parent
SCRIPTED_BROWSER = HERE.parent / "scripted_browser.py"
PUBLIC_CLIENT = "zs_cli"
CONFIDENTIAL_CLIENT = "zs_ci"
CLIENT_SECRET = "ci-s3cret-0123456789abcdef"
ACCESS_TTL = 600


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def keyring_entry(name: str) -> dict | None:
    """The profile's keyring entry as this process's (plaintext test) keyring sees it."""
    raw = keyring.get_password("zendesk-setup", name)
    return json.loads(raw) if raw else None


@pytest.fixture
def efake() -> Iterator[FakeZendesk]:
    """A fake Zendesk with a public and a confidential client; access tokens live 10 minutes."""
    with running_fake(access_ttl=ACCESS_TTL) as server:
        server.add_client(PUBLIC_CLIENT, kind="public")
        server.add_client(CONFIDENTIAL_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


@pytest.fixture
def browser_log(tmp_path: Path) -> Path:
    """Where the scripted browser logs what it did (one line per run)."""
    return tmp_path / "browser.log"


@pytest.fixture
def scripted_browser(browser_log: Path) -> Callable[..., dict[str, str]]:
    """Environment that makes Python's webbrowser run the scripted browser with an action."""

    def env(action: str = "allow", **extra: str) -> dict[str, str]:
        return {
            "BROWSER": f"{sys.executable} {SCRIPTED_BROWSER} %s",
            "SCRIPTED_BROWSER_ACTION": action,
            "SCRIPTED_BROWSER_LOG": str(browser_log),
            **extra,
        }

    return env


@pytest.fixture
def add_oauth(
    cli: Callable[..., CliResult], efake: FakeZendesk, scripted_browser: Callable[..., dict[str, str]]
) -> Callable[..., CliResult]:
    """Run ``zendesk-setup add NAME --auth oauth`` against the fake with the scripted browser."""

    def run(
        name: str = "acme",
        *extra: str,
        action: str = "allow",
        env: dict[str, str] | None = None,
        stdin: str | None = None,
        scopes: tuple[str, ...] = ("read", "users:write"),
        client_id: str = PUBLIC_CLIENT,
    ) -> CliResult:
        full_env = scripted_browser(action)
        full_env.update(env or {})
        return cli(
            "add",
            name,
            "--subdomain",
            "acme",
            "--base-url",
            efake.url,
            "--auth",
            "oauth",
            "--client-id",
            client_id,
            "--scope",
            *scopes,
            "--port",
            str(free_port()),
            *extra,
            env=full_env,
            stdin=stdin,
        )

    return run


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment the shared ``cli`` fixture gives its subprocesses."""
    import os

    from tests.conftest import REPO

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
    env.update(extra or {})
    return env


FAKETIME = "/usr/bin/faketime"


def cli_command(*args: str, shift: str | None = None) -> list[str]:
    """The argv for ``zendesk-setup ARGS``, under ``faketime -f SHIFT`` when a clock shift is given."""
    command = [sys.executable, "-m", "zendesk_setup", *args]
    return [FAKETIME, "-f", shift, *command] if shift else command
