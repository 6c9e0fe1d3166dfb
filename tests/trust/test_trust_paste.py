"""The paste path is as strict as the loopback path: this attempt's state, the loopback host, bare codes confirmed.

A code pasted from ``https://phish.example/?code=…`` with no state used to be exchanged, for a confidential client
too. These run the real consent (loopback server, PKCE, exchange) against the fake Zendesk, and the real CLI on a
real terminal (pty).
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import keyring
import pytest
from tests.e2e_oauth.conftest import cli_command, cli_env, free_port
from tests.fake_zendesk import FakeZendesk, running_fake

from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.service import CredentialsService

PUBLIC_CLIENT = "zs_paste_public"
CONFIDENTIAL_CLIENT = "zs_paste_conf"
CLIENT_SECRET = "paste-s3cret-0123456789abcdef"


@pytest.fixture
def pfake() -> Iterator[FakeZendesk]:
    """A fake Zendesk with a public and a confidential client (any loopback redirect allowed)."""
    with running_fake() as server:
        server.add_client(PUBLIC_CLIENT, kind="public")
        server.add_client(CONFIDENTIAL_CLIENT, kind="confidential", secret=CLIENT_SECRET)
        yield server


def code_in(location: str) -> str:
    """The code of a redirect Location."""
    return parse_qs(urlsplit(location).query)["code"][0]


def draft_for(fake: FakeZendesk, client_id: str) -> ProfileDraft:
    """A new-profile draft for ``client_id`` on the fake, with the client secret when it is confidential."""
    confidential = client_id == CONFIDENTIAL_CLIENT
    profile = Profile(
        name="acme",
        subdomain="acme",
        auth="oauth",
        client_id=client_id,
        client_kind="confidential" if confidential else "public",
        scopes=("read",),
        redirect_port=free_port(),
        base_url=fake.url,
    ).validate()
    return ProfileDraft.new_from(profile, client_secret=CLIENT_SECRET if confidential else None)


# The component: Consent.code_from_paste ---------------------------------------------------------------


def test_a_phished_code_without_state_is_never_exchanged_for_a_confidential_client(
    pfake: FakeZendesk, config_dir: Path
) -> None:
    service = CredentialsService(config_dir)
    consent = service.begin_consent(draft_for(pfake, CONFIDENTIAL_CLIENT))
    try:
        location = pfake.consent(consent.url, "allow")
        code = code_in(location)
        state = consent.state
        refused = [
            f"https://phish.example/?code={code}",
            f"https://phish.example/?code={code}&state={state}",
            f"http://127.0.0.1:{consent.server.port}/callback?code={code}",
            f"http://127.0.0.1:{free_port()}/callback?code={code}&state={state}",
            f"http://localhost:{consent.server.port}/callback?code={code}&state={state}",
            f"code={code}",
            code,
        ]
        for pasted in refused:
            with pytest.raises(SetupError) as caught:
                consent.code_from_paste(pasted)
            assert code not in str(caught.value), pasted
        with pytest.raises(OAuthError) as bare:
            consent.code_from_paste(code)
        assert bare.value.kind == "bare_code"
        assert pfake.token_requests == []
        assert consent.code_from_paste(code, allow_bare_code=True) == code
        assert consent.code_from_paste(location) == code
        tokens = consent.exchange(code)
    finally:
        consent.close()
    assert tokens.access_token.reveal() in pfake.live_access_tokens()


def test_a_public_client_takes_a_bare_code_because_pkce_binds_it(pfake: FakeZendesk, config_dir: Path) -> None:
    service = CredentialsService(config_dir)
    consent = service.begin_consent(draft_for(pfake, PUBLIC_CLIENT))
    try:
        code = code_in(pfake.consent(consent.url, "allow"))
        with pytest.raises(SetupError):
            consent.code_from_paste(f"https://phish.example/?code={code}")
        assert consent.code_from_paste(code) == code
        tokens = consent.exchange(code)
    finally:
        consent.close()
    assert tokens.access_token.reveal() in pfake.live_access_tokens()


# The CLI on a terminal -----------------------------------------------------------------------------------


@dataclass
class Terminal:
    """A CLI process whose standard input is a pseudo-terminal and whose stderr is read as it comes."""

    process: subprocess.Popen[str]
    primary: int
    seen: str = ""

    def read_until(self, pattern: str, timeout: float = 20.0) -> str:
        """Read stderr until ``pattern`` matches what came since the last match; returns that text."""
        assert self.process.stderr is not None
        fd = self.process.stderr.fileno()
        collected = ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            chunk = os.read(fd, 65536).decode("utf-8", "replace")
            if not chunk:
                break
            collected += chunk
            if re.search(pattern, collected):
                self.seen += collected
                return collected
        raise AssertionError(f"{pattern!r} not seen in: {(self.seen + collected)[-2000:]}")

    def type(self, line: str) -> None:
        """Type one line at the terminal."""
        os.write(self.primary, (line + "\n").encode())

    def finish(self, timeout: float = 30.0) -> tuple[int, str, str]:
        """Wait for the exit; returns (code, stdout, the rest of stderr)."""
        out, err = self.process.communicate(timeout=timeout)
        self.seen += err
        return self.process.returncode, out, err

    def close(self) -> None:
        """Kill the process if it still runs and close the terminal."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        os.close(self.primary)


