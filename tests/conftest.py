"""Shared fixtures: an isolated config dir and keyring per test, and a fake Zendesk on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.fake_zendesk import FakeZendesk, running_fake

REPO = Path(__file__).resolve().parent.parent
PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"
FAIL_KEYRING = "keyring.backends.fail.Keyring"

API_TOKEN = "tok3n-api-0123456789abcdefABCDEF"
EMAIL = "ada@acme.test"


def use_keyring_backend(name: str) -> None:
    """Point keyring (in this process and in children) at the backend class ``name``."""
    import keyring.core

    os.environ["PYTHON_KEYRING_BACKEND"] = name
    keyring.core.init_backend()


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep the developer's real config and keyring out: every test gets its own folders."""
    home = tmp_path / "home"
    for sub in ("config", "data", "xdg-config", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("ZENDESK_SETUP_CONFIG_DIR", str(home / "config" / "zendesk-setup"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("ZENDESK_SETUP_PROFILE", raising=False)
    monkeypatch.delenv("BROWSER", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", PLAINTEXT_KEYRING)
    use_keyring_backend(PLAINTEXT_KEYRING)
    yield home
    use_keyring_backend(PLAINTEXT_KEYRING)


@pytest.fixture
def config_dir() -> Path:
    """The test's config dir (not created until something is saved)."""
    return Path(os.environ["ZENDESK_SETUP_CONFIG_DIR"])


@pytest.fixture
def keyring_file(isolated_environment: Path) -> Path:
    """Where the plaintext test keyring keeps its entries."""
    return isolated_environment / "data" / "python_keyring" / "keyring_pass.cfg"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """Simulate a machine with no usable keyring at all."""
    use_keyring_backend(FAIL_KEYRING)
    yield
    use_keyring_backend(PLAINTEXT_KEYRING)


@pytest.fixture
def fake() -> Iterator[FakeZendesk]:
    """A fake Zendesk on an ephemeral loopback port, with Ada's API token registered."""
    with running_fake() as server:
        server.add_api_token(API_TOKEN, EMAIL)
        yield server


@dataclass
class CliResult:
    """What a CLI subprocess did."""

    code: int
    out: str
    err: str

    @property
    def all(self) -> str:
        """stdout and stderr together, for leak checks."""
        return self.out + self.err


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run ``python -m zendesk_setup ARGS`` in a subprocess with the test's environment."""

    def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 60) -> CliResult:
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "zendesk_setup", *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$BROWSER set to the scripted browser (it presses Allow); returns its log file."""
    log = tmp_path / "browser.log"
    monkeypatch.setenv("BROWSER", f"{sys.executable} {REPO / 'tests' / 'scripted_browser.py'} %s")
    monkeypatch.setenv("SCRIPTED_BROWSER_LOG", str(log))
    monkeypatch.setenv("SCRIPTED_BROWSER_FOREGROUND", "1")
    return log
