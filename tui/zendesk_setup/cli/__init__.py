"""The command line: parse, build the command's options and run it on the real streams. Imports no Textual.

Each command lives in ``zendesk_setup.cli.commands.<name>`` as an options dataclass built from the parsed
arguments and a ``run_<name>(options, io)`` function that writes only to the injected ``IO`` streams.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NoReturn

from zendesk_setup import __version__
from zendesk_setup.cli.streams import IO
from zendesk_setup.core.errors import EXIT_FAILED, EXIT_STORAGE, EXIT_USAGE, SetupError
from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF, AuthType, ClientKind

if TYPE_CHECKING:
    import argparse

PROG = "zendesk-setup"

DESCRIPTION = """\
Set up, verify and safely store Zendesk API credentials.

Run without a command to open the terminal wizard. Profiles live in profiles.yaml
(no secrets); secrets live in the OS keyring (service 'zendesk-setup')."""

EPILOG = """\
exit codes: 0 success, 1 the check or the Zendesk call failed, 2 bad usage or input,
            3 local storage problem (config file or keyring)

environment: ZENDESK_SETUP_CONFIG_DIR (config folder), ZENDESK_SETUP_PROFILE (profile used when
             NAME is left out)

examples:
  zendesk-setup                                  open the wizard
  zendesk-setup add acme --subdomain acme --auth oauth --client-id acme_cli --scope read
  printf %s "$TOKEN" | zendesk-setup add acme --subdomain acme --auth api_token \\
        --email ada@acme.test --api-token-stdin
  curl -H "Authorization: $(zendesk-setup header acme)" https://acme.zendesk.com/api/v2/users/me.json
  eval "$(zendesk-setup env acme)"
"""


@functools.cache
def _parser_class() -> type[argparse.ArgumentParser]:
    """The CLI's ArgumentParser class, made on first use (argparse loads only when a command line needs parsing)."""
    import argparse

    class Parser(argparse.ArgumentParser):
        """An ArgumentParser whose errors are one plain sentence and exit code 2."""

        def error(self, message: str) -> NoReturn:
            self.print_usage(sys.stderr)
            self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    return Parser


FAST_COMMANDS = frozenset({"token", "header", "env", "list", "show", "exec", "api"})
FRESHNESS_DEFAULTS = {"min_ttl": None, "refresh": False}
SHORT_FORMS: dict[str, dict[str, Any]] = {
    "token": {"name": None, **FRESHNESS_DEFAULTS},
    "header": {"name": None, **FRESHNESS_DEFAULTS},
    "env": {"name": None, "format": "sh", **FRESHNESS_DEFAULTS},
    "show": {"name": None, "json": False},
    "list": {"json": False},
}


