"""`env` that cannot mislead, tried as a script author would: real sh and bash source what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO, CliResult
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

from .conftest import Cli

OAUTH_TOKEN = "oauth-access-token-0123456789abcdef"
OAUTH_VARIABLES = ("ZENDESK_OAUTH_TOKEN", "ZENDESK_OAUTH_CLIENT_ID", "ZENDESK_OAUTH_CLIENT_SECRET")
TOKEN_VARIABLES = ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_PASSWORD")
ALL_VARIABLES = (
    "ZENDESK_SUBDOMAIN", "ZENDESK_DOMAIN", "ZENDESK_BASE_URL", *OAUTH_VARIABLES, *TOKEN_VARIABLES,
)  # fmt: skip


def oauth_fields() -> dict[str, object]:
    """Stored OAuth fields whose access token is valid for an hour (no network call needed)."""
    return {
        "access_token": OAUTH_TOKEN,
        "refresh_token": "oauth-refresh-token-0123456789",
        "access_expires_at": time.time() + 3600,
        "refresh_expires_at": time.time() + 30 * 86400,
        "granted_scopes": ["read"],
    }


def save(config_dir: Path, name: str, *, auth: str, base_url: str | None, subdomain: str = "acme") -> None:
    """Save a profile straight through the stores: OAuth with a valid token, or an API token."""
    store = ProfileStore(config_dir)
    if auth == "oauth":
        profile = Profile(
            name=name, subdomain=subdomain, auth="oauth", client_id="acme_cli", client_kind="public",
            scopes=("read",), base_url=base_url,
        )  # fmt: skip
        save_profile(store, profile, oauth_fields())
    else:
        profile = Profile(name=name, subdomain=subdomain, auth="api_token", email=EMAIL, base_url=base_url)
        save_profile(store, profile, {"api_token": API_TOKEN})


def shell(script: str, *, program: str = "sh", env: dict[str, str] | None = None) -> dict[str, str | None]:
    """Run ``script`` in a real shell with zendesk-setup on PATH; return every Zendesk variable it ends with."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
    full_env.update(env or {})
    dump = "; ".join(f'printf "%s=%s\\n" {name} "${{{name}-<unset>}}"' for name in ALL_VARIABLES)
    prelude = f'zendesk_setup() {{ "{sys.executable}" -m zendesk_setup "$@"; }}\n'
    proc = subprocess.run(
        [program, "-c", prelude + script + "\n" + dump],
        capture_output=True, text=True, env=full_env, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    values: dict[str, str | None] = {}
    for line in proc.stdout.splitlines():
        name, _, value = line.partition("=")
        if name in ALL_VARIABLES:
            values[name] = None if value == "<unset>" else value
    return values


@pytest.fixture
def two_profiles(config_dir: Path) -> None:
    """An OAuth profile and an API-token profile on https://acme.zendesk.com."""
    save(config_dir, "oauth-profile", auth="oauth", base_url=None)
    save(config_dir, "token-profile", auth="api_token", base_url=None)


@pytest.mark.usefixtures("two_profiles")
@pytest.mark.parametrize("program", ["sh", "bash"])
def test_switching_from_oauth_to_token_profile_leaves_no_oauth_variable(program: str) -> None:
    values = shell(
        'eval "$(zendesk_setup env oauth-profile)"; eval "$(zendesk_setup env token-profile)"', program=program
    )
    assert values["ZENDESK_EMAIL"] == EMAIL and values["ZENDESK_API_TOKEN"] == API_TOKEN
    assert values["ZENDESK_SUBDOMAIN"] == "acme"
    for name in (*OAUTH_VARIABLES, "ZENDESK_DOMAIN", "ZENDESK_BASE_URL", "ZENDESK_PASSWORD"):
        assert values[name] is None, f"{name} survived the switch"


@pytest.mark.usefixtures("two_profiles")
def test_switching_back_clears_the_api_token_and_what_an_older_shell_had() -> None:
    inherited = {"ZENDESK_PASSWORD": "old-password", "ZENDESK_OAUTH_CLIENT_SECRET": "old-secret"}
    values = shell(
        'eval "$(zendesk_setup env token-profile)"; eval "$(zendesk_setup env oauth-profile)"', env=inherited
    )
    assert values["ZENDESK_OAUTH_TOKEN"] == OAUTH_TOKEN
    for name in (*TOKEN_VARIABLES, "ZENDESK_OAUTH_CLIENT_ID", "ZENDESK_OAUTH_CLIENT_SECRET", "ZENDESK_DOMAIN"):
        assert values[name] is None, f"{name} survived the switch"


@pytest.mark.usefixtures("two_profiles")
def test_dotenv_and_json_list_every_other_variable_empty(cli: Cli, tmp_path: Path) -> None:
    dotenv = cli("env", "token-profile", "--format", "dotenv")
    assert dotenv.code == 0, dotenv.err
    env_file = tmp_path / ".env"
    env_file.write_text(dotenv.out)
    values = shell(f'set -a; . "{env_file}"; set +a', env={"ZENDESK_OAUTH_TOKEN": "left-over-token"})
    assert values["ZENDESK_API_TOKEN"] == API_TOKEN
    assert values["ZENDESK_OAUTH_TOKEN"] == ""
    as_json = json.loads(cli("env", "oauth-profile", "--format", "json").out)
    assert set(as_json) == set(ALL_VARIABLES)
    assert as_json["ZENDESK_OAUTH_TOKEN"] == OAUTH_TOKEN
    assert {name: as_json[name] for name in TOKEN_VARIABLES} == dict.fromkeys(TOKEN_VARIABLES, "")


@pytest.mark.parametrize(
    ("base_url", "domain"),
    [
        (None, None),
        ("https://acme.zendesk.com", None),
        ("https://acme.zendesk-staging.example", "zendesk-staging.example"),
    ],
)
def test_an_https_base_url_zcli_can_express_gives_the_right_host(
    cli: Cli, config_dir: Path, base_url: str | None, domain: str | None
) -> None:
    save(config_dir, "custom", auth="oauth", base_url=base_url)
    result = cli("env", "custom")
    assert result.code == 0 and result.err == ""
    # How zcli builds its base URL from the environment (zendesk-auth.md section 6).
    values = shell(
        'eval "$(zendesk_setup env custom)"; '
        'ZENDESK_BASE_URL="https://$ZENDESK_SUBDOMAIN.${ZENDESK_DOMAIN:-zendesk.com}"'
    )
    assert values["ZENDESK_BASE_URL"] == (base_url or "https://acme.zendesk.com")
    assert values["ZENDESK_DOMAIN"] == domain


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8765", "https://acme.example.org:8443", "https://support.example.org", "http://[::1]:9"],
)
def test_a_base_url_no_consumer_can_express_is_given_whole_and_said_on_stderr(
    cli: Cli, config_dir: Path, base_url: str
) -> None:
    save(config_dir, "custom", auth="api_token", base_url=base_url)
    result = cli("env", "custom")
    assert result.code == 0
    assert f"export ZENDESK_BASE_URL='{base_url}'" in result.out.splitlines()
    assert not any(line.startswith("export ZENDESK_DOMAIN") for line in result.out.splitlines())
    assert f"the base URL {base_url} cannot be given as ZENDESK_SUBDOMAIN and ZENDESK_DOMAIN" in result.err
    assert "zcli, zenpy and python-zendesk-sdk ignore" in result.err
    assert "node-zendesk endpointUri" in result.err
    values = shell('eval "$(zendesk_setup env custom 2>/dev/null)"')
    assert values["ZENDESK_BASE_URL"] == base_url and values["ZENDESK_DOMAIN"] is None


