"""``zendesk-setup remove``: remove a profile and its secrets, optionally revoking its OAuth token first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store
from zendesk_setup.cli.streams import confirm, confirmed
from zendesk_setup.core.errors import EXIT_FAILED, EXIT_OK, SetupError
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import AuthType

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO
    from zendesk_setup.core.profiles import Profile


@dataclass(frozen=True)
class RemoveOptions:
    """What ``remove`` was asked for."""

    config_dir: str | None
    name: str
    revoke: bool = False
    yes: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RemoveOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, revoke=args.revoke, yes=args.yes)


def run_remove(opts: RemoveOptions, io: IO) -> int:
    """Remove the profile and its secrets once confirmed, revoking its token on Zendesk first when asked."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    profile = service.store.get(opts.name)
    question = f"Remove profile '{opts.name}' and its stored secrets?"
    if not confirmed(io, question, yes=opts.yes, needs=f"Removing '{opts.name}'", declined="Nothing was removed."):
        return EXIT_FAILED
    exit_code = EXIT_OK
    if opts.revoke:
        if profile.auth == AuthType.API_TOKEN:
            io.print_err(
                "API tokens cannot be revoked from here; "
                "delete the token in Admin Center > Apps and integrations > APIs."
            )
        elif profile.created_client is not None and _delete_created_client(service, profile, opts, io):
            pass  # the client's tokens died with it
        else:
            try:
                service.session(profile).revoke()
                io.print_out(f"Revoked the OAuth token of '{opts.name}' on Zendesk.")
            except SetupError as exc:
                io.print_err(f"Revoking the token failed: {exc}")
                if not confirm(io, "Remove the local profile and secrets anyway?"):
                    io.print_err(
                        f"Nothing was removed, so you can retry the revocation; to remove it without revoking, "
                        f"run `zendesk-setup remove {opts.name} --yes`."
                    )
                    return EXIT_FAILED
                exit_code = EXIT_FAILED
    _, had_secret = service.remove(opts.name)
    where = " and its secrets" if had_secret else " (it had no stored secrets)"
    io.print_out(f"Removed profile '{opts.name}'{where}.")
    return exit_code


def _delete_created_client(service: CredentialsService, profile: Profile, opts: RemoveOptions, io: IO) -> bool:
    """Offer to delete the OAuth client zendesk-setup created for this profile; True once it is deleted."""
    from zendesk_setup.core.provision import delete_created_client, other_client_users

    created = profile.created_client
    assert created is not None
    others = other_client_users(service, profile)
    if others:
        io.print_err(f"Profiles {', '.join(others)} use this client too; it is kept.")
        return False
    question = f"Also delete the OAuth client '{created.identifier}' (id {created.id}) created for '{profile.name}'?"
    if not (opts.yes or confirm(io, question)):
        return False
    try:
        delete_created_client(service, profile)
    except SetupError as exc:
        io.print_err(f"Deleting the OAuth client failed: {exc.message}")
        io.print_err(f"Delete it with `zendesk-setup client delete {created.id} --using ADMIN`; revoking the token.")
        return False
    io.print_out(f"Deleted the OAuth client '{created.identifier}' on Zendesk (its tokens stop working).")
    return True
