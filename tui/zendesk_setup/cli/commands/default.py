"""``zendesk-setup default``: make a profile the default."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store
from zendesk_setup.core.errors import EXIT_OK

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class DefaultOptions:
    """What ``default`` was asked for."""

    config_dir: str | None
    name: str

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> DefaultOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name)


def run_default(opts: DefaultOptions, io: IO) -> int:
    """Make the profile the default and say so."""
    profile_store(opts.config_dir).set_default(opts.name)
    io.print_out(f"'{opts.name}' is now the default profile.")
    return EXIT_OK
