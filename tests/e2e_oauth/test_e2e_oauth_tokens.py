"""Tokens over time, end to end: parallel refresh under a shifted clock, early expiry, failed refresh, revocation."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult
from tests.fake_zendesk import FakeZendesk

from .conftest import CLIENT_SECRET, CONFIDENTIAL_CLIENT, FAKETIME, cli_command, cli_env, keyring_entry


def run_shifted(*args: str, shift: str = "+15m") -> subprocess.CompletedProcess[str]:
    """Run the CLI with its clock moved by ``shift`` (Debian faketime)."""
    return subprocess.run(
        cli_command(*args, shift=shift),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_faketime_really_shifts_the_cli_clock() -> None:
    probe = [FAKETIME, "-f", "+15m", sys.executable, "-c", "import time; print(time.time())"]
    shifted = float(subprocess.run(probe, capture_output=True, text=True, check=True).stdout)
    assert 14 * 60 < shifted - time.time() < 16 * 60


def test_eight_parallel_token_calls_on_an_expired_token_refresh_once(
    add_oauth: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    before = keyring_entry("acme")
    processes = [
        subprocess.Popen(
            cli_command("token", "acme", shift="+15m"),
            env=cli_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs = [process.communicate(timeout=90) for process in processes]
    assert [process.returncode for process in processes] == [0] * 8, [err for _, err in outputs]
    printed = {out.strip() for out, _ in outputs}
    assert len(printed) == 1
    new_token = printed.pop()
    assert efake.refresh_count == 1
    assert new_token != before["access_token"] and new_token in efake.live_access_tokens()
    after = keyring_entry("acme")
    assert after["access_token"] == new_token
    assert after["refresh_token"] != before["refresh_token"] and after["refresh_token"] in efake.live_refresh_tokens()
    grants = [request["grant_type"] for request in efake.token_requests]
    assert grants == ["authorization_code", "refresh_token"]


def test_test_recovers_from_a_token_the_server_expired_early(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    old = keyring_entry("acme")["access_token"]
    efake.expire_access_tokens()
    result = cli("test", "acme")
    assert result.code == 0, result.err
    assert "OK: profile 'acme' signs in as Ada Admin" in result.out
    assert efake.refresh_count == 1
    new = keyring_entry("acme")["access_token"]
    assert new != old and new in efake.live_access_tokens()
    assert new not in result.all and old not in result.all


def test_failed_refresh_tells_to_consent_again(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    with efake.lock:
        for record in efake.tokens.values():
            record.refresh_used = True
    result = run_shifted("token", "acme")
    assert result.returncode == 1
    assert "zendesk-setup edit acme" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
    efake.expire_access_tokens()
    test = cli("test", "acme")
    assert test.code == 1 and "zendesk-setup edit acme" in test.err


def test_scope_difference_is_reported(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk
) -> None:
    assert add_oauth().code == 0
    record = efake.token_record(keyring_entry("acme")["access_token"])
    record.scopes = ("read", "write")
    result = cli("test", "acme")
    assert result.code == 0
    assert "not granted: users:write" in result.err and "granted but not requested: write" in result.err


def test_client_credentials_token_is_renewed_when_expired(cli: Callable[..., CliResult], efake: FakeZendesk) -> None:
    added = cli(
        "add", "ci", "--subdomain", "acme", "--base-url", efake.url, "--auth", "client_credentials",
        "--client-id", CONFIDENTIAL_CLIENT, "--client-secret-stdin", "--scope", "read",
        stdin=CLIENT_SECRET + "\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    first = keyring_entry("ci")["access_token"]
    later = run_shifted("token", "ci")
    assert later.returncode == 0, later.stderr
    second = later.stdout.strip()
    assert second != first and second in efake.live_access_tokens()
    assert [r["grant_type"] for r in efake.token_requests] == ["client_credentials", "client_credentials"]
    assert keyring_entry("ci")["access_token"] == second


def test_remove_revoke_leaves_the_token_dead(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path
) -> None:
    assert add_oauth().code == 0
    token = keyring_entry("acme")["access_token"]
    token_id = efake.token_record(token).id
    result = cli("remove", "acme", "--revoke", "--yes")
    assert result.code == 0, result.err
    assert "Revoked" in result.out
    assert ("DELETE", f"/api/v2/oauth/tokens/{token_id}.json") in [(m, p) for m, p, _, _ in efake.requests]
    assert token not in efake.live_access_tokens()
    assert keyring_entry("acme") is None
    assert "acme:" not in (config_dir / "profiles.yaml").read_text()
    assert cli("token", "acme").code == 2


def test_failed_revocation_keeps_local_data_without_confirmation(
    add_oauth: Callable[..., CliResult], cli: Callable[..., CliResult], efake: FakeZendesk, config_dir: Path
) -> None:
    assert add_oauth().code == 0
    token = keyring_entry("acme")["access_token"]
    efake.inject("/api/v2/oauth/tokens/", 503, method="DELETE")
    result = cli("remove", "acme", "--revoke", "--yes")
    assert result.code == 1
    assert "Revoking the token failed" in result.err and "Nothing was removed" in result.err
    assert token in efake.live_access_tokens()
    assert keyring_entry("acme")["access_token"] == token
    assert "acme:" in (config_dir / "profiles.yaml").read_text()
