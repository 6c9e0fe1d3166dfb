"""``zendesk-setup add``: a profile from flags, its credentials checked against Zendesk before it is saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store, scope_report
from zendesk_setup.cli.streams import read_secret
from zendesk_setup.core import flows
from zendesk_setup.core.errors import EXIT_OK, InputError
from zendesk_setup.core.oauth import DEFAULT_REDIRECT_PORT
from zendesk_setup.core.profiles import Profile, ProfileStore, validate_profile_name
from zendesk_setup.core.scopes import validate_scopes
from zendesk_setup.core.subdomain import normalise_subdomain, validate_base_url
from zendesk_setup.core.vocab import API_TOKEN_SHUTOFF

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
        )


def run_add(opts: AddOptions, io: IO) -> int:
    """Validate the flags, read the secret, check it against Zendesk, save, and say where it went."""
    name = validate_profile_name(opts.name)
    basics: dict[str, Any] = {
        "name": name,
        "subdomain": normalise_subdomain(opts.subdomain),
        "base_url": validate_base_url(opts.base_url) if opts.base_url else None,
        "storage": "file" if opts.insecure_storage else "keyring",
    }
    store = profile_store(opts.config_dir)
    if name in store.load().profiles:
        raise InputError(
            f"A profile named '{name}' already exists.",
            hint=f"Use `zendesk-setup edit {name}` or remove it first.",
        )
    if opts.insecure_storage:
        io.print_err("Warning: --insecure-storage keeps secrets in a plain-text file (mode 0600), not the OS keyring.")
    if opts.auth == "api_token":
        result = _add_api_token(opts, store, basics, io)
    elif opts.auth == "client_credentials":
        result = _add_client_credentials(opts, store, basics, io)
    else:
        result = _add_oauth(opts, store, basics, io)
    _report_saved(store, result, io)
    return EXIT_OK


def _add_api_token(opts: AddOptions, store: ProfileStore, basics: dict[str, Any], io: IO) -> Any:
    """An API-token profile: email and token, checked with Basic auth."""
    if not opts.email or "@" not in opts.email:
        raise InputError("--email with the agent's email address is needed for an API-token profile.")
    if opts.client_id or opts.scopes or opts.client_secret_stdin:
        raise InputError("--client-id, --client-secret-stdin and --scope belong to the OAuth auth types.")
    io.print_err(f"Note: Zendesk switches API tokens off on {API_TOKEN_SHUTOFF.isoformat()}; consider --auth oauth.")
    if not opts.api_token_stdin and not io.stdin_is_tty():
        raise InputError("Pass --api-token-stdin and pipe the API token in.")
    profile = Profile(auth="api_token", email=opts.email.strip(), **basics).validate()
    secrets = flows.secret_store(profile, store.config_dir, probe=True)
    api_token = read_secret(io, "API token")
    return flows.add_api_token_profile(
        store, profile, api_token, secrets=secrets, verify=not opts.no_verify, make_default=opts.make_default
    )


def _add_client_credentials(opts: AddOptions, store: ProfileStore, basics: dict[str, Any], io: IO) -> Any:
    """A client-credentials profile: a confidential client's secret exchanged for an access token."""
    client_id, scopes = _oauth_client(opts)
    if not opts.client_secret_stdin and not io.stdin_is_tty():
        raise InputError("Pass --client-secret-stdin and pipe the client secret in.")
    profile = Profile(
        auth="client_credentials", client_id=client_id, client_kind="confidential", scopes=scopes, **basics
    ).validate()
    secrets = flows.secret_store(profile, store.config_dir, probe=True)
    client_secret = read_secret(io, "client secret")
    return flows.add_client_credentials_profile(
        store, profile, client_secret, secrets=secrets, verify=not opts.no_verify, make_default=opts.make_default
    )


def _add_oauth(opts: AddOptions, store: ProfileStore, basics: dict[str, Any], io: IO) -> Any:
    """An OAuth profile: consent in the browser (or a pasted redirect), tokens from the loopback redirect."""
    client_id, scopes = _oauth_client(opts)
    port = opts.port if opts.port is not None else DEFAULT_REDIRECT_PORT
    client_secret = read_secret(io, "client secret") if opts.client_secret_stdin else None
    profile = Profile(
        auth="oauth",
        client_id=client_id,
        client_kind="confidential" if client_secret else "public",
        scopes=scopes,
        redirect_port=port,
        **basics,
    ).validate()
    secrets = flows.secret_store(profile, store.config_dir, probe=True)
    return flows.add_oauth_profile_interactive(
        store,
        profile,
        client_secret,
        secrets=secrets,
        open_browser=not opts.no_browser,
        accept_paste=opts.no_browser and io.stdin_is_tty(),
        timeout=opts.timeout,
        verify=not opts.no_verify,
        make_default=opts.make_default,
        say=io.print_err,
    )


def _oauth_client(opts: AddOptions) -> tuple[str, tuple[str, ...]]:
    """The client identifier and the checked scopes of an OAuth or client-credentials profile."""
    if not opts.client_id:
        raise InputError(f"--client-id is needed for --auth {opts.auth}.")
    if opts.email or opts.api_token_stdin:
        raise InputError("--email and --api-token-stdin belong to --auth api_token.")
    return opts.client_id.strip(), tuple(validate_scopes(list(opts.scopes)))


def _report_saved(store: ProfileStore, result: Any, io: IO) -> None:
    """Say who the profile signs in as, where it was saved and where its secrets went."""
    profile = result.profile
    if result.identity is not None:
        io.print_out(f"Signed in as {result.identity.describe()}.")
        difference = scope_report(profile, result.identity)
        if difference:
            io.print_err(difference)
    else:
        io.print_out("Saved without checking against Zendesk (--no-verify).")
    default = store.load().default
    io.print_out(f"Saved profile '{profile.name}'{' (default)' if default == profile.name else ''} to {store.path}.")
    io.print_out(f"Secrets: {result.secrets.describe(profile.name)}.")
