"""``zendesk-setup header``: the full Authorization header value ("Bearer ..." or "Basic ...")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import warn_short_token
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.session import REFRESH_MARGIN, open_session

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class HeaderOptions:
    """What ``header`` was asked for."""

    config_dir: str | None
    name: str | None = None
    min_ttl: float | None = None
    refresh: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> HeaderOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, min_ttl=args.min_ttl, refresh=args.refresh)


def run_header(opts: HeaderOptions, io: IO) -> int:
    """Write the profile's Authorization header value."""
    session = open_session(opts.name, config_dir=opts.config_dir)
    min_ttl = REFRESH_MARGIN if opts.min_ttl is None else opts.min_ttl
    io.print_out(session.auth_header(min_ttl=min_ttl, force_refresh=opts.refresh))
    warn_short_token(session, min_ttl, io)
    return EXIT_OK
