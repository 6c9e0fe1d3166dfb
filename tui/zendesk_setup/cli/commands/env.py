"""``zendesk-setup env``: variables for other Zendesk tools, in the names zcli reads."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import warn_short_token
from zendesk_setup.core.envvars import ProfileVariables, profile_variables
from zendesk_setup.core.errors import EXIT_OK, InputError, StorageError
from zendesk_setup.core.session import REFRESH_MARGIN, open_session

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class EnvOptions:
    """What ``env`` was asked for."""

    config_dir: str | None
    name: str | None = None
    format: str = "sh"
    min_ttl: float | None = None
    refresh: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> EnvOptions:
        """The options from the parsed command line."""
        return cls(
            config_dir=config_dir_arg(args),
            name=args.name,
            format=args.format,
            min_ttl=args.min_ttl,
            refresh=args.refresh,
        )


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


def github_line(name: str, value: str) -> str:
    """One ``NAME=value`` line for ``$GITHUB_ENV``; a value that could start another line is refused."""
    if any(not ch.isprintable() for ch in value):
        raise InputError(f"The value of {name} holds a control character, so it cannot go into $GITHUB_ENV.")
    return f"{name}={value}"


def write_github(variables: ProfileVariables, io: IO) -> None:
    """Mask the secrets (``::add-mask::``) and append the variables to ``$GITHUB_ENV``, or print them without it."""
    revealed = variables.revealed()
    lines = [github_line(k, v) for k, v in revealed.items()] + [f"{k}=" for k in variables.cleared]
    for secret in variables.secrets():
        io.print_out(f"::add-mask::{secret}")
    target = os.environ.get("GITHUB_ENV")
    if not target:
        io.print_out("\n".join(lines))
        io.print_err("Note: $GITHUB_ENV is not set, so the variables were printed instead of appended to it.")
        return
    io.out.flush()
    try:
        with open(target, "a", encoding="utf-8") as github_env:
            github_env.write("\n".join(lines) + "\n")
    except OSError as exc:
        raise StorageError(f"Could not append to $GITHUB_ENV ({exc.strerror or type(exc).__name__}).") from None
    io.print_err(f"Appended {len(revealed)} variables to $GITHUB_ENV and cleared {len(variables.cleared)}.")


def run_env(opts: EnvOptions, io: IO) -> int:
    """Write the profile's variables as shell exports, dotenv lines, JSON or GitHub Actions commands."""
    session = open_session(opts.name, config_dir=opts.config_dir)
    min_ttl = REFRESH_MARGIN if opts.min_ttl is None else opts.min_ttl
    variables = profile_variables(session, min_ttl=min_ttl, force_refresh=opts.refresh)
    revealed = variables.revealed()
    if opts.format == "json":
        io.print_out(json.dumps(revealed | dict.fromkeys(variables.cleared, ""), indent=2))
    elif opts.format == "dotenv":
        lines = [f"{k}={quote_dotenv(k, v)}" for k, v in revealed.items()]
        io.print_out("\n".join(lines + [f'{k}=""' for k in variables.cleared]))
    elif opts.format == "github":
        write_github(variables, io)
    else:
        lines = [f"export {k}={quote_sh(v)}" for k, v in revealed.items()]
        if variables.cleared:
            lines.insert(0, "unset " + " ".join(variables.cleared))
        io.print_out("\n".join(lines))
    if variables.note:
        io.print_err(variables.note)
    warn_short_token(session, min_ttl, io)
    return EXIT_OK
