"""Consent through a real headless Chromium, and the --no-browser paste on a real terminal (pty)."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import CliResult
from tests.fake_zendesk import FakeZendesk, running_fake

from .conftest import HERE, PUBLIC_CLIENT, cli_command, cli_env, free_port, keyring_entry

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def auto_allow_fake() -> Iterator[FakeZendesk]:
    """A fake whose consent page presses Allow by itself once loaded (for a real browser)."""
    with running_fake(auto_consent="allow") as server:
        server.add_client(PUBLIC_CLIENT, kind="public")
        yield server


@pytest.fixture
def chromium_pid_file(tmp_path: Path) -> Iterator[Path]:
    """Where the launcher writes Chromium's pid; the browser is stopped after the test if still running."""
    pid_file = tmp_path / "chromium.pid"
    yield pid_file
    if pid_file.exists():
        pid_text, _, profile_dir = pid_file.read_text().strip().partition(" ")
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid_text), signal.SIGTERM)
        shutil.rmtree(profile_dir, ignore_errors=True)


@pytest.mark.chromium
def test_add_oauth_with_real_headless_chromium(
    cli: Callable[..., CliResult], auto_allow_fake: FakeZendesk, chromium_pid_file: Path, config_dir: Path
) -> None:
    assert os.access(CHROMIUM, os.X_OK), "headless Chromium is part of the test setup (.ci/run installs it)"
    result = cli(
        "add", "acme", "--subdomain", "acme", "--base-url", auto_allow_fake.url, "--auth", "oauth",
        "--client-id", PUBLIC_CLIENT, "--scope", "read", "--port", str(free_port()), "--timeout", "60",
        env={"BROWSER": f"{HERE / 'chromium_browser.sh'} %s", "CHROMIUM_PID_FILE": str(chromium_pid_file)},
        timeout=90,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert chromium_pid_file.exists()
    steps = [(method, path.split("?")[0]) for method, path, _, _ in auto_allow_fake.requests]
    steps = [step for step in steps if step[1].startswith("/oauth/")]
    assert steps == [
        ("GET", "/oauth/authorizations/new"),
        ("POST", "/oauth/authorizations/decide"),
        ("POST", "/oauth/tokens"),
    ]
    user_agent = auto_allow_fake.requests[0][2].get("user-agent", "")
    assert "HeadlessChrome" in user_agent or "Chrome" in user_agent
    entry = keyring_entry("acme")
    assert entry["access_token"] in auto_allow_fake.live_access_tokens()
    assert entry["access_token"] not in (config_dir / "profiles.yaml").read_text()
    token = cli("token", "acme")
    assert token.out.strip() == entry["access_token"]


def read_until(fd: int, pattern: str, timeout: float = 20.0) -> str:
    """Read from a pty/pipe fd until ``pattern`` matches the collected text."""
    collected = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                break
            if not chunk:
                break
            collected += chunk
            if re.search(pattern, collected):
                return collected
    raise AssertionError(f"{pattern!r} not seen in: {collected[-2000:]}")


def test_no_browser_accepts_the_pasted_redirect_url_on_a_terminal(
    efake: FakeZendesk, config_dir: Path, browser_log: Path
) -> None:
    port = free_port()
    primary, secondary = pty.openpty()
    argv = cli_command(
        "add", "acme", "--subdomain", "acme", "--base-url", efake.url, "--auth", "oauth",
        "--client-id", PUBLIC_CLIENT, "--scope", "read", "--port", str(port), "--no-browser",
    )  # fmt: skip
    process = subprocess.Popen(
        argv,
        env=cli_env({"BROWSER": "/bin/false"}),
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(secondary)
    try:
        assert process.stderr is not None
        seen = read_until(process.stderr.fileno(), r"paste the redirected URL")
        url = re.search(r"http://127\.0\.0\.1:\d+/oauth/authorizations/new\?\S+", seen).group(0)
        location = efake.consent(url, "allow")
        assert location.startswith(f"http://127.0.0.1:{port}/callback?")
        os.write(primary, b"not a url at all\n")
        read_until(process.stderr.fileno(), r"Try again")
        os.write(primary, (location + "\n").encode())
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(primary)
    assert process.returncode == 0, err
    assert "Signed in as Ada Admin" in out
    entry = keyring_entry("acme")
    assert entry["access_token"] in efake.live_access_tokens()
    assert entry["access_token"] not in out + err
    code = re.search(r"code=([^&]+)", location).group(1)
    assert code not in err
    assert not browser_log.exists()
