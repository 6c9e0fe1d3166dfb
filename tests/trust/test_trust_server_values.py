"""Issue 10.1: what a hostile server answers is data, never code or markup (the real CLI, a fake on 127.0.0.1)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import keyring
import pytest
from tests.conftest import API_TOKEN, EMAIL, CliResult
from tests.fake_zendesk import FakeZendesk
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

CLIENT_ID = "robot"
CLIENT_SECRET = "robot-secret-0123456789"
HOSTILE_TOKENS = [
    'at-1"$(touch {marker})"',
    "at-2\nEVIL_VARIABLE=1",
    "at-3 `touch {marker}`",
    "at-4'$(touch {marker})'",
    "at-5\\x",
    "at-6\x1b[2J",
]
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def add_client_credentials(cli, fake: FakeZendesk, name: str = "robot") -> CliResult:
    return cli(
        "add", name, "--subdomain", "acme", "--auth", "client_credentials", "--client-id", CLIENT_ID,
        "--client-secret-stdin", "--scope", "read", "--base-url", fake.url,
        stdin=CLIENT_SECRET + "\n",
    )  # fmt: skip


@pytest.mark.parametrize("template", HOSTILE_TOKENS, ids=[f"token{i}" for i in range(len(HOSTILE_TOKENS))])
def test_a_token_that_is_not_a_plain_rfc6750_token_is_refused_and_never_stored(
    cli, fake: FakeZendesk, config_dir: Path, tmp_path: Path, template: str
) -> None:
    marker = tmp_path / "pwned"
    fake.add_client(CLIENT_ID, kind="confidential", secret=CLIENT_SECRET)
    token = template.format(marker=marker)
    fake.inject("/oauth/tokens", 200, body={"access_token": token, "token_type": "bearer", "expires_in": 3600})
    result = add_client_credentials(cli, fake)
    assert result.code == 1, result.all
    assert "token" in result.err.lower() and "refused" in result.err.lower()
    assert token not in result.all and "\x1b" not in result.all
    assert not (config_dir / "profiles.yaml").exists()
    assert keyring.get_password("zendesk-setup", "robot") is None
    assert not marker.exists()


def test_dotenv_values_cannot_break_out_whatever_they_hold(cli, fake: FakeZendesk, config_dir: Path, tmp_path) -> None:
    marker = tmp_path / "pwned"
    hostile = f'tok"$(touch {marker})"`touch {marker}`\nEVIL_VARIABLE=1'
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": hostile})
    result = cli("env", "acme", "--format", "dotenv")
    env_file = tmp_path / "acme.env"
    env_file.write_text(result.out)
    shown = subprocess.run(
        ["sh", "-c", f'set -a; . "{env_file}" 2>/dev/null; env'], capture_output=True, text=True, timeout=10
    )
    assert not marker.exists(), "sourcing the dotenv output ran a command"
    assert "EVIL_VARIABLE" not in shown.stdout, "a value added a variable"
    if result.code == 0:
        assert f"ZENDESK_API_TOKEN={hostile}" in shown.stdout
    else:
        assert result.code == 2 and "ZENDESK_API_TOKEN" in result.err and hostile not in result.all


def test_a_plain_token_still_round_trips_through_dotenv(cli, fake: FakeZendesk, config_dir: Path, tmp_path) -> None:
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})
    result = cli("env", "acme", "--format", "dotenv")
    assert result.code == 0, result.err
    env_file = tmp_path / "acme.env"
    env_file.write_text(result.out)
    shown = subprocess.run(["sh", "-c", f'set -a; . "{env_file}"; env'], capture_output=True, text=True, timeout=10)
    assert f"ZENDESK_API_TOKEN={API_TOKEN}" in shown.stdout and f"ZENDESK_EMAIL={EMAIL}" in shown.stdout


@pytest.fixture
def hostile_user(fake: FakeZendesk) -> str:
    """Ada's name, email and role as a hostile server would send them, with terminal escapes."""
    for user in fake.users.values():
        if user.email == EMAIL:
            user.name = f"Ada{ESCAPES} Admin"
            user.role = f"admin{ESCAPES}"
    return EMAIL


def test_names_and_roles_from_users_me_reach_no_terminal_or_yaml_with_escapes(
    cli, fake: FakeZendesk, config_dir: Path, hostile_user: str
) -> None:
    added = cli("add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL,
                "--api-token-stdin", "--base-url", fake.url, stdin=API_TOKEN + "\n")  # fmt: skip
    assert added.code == 0, added.err
    outputs = [added, cli("test", "acme"), cli("test", "acme", "--json"), cli("list"), cli("show", "acme")]
    for result in outputs:
        assert "\x1b" not in result.all and "\x07" not in result.all, result.all
    assert "Ada" in outputs[1].out and "Admin" in outputs[1].out
    text = (config_dir / "profiles.yaml").read_text()
    assert "\x1b" not in text and "\\e" not in text and "\\x1b" not in text and "\\u001b" not in text
    assert json.loads(outputs[2].out)["user"]["name"].startswith("Ada")


def test_list_does_not_replay_escapes_stored_in_an_old_check_record(cli, config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "profiles.yaml").write_text(
        "version: 1\ndefault: acme\nprofiles:\n  acme:\n    subdomain: acme\n    auth: api_token\n"
        "    email: ada@acme.test\n    checked: {at: 2026-11-25T10:00:00Z, ok: true, user: \"Ada\\e]0;x\\a\\e[2J\", "
        "role: \"admin\\e[31m\"}\n"
    )
    for result in (cli("list"), cli("show", "acme"), cli("list", "--json")):
        assert result.code == 0, result.err
        assert "\x1b" not in result.all and "\x07" not in result.all
