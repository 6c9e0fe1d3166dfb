"""Fixtures for the trust tests: a real Secret Service (gnome-keyring over a private D-Bus) and helpers."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import use_keyring_backend

SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"
KEYRING_PASSWORD = "trust-tests-pw"
NEEDED_TOOLS = ("dbus-daemon", "gnome-keyring-daemon", "secret-tool", "dbus-send")


@dataclass
class SecretServiceBus:
    """A private session bus with gnome-keyring serving org.freedesktop.secrets on it."""

    address: str
    home: Path
    bus_process: subprocess.Popen[str]

    def env(self) -> dict[str, str]:
        """The variables a client process needs to reach this bus (and only this bus)."""
        return {"DBUS_SESSION_BUS_ADDRESS": self.address}

    def tool_env(self) -> dict[str, str]:
        """A full environment for command-line tools (secret-tool, dbus-send) talking to this bus."""
        env = dict(os.environ)
        env.update(self.env())
        return env

    def lookup(self, username: str, service: str = "zendesk-setup") -> str | None:
        """What ``secret-tool lookup service SERVICE username NAME`` finds (None: nothing)."""
        proc = subprocess.run(
            ["secret-tool", "lookup", "service", service, "username", username],
            capture_output=True,
            text=True,
            env=self.tool_env(),
            timeout=10,
        )
        if proc.returncode != 0 or not proc.stdout:
            return None
        return proc.stdout

    def search_all(self, service: str = "zendesk-setup") -> str:
        """Every item of ``service`` as ``secret-tool search --all`` prints it (stdout and stderr)."""
        proc = subprocess.run(
            ["secret-tool", "search", "--all", "--unlock", "service", service],
            capture_output=True,
            text=True,
            env=self.tool_env(),
            timeout=10,
        )
        return proc.stdout + proc.stderr

    def dbus_call(self, *args: str) -> str:
        """``dbus-send --print-reply`` on this bus; returns the reply text."""
        proc = subprocess.run(
            ["dbus-send", "--session", "--print-reply", *args],
            capture_output=True,
            text=True,
            env=self.tool_env(),
            timeout=10,
            check=True,
        )
        return proc.stdout

    def lock_all(self) -> None:
        """Lock the login collection through the Secret Service API, as a screen lock would."""
        self.dbus_call(
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        )

    def daemon_pid(self) -> int:
        """The process id of whoever owns org.freedesktop.secrets on this bus."""
        reply = self.dbus_call(
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            "string:org.freedesktop.secrets",
        )
        match = re.search(r"uint32 (\d+)", reply)
        assert match, reply
        return int(match.group(1))

    def stop(self) -> None:
        """End the bus (gnome-keyring exits with it) and remove its home."""
        try:
            pid = self.daemon_pid()
        except (subprocess.SubprocessError, AssertionError):
            pid = None
        if pid is not None:
            for sig in (signal.SIGCONT, signal.SIGTERM):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
        self.bus_process.terminate()
        try:
            self.bus_process.wait(5)
        except subprocess.TimeoutExpired:
            self.bus_process.kill()
            self.bus_process.wait(5)
        shutil.rmtree(self.home, ignore_errors=True)


def require_tools() -> None:
    """Fail (not skip) when the Secret Service tools are missing: .ci/run installs them."""
    missing = [tool for tool in NEEDED_TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"missing {', '.join(missing)}: install gnome-keyring dbus dbus-x11 libsecret-tools (.ci/run does)",
            pytrace=False,
        )


def start_secret_service(*, unlock: bool = True, start_keyring: bool = True) -> SecretServiceBus:
    """Start a private session bus and, unless told not to, an unlocked gnome-keyring on it."""
    require_tools()
    home = Path(tempfile.mkdtemp(prefix="zs-secretservice-"))
    for sub in ("data", "config", "run"):
        (home / sub).mkdir()
    (home / "run").chmod(0o700)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_RUNTIME_DIR=str(home / "run"),
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert bus.stdout is not None
    address = bus.stdout.readline().strip()
    if not address:
        bus.kill()
        pytest.fail("dbus-daemon printed no address", pytrace=False)
    handle = SecretServiceBus(address=address, home=home, bus_process=bus)
    env["DBUS_SESSION_BUS_ADDRESS"] = address
    if start_keyring:
        command = ["gnome-keyring-daemon", "--components=secrets", "--daemonize"]
        if unlock:
            command.insert(1, "--unlock")
        subprocess.run(
            command,
            input=KEYRING_PASSWORD if unlock else "",
            capture_output=True,
            text=True,
            env=env,
            timeout=20,
            check=True,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                handle.daemon_pid()
                break
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    handle.stop()
                    pytest.fail("gnome-keyring-daemon did not appear on the bus", pytrace=False)
                time.sleep(0.05)
    return handle


@pytest.fixture(scope="session")
def secret_service_bus() -> Iterator[SecretServiceBus]:
    """One unlocked gnome-keyring on a private bus for the whole run."""
    handle = start_secret_service()
    yield handle
    handle.stop()


def _use(monkeypatch: pytest.MonkeyPatch, handle: SecretServiceBus) -> SecretServiceBus:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", handle.address)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", SECRET_SERVICE_BACKEND)
    use_keyring_backend(SECRET_SERVICE_BACKEND)
    return handle


@pytest.fixture
def secret_service(secret_service_bus: SecretServiceBus, monkeypatch: pytest.MonkeyPatch) -> SecretServiceBus:
    """Point keyring, in this process and in CLI children, at the shared real Secret Service."""
    return _use(monkeypatch, secret_service_bus)


@pytest.fixture
def private_secret_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[SecretServiceBus]:
    """A Secret Service of this test's own, so it can be locked or frozen without harming others."""
    handle = start_secret_service()
    try:
        yield _use(monkeypatch, handle)
    finally:
        handle.stop()


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    """``zendesk_setup.cli.main`` in this process (fast enough for big tables); returns code, stdout, stderr."""
    from zendesk_setup import cli as cli_module

    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = cli_module.main(argv)
    finally:
        sys.stdin = old_stdin
    captured = capsys.readouterr()
    return code, captured.out, captured.err