def start_on_terminal(*args: str) -> Terminal:
    """Start ``zendesk-setup ARGS`` on a pty, in its own session so getpass reads the pty, never ours."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        cli_command(*args),
        env=cli_env({"BROWSER": "/bin/false"}),
        stdin=secondary,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    os.close(secondary)
    return Terminal(process, primary)


@pytest.fixture
def terminal() -> Iterator[Callable[..., Terminal]]:
    """Start CLI processes on terminals; each is killed and closed after the test."""
    started: list[Terminal] = []

    def start(*args: str) -> Terminal:
        started.append(start_on_terminal(*args))
        return started[-1]

    yield start
    for term in started:
        term.close()


def consent_url_in(text: str) -> str:
    """The authorisation URL the CLI printed."""
    match = re.search(r"http://127\.0\.0\.1:\d+/oauth/authorizations/new\?\S+", text)
    assert match, text
    return match.group(0)


def test_cli_refuses_a_phished_or_stateless_url_and_takes_the_real_one(
    pfake: FakeZendesk, config_dir: Path, terminal: Callable[..., Terminal]
) -> None:
    port = free_port()
    term = terminal(
        "add", "acme", "--subdomain", "acme", "--base-url", pfake.url, "--auth", "oauth",
        "--client-id", PUBLIC_CLIENT, "--scope", "read", "--port", str(port), "--no-browser",
    )  # fmt: skip
    location = pfake.consent(consent_url_in(term.read_until(r"paste the redirected URL")), "allow")
    code = code_in(location)
    term.type(f"https://phish.example/?code={code}")
    assert "sign-in helper" in term.read_until(r"Try again")
    term.type(f"http://127.0.0.1:{port}/callback?code={code}")
    assert "no state" in term.read_until(r"Try again")
    assert pfake.token_requests == []
    term.type(location)
    exit_code, out, _ = term.finish()
    assert exit_code == 0, term.seen
    assert "Signed in as Ada Admin" in out
    assert code not in term.seen
    assert keyring.get_password("zendesk-setup", "acme") is not None


def test_cli_takes_a_bare_code_for_a_confidential_client_only_once_confirmed(
    pfake: FakeZendesk, config_dir: Path, terminal: Callable[..., Terminal]
) -> None:
    term = terminal(
        "add", "conf", "--subdomain", "acme", "--base-url", pfake.url, "--auth", "oauth",
        "--client-id", CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", "read",
        "--port", str(free_port()), "--no-browser",
    )  # fmt: skip
    term.read_until(r"[Ss]ecret")
    term.type(CLIENT_SECRET)
    location = pfake.consent(consent_url_in(term.read_until(r"paste the redirected URL")), "allow")
    code = code_in(location)
    term.type(f"https://phish.example/?code={code}")
    term.read_until(r"Try again")
    term.type(code)
    assert "no proof" in term.read_until(r"\[y/N\]")
    term.type("n")
    assert "not used" in term.read_until(r"Try again")
    assert pfake.token_requests == []
    term.type(code)
    term.read_until(r"\[y/N\]")
    term.type("y")
    exit_code, out, _ = term.finish()
    assert exit_code == 0, term.seen
    assert "Signed in as Ada Admin" in out
    [grant] = pfake.token_requests
    assert grant["client_secret"] == CLIENT_SECRET and grant["code_verifier"]
    assert CLIENT_SECRET not in term.seen + out and code not in term.seen
    assert CLIENT_SECRET in (keyring.get_password("zendesk-setup", "conf") or "")
