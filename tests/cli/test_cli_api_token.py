"""The CLI end to end for api_token profiles, in subprocesses against the fake Zendesk on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import keyring
import yaml
from tests.cli.conftest import Cli, add_api_token, assert_clean, keyring_fields
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk

from zendesk_setup import __version__
from zendesk_setup.core.secrets import SERVICE


def test_add_with_a_wrong_token_exits_1_and_saves_nothing(
    cli: Cli, fake: FakeZendesk, config_dir: Path, keyring_file: Path
) -> None:
    result = add_api_token(cli, fake, "acme", "wrong-token-123")
    assert result.code == 1
    assert "Zendesk did not accept the email and API token." in result.err
    assert result.out == ""
    assert_clean(result, "wrong-token-123")
    assert not (config_dir / "profiles.yaml").exists()
    assert keyring_fields("acme") is None
    assert "acme" not in (keyring_file.read_text() if keyring_file.exists() else "")


def test_add_with_the_right_token_keeps_the_token_only_in_the_keyring(
    cli: Cli, fake: FakeZendesk, config_dir: Path, keyring_file: Path
) -> None:
    result = add_api_token(cli, fake)
    assert result.code == 0, result.err
    assert_clean(result, API_TOKEN)
    assert f"Signed in as Ada Admin <{EMAIL}> (admin) on {fake.url}." in result.out
    assert "Saved profile 'acme' (default)" in result.out
    assert "OS keyring, service 'zendesk-setup', entry 'acme'" in result.out
    assert "2027-04-30" in result.err

    text = (config_dir / "profiles.yaml").read_text()
    assert API_TOKEN not in text
    assert base64.b64encode(API_TOKEN.encode()).decode()[:16] not in text
    data = yaml.safe_load(text)
    checked = data["profiles"]["acme"].pop("checked")
    assert data == {
        "version": 1,
        "default": "acme",
        "profiles": {"acme": {"subdomain": "acme", "auth": "api_token", "base_url": fake.url, "email": EMAIL}},
    }
    assert checked["ok"] is True and checked["user"] == "Ada Admin" and checked["role"] == "admin"
    assert stat.S_IMODE((config_dir / "profiles.yaml").stat().st_mode) == 0o600
    assert stat.S_IMODE(config_dir.stat().st_mode) == 0o700

    assert keyring_file.exists()
    assert "[zendesk_2Dsetup]" in keyring_file.read_text()
    assert keyring_fields("acme") == {"api_token": API_TOKEN}
    assert not (config_dir / "secrets.yaml").exists()


def test_add_without_verify_contacts_nobody(cli: Cli, fake: FakeZendesk, config_dir: Path) -> None:
    result = add_api_token(cli, fake, "acme", "unchecked-token", "--no-verify")
    assert result.code == 0, result.err
    assert "without checking" in result.out
    assert fake.requests == []
    assert "checked" not in yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]
    assert keyring_fields("acme") == {"api_token": "unchecked-token"}


def test_second_profile_becomes_default_only_when_asked(cli: Cli, acme: FakeZendesk) -> None:
    assert add_api_token(cli, acme, "second").code == 0
    assert json.loads(cli("show", "--json").out)["name"] == "acme"
    assert add_api_token(cli, acme, "third", API_TOKEN, "--default").code == 0
    assert json.loads(cli("show", "--json").out)["name"] == "third"


def test_add_refuses_an_existing_name(cli: Cli, acme: FakeZendesk) -> None:
    result = add_api_token(cli, acme, "acme", "another-token")
    assert result.code == 2
    assert "A profile named 'acme' already exists." in result.err
    assert keyring_fields("acme") == {"api_token": API_TOKEN}


def test_insecure_storage_uses_a_0600_file_and_says_so(cli: Cli, fake: FakeZendesk, config_dir: Path) -> None:
    result = add_api_token(cli, fake, "acme", API_TOKEN, "--insecure-storage")
    assert result.code == 0, result.err
    assert_clean(result, API_TOKEN)
    assert "--insecure-storage" in result.err and "plain-text" in result.err
    secrets_file = config_dir / "secrets.yaml"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert yaml.safe_load(secrets_file.read_text())["secrets"] == {"acme": {"api_token": API_TOKEN}}
    assert API_TOKEN not in (config_dir / "profiles.yaml").read_text()
    assert keyring_fields("acme") is None
    assert cli("token").out.strip() == API_TOKEN
    assert "secrets.yaml" in cli("show").out
    assert cli("remove", "acme", "--yes").code == 0
    assert "acme" not in yaml.safe_load(secrets_file.read_text())["secrets"]


def test_test_says_whose_credentials_and_records_the_check(cli: Cli, acme: FakeZendesk, config_dir: Path) -> None:
    before = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    result = cli("test")
    assert result.code == 0, result.err
    assert_clean(result, API_TOKEN)
    assert result.out.strip() == f"OK: profile 'acme' signs in as Ada Admin <{EMAIL}> (admin) on {acme.url}."
    after = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    assert after["ok"] is True and after["user"] == "Ada Admin" and after["role"] == "admin"
    assert after["at"] >= before["at"]

    as_json = cli("test", "acme", "--json")
    assert as_json.code == 0
    payload = json.loads(as_json.out)
    assert payload["ok"] is True
    assert payload["user"] == {"id": 1001, "name": "Ada Admin", "email": EMAIL, "role": "admin"}
    assert API_TOKEN not in as_json.all


def test_test_with_a_revoked_token_exits_1_and_records_the_failure(
    cli: Cli, acme: FakeZendesk, config_dir: Path
) -> None:
    acme.remove_api_token(API_TOKEN)
    result = cli("test")
    assert result.code == 1
    assert_clean(result, API_TOKEN)
    assert "Zendesk did not accept the email and API token." in result.err
    checked = yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"]["acme"]["checked"]
    assert checked["ok"] is False
    assert "FAILED" in cli("list").out
    shown = cli("show").out
    assert "FAILED" in shown and "Zendesk did not accept the email and API token." in shown
    as_json = cli("test", "--json")
    assert as_json.code == 1
    assert json.loads(as_json.out)["ok"] is False


def test_test_waits_out_a_rate_limit_and_says_so(cli: Cli, acme: FakeZendesk) -> None:
    acme.inject("/api/v2/users/me.json", 429, headers={"Retry-After": "1"})
    result = cli("test")
    assert result.code == 0, result.err
    assert "rate limiting; waiting 1 s" in result.err


def test_token_header_and_env_print_what_scripts_need(cli: Cli, acme: FakeZendesk) -> None:
    token = cli("token")
    assert (token.code, token.out, token.err) == (0, API_TOKEN + "\n", "")

    header = cli("header", "acme")
    assert header.code == 0 and header.err == ""
    expected = "Basic " + base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
    assert header.out == expected + "\n"

    cleared = [
        "ZENDESK_DOMAIN", "ZENDESK_OAUTH_TOKEN", "ZENDESK_PASSWORD", "ZENDESK_OAUTH_CLIENT_ID",
        "ZENDESK_OAUTH_CLIENT_SECRET",
    ]  # fmt: skip
    sh = cli("env")
    assert sh.code == 0
    assert sh.out.splitlines() == [
        "unset " + " ".join(cleared),
        "export ZENDESK_SUBDOMAIN='acme'",
        f"export ZENDESK_BASE_URL='{acme.url}'",
        f"export ZENDESK_EMAIL='{EMAIL}'",
        f"export ZENDESK_API_TOKEN='{API_TOKEN}'",
    ]
    assert "ZENDESK_BASE_URL, which zcli, zenpy and python-zendesk-sdk ignore" in sh.err
    dotenv = cli("env", "--format", "dotenv")
    assert dotenv.out.splitlines() == [
        'ZENDESK_SUBDOMAIN="acme"',
        f'ZENDESK_BASE_URL="{acme.url}"',
        f'ZENDESK_EMAIL="{EMAIL}"',
        f'ZENDESK_API_TOKEN="{API_TOKEN}"',
    ] + [f'{name}=""' for name in cleared]
    as_json = cli("env", "acme", "--format", "json")
    assert json.loads(as_json.out) == {
        "ZENDESK_SUBDOMAIN": "acme",
        "ZENDESK_BASE_URL": acme.url,
        "ZENDESK_EMAIL": EMAIL,
        "ZENDESK_API_TOKEN": API_TOKEN,
    } | dict.fromkeys(cleared, "")
    assert cli("env", "--format", "yaml").code == 2
    assert acme.requests[-1][1] == "/api/v2/users/me.json"
    assert len(acme.requests) == 1


def test_the_header_works_against_zendesk(cli: Cli, acme: FakeZendesk) -> None:
    import httpx

    header = cli("header").out.strip()
    response = httpx.get(acme.url + "/api/v2/users/me.json", headers={"Authorization": header})
    assert response.json()["user"]["id"] == 1001


def test_list_and_show_never_show_a_secret(cli: Cli, acme: FakeZendesk, config_dir: Path) -> None:
    assert add_api_token(cli, acme, "sandbox").code == 0
    listing = cli("list")
    assert listing.code == 0
    assert_clean(listing, API_TOKEN)
    lines = listing.out.splitlines()
    assert lines[0].split() == ["NAME", "SUBDOMAIN", "AUTH", "EXPIRES", "LAST", "CHECK"]
    assert lines[1].startswith("*") and " acme " in lines[1] and "api_token" in lines[1]
    assert "API token off 2027-04-30 (" in lines[1]
    assert not lines[2].startswith("*") and " sandbox " in lines[2]
    assert "ok (Ada Admin)" in lines[1]

    as_json = cli("list", "--json")
    assert_clean(as_json, API_TOKEN)
    profiles = json.loads(as_json.out)
    assert [(p["name"], p["default"]) for p in profiles] == [("acme", True), ("sandbox", False)]
    assert profiles[0]["email"] == EMAIL and profiles[0]["base_url"] == acme.url

    show = cli("show", "sandbox")
    assert show.code == 0
    assert_clean(show, API_TOKEN)
    assert "profile:      sandbox" in show.out
    assert f"email:        {EMAIL}" in show.out
    assert "OS keyring, service 'zendesk-setup', entry 'sandbox'" in show.out
    assert "holds api_token (never shown)" in show.out
    assert "2027-04-30" in show.out

    shown = json.loads(cli("show", "--json").out)
    assert shown["name"] == "acme" and shown["default"] is True
    assert shown["secrets"]["fields"] == ["api_token"]
    assert API_TOKEN not in json.dumps(shown)


def test_list_with_no_profiles_says_how_to_start(cli: Cli, config_dir: Path) -> None:
    result = cli("list")
    assert result.code == 0
    assert "No profiles yet" in result.out
    assert json.loads(cli("list", "--json").out) == []
    assert not config_dir.exists()


def test_default_rename_and_remove(cli: Cli, acme: FakeZendesk, config_dir: Path) -> None:
    acme.add_api_token("sandbox-token", EMAIL)
    assert add_api_token(cli, acme, "sandbox", "sandbox-token").code == 0

    result = cli("default", "sandbox")
    assert (result.code, result.out.strip()) == (0, "'sandbox' is now the default profile.")
    assert cli("token").out.strip() == "sandbox-token"

    result = cli("rename", "sandbox", "staging")
    assert (result.code, result.out.strip()) == (0, "Renamed 'sandbox' to 'staging'.")
    assert keyring_fields("sandbox") is None
    assert keyring_fields("staging") == {"api_token": "sandbox-token"}
    data = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert list(data["profiles"]) == ["acme", "staging"]
    assert data["default"] == "staging"
    assert cli("token").out.strip() == "sandbox-token"

    result = cli("remove", "staging", "--yes")
    assert result.code == 0, result.err
    assert result.out.strip() == "Removed profile 'staging' and its secrets."
    assert keyring_fields("staging") is None
    data = yaml.safe_load((config_dir / "profiles.yaml").read_text())
    assert list(data["profiles"]) == ["acme"]
    assert data["default"] == "acme"
    assert keyring_fields("acme") == {"api_token": API_TOKEN}


def test_remove_without_yes_and_no_terminal_exits_2_and_keeps_everything(
    cli: Cli, acme: FakeZendesk, config_dir: Path
) -> None:
    before = (config_dir / "profiles.yaml").read_bytes()
    result = cli("remove", "acme")
    assert result.code == 2
    assert "--yes" in result.err
    assert_clean(result, API_TOKEN)
    assert (config_dir / "profiles.yaml").read_bytes() == before
    assert keyring_fields("acme") == {"api_token": API_TOKEN}


def test_remove_clears_the_yaml_entry_and_the_keyring_entry(cli: Cli, acme: FakeZendesk, config_dir: Path) -> None:
    result = cli("remove", "acme", "-y")
    assert result.code == 0
    assert yaml.safe_load((config_dir / "profiles.yaml").read_text()) == {
        "version": 1,
        "default": None,
        "profiles": {},
    }
    assert keyring.get_password(SERVICE, "acme") is None
    assert cli("token").code == 2


def test_name_left_out_uses_the_default_or_the_environment(cli: Cli, acme: FakeZendesk) -> None:
    acme.add_api_token("other-token", EMAIL)
    assert add_api_token(cli, acme, "other", "other-token").code == 0
    assert cli("token").out.strip() == API_TOKEN
    assert cli("token", env={"ZENDESK_SETUP_PROFILE": "other"}).out.strip() == "other-token"
    assert cli("token", "acme", env={"ZENDESK_SETUP_PROFILE": "other"}).out.strip() == API_TOKEN
    assert json.loads(cli("show", "--json", env={"ZENDESK_SETUP_PROFILE": "other"}).out)["name"] == "other"
    missing = cli("token", env={"ZENDESK_SETUP_PROFILE": "ghost"})
    assert missing.code == 2
    assert "There is no profile named 'ghost'" in missing.err


def test_config_dir_flag_beats_the_environment(cli: Cli, fake: FakeZendesk, tmp_path: Path, config_dir: Path) -> None:
    flagged = tmp_path / "flagged"
    result = add_api_token(cli, fake, "acme", API_TOKEN, "--config-dir", str(flagged))
    assert result.code == 0, result.err
    assert (flagged / "profiles.yaml").exists()
    assert not config_dir.exists()
    assert "No profiles yet" in cli("list").out
    assert " acme " in cli("--config-dir", str(flagged), "list").out
    assert " acme " in cli("list", "--config-dir", str(flagged)).out
    assert cli("token", "--config-dir", str(flagged)).out.strip() == API_TOKEN


def test_config_dir_falls_back_to_xdg_config_home(cli: Cli, fake: FakeZendesk, isolated_environment: Path) -> None:
    env = {"ZENDESK_SETUP_CONFIG_DIR": ""}
    result = cli(
        "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL,
        "--api-token-stdin", "--base-url", fake.url, stdin=API_TOKEN, env=env,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert (isolated_environment / "xdg-config" / "zendesk-setup" / "profiles.yaml").exists()


def test_version_and_help(cli: Cli) -> None:
    version = cli("--version")
    assert (version.code, version.out.strip()) == (0, f"zendesk-setup {__version__}")
    helped = cli("--help")
    assert helped.code == 0
    for command in ("new", "edit", "list", "show", "test", "token", "header", "env", "add", "default", "rename"):
        assert f"    {command} " in helped.out or f"    {command}\n" in helped.out, command
    assert "remove" in helped.out
    assert "exit codes" in helped.out and "ZENDESK_SETUP_PROFILE" in helped.out
    add_help = cli("add", "--help")
    for flag in ("--api-token-stdin", "--base-url", "--no-verify", "--default", "--insecure-storage"):
        assert flag in add_help.out
