"""``zendesk-setup token``: the bare secret for scripts, the OAuth access token (refreshed if needed) or API token."""

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
class TokenOptions:
    """What ``token`` was asked for."""

    config_dir: str | None
    name: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> TokenOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name)


def run_token(opts: TokenOptions, io: IO) -> int:
    """Write the profile's bare token."""
    io.print_out(open_session(opts.name, config_dir=opts.config_dir).token())
    return EXIT_OK