class _Unused:
    """Stands in for the subparser of a command that is not being run, so scripts skip building it."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        """Ignore the argument."""

    def add_subparsers(self, *args: Any, **kwargs: Any) -> _Unused:
        """Ignore the sub-commands (``client create`` and the like)."""
        return self

    def add_parser(self, *args: Any, **kwargs: Any) -> _Unused:
        """Ignore the sub-command."""
        return self


def positive_seconds(text: str) -> float:
    """An argparse type: a finite number of seconds above zero (``inf``, ``nan``, 0 and below are refused)."""
    import argparse

    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above zero")
    return seconds


def seconds_or_zero(text: str) -> float:
    """An argparse type: a finite number of seconds, zero or more."""
    import argparse

    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds, zero or more")
    return seconds


def add_freshness(parser: argparse.ArgumentParser) -> None:
    """``--min-ttl SECONDS`` and ``--refresh``, shared by the commands that hand out a token."""
    parser.add_argument(
        "--min-ttl",
        type=seconds_or_zero,
        default=None,
        metavar="SECONDS",
        help="refresh the OAuth token first when it has less than this left (default 60)",
    )
    parser.add_argument("--refresh", action="store_true", help="refresh the OAuth token now (ignored for API tokens)")


def _fast_command(argv: Sequence[str]) -> str | None:
    """The script-facing command ``argv`` runs, when only ``--config-dir`` comes before it."""
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg == "--config-dir":
            skip_value = True
        elif not arg.startswith("--config-dir="):
            return arg if arg in FAST_COMMANDS else None
    return None


def _short_form(argv: Sequence[str]) -> SimpleNamespace | None:
    """What the parser returns for a script command alone or with a profile name (``token``, ``header acme``).

    Those need no parser: the command's defaults, plus the name. Anything else (an option, a second word, a
    name that starts with ``-``) returns None and goes to argparse.
    """
    if not argv or len(argv) > 2 or argv[0] not in SHORT_FORMS:
        return None
    values = {"command": argv[0], **SHORT_FORMS[argv[0]]}
    if len(argv) == 2:
        if "name" not in values or argv[1].startswith("-"):
            return None
        values["name"] = argv[1]
    return SimpleNamespace(**values)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser for every subcommand, or with ``only`` for that one alone (the same parse, faster)."""
    import argparse

    parser_class = _parser_class()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="config folder (default: $ZENDESK_SETUP_CONFIG_DIR or the platform's user config dir)",
    )
    parser = parser_class(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)

    def command(name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return _Unused()  # type: ignore[return-value]
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common], **kwargs)

    p = command("new", "open the terminal wizard for a new profile")
    p.add_argument("name", nargs="?", metavar="NAME", help="name for the new profile")
    p = command("edit", "open the terminal wizard on a saved profile, pre-filled")
    p.add_argument("name", metavar="NAME")

    p = command("list", "list saved profiles; the default is marked with *")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("show", "show one profile's settings and where its secrets live (never a secret)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("test", "check the profile against Zendesk; exit 0 when the credentials work")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("token", "print the bare token for scripts (OAuth access token, refreshed if needed, or API token)")
    p.add_argument("name", nargs="?", metavar="NAME")
    add_freshness(p)
    p = command("header", 'print the full Authorization header value ("Bearer ..." or "Basic ...")')
    p.add_argument("name", nargs="?", metavar="NAME")
    add_freshness(p)
    p = command("env", "print variables for other Zendesk tools (the names zcli reads)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument(
        "--format",
        choices=("sh", "dotenv", "json", "github"),
        default="sh",
        help="output format (default: sh); github masks the secrets and appends to $GITHUB_ENV",
    )
    add_freshness(p)
    p = command("exec", "run a command with the profile's variables (as env sets them): exec [NAME] -- COMMAND ...")
    p.add_argument("name", nargs="?", metavar="NAME")
    add_freshness(p)
    p = command(
        "api",
        "an authorised request to the profile's base URL; JSON to stdout",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "PATH is relative to the profile's base URL, e.g. /api/v2/users/me.json; a URL to another host is\n"
            "refused. -f key=value goes to the query string of a GET, else into a JSON body (key[sub]=v nests).\n"
            "--paginate follows cursor (meta.has_more, links.next) and offset (next_page) pagination."
        ),
    )
    p.add_argument("args", nargs="+", metavar="[NAME] PATH")
    p.add_argument("-X", "--method", default=None, help="HTTP method (default GET, or POST with a body)")
    p.add_argument("-f", "--field", action="append", default=[], metavar="KEY=VALUE", help="a parameter (repeatable)")
    p.add_argument("--input", metavar="FILE", help="the request body from FILE, or - for standard input")
    p.add_argument("--paginate", action="store_true", help="fetch every page, one JSON document per line")
    p.add_argument("--flat", metavar="KEY", help="with --paginate: print each record of the list KEY on its own line")
    p.add_argument("--include", "-i", action="store_true", help="print the status line and response headers too")

    p = command(
        "add",
        "add a profile without the wizard (checks the credentials before saving)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "API tokens are retired by Zendesk on "
            f"{API_TOKEN_SHUTOFF.isoformat()}; prefer --auth oauth.\n"
            "The redirect URL to register on an OAuth client is http://127.0.0.1:PORT/callback "
            "(default port 47123)."
        ),
    )
    p.add_argument("name", metavar="NAME", help="profile name (letters, digits, '.', '_', '-')")
    p.add_argument("--subdomain", required=True, help="acme, acme.zendesk.com or a full Zendesk URL")
    p.add_argument("--auth", choices=[kind.value for kind in AuthType], default=AuthType.OAUTH.value)
    p.add_argument("--email", help="agent email (api_token)")
    p.add_argument("--api-token-stdin", action="store_true", help="read the API token from standard input")
    p.add_argument("--client-id", help="OAuth client identifier (not the numeric id)")
    p.add_argument("--client-secret-stdin", action="store_true", help="read the client secret from standard input")
    p.add_argument("--scope", nargs="+", action="extend", default=[], metavar="SCOPE", help="OAuth scopes")
    p.add_argument("--port", type=int, help="loopback port for the OAuth redirect (default 47123)")
    p.add_argument("--no-browser", action="store_true", help="print the consent URL and accept the pasted redirect")
    p.add_argument("--timeout", type=positive_seconds, default=300.0, help="seconds to wait for consent (default 300)")
    p.add_argument("--base-url", help="custom base URL (https, or http on loopback only)")
    p.add_argument("--no-verify", action="store_true", help="save without checking against Zendesk")
    p.add_argument("--default", action="store_true", help="make this the default profile")
    p.add_argument(
        "--insecure-storage",
        action="store_true",
        help="store secrets in a 0600 secrets.yaml instead of the OS keyring (not recommended)",
    )
    p.add_argument(
        "--create-client",
        action="store_true",
        help="create the OAuth client through --using (public for oauth, confidential for client_credentials)",
    )
    p.add_argument("--using", metavar="ADMIN", help="the admin profile that creates the client (--create-client)")

    p = command("login", "consent again for a saved OAuth profile, keeping its settings, and store the new tokens")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--port", type=int, help="loopback port for this consent's redirect (default: the profile's)")
    p.add_argument("--no-browser", action="store_true", help="print the consent URL and accept the pasted redirect")
    p.add_argument("--timeout", type=positive_seconds, default=300.0, help="seconds to wait for consent (default 300)")

    p = command(
        "migrate",
        "move an API-token profile to OAuth in place: creates the client, consents, checks, same name",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            f"Zendesk switches API tokens off on {API_TOKEN_SHUTOFF.isoformat()}.\n"
            "The profile's user must be a Zendesk admin to create the client; otherwise pass --client-id with a "
            "client an admin made\nfor http://127.0.0.1:PORT/callback. Nothing changes unless every step succeeds."
        ),
    )
    p.add_argument("name", metavar="NAME", help="the API-token profile to migrate")
    p.add_argument(
        "--to",
        choices=[AuthType.OAUTH.value, AuthType.CLIENT_CREDENTIALS.value],
        default=AuthType.OAUTH.value,
        help="oauth (browser consent, default) or client_credentials (a confidential client, no browser)",
    )
    p.add_argument(
        "--scope", nargs="+", action="extend", default=[], metavar="SCOPE", help="OAuth scopes (default: read write)"
    )
    p.add_argument("--client-id", help="use this existing OAuth client (its identifier) instead of creating one")
    p.add_argument("--port", type=int, help="loopback port for the OAuth redirect (default 47123)")
    p.add_argument("--no-browser", action="store_true", help="print the consent URL and accept the pasted redirect")
    p.add_argument("--timeout", type=positive_seconds, default=300.0, help="seconds to wait for consent (default 300)")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    p = command("rotate", "give a profile's OAuth client a new secret through an admin profile, and store it")
    p.add_argument("name", metavar="NAME", help="a client_credentials or confidential oauth profile")
    using_help = "an admin's profile (API token, or OAuth with write)"
    p.add_argument("--using", required=True, metavar="ADMIN", help=using_help)

    p = command("client", "create, list or delete OAuth clients through an admin profile (for other integrations)")
    client_sub = p.add_subparsers(dest="client_action", metavar="ACTION", required=True, parser_class=parser_class)
    c = client_sub.add_parser(
        "create", help="create a client and print what an integration's form asks for", parents=[common]
    )
    c.add_argument("--using", required=True, metavar="ADMIN", help=using_help)
    c.add_argument("--name", required=True, help="the client's name, shown in Admin Center")
    c.add_argument(
        "--redirect-url", required=True, action="append", metavar="URL", help="the integration's redirect URL"
    )
    c.add_argument("--kind", choices=[k.value for k in ClientKind], default=ClientKind.CONFIDENTIAL.value)
    c.add_argument("--identifier", help="the client identifier (default: from the name, plus a random suffix)")
    c.add_argument("--scope", nargs="+", action="extend", default=[], metavar="SCOPE", help="scopes to print")
    c.add_argument("--show-secret", action="store_true", help="print the secret even on a terminal")
    c.add_argument("--json", action="store_true", help="print JSON")
    c = client_sub.add_parser("list", help="list the account's OAuth clients", parents=[common])
    c.add_argument("--using", required=True, metavar="ADMIN", help=using_help)
    c.add_argument("--json", action="store_true", help="print JSON")
    c = client_sub.add_parser("delete", help="delete a client (every token it issued stops working)", parents=[common])
    c.add_argument("id", type=int, metavar="ID", help="the client's numeric id (see client list)")
    c.add_argument("--using", required=True, metavar="ADMIN", help=using_help)
    c.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    c = client_sub.add_parser("secret", help="make a new secret for a client and print it once", parents=[common])
    c.add_argument("id", type=int, metavar="ID", help="the client's numeric id (see client list)")
    c.add_argument("--using", required=True, metavar="ADMIN", help=using_help)
    c.add_argument("--scope", nargs="+", action="extend", default=[], metavar="SCOPE", help="scopes to print")
    c.add_argument("--show-secret", action="store_true", help="print the secret even on a terminal")
    c.add_argument("--json", action="store_true", help="print JSON")

    p = command("default", "make a profile the default")
    p.add_argument("name", metavar="NAME")
    p = command("rename", "rename a profile (its secrets move with it)")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p = command("remove", "remove a profile and its secrets")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--revoke", action="store_true", help="revoke the OAuth token on Zendesk first")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    return parser


