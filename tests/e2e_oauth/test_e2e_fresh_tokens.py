"""Fresh tokens on demand: --min-ttl and --refresh on token, header, env and exec, through the real CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable

import httpx
import pytest
from tests.conftest import CliResult
from tests.fake_zendesk import FakeZendesk

from .conftest import ACCESS_TTL, cli_command, cli_env, keyring_entry

PRINT_TOKEN = [sys.executable, "-c", "import os; print(os.environ['ZENDESK_OAUTH_TOKEN'])"]


def works(fake: FakeZendesk, token: str) -> bool:
    """Whether the fake accepts ``token`` for users/me."""
    response = httpx.get(f"{fake.url}/api/v2/users/me.json", headers={"Authorization": f"Bearer {token}"})
    return response.status_code == 200 and response.json()["user"]["id"] == 1001


def token_from(command: str, output: str) -> str:
    """The access token in the output of ``token``, ``header``, ``env --format json`` or ``exec``."""
    if command == "header":
        return output.strip().removeprefix("Bearer ")
    if command == "env":
        return json.loads(output)["ZENDESK_OAUTH_TOKEN"]
    return output.strip()


COMMANDS = {
    "token": ["token", "acme"],
    "header": ["header", "acme"],
    "env": ["env", "acme", "--format", "json"],
    "exec": ["exec", "acme"],
}


def run(cli: Callable[..., CliResult], command: str, *flags: str) -> CliResult:
    """One of the token-handing commands with ``flags`` (exec prints the token its child sees)."""
    argv = [*COMMANDS[command], *flags]
    if command == "exec":
        argv += ["--", *PRINT_TOKEN]
    return cli(*argv)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_min_ttl_after_a_server_side_expiry_hands_out_a_working_token(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk, command: str
) -> None:
    assert add_oauth().code == 0
    old = keyring_entry("acme")["access_token"]
    efake.expire_access_tokens()
    stale = run(cli, command)
    assert stale.code == 0 and token_from(command, stale.out) == old and not works(efake, old)
    fresh = run(cli, command, "--min-ttl", str(ACCESS_TTL))
    assert fresh.code == 0, fresh.err
    new = token_from(command, fresh.out)
    assert new != old and works(efake, new)
    assert efake.refresh_count == 1
    assert keyring_entry("acme")["access_token"] == new


def run_shifted(*args: str, shift: str) -> subprocess.CompletedProcess[str]:
    """The CLI with its clock moved by ``shift`` (faketime)."""
    return subprocess.run(
        cli_command(*args, shift=shift), env=cli_env(), capture_output=True, text=True, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_min_ttl_refreshes_only_when_less_than_that_is_left(
    add_oauth: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    old = keyring_entry("acme")["access_token"]
    # Six minutes later four of the token's ten minutes are left.
    for min_ttl in ("0", "120", "200"):
        kept = run_shifted("token", "acme", "--min-ttl", min_ttl, shift="+6m")
        assert (kept.returncode, kept.stdout.strip()) == (0, old), kept.stderr
    assert efake.refresh_count == 0
    renewed = run_shifted("token", "acme", "--min-ttl", "300", shift="+6m")
    assert renewed.returncode == 0 and renewed.stdout.strip() != old
    assert efake.refresh_count == 1 and works(efake, renewed.stdout.strip())


@pytest.mark.parametrize("command", list(COMMANDS))
def test_refresh_refreshes_now(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk, command: str
) -> None:
    assert add_oauth().code == 0
    old = keyring_entry("acme")["access_token"]
    first = run(cli, command, "--refresh")
    second = run(cli, command, "--refresh")
    assert first.code == second.code == 0, first.err + second.err
    one, two = token_from(command, first.out), token_from(command, second.out)
    assert len({old, one, two}) == 3 and efake.refresh_count == 2
    assert works(efake, two) and not works(efake, old)


def test_a_min_ttl_longer_than_zendesk_grants_is_warned_about(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    result = cli("token", "acme", "--min-ttl", "3600")
    assert result.code == 0 and works(efake, result.out.strip())
    assert re.search(r"Zendesk issued a token that lives (599|600) s, less than the 3600 s asked for", result.err)
    assert result.out.strip() not in result.err


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "soon"])
def test_a_min_ttl_that_is_not_seconds_is_bad_usage(cli: Callable[..., CliResult], bad: str) -> None:
    result = cli("token", "--min-ttl", bad)
    assert result.code == 2 and "--min-ttl" in result.err and "number of seconds" in result.err
