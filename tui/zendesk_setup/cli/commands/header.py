"""``zendesk-setup header``: the full Authorization header value ("Bearer ..." or "Basic ...")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.session import open_session

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class HeaderOptions:
    """What ``header`` was asked for."""

    config_dir: str | None
    name: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> HeaderOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name)


def run_header(opts: HeaderOptions, io: IO) -> int:
    """Write the profile's Authorization header value."""
    io.print_out(open_session(opts.name, config_dir=opts.config_dir).auth_header())
    return EXIT_OK
