"""``zendesk-setup test``: check a profile against Zendesk and record the result; exit 0 when it works."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store, scope_report
from zendesk_setup.core.actions import check_record
from zendesk_setup.core.errors import EXIT_FAILED, EXIT_OK, SetupError
from zendesk_setup.core.session import open_session

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO
    from zendesk_setup.core.profiles import ProfileStore


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
    store = profile_store(opts.config_dir)
    session = open_session(opts.name, config_dir=opts.config_dir)
    notify = None if opts.json else io.print_err
    try:
        identity = session.check(notify=notify)
    except SetupError as exc:
        if exc.exit_code == EXIT_FAILED:
            _record(store, session.profile.name, check_record(error=exc))
        if opts.json:
            io.print_out(
                json.dumps({"ok": False, "profile": session.profile.name, "error": exc.message, "hint": exc.hint})
            )
        raise
    _record(store, session.profile.name, check_record(identity))
    result: dict[str, Any] = {
        "ok": True,
        "profile": session.profile.name,
        "user": {"id": identity.user_id, "name": identity.name, "email": identity.email, "role": identity.role},
        "account_url": identity.account_url,
    }
    difference = scope_report(session.profile, identity)
    if identity.scopes is not None:
        result["granted_scopes"] = list(identity.scopes)
        result["requested_scopes"] = list(session.profile.scopes)
    if opts.json:
        io.print_out(json.dumps(result, indent=2))
    else:
        io.print_out(f"OK: profile '{session.profile.name}' signs in as {identity.describe()}.")
        if difference:
            io.print_err(difference)
    return EXIT_OK


def _record(store: ProfileStore, name: str, record: Any) -> None:
    with contextlib.suppress(SetupError):
        store.record_check(name, record)
