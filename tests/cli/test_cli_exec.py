"""`zendesk-setup exec`: the profile's variables in a child, its exit code and signals passed through, no file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO

from .conftest import Cli

DUMP = (
    "import json, os; print(json.dumps({k: v for k, v in os.environ.items() if k.startswith('ZENDESK_')}))"
)


@pytest.mark.usefixtures("acme")
def test_the_child_sees_the_profile_variables_and_none_left_over(cli: Cli) -> None:
    import json

    inherited = {"ZENDESK_OAUTH_TOKEN": "left-over", "ZENDESK_DOMAIN": "old.example", "ZENDESK_SETUP_PROFILE": ""}
    result = cli("exec", "acme", "--", sys.executable, "-c", DUMP, env=inherited)
    assert result.code == 0, result.err
    seen = json.loads(result.out)
    assert seen["ZENDESK_API_TOKEN"] == API_TOKEN and seen["ZENDESK_EMAIL"] == EMAIL
    assert seen["ZENDESK_SUBDOMAIN"] == "acme" and seen["ZENDESK_BASE_URL"].startswith("http://127.0.0.1:")
    assert "ZENDESK_OAUTH_TOKEN" not in seen and "ZENDESK_DOMAIN" not in seen
    assert "ZENDESK_BASE_URL, which zcli" in result.err
    assert API_TOKEN not in result.err and "Traceback" not in result.err


@pytest.mark.usefixtures("acme")
@pytest.mark.parametrize("code", [0, 1, 3, 42, 255])
def test_the_exit_code_is_passed_through(cli: Cli, code: int) -> None:
    assert cli("exec", "--", "sh", "-c", f"exit {code}").code == code


@pytest.mark.usefixtures("acme")
def test_arguments_after_the_double_dash_are_the_commands_own(cli: Cli) -> None:
    result = cli("exec", "acme", "--", "sh", "-c", 'printf "%s|" "$@"', "sh", "--min-ttl", "--", "a b", "$HOME")
    assert result.out == "--min-ttl|--|a b|$HOME|"


@pytest.mark.usefixtures("acme")
def test_a_missing_command_is_usage_and_an_unknown_one_is_127(cli: Cli) -> None:
    missing = cli("exec", "acme")
    assert missing.code == 2 and "after --" in missing.err
    unknown = cli("exec", "acme", "--", "no-such-command-zs")
    assert unknown.code == 127 and "no-such-command-zs: command not found" in unknown.err


def exec_process(*command: str) -> subprocess.Popen[str]:
    """``zendesk-setup exec -- COMMAND`` started in the background, with pipes."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "tui"), str(REPO)]))
    return subprocess.Popen(
        [sys.executable, "-m", "zendesk_setup", "exec", "--", *command],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


TRAPPING = 'trap "echo got-$1; exit 42" "$1"; echo ready; while :; do sleep 0.05; done'


@pytest.mark.usefixtures("acme")
@pytest.mark.parametrize("name", ["TERM", "INT", "HUP", "USR1"])
def test_a_signal_reaches_the_command(name: str) -> None:
    process = exec_process("sh", "-c", TRAPPING, "sh", name)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    process.send_signal(getattr(signal, f"SIG{name}"))
    out, err = process.communicate(timeout=20)
    assert (process.returncode, out.strip()) == (42, f"got-{name}"), err


@pytest.mark.usefixtures("acme")
def test_death_by_a_signal_is_passed_through() -> None:
    process = exec_process("sh", "-c", "kill -KILL $$")
    process.communicate(timeout=20)
    assert process.returncode == -signal.SIGKILL


@pytest.mark.usefixtures("acme")
def test_nothing_is_written_to_disk(cli: Cli, isolated_environment: Path, tmp_path: Path) -> None:
    def snapshot() -> dict[str, float]:
        return {str(p): p.stat().st_mtime for p in tmp_path.rglob("*") if p.is_file()}

    before = snapshot()
    result = cli("exec", "acme", "--", "sh", "-c", 'test -n "$ZENDESK_API_TOKEN"')
    assert result.code == 0
    assert snapshot() == before
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "keyring_pass.cfg":
            assert API_TOKEN.encode() not in path.read_bytes(), path