Builder = Callable[["argparse.Namespace"], Any]
Runner = Callable[[Any, IO], int]


def config_dir_arg(args: argparse.Namespace) -> str | None:
    """The ``--config-dir`` given before or after the command, or None."""
    return getattr(args, "config_dir", None)


def _command(name: str | None) -> tuple[Builder, Runner]:
    """The options builder and run function of the command ``name``, importing that command's module only."""
    match name:
        case "list":
            from zendesk_setup.cli.commands.list import ListOptions, run_list

            return ListOptions.from_args, run_list
        case "show":
            from zendesk_setup.cli.commands.show import ShowOptions, run_show

            return ShowOptions.from_args, run_show
        case "test":
            from zendesk_setup.cli.commands.test import TestOptions, run_test

            return TestOptions.from_args, run_test
        case "token":
            from zendesk_setup.cli.commands.token import TokenOptions, run_token

            return TokenOptions.from_args, run_token
        case "header":
            from zendesk_setup.cli.commands.header import HeaderOptions, run_header

            return HeaderOptions.from_args, run_header
        case "env":
            from zendesk_setup.cli.commands.env import EnvOptions, run_env

            return EnvOptions.from_args, run_env
        case "exec":
            from zendesk_setup.cli.commands.exec import ExecOptions, run_exec

            return ExecOptions.from_args, run_exec
        case "api":
            from zendesk_setup.cli.commands.api import ApiOptions, run_api

            return ApiOptions.from_args, run_api
        case "add":
            from zendesk_setup.cli.commands.add import AddOptions, run_add

            return AddOptions.from_args, run_add
        case "login":
            from zendesk_setup.cli.commands.login import LoginOptions, run_login

            return LoginOptions.from_args, run_login
        case "migrate":
            from zendesk_setup.cli.commands.migrate import MigrateOptions, run_migrate

            return MigrateOptions.from_args, run_migrate
        case "rotate":
            from zendesk_setup.cli.commands.rotate import RotateOptions, run_rotate

            return RotateOptions.from_args, run_rotate
        case "client":
            from zendesk_setup.cli.commands.client import ClientOptions, run_client

            return ClientOptions.from_args, run_client
        case "default":
            from zendesk_setup.cli.commands.default import DefaultOptions, run_default

            return DefaultOptions.from_args, run_default
        case "rename":
            from zendesk_setup.cli.commands.rename import RenameOptions, run_rename

            return RenameOptions.from_args, run_rename
        case "remove":
            from zendesk_setup.cli.commands.remove import RemoveOptions, run_remove

            return RemoveOptions.from_args, run_remove
        case _:
            from zendesk_setup.cli.commands.wizard import WizardOptions, run_wizard

            return WizardOptions.from_args, run_wizard


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code; never lets a traceback reach the user."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command_argv = None
    if _fast_command(argv) == "exec" and "--" in argv:
        argv, command_argv = argv[: argv.index("--")], argv[argv.index("--") + 1 :]
    args: Any = _short_form(argv)
    if args is None:
        parser = build_parser(only=_fast_command(argv))
        if _fast_command(argv) == "api":
            # NAME and PATH may sit on either side of options (api acme --paginate /api/v2/tickets.json).
            args, extra = parser.parse_known_args(argv)
            if any(item.startswith("-") for item in extra):
                parser.error(f"unrecognized arguments: {' '.join(extra)}")
            args.args += extra
        else:
            args = parser.parse_args(argv)
    if args.command == "exec":
        args.command_argv = command_argv or []
    io = IO()
    try:
        build_options, run = _command(args.command)
        return run(build_options(args), io)
    except SetupError as exc:
        io.print_err(f"{PROG}: {exc.message}")
        if exc.hint:
            io.print_err(exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        io.print_err(f"{PROG}: interrupted; nothing more was changed.")
        return 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        return EXIT_FAILED
    except Exception as exc:
        io.print_err(f"{PROG}: unexpected internal error ({type(exc).__name__}); nothing more was changed.")
        io.print_err("Please report this with the command you ran (do not include any secret).")
        return EXIT_STORAGE if isinstance(exc, OSError) else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
