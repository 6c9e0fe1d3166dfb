"""``zendesk-setup rename``: rename a profile; its secrets move with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.paths import config_dir as resolve_config_dir
from zendesk_setup.core.service import CredentialsService

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class RenameOptions:
    """What ``rename`` was asked for."""

    config_dir: str | None
    old: str
    new: str

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RenameOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), old=args.old, new=args.new)


def run_rename(opts: RenameOptions, io: IO) -> int:
    """Rename the profile, move its secrets and say so."""
    CredentialsService(resolve_config_dir(opts.config_dir)).rename(opts.old, opts.new)
    io.print_out(f"Renamed '{opts.old}' to '{opts.new}'.")
    return EXIT_OK
