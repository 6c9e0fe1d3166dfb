"""CLI failures: bad input exits 2, storage problems exit 3, each with a clear sentence and nothing saved."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, add_api_token, assert_clean, keyring_fields
from tests.conftest import API_TOKEN, EMAIL, FAIL_KEYRING
from tests.fake_zendesk import FakeZendesk


def add(cli: Cli, *args: str, token: str = API_TOKEN, env: dict[str, str] | None = None):
    """`add` with the api_token defaults, overridden by ``args``."""
    return cli("add", *args, stdin=token + "\n", env=env)


@pytest.mark.parametrize(
    ("subdomain", "message"),
    [
        ("evil.com", "evil.com is not a zendesk.com address."),
        ("acme.zendesk.com.evil.com", "is not a zendesk.com address."),
        ("ada@acme", "That does not look like a Zendesk address"),
        ("https://acme.zendesk.com:8443", "has no port"),
        ("-acme", "is not a valid subdomain"),
        ("a" * 64, "at most 63 characters"),
        ("ac me", "cannot contain spaces"),
    ],
)
def test_bad_subdomain_exits_2(cli: Cli, config_dir: Path, subdomain: str, message: str) -> None:
    result = add(cli, "acme", f"--subdomain={subdomain}", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin")
    assert result.code == 2
    assert result.err.startswith("zendesk-setup: ")
    assert message in result.err
    assert_clean(result, API_TOKEN)
    assert not config_dir.exists()
    assert keyring_fields("acme") is None


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("http://example.org", "Plain http is allowed only for loopback addresses"),
        ("https://acme.zendesk.com/api/v2", "no path"),
        ("https://ada@acme.zendesk.com", "cannot contain a user name"),
        ("ftp://127.0.0.1", "must start with https://"),
    ],
)
def test_bad_base_url_exits_2(cli: Cli, config_dir: Path, base_url: str, message: str) -> None:
    result = add(
        cli, "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", base_url,
    )  # fmt: skip
    assert result.code == 2
    assert message in result.err
    assert_clean(result, API_TOKEN)
    assert not config_dir.exists()


@pytest.mark.parametrize("name", ["bad name", "-x", ".hidden", "a/b", "n" * 65, "ácme"])
def test_bad_profile_name_exits_2(cli: Cli, config_dir: Path, name: str) -> None:
    result = add(cli, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin", "--", name)
    assert result.code == 2
    assert "is not a valid profile name" in result.err
    assert_clean(result, API_TOKEN)
    assert not config_dir.exists()


def test_bad_new_name_on_rename_exits_2(cli: Cli, acme: FakeZendesk, config_dir: Path) -> None:
    before = (config_dir / "profiles.yaml").read_bytes()
    result = cli("rename", "acme", "no good")
    assert result.code == 2
    assert "is not a valid profile name" in result.err
    assert (config_dir / "profiles.yaml").read_bytes() == before
    assert keyring_fields("acme") == {"api_token": API_TOKEN}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "not-an-email", "--api-token-stdin"], API_TOKEN, "--email"),
        (["--api-token-stdin"], API_TOKEN, "--email"),
        (["--email", EMAIL], API_TOKEN, "--api-token-stdin"),
        (["--email", EMAIL, "--api-token-stdin"], "", "is empty"),
        (["--email", EMAIL, "--api-token-stdin"], "two words", "contains spaces"),
        (["--email", EMAIL, "--api-token-stdin", "--client-id", "x"], API_TOKEN, "belong to the OAuth"),
    ],
)
def test_incomplete_add_exits_2_and_saves_nothing(
    cli: Cli, fake: FakeZendesk, config_dir: Path, args: list[str], stdin: str, message: str
) -> None:
    result = cli(
        "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--base-url", fake.url, *args, stdin=stdin
    )
    assert result.code == 2, result.err
    assert message in result.err
    assert_clean(result, API_TOKEN)
    assert not (config_dir / "profiles.yaml").exists()
    assert fake.requests == []


def test_usage_errors_exit_2(cli: Cli) -> None:
    for args in (["bogus"], ["rename", "acme"], ["add", "acme"], ["env", "--format", "xml"], ["list", "--nope"]):
        result = cli(*args)
        assert result.code == 2, args
        assert "usage: zendesk-setup" in result.err
        assert_clean(result)


def test_unknown_profile_exits_2_naming_the_known_ones(cli: Cli, acme: FakeZendesk) -> None:
    for command in ("show", "test", "token", "header", "env", "default", "remove"):
        result = cli(command, "nope", *(["--yes"] if command == "remove" else []))
        assert result.code == 2, command
        assert "There is no profile named 'nope' (profiles: acme)." in result.err
        assert_clean(result, API_TOKEN)


def test_no_profiles_yet_says_how_to_create_one(cli: Cli) -> None:
    result = cli("token")
    assert result.code == 2
    assert "There are no profiles yet." in result.err
    assert "zendesk-setup add" in result.err


CORRUPT = "version: 1\ndefault: acme\nprofiles:\n  acme:\n    subdomain: acme\n    auth: [unclosed\n    email: x\n"


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["list", "--json"],
        ["show"],
        ["test"],
        ["token"],
        ["header"],
        ["env"],
        ["default", "acme"],
        ["rename", "acme", "other"],
        ["remove", "acme", "--yes"],
    ],
)
def test_corrupt_profiles_file_exits_3_naming_the_line_and_is_untouched(
    cli: Cli, config_dir: Path, args: list[str]
) -> None:
    config_dir.mkdir(parents=True, mode=0o700)
    path = config_dir / "profiles.yaml"
    path.write_text(CORRUPT)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    result = cli(*args)
    assert result.code == 3
    assert f"{path} cannot be read at line 7: " in result.err
    assert "will not overwrite it" in result.err
    assert_clean(result)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_corrupt_profiles_file_blocks_add_before_anything_is_stored(
    cli: Cli, fake: FakeZendesk, config_dir: Path
) -> None:
    config_dir.mkdir(parents=True, mode=0o700)
    path = config_dir / "profiles.yaml"
    path.write_text("version: 1\nprofiles:\n  acme:\n    subdomain: evil.com\n    auth: api_token\n    email: a@b.c\n")
    before = path.read_bytes()
    result = add_api_token(cli, fake, "new")
    assert result.code == 3
    assert "line 4" in result.err
    assert_clean(result, API_TOKEN)
    assert path.read_bytes() == before
    assert keyring_fields("new") is None


def test_no_keyring_exits_3_and_saves_nothing(cli: Cli, fake: FakeZendesk, config_dir: Path) -> None:
    result = cli(
        "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", fake.url, stdin=API_TOKEN, env={"PYTHON_KEYRING_BACKEND": FAIL_KEYRING},
    )  # fmt: skip
    assert result.code == 3
    assert "No usable OS keyring was found" in result.err
    assert "gnome-keyring" in result.err and "--insecure-storage" in result.err
    assert_clean(result, API_TOKEN)
    assert not (config_dir / "profiles.yaml").exists()
    assert keyring_fields("acme") is None
    assert fake.requests == []


def test_no_keyring_for_a_saved_profile_exits_3(cli: Cli, acme: FakeZendesk) -> None:
    for command in ("token", "header", "env", "test"):
        result = cli(command, env={"PYTHON_KEYRING_BACKEND": FAIL_KEYRING})
        assert result.code == 3, command
        assert "No usable OS keyring was found" in result.err
        assert_clean(result, API_TOKEN)
    removal = cli("remove", "acme", "--yes", env={"PYTHON_KEYRING_BACKEND": FAIL_KEYRING})
    assert removal.code == 3
    assert " acme " in cli("list").out


def test_a_hung_keyring_exits_3_in_bounded_time(cli: Cli, fake: FakeZendesk, config_dir: Path) -> None:
    started = time.monotonic()
    result = cli(
        "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", fake.url, stdin=API_TOKEN,
        env={"PYTHON_KEYRING_BACKEND": "tests.core.odd_keyrings.HungKeyring", "HUNG_KEYRING_SECONDS": "30"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.code == 3
    assert elapsed < 15
    assert "did not answer within" in result.err
    assert_clean(result, API_TOKEN)
    assert not (config_dir / "profiles.yaml").exists()


def test_zendesk_unreachable_exits_1_with_one_sentence(cli: Cli, acme: FakeZendesk) -> None:
    acme.inject("/api/v2/users/me.json", 503, body="down", content_type="text/plain")
    result = cli("test")
    assert result.code == 1
    assert "Zendesk had a server error (503)." in result.err
    assert_clean(result, API_TOKEN)
    acme.stop()
    result = cli("test")
    assert result.code == 1
    assert "refused the connection" in result.err
    assert_clean(result, API_TOKEN)


def test_insecure_storage_is_the_working_way_out_when_there_is_no_keyring(
    cli: Cli, fake: FakeZendesk, config_dir: Path
) -> None:
    no_keyring = {"PYTHON_KEYRING_BACKEND": FAIL_KEYRING}
    result = cli(
        "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
        "--base-url", fake.url, "--insecure-storage", stdin=API_TOKEN, env=no_keyring,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert_clean(result, API_TOKEN)
    assert "plain-text file" in result.out
    assert (config_dir / "secrets.yaml").exists()
    assert cli("token", env=no_keyring).out.strip() == API_TOKEN
    assert cli("test", env=no_keyring).code == 0
    assert cli("rename", "acme", "prod", env=no_keyring).code == 0
    assert cli("token", env=no_keyring).out.strip() == API_TOKEN
    assert cli("remove", "prod", "--yes", env=no_keyring).code == 0
    assert "prod" not in (config_dir / "secrets.yaml").read_text()
