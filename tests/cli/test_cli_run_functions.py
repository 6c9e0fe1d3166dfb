"""Run functions called directly with StringIO streams: they write only to the streams they are given."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from tests.cli.conftest import keyring_fields
from tests.conftest import API_TOKEN, EMAIL

from zendesk_setup import cli
from zendesk_setup.cli.commands.add import AddOptions, run_add
from zendesk_setup.cli.commands.env import EnvOptions, run_env
from zendesk_setup.cli.commands.list import ListOptions, run_list
from zendesk_setup.cli.commands.remove import RemoveOptions, run_remove
from zendesk_setup.cli.commands.show import ShowOptions, run_show
from zendesk_setup.cli.commands.token import TokenOptions, run_token
from zendesk_setup.cli.streams import IO
from zendesk_setup.core.errors import InputError
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.secrets import secret_store_for


class TerminalInput(io.StringIO):
    """Standard input that says it is a terminal, with the answers already typed."""

    def isatty(self) -> bool:
        """Pretend to be a terminal."""
        return True


def streams(stdin: str = "", *, terminal: bool = False) -> IO:
    """An IO on fresh StringIO buffers."""
    return IO(out=io.StringIO(), err=io.StringIO(), stdin=TerminalInput(stdin) if terminal else io.StringIO(stdin))


def written(io_: IO) -> tuple[str, str]:
    """What a run wrote to its standard output and standard error."""
    return io_.out.getvalue(), io_.err.getvalue()  # type: ignore[attr-defined]


def save(config_dir: Path, name: str = "acme", *, storage: str = "keyring", make_default: bool = True) -> Profile:
    """Save an api_token profile and its token straight through the stores."""
    profile = Profile(name=name, subdomain="acme", auth="api_token", email=EMAIL, storage=storage).validate()
    secret_store_for(profile.storage, config_dir).set(profile.name, {"api_token": API_TOKEN})
    ProfileStore(config_dir).save(profile, make_default=make_default)
    return profile


@pytest.fixture(autouse=True)
def nothing_on_the_real_streams(capsys: pytest.CaptureFixture[str]):
    """Every test here fails if a run function wrote to sys.stdout or sys.stderr."""
    yield
    assert capsys.readouterr() == ("", "")


def test_list_on_an_empty_config_dir_writes_the_hint_to_the_given_stream(config_dir: Path) -> None:
    io_ = streams()

    assert run_list(ListOptions(config_dir=str(config_dir)), io_) == 0

    assert written(io_) == ("No profiles yet. Run `zendesk-setup` to create one.\n", "")


def test_list_json_on_an_empty_config_dir(config_dir: Path) -> None:
    io_ = streams()

    assert run_list(ListOptions(config_dir=str(config_dir), json=True), io_) == 0

    assert written(io_) == ("[]\n", "")


def days_to_shutoff() -> int:
    """Days from today (UTC) to the API-token shut-off, as list and show print them."""
    return (date(2027, 4, 30) - datetime.now(UTC).date()).days


def test_list_marks_the_default(config_dir: Path) -> None:
    save(config_dir, "acme")
    save(config_dir, "other", make_default=False)
    io_ = streams()

    run_list(ListOptions(config_dir=str(config_dir)), io_)

    ends = f"API token off 2027-04-30 ({days_to_shutoff()} d)"
    assert written(io_)[0] == (
        f"   NAME   SUBDOMAIN  AUTH       {'EXPIRES'.ljust(len(ends))}  LAST CHECK\n"
        f"*  acme   acme       api_token  {ends}  never checked\n"
        f"   other  acme       api_token  {ends}  never checked\n"
    )


def test_show_writes_the_settings_and_the_keyring_entry_never_the_token(config_dir: Path) -> None:
    save(config_dir)
    io_ = streams()

    assert run_show(ShowOptions(config_dir=str(config_dir), name="acme"), io_) == 0

    out, err = written(io_)
    assert out == (
        "profile:      acme  (default)\n"
        "subdomain:    acme\n"
        "base url:     https://acme.zendesk.com\n"
        "auth:         api_token\n"
        f"email:        {EMAIL}\n"
        f"expires:      API token off 2027-04-30 ({days_to_shutoff()} d)\n"
        "              Zendesk switches every API token off on 2027-04-30; run `zendesk-setup migrate acme` to move "
        "it to OAuth.\n"
        "last check:   never checked\n"
        "secrets:      OS keyring, service 'zendesk-setup', entry 'acme'\n"
        "              holds api_token (never shown)\n"
        f"file:         {config_dir / 'profiles.yaml'}\n"
    )
    assert err == ""
    assert API_TOKEN not in out


def test_show_of_a_file_storage_profile_says_what_the_secret_store_says(config_dir: Path) -> None:
    save(config_dir, "filey", storage="file")
    io_ = streams()

    run_show(ShowOptions(config_dir=str(config_dir)), io_)

    out = written(io_)[0]
    where = f"plain-text file {config_dir / 'secrets.yaml'} (mode 0600, insecure storage), key 'filey'"
    assert f"secrets:      {where}\n" in out
    assert API_TOKEN not in out


def test_token_and_env_write_the_secret_to_the_given_stream(config_dir: Path) -> None:
    save(config_dir)
    token_io, env_io = streams(), streams()

    run_token(TokenOptions(config_dir=str(config_dir)), token_io)
    run_env(EnvOptions(config_dir=str(config_dir), name="acme", format="dotenv"), env_io)

    assert written(token_io) == (f"{API_TOKEN}\n", "")
    cleared = "".join(
        f'{name}=""\n'
        for name in (
            "ZENDESK_DOMAIN", "ZENDESK_BASE_URL", "ZENDESK_OAUTH_TOKEN", "ZENDESK_PASSWORD",
            "ZENDESK_OAUTH_CLIENT_ID", "ZENDESK_OAUTH_CLIENT_SECRET",
        )
    )  # fmt: skip
    assert written(env_io) == (
        f'ZENDESK_SUBDOMAIN="acme"\nZENDESK_EMAIL="{EMAIL}"\nZENDESK_API_TOKEN="{API_TOKEN}"\n' + cleared,
        "",
    )


def test_remove_without_yes_and_without_a_terminal_asks_for_yes(config_dir: Path) -> None:
    save(config_dir)

    with pytest.raises(InputError, match="pass --yes"):
        run_remove(RemoveOptions(config_dir=str(config_dir), name="acme"), streams())

    assert "acme" in ProfileStore(config_dir).load().profiles


@pytest.mark.parametrize(
    ("answer", "code", "out", "err_tail", "kept"),
    [
        ("n\n", 1, "", "Nothing was removed.\n", True),
        ("", 1, "", "Nothing was removed.\n", True),
        ("yes\n", 0, "Removed profile 'acme' and its secrets.\n", "", False),
    ],
    ids=["no", "end of input", "yes"],
)
def test_remove_asks_on_the_given_terminal(
    config_dir: Path, answer: str, code: int, out: str, err_tail: str, kept: bool
) -> None:
    save(config_dir)
    io_ = streams(answer, terminal=True)

    assert run_remove(RemoveOptions(config_dir=str(config_dir), name="acme"), io_) == code

    assert written(io_) == (out, "Remove profile 'acme' and its stored secrets? [y/N] " + err_tail)
    assert ("acme" in ProfileStore(config_dir).load().profiles) is kept
    assert (keyring_fields("acme") is not None) is kept


def test_add_reads_the_api_token_from_the_given_stdin(config_dir: Path) -> None:
    io_ = streams(API_TOKEN + "\n")
    opts = AddOptions(
        config_dir=str(config_dir),
        name="acme",
        subdomain="acme",
        auth="api_token",
        email=EMAIL,
        api_token_stdin=True,
        no_verify=True,
    )

    assert run_add(opts, io_) == 0

    out, err = written(io_)
    assert out == (
        "Saved without checking against Zendesk (--no-verify).\n"
        f"Saved profile 'acme' (default) to {config_dir / 'profiles.yaml'}.\n"
        "Secrets: OS keyring, service 'zendesk-setup', entry 'acme'.\n"
    )
    assert err == "Note: Zendesk switches API tokens off on 2027-04-30; consider --auth oauth.\n"
    assert keyring_fields("acme") == {"api_token": API_TOKEN}


def test_add_with_nothing_piped_in_reads_nothing_from_the_real_stdin(config_dir: Path) -> None:
    opts = AddOptions(
        config_dir=str(config_dir),
        name="acme",
        subdomain="acme",
        auth="api_token",
        email=EMAIL,
        api_token_stdin=True,
        no_verify=True,
    )

    with pytest.raises(InputError, match="empty"):
        run_add(opts, streams(""))

    assert not (config_dir / "profiles.yaml").exists()


def test_options_are_built_from_the_parsed_command_line(tmp_path: Path) -> None:
    argv = [
        "--config-dir", str(tmp_path), "add", "acme", "--subdomain", "acme", "--auth", "oauth",
        "--client-id", "acme_cli", "--scope", "read", "--scope", "users:write", "--port", "8001",
        "--no-browser", "--default",
    ]  # fmt: skip

    options = AddOptions.from_args(cli.build_parser().parse_args(argv))

    assert options == AddOptions(
        config_dir=str(tmp_path),
        name="acme",
        subdomain="acme",
        auth="oauth",
        client_id="acme_cli",
        scopes=("read", "users:write"),
        port=8001,
        no_browser=True,
        make_default=True,
    )


def test_the_fast_parser_gives_the_same_options(tmp_path: Path) -> None:
    argv = ["show", "acme", "--json", "--config-dir", str(tmp_path)]

    built = {ShowOptions.from_args(cli.build_parser(only=only).parse_args(argv)) for only in (None, "show")}

    assert built == {ShowOptions(config_dir=str(tmp_path), name="acme", json=True)}
