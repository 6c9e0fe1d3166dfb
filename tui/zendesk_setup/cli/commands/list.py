"""``zendesk-setup list``: the saved profiles, the default marked with *."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import last_check, profile_json, profile_store
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.expiry import expiry_cell, today_utc

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class ListOptions:
    """What ``list`` was asked for."""

    config_dir: str | None
    json: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ListOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), json=args.json)


def run_list(opts: ListOptions, io: IO) -> int:
    """Write the saved profiles as a table, or as JSON."""
    document = profile_store(opts.config_dir).load()
    if opts.json:
        io.print_out(json.dumps([profile_json(p, document.default) for p in document.profiles.values()], indent=2))
        return EXIT_OK
    if not document.profiles:
        io.print_out("No profiles yet. Run `zendesk-setup` to create one.")
        return EXIT_OK
    today = today_utc()
    rows = [("", "NAME", "SUBDOMAIN", "AUTH", "EXPIRES", "LAST CHECK")]
    for profile in document.profiles.values():
        marker = "*" if profile.name == document.default else ""
        host = profile.subdomain if not profile.base_url else f"{profile.subdomain} ({profile.base_url})"
        rows.append((marker, profile.name, host, profile.auth, expiry_cell(profile, today), last_check(profile)))
    widths = [max(map(len, column)) for column in list(zip(*rows, strict=True))[:5]]
    line = "  ".join(f"{{:<{width}}}" for width in widths) + "  {}"
    io.out.write("\n".join(line.format(*row).rstrip() for row in rows) + "\n")
    return EXIT_OK
