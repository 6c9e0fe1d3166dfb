"""``zendesk-setup rotate``: a new client secret through an admin profile, stored at once and checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.provision import Provisioner
from zendesk_setup.core.service import CredentialsService

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class RotateOptions:
    """What ``rotate`` was asked for: the profile whose client secret is replaced, and the admin profile."""

    config_dir: str | None
    name: str
    using: str

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RotateOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, using=args.using)


def run_rotate(opts: RotateOptions, io: IO) -> int:
    """Regenerate the client secret of a confidential profile, store it, and check the profile works with it."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    profile, check = Provisioner(service, notify=io.print_err).rotate(opts.name, opts.using)
    io.print_out(f"Rotated the client secret of profile '{profile.name}' and stored the new one.")
    io.print_out(f"Checked: signs in as {check.identity.describe()}.")
    return EXIT_OK