def github_run(cli: Cli, *args: str, github_env: Path | None) -> CliResult:
    """``env --format github`` with or without ``$GITHUB_ENV``."""
    env = {"GITHUB_ENV": str(github_env)} if github_env is not None else {"GITHUB_ENV": ""}
    return cli("env", *args, "--format", "github", env=env)


@pytest.mark.usefixtures("two_profiles")
def test_github_format_masks_the_token_and_appends_to_github_env(cli: Cli, tmp_path: Path) -> None:
    github_env = tmp_path / "github_env"
    github_env.write_text("EARLIER=kept\n")
    result = github_run(cli, "oauth-profile", github_env=github_env)
    assert result.code == 0, result.err
    assert result.out == f"::add-mask::{OAUTH_TOKEN}\n"
    assert "Appended 2 variables to $GITHUB_ENV" in result.err
    lines = github_env.read_text().splitlines()
    assert lines[0] == "EARLIER=kept"
    assert "ZENDESK_SUBDOMAIN=acme" in lines and f"ZENDESK_OAUTH_TOKEN={OAUTH_TOKEN}" in lines
    assert {"ZENDESK_API_TOKEN=", "ZENDESK_EMAIL=", "ZENDESK_DOMAIN="} <= set(lines)
    # As the runner reads it: later lines win, so a later token-profile step clears the OAuth token.
    assert github_run(cli, "token-profile", github_env=github_env).code == 0
    final = dict(line.split("=", 1) for line in github_env.read_text().splitlines())
    assert final["ZENDESK_OAUTH_TOKEN"] == "" and final["ZENDESK_API_TOKEN"] == API_TOKEN


@pytest.mark.usefixtures("two_profiles")
def test_github_format_without_github_env_prints_masks_first(cli: Cli) -> None:
    result = github_run(cli, "token-profile", github_env=None)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == f"::add-mask::{API_TOKEN}"
    assert f"ZENDESK_API_TOKEN={API_TOKEN}" in lines[1:] and "ZENDESK_OAUTH_TOKEN=" in lines
    assert "$GITHUB_ENV is not set" in result.err
