"""``zendesk-setup add``: a profile from flags, its credentials checked against Zendesk before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import report_signed_in
from zendesk_setup.cli.consent import consent_runner
from zendesk_setup.cli.streams import read_secret
from zendesk_setup.core.draft import ProfileDraft
from zendesk_setup.core.errors import EXIT_OK, InputError
from zendesk_setup.core.paths import config_dir as resolve_config_dir
from zendesk_setup.core.profiles import valid_email, validate_profile_name
from zendesk_setup.core.provision import Provisioner, new_identifier
from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT
from zendesk_setup.core.scopes import validate_scopes
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.service import CredentialsService, SaveResult
from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF, AuthType, ClientKind, Storage

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class AddOptions:
    """What ``add`` was asked for: the profile's settings and how to get and check its secret."""

    config_dir: str | None
    name: str
    subdomain: str
    auth: str = "oauth"
    email: str | None = None
    api_token_stdin: bool = False
    client_id: str | None = None
    client_secret_stdin: bool = False
    scopes: tuple[str, ...] = ()
    port: int | None = None
    no_browser: bool = False
    timeout: float = 300.0
    base_url: str | None = None
    no_verify: bool = False
    make_default: bool = False
    insecure_storage: bool = False
    create_client: bool = False
    using: str | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> AddOptions:
        """The options from the parsed command line."""
        return cls(
            config_dir=config_dir_arg(args),
            name=args.name,
            subdomain=args.subdomain,
            auth=args.auth,
            email=args.email,
            api_token_stdin=args.api_token_stdin,
            client_id=args.client_id,
            client_secret_stdin=args.client_secret_stdin,
            scopes=tuple(args.scope),
            port=args.port,
            no_browser=args.no_browser,
            timeout=args.timeout,
            base_url=args.base_url,
            no_verify=args.no_verify,
            make_default=args.default,
            insecure_storage=args.insecure_storage,
            create_client=args.create_client,
            using=args.using,
        )


def run_add(opts: AddOptions, io: IO) -> int:
    """Validate the flags, read the secret, run the consent, check against Zendesk, save, and say where it went."""
    draft = _draft(opts)
    service = CredentialsService(resolve_config_dir(opts.config_dir))
    service.ensure_name_free(draft.profile_name())
    if opts.insecure_storage:
        io.print_err("Warning: --insecure-storage keeps secrets in a plain-text file (mode 0600), not the OS keyring.")
    if opts.create_client:
        return _add_with_new_client(opts, draft, service, io)
    if draft.auth is AuthType.API_TOKEN:
        shutoff = API_TOKEN_SHUTOFF.isoformat()
        io.print_err(f"Note: Zendesk switches API tokens off on {shutoff}; consider --auth oauth.")
        if not opts.api_token_stdin and not io.stdin_is_tty():
            raise InputError("Pass --api-token-stdin and pipe the API token in.")
        service.probe(draft.storage)
        draft = draft.with_answers(api_token=Secret(read_secret(io, "API token")))
    elif draft.auth is AuthType.CLIENT_CREDENTIALS:
        if not opts.client_secret_stdin and not io.stdin_is_tty():
            raise InputError("Pass --client-secret-stdin and pipe the client secret in.")
        service.probe(draft.storage)
        draft = draft.with_answers(client_secret=Secret(read_secret(io, "client secret")))
    else:
        if opts.client_secret_stdin:
            draft = draft.with_answers(
                client_kind=ClientKind.CONFIDENTIAL, client_secret=Secret(read_secret(io, "client secret"))
            )
        tokens = consent_runner(service, io, no_browser=opts.no_browser, timeout=opts.timeout)(draft)
        draft = draft.with_tokens(tokens)
    _report_saved(service.add(draft, verify=not opts.no_verify), io)
    return EXIT_OK


def _add_with_new_client(opts: AddOptions, draft: ProfileDraft, service: CredentialsService, io: IO) -> int:
    """Create the client through the admin profile ``--using``, then consent (OAuth), check and save as add does."""
    provisioner = Provisioner(service, notify=io.print_err)
    service.probe(draft.storage)
    with provisioner.admin(opts.using or "") as admin:
        if admin.profile.api_base_url != draft.api_base_url():
            raise InputError(
                f"Profile '{admin.profile.name}' is on {admin.profile.api_base_url}, not {draft.api_base_url()}: "
                "a client is created on the admin's own account.",
                field="using",
            )
        io.print_err(f"Creating the client as {admin.identity.describe()}.")
        consent = consent_runner(service, io, no_browser=opts.no_browser, timeout=opts.timeout)
        result = provisioner.provision(draft, admin.clients, consent)
    _report_saved(result.saved, io)
    return EXIT_OK


def _draft(opts: AddOptions) -> ProfileDraft:
    """The profile the flags describe, with every setting checked before any secret is read."""
    validate_profile_name(opts.name)
    auth = AuthType(opts.auth)
    if opts.using and not opts.create_client:
        raise InputError("--using names the admin profile for --create-client; add --create-client.")
    if auth is AuthType.API_TOKEN:
        if opts.create_client:
            raise InputError("--create-client is for --auth oauth or client_credentials.")
        if not valid_email(opts.email):
            raise InputError("--email with the agent's email address is needed for an API-token profile.")
        if opts.client_id or opts.scopes or opts.client_secret_stdin:
            raise InputError("--client-id, --client-secret-stdin and --scope belong to the OAuth auth types.")
    elif opts.create_client:
        if not opts.using:
            raise InputError("--create-client needs --using ADMIN: the admin profile that creates the client.")
        if opts.client_id or opts.client_secret_stdin:
            raise InputError("--create-client makes the client and its secret; leave out --client-id and the secret.")
        if opts.no_verify:
            raise InputError("--create-client always checks the new client; leave out --no-verify.")
    else:
        if not opts.client_id:
            raise InputError(f"--client-id is needed for --auth {opts.auth}.")
        if opts.email or opts.api_token_stdin:
            raise InputError("--email and --api-token-stdin belong to --auth api_token.")
    draft = ProfileDraft(
        auth=auth,
        name=opts.name,
        subdomain=opts.subdomain,
        use_base_url=bool(opts.base_url),
        base_url=opts.base_url or "",
        email=(opts.email or "").strip(),
        client_id=(opts.client_id or "").strip() or (new_identifier() if opts.create_client else ""),
        client_kind=ClientKind.CONFIDENTIAL if auth is AuthType.CLIENT_CREDENTIALS else ClientKind.PUBLIC,
        scopes=tuple(validate_scopes(list(opts.scopes))) if auth.uses_client else (),
        redirect_port=opts.port if opts.port is not None else DEFAULT_REDIRECT_PORT,
        storage=Storage.FILE if opts.insecure_storage else Storage.KEYRING,
        make_default=opts.make_default,
    )
    draft.validate_instance()
    draft.to_profile()
    return draft


def _report_saved(result: SaveResult, io: IO) -> None:
    """Say who the profile signs in as, where it was saved and where its secrets went."""
    profile = result.profile
    if result.identity is not None:
        report_signed_in(profile, result.identity, io)
    else:
        io.print_out("Saved without checking against Zendesk (--no-verify).")
    default = " (default)" if result.is_default else ""
    io.print_out(f"Saved profile '{profile.name}'{default} to {result.profiles_path}.")
    io.print_out(f"Secrets: {result.secrets_where}.")
