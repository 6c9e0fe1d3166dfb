"""``zendesk-setup test``: check a profile against Zendesk and record the result; exit 0 when it works."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store, scope_report
from zendesk_setup.core.errors import EXIT_OK, SetupError
from zendesk_setup.core.expiry import profile_expiry, today_utc
from zendesk_setup.core.service import CredentialsService

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class TestOptions:
    """What ``test`` was asked for."""

    __test__ = False  # its name starts with "Test", but it is no pytest test class

    config_dir: str | None
    name: str | None = None
    json: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> TestOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, json=args.json)


def run_test(opts: TestOptions, io: IO) -> int:
    """Check the profile against Zendesk, record the outcome and write who it signs in as."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    profile = service.store.resolve(opts.name)
    notify = None if opts.json else io.print_err
    try:
        identity = service.test(profile, notify=notify)
    except SetupError as exc:
        if opts.json:
            io.print_out(json.dumps({"ok": False, "profile": profile.name, "error": exc.message, "hint": exc.hint}))
        raise
    result: dict[str, Any] = {
        "ok": True,
        "profile": profile.name,
        "user": {"id": identity.user_id, "name": identity.name, "email": identity.email, "role": identity.role},
        "account_url": identity.account_url,
    }
    saved = service.store.load().profiles.get(profile.name, profile)  # with the expiry a refresh just recorded
    expiry = profile_expiry(saved)
    result["expires"] = expiry.to_json(today_utc()) if expiry is not None else None
    difference = scope_report(profile, identity)
    if identity.scopes is not None:
        result["granted_scopes"] = list(identity.scopes)
        result["requested_scopes"] = list(profile.scopes)
    if opts.json:
        io.print_out(json.dumps(result, indent=2))
    else:
        io.print_out(f"OK: profile '{profile.name}' signs in as {identity.describe()}.")
        if difference:
            io.print_err(difference)
    return EXIT_OK

