"""``zendesk-setup exec [NAME] -- COMMAND ARGS...``: run a command with the profile's variables, as ``env`` sets them.

The command replaces this process (``execvpe``), so its exit code and any signal reach the caller unchanged and
no copy of the token is written anywhere: it lives only in the new process's environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import warn_short_token
from zendesk_setup.core.envvars import profile_variables
from zendesk_setup.core.errors import InputError, one_line
from zendesk_setup.core.session import REFRESH_MARGIN, open_session

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO

EXIT_NOT_FOUND = 127
EXIT_CANNOT_RUN = 126


@dataclass(frozen=True)
class ExecOptions:
    """What ``exec`` was asked for."""

    config_dir: str | None
    name: str | None = None
    command: tuple[str, ...] = field(default_factory=tuple)
    min_ttl: float | None = None
    refresh: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ExecOptions:
        """The options from the parsed command line (the command is what followed ``--``)."""
        return cls(
            config_dir=config_dir_arg(args),
            name=args.name,
            command=tuple(getattr(args, "command_argv", ())),
            min_ttl=args.min_ttl,
            refresh=args.refresh,
        )


def child_environment(base: dict[str, str], values: dict[str, str], cleared: tuple[str, ...]) -> dict[str, str]:
    """``base`` with the profile's variables set and every other Zendesk variable removed."""
    environment = {name: value for name, value in base.items() if name not in cleared}
    environment.update(values)
    return environment


def run_exec(opts: ExecOptions, io: IO) -> int:
    """Replace this process with the command, its environment carrying the profile's variables."""
    if not opts.command:
        raise InputError(
            "Name the command to run after --, for example: zendesk-setup exec acme -- zcli themes:list."
        )
    session = open_session(opts.name, config_dir=opts.config_dir)
    min_ttl = REFRESH_MARGIN if opts.min_ttl is None else opts.min_ttl
    variables = profile_variables(session, min_ttl=min_ttl, force_refresh=opts.refresh)
    if variables.note:
        io.print_err(variables.note)
    warn_short_token(session, min_ttl, io)
    environment = child_environment(dict(os.environ), variables.revealed(), variables.cleared)
    io.out.flush()
    io.err.flush()
    program = opts.command[0]
    shown = one_line(program)
    try:
        os.execvpe(program, list(opts.command), environment)
    except FileNotFoundError:
        io.print_err(f"zendesk-setup: {shown}: command not found.")
        return EXIT_NOT_FOUND
    except OSError as exc:
        io.print_err(f"zendesk-setup: {shown}: cannot run it ({exc.strerror or type(exc).__name__}).")
        return EXIT_CANNOT_RUN
    raise AssertionError("execvpe returned")  # pragma: no cover - execvpe either replaces us or raises
