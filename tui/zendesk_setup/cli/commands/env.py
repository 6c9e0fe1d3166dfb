"""``zendesk-setup env``: variables for other Zendesk tools, in the names zcli reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.core.errors import EXIT_OK, InputError
from zendesk_setup.core.session import open_session
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class EnvOptions:
    """What ``env`` was asked for."""

    config_dir: str | None
    name: str | None = None
    format: str = "sh"

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> EnvOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, format=args.format)


def quote_sh(value: str) -> str:
    """``value`` in single quotes, safe to paste into a POSIX shell."""
    return "'" + value.replace("'", "'\"'\"'") + "'"


DOTENV_UNSAFE = frozenset('"$`\\')


def quote_dotenv(name: str, value: str) -> str:
    """``value`` in double quotes, read literally by sh, python-dotenv and docker compose alike.

    Those readers disagree on escapes and expansion inside quotes, so a value that would need an escape (a
    double quote, ``$``, a backtick, a backslash, a control character) is refused rather than written in a
    form one of them would run or misread.
    """
    if any(ch in DOTENV_UNSAFE or not ch.isprintable() for ch in value):
        raise InputError(
            f"The value of {name} holds a quote, '$', a backtick, a backslash or a control character, so it "
            "cannot be written safely in dotenv format.",
            hint="Use --format sh or --format json, which quote any value safely.",
        )
    return f'"{value}"'


def run_env(opts: EnvOptions, io: IO) -> int:
    """Write the profile's variables as shell exports, dotenv lines or JSON."""
    session = open_session(opts.name, config_dir=opts.config_dir)
    profile = session.profile
    variables = {"ZENDESK_SUBDOMAIN": profile.subdomain}
    if profile.auth == AuthType.API_TOKEN:
        variables["ZENDESK_EMAIL"] = profile.email or ""
        variables["ZENDESK_API_TOKEN"] = session.token()
    else:
        variables["ZENDESK_OAUTH_TOKEN"] = session.token()
    if opts.format == "json":
        io.print_out(json.dumps(variables, indent=2))
    elif opts.format == "dotenv":
        io.print_out("\n".join(f"{k}={quote_dotenv(k, v)}" for k, v in variables.items()))
    else:
        io.print_out("\n".join(f"export {k}={quote_sh(v)}" for k, v in variables.items()))
    return EXIT_OK
