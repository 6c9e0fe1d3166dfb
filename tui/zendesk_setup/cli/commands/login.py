"""``zendesk-setup login``: consent again for a saved OAuth profile, keeping every setting, and store the new tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store, report_signed_in
from zendesk_setup.cli.consent import consent_runner
from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import EXIT_OK, InputError
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class LoginOptions:
    """What ``login`` was asked for: the profile and how to run its consent."""

    config_dir: str | None
    name: str
    port: int | None = None
    no_browser: bool = False
    timeout: float = 300.0

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> LoginOptions:
        """The options from the parsed command line."""
        return cls(
            config_dir=config_dir_arg(args),
            name=args.name,
            port=args.port,
            no_browser=args.no_browser,
            timeout=args.timeout,
        )


def run_login(opts: LoginOptions, io: IO) -> int:
    """Run the browser consent for a saved OAuth profile, check the new tokens, and save them in its place."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    profile = service.store.get(opts.name)
    if profile.auth != AuthType.OAUTH:
        other = "fetches its own tokens" if profile.auth == AuthType.CLIENT_CREDENTIALS else "has no consent"
        raise InputError(
            f"Profile '{profile.name}' uses {profile.auth}, which {other}; login is for OAuth profiles.",
            hint=f"Change its credentials with `zendesk-setup edit {profile.name}`.",
        )
    draft = ProfileDraft.from_profile(profile)
    service.stored_fields(draft)  # a damaged secret entry stops the login before a token is issued, not after
    tokens = consent_runner(service, io, no_browser=opts.no_browser, timeout=opts.timeout, port=opts.port)(draft)
    draft = draft.with_tokens(tokens)
    check = service.check(draft, notify=io.print_err)
    result = service.save(draft, check)
    report_signed_in(result.profile, check.identity, io)
    io.print_out(f"Stored the new tokens of profile '{result.profile.name}' ({result.secrets_where}).")
    return EXIT_OK
