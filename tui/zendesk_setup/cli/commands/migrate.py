"""``zendesk-setup migrate``: an API-token profile becomes an OAuth profile of the same name, client included."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store, report_signed_in
from zendesk_setup.cli.consent import consent_runner
from zendesk_setup.cli.streams import confirmed
from zendesk_setup.core.errors import EXIT_FAILED, EXIT_OK
from zendesk_setup.core.provision import Provisioner, token_page_url
from zendesk_setup.core.scopes import validate_scopes
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF, API_TOKENS_PAGE, MIGRATION_SCOPES, AuthType

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class MigrateOptions:
    """What ``migrate`` was asked for: the profile, the OAuth type and scopes, and how to consent."""

    config_dir: str | None
    name: str
    to: str = AuthType.OAUTH.value
    scopes: tuple[str, ...] = ()
    client_id: str | None = None
    port: int | None = None
    no_browser: bool = False
    timeout: float = 300.0
    yes: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> MigrateOptions:
        """The options from the parsed command line."""
        return cls(
            config_dir=config_dir_arg(args),
            name=args.name,
            to=args.to,
            scopes=tuple(args.scope),
            client_id=args.client_id,
            port=args.port,
            no_browser=args.no_browser,
            timeout=args.timeout,
            yes=args.yes,
        )


def run_migrate(opts: MigrateOptions, io: IO) -> int:
    """Create the client, consent (or fetch a client-credentials token), check, and switch the profile in place."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    provisioner = Provisioner(service, notify=io.print_err)
    to = AuthType(opts.to)
    scopes = tuple(validate_scopes(list(opts.scopes))) if opts.scopes else MIGRATION_SCOPES
    profile = service.store.get(opts.name)
    provisioner.migration_draft(profile, to=to, scopes=scopes, client_id=opts.client_id, port=opts.port)
    what = "a public OAuth client and a browser consent" if to is AuthType.OAUTH else "a confidential client"
    if opts.client_id:
        what = f"the OAuth client '{opts.client_id}' and a browser consent"
    question = (
        f"Move profile '{opts.name}' from its API token to {to} ({what}, scopes: {' '.join(scopes)})? "
        "Scripts keep using the same name."
    )
    if not confirmed(io, question, yes=opts.yes, needs=f"Migrating '{opts.name}'", declined="Nothing was changed."):
        return EXIT_FAILED
    consent = consent_runner(service, io, no_browser=opts.no_browser, timeout=opts.timeout)
    result = provisioner.migrate(opts.name, consent, to=to, scopes=scopes, client_id=opts.client_id, port=opts.port)
    saved = result.saved
    if saved.identity is not None:
        report_signed_in(saved.profile, saved.identity, io)
    client = saved.profile.client_id
    io.print_out(
        f"Migrated profile '{saved.profile.name}' to {saved.profile.auth} (client '{client}', "
        f"scopes: {' '.join(saved.profile.scopes)}); its API token is no longer stored. Secrets: {saved.secrets_where}."
    )
    io.print_out(
        f"Deactivate the old API token before {API_TOKEN_SHUTOFF.isoformat()} in {API_TOKENS_PAGE}: "
        f"{token_page_url(saved.profile)} (Zendesk has no API for that)."
    )
    return EXIT_OK
