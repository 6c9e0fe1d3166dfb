"""Performance budget, import side: OAuth profiles with a valid token give token/header/env without httpx.

The API-token paths are covered by test_import_hygiene.py; this adds OAuth and client-credentials
profiles whose stored access token is still valid (no network call is needed, so neither httpx nor
the callback server may load), and shows the converse: an expired token does load httpx and refreshes.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.fake_zendesk import FakeZendesk
from tests.module_probe import run_probe as run_cli
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

ACCESS = "budget-access-token-0123456789abcdef"
HEAVY = ("textual", "rich", "httpx", "httpcore", "http.server")


def oauth_fields(expires_in: float, **extra: object) -> dict[str, object]:
    """Stored OAuth secret fields whose access token expires ``expires_in`` seconds from now."""
    now = time.time()
    return {
        "access_token": ACCESS,
        "refresh_token": "budget-refresh-token-0123456789",
        "access_expires_at": now + expires_in,
        "refresh_expires_at": now + 30 * 86400,
        "granted_scopes": ["read"],
        **extra,
    }


@pytest.fixture
def valid_oauth_profiles(config_dir: Path) -> None:
    """An OAuth (public) and a client-credentials profile, each with a valid token; nothing listens at the URL."""
    store = ProfileStore(config_dir)
    oauth = Profile(
        name="acme",
        subdomain="acme",
        auth="oauth",
        client_id="acme_cli",
        client_kind="public",
        scopes=("read",),
        base_url="http://127.0.0.1:9",
    )
    save_profile(store, oauth, oauth_fields(3600), make_default=True)
    robot = Profile(
        name="robot",
        subdomain="acme",
        auth="client_credentials",
        client_id="acme_robot",
        client_kind="confidential",
        scopes=("read",),
        base_url="http://127.0.0.1:9",
    )
    save_profile(store, robot, oauth_fields(3600, client_secret="budget-client-secret-0123456789"))


@pytest.mark.usefixtures("valid_oauth_profiles")
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["token"], ACCESS),
        (["header"], f"Bearer {ACCESS}"),
        (["env"], f"export ZENDESK_OAUTH_TOKEN='{ACCESS}'"),
        (["token", "robot"], ACCESS),
        (["header", "robot"], f"Bearer {ACCESS}"),
        (["env", "robot", "--format", "json"], f'"ZENDESK_OAUTH_TOKEN": "{ACCESS}"'),
        (["show", "acme"], "redirect url: http://127.0.0.1:47123/callback"),
        (["list"], "robot"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_valid_oauth_token_paths_load_no_http_stack(tmp_path: Path, argv: list[str], expected: str) -> None:
    code, out, modules = run_cli(tmp_path, *argv)
    assert code == 0
    assert expected in out
    assert not modules & set(HEAVY), f"{' '.join(argv)} loaded {sorted(modules & set(HEAVY))}"


@pytest.mark.usefixtures("valid_oauth_profiles")
@pytest.mark.parametrize(
    "argv",
    [["token"], ["header"], ["token", "robot"], ["header", "robot"], ["env"], ["show", "acme"], ["list"]],
    ids=" ".join,
)
def test_a_bare_script_command_loads_no_argument_parser(tmp_path: Path, argv: list[str]) -> None:
    code, _, modules = run_cli(tmp_path, *argv)
    assert code == 0
    assert not modules & {"argparse", "gettext"}, f"{' '.join(argv)} loaded argparse"
    if argv[0] in ("token", "header", "env"):
        assert "zendesk_setup.core.expiry" not in modules


@pytest.mark.usefixtures("valid_oauth_profiles")
@pytest.mark.parametrize("argv", [["token"], ["header"], ["token", "robot"], ["env", "robot"]], ids=" ".join)
def test_a_valid_token_is_handed_out_without_writing_anything(
    tmp_path: Path, config_dir: Path, keyring_file: Path, argv: list[str]
) -> None:
    def state() -> dict[str, tuple[int, int]]:
        files = [*config_dir.iterdir(), keyring_file]
        return {str(path): (path.stat().st_mtime_ns, path.stat().st_size) for path in files}

    before = state()
    code, out, _ = run_cli(tmp_path, *argv)
    assert code == 0
    assert ACCESS in out
    assert state() == before


def test_an_expired_token_is_the_one_case_that_loads_httpx(tmp_path: Path, config_dir: Path, fake: FakeZendesk) -> None:
    from zendesk_setup.core import oauth
    from zendesk_setup.core.redirect import redirect_uri_for
    from zendesk_setup.core.zendesk import new_http_client

    fake.add_client("acme_cli", kind="public")
    redirect = redirect_uri_for(47123)
    pkce = oauth.new_pkce()
    code = fake.issue_code("acme_cli", redirect, ["read"], code_challenge=pkce.challenge)
    with new_http_client(fake.url) as http:
        issued = oauth.exchange_code(
            http,
            fake.url,
            client_id="acme_cli",
            code=code,
            code_verifier=pkce.verifier,
            redirect_uri=redirect,
            scopes=["read"],
        )
    profile = Profile(
        name="acme",
        subdomain="acme",
        auth="oauth",
        client_id="acme_cli",
        client_kind="public",
        scopes=("read",),
        base_url=fake.url,
    )
    fields = oauth_fields(-10)
    fields["refresh_token"] = issued.refresh_token.reveal() if issued.refresh_token else None
    save_profile(ProfileStore(config_dir), profile, fields, make_default=True)

    exit_code, out, modules = run_cli(tmp_path, "token")

    assert exit_code == 0
    assert out.strip() not in ("", ACCESS)
    assert out.strip() in fake.live_access_tokens()
    assert "httpx" in modules
    assert "textual" not in modules


@pytest.mark.parametrize(
    "argv",
    [
        ["token"],
        ["token", "acme", "extra"],
        ["token", "--help"],
        ["header", "-h"],
        ["env", "--format", "json"],
        ["env", "--format", "yaml"],
        ["list", "--json"],
        ["list", "--bogus"],
        ["show", "acme", "--json"],
        ["--config-dir", "somewhere", "token"],
        ["--config-dir=somewhere", "list"],
        ["token", "--config-dir", "somewhere"],
        ["--config", "somewhere", "header"],
    ],
    ids=" ".join,
)
def test_the_script_fast_parser_parses_exactly_like_the_full_one(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from zendesk_setup import cli

    outcomes = []
    for only in (None, cli._fast_command(argv)):
        try:
            outcome: object = vars(cli.build_parser(only=only).parse_args(argv))
        except SystemExit as exc:
            outcome = exc.code
        outcomes.append((outcome, capsys.readouterr()))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["token"],
        ["token", "acme"],
        ["header"],
        ["header", "acme-2.b_c"],
        ["env"],
        ["env", "acme"],
        ["show"],
        ["show", "acme"],
        ["list"],
        ["token", "list"],
        ["header", ""],
    ],
    ids=lambda argv: " ".join(argv) or "(none)",
)
def test_the_short_form_gives_what_the_parser_gives(argv: list[str]) -> None:
    from zendesk_setup import cli

    short = cli._short_form(argv)
    assert short is not None
    assert vars(short) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["list", "acme"],
        ["token", "-h"],
        ["token", "--refresh"],
        ["token", "acme", "extra"],
        ["token", "--", "acme"],
        ["show", "--json"],
        ["env", "--format", "json"],
        ["--config-dir", "x", "token"],
        ["exec", "acme"],
        ["api", "/api/v2/users/me.json"],
        ["add", "acme"],
        ["--version"],
    ],
    ids=lambda argv: " ".join(argv) or "(none)",
)
def test_anything_more_goes_to_the_parser(argv: list[str]) -> None:
    from zendesk_setup import cli

    assert cli._short_form(argv) is None


def test_only_script_commands_take_the_fast_parser() -> None:
    from zendesk_setup import cli

    assert cli._fast_command(["--config-dir", "x", "token", "acme"]) == "token"
    assert cli._fast_command(["add", "acme"]) is None
    assert cli._fast_command(["--version"]) is None
    assert cli._fast_command([]) is None
