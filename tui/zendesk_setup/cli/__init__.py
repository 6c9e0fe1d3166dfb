"""The command line: the wizard launcher and the subcommands scripts call. Imports no Textual at module level."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from zendesk_setup import __version__
from zendesk_setup.core.errors import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_STORAGE,
    EXIT_USAGE,
    InputError,
    SetupError,
)
from zendesk_setup.core.paths import config_dir as resolve_config_dir
from zendesk_setup.core.profiles import Profile, ProfileStore

PROG = "zendesk-setup"
API_TOKEN_RETIREMENT = "2027-04-30"

DESCRIPTION = """\
Set up, verify and safely store Zendesk API credentials.

Run without a command to open the terminal wizard. Profiles live in profiles.yaml
(no secrets); secrets live in the OS keyring (service 'zendesk-setup')."""

EPILOG = """\
exit codes: 0 success, 1 the check or the Zendesk call failed, 2 bad usage or input,
            3 local storage problem (config file or keyring)

environment: ZENDESK_SETUP_CONFIG_DIR (config folder), ZENDESK_SETUP_PROFILE (profile used when
             NAME is left out)

examples:
  zendesk-setup                                  open the wizard
  zendesk-setup add acme --subdomain acme --auth oauth --client-id acme_cli --scope read
  printf %s "$TOKEN" | zendesk-setup add acme --subdomain acme --auth api_token \\
        --email ada@acme.test --api-token-stdin
  curl -H "Authorization: $(zendesk-setup header acme)" https://acme.zendesk.com/api/v2/users/me.json
  eval "$(zendesk-setup env acme)"
"""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one plain sentence and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


FAST_COMMANDS = frozenset({"token", "header", "env", "list", "show"})


class _Unused:
    """Stands in for the subparser of a command that is not being run, so scripts skip building it."""

    def add_argument(self, *args: Any, **kwargs: Any) -> None:
        """Ignore the argument."""


def _fast_command(argv: Sequence[str]) -> str | None:
    """The script-facing command ``argv`` runs, when only ``--config-dir`` comes before it."""
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg == "--config-dir":
            skip_value = True
        elif not arg.startswith("--config-dir="):
            return arg if arg in FAST_COMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser for every subcommand, or with ``only`` for that one alone (the same parse, faster)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="config folder (default: $ZENDESK_SETUP_CONFIG_DIR or the platform's user config dir)",
    )
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return _Unused()  # type: ignore[return-value]
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common], **kwargs)

    p = command("new", "open the terminal wizard for a new profile")
    p.add_argument("name", nargs="?", metavar="NAME", help="name for the new profile")
    p = command("edit", "open the terminal wizard on a saved profile, pre-filled")
    p.add_argument("name", metavar="NAME")

    p = command("list", "list saved profiles; the default is marked with *")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("show", "show one profile's settings and where its secrets live (never a secret)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("test", "check the profile against Zendesk; exit 0 when the credentials work")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("token", "print the bare token for scripts (OAuth access token, refreshed if needed, or API token)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p = command("header", 'print the full Authorization header value ("Bearer ..." or "Basic ...")')
    p.add_argument("name", nargs="?", metavar="NAME")
    p = command("env", "print variables for other Zendesk tools (the names zcli reads)")
    p.add_argument("name", nargs="?", metavar="NAME")
    p.add_argument("--format", choices=("sh", "dotenv", "json"), default="sh", help="output format (default: sh)")

    p = command(
        "add",
        "add a profile without the wizard (checks the credentials before saving)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "API tokens are retired by Zendesk on "
            f"{API_TOKEN_RETIREMENT}; prefer --auth oauth.\n"
            "The redirect URL to register on an OAuth client is http://127.0.0.1:PORT/callback "
            "(default port 47123)."
        ),
    )
    p.add_argument("name", metavar="NAME", help="profile name (letters, digits, '.', '_', '-')")
    p.add_argument("--subdomain", required=True, help="acme, acme.zendesk.com or a full Zendesk URL")
    p.add_argument("--auth", choices=("oauth", "api_token", "client_credentials"), default="oauth")
    p.add_argument("--email", help="agent email (api_token)")
    p.add_argument("--api-token-stdin", action="store_true", help="read the API token from standard input")
    p.add_argument("--client-id", help="OAuth client identifier (not the numeric id)")
    p.add_argument("--client-secret-stdin", action="store_true", help="read the client secret from standard input")
    p.add_argument("--scope", nargs="+", action="extend", default=[], metavar="SCOPE", help="OAuth scopes")
    p.add_argument("--port", type=int, help="loopback port for the OAuth redirect (default 47123)")
    p.add_argument("--no-browser", action="store_true", help="print the consent URL and accept the pasted redirect")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for consent (default 300)")
    p.add_argument("--base-url", help="custom base URL (https, or http on loopback only)")
    p.add_argument("--no-verify", action="store_true", help="save without checking against Zendesk")
    p.add_argument("--default", action="store_true", help="make this the default profile")
    p.add_argument(
        "--insecure-storage",
        action="store_true",
        help="store secrets in a 0600 secrets.yaml instead of the OS keyring (not recommended)",
    )

    p = command("default", "make a profile the default")
    p.add_argument("name", metavar="NAME")
    p = command("rename", "rename a profile (its secrets move with it)")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p = command("remove", "remove a profile and its secrets")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--revoke", action="store_true", help="revoke the OAuth token on Zendesk first")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    return parser


def _out(text: str = "", stream: TextIO | None = None) -> None:
    print(text, file=stream or sys.stdout)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _store(args: argparse.Namespace) -> ProfileStore:
    return ProfileStore(resolve_config_dir(getattr(args, "config_dir", None)))


def _profile_json(profile: Profile, default: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": profile.name, "default": profile.name == default}
    data.update(profile.to_yaml())
    data["base_url"] = profile.api_base_url
    return data


def _when(profile: Profile) -> str:
    if profile.checked is None:
        return "never checked"
    stamp = profile.checked.at.strftime("%Y-%m-%d %H:%M")
    if profile.checked.ok:
        who = profile.checked.user or "ok"
        return f"ok ({who}) {stamp}"
    return f"FAILED {stamp}"


def cmd_list(args: argparse.Namespace) -> int:
    """List profiles."""
    document = _store(args).load()
    if args.json:
        _out(json.dumps([_profile_json(p, document.default) for p in document.profiles.values()], indent=2))
        return EXIT_OK
    if not document.profiles:
        _out("No profiles yet. Run `zendesk-setup` to create one.")
        return EXIT_OK
    rows = [("", "NAME", "SUBDOMAIN", "AUTH", "LAST CHECK")]
    for profile in document.profiles.values():
        marker = "*" if profile.name == document.default else ""
        host = profile.subdomain if not profile.base_url else f"{profile.subdomain} ({profile.base_url})"
        rows.append((marker, profile.name, host, profile.auth, _when(profile)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4] for row in rows]
    sys.stdout.write("\n".join(line.rstrip() for line in lines) + "\n")
    return EXIT_OK


def _secret_location(profile: Profile, folder: Path) -> str:
    if profile.storage == "file":
        from zendesk_setup.core.paths import SECRETS_FILE

        return f"plain-text file {folder / SECRETS_FILE} (insecure storage), key '{profile.name}'"
    return f"OS keyring, service 'zendesk-setup', entry '{profile.name}'"


def _secret_names(profile: Profile) -> list[str]:
    if profile.auth == "api_token":
        return ["api_token"]
    names = ["access_token"]
    if profile.auth == "oauth":
        names.append("refresh_token")
    if profile.auth == "client_credentials" or profile.client_kind == "confidential":
        names.insert(0, "client_secret")
    return names


def cmd_show(args: argparse.Namespace) -> int:
    """Show one profile."""
    store = _store(args)
    document = store.load()
    profile = store.resolve(args.name)
    data = _profile_json(profile, document.default)
    data["secrets"] = {"where": _secret_location(profile, store.config_dir), "fields": _secret_names(profile)}
    data["profiles_file"] = str(store.path)
    if args.json:
        _out(json.dumps(data, indent=2))
        return EXIT_OK
    lines = [f"profile:      {profile.name}{'  (default)' if data['default'] else ''}"]
    lines.append(f"subdomain:    {profile.subdomain}")
    lines.append(f"base url:     {profile.api_base_url}")
    lines.append(f"auth:         {profile.auth}")
    if profile.auth == "api_token":
        lines.append(f"email:        {profile.email}")
        lines.append(f"note:         Zendesk switches API tokens off on {API_TOKEN_RETIREMENT}; move to OAuth.")
    else:
        lines.append(f"client id:    {profile.client_id}")
        if profile.client_kind:
            lines.append(f"client kind:  {profile.client_kind}")
        lines.append(f"scopes:       {' '.join(profile.scopes)}")
        if profile.auth == "oauth":
            from zendesk_setup.core.oauth import DEFAULT_REDIRECT_PORT, redirect_uri_for

            lines.append(f"redirect url: {redirect_uri_for(profile.redirect_port or DEFAULT_REDIRECT_PORT)}")
    lines.append(f"last check:   {_when(profile)}")
    if profile.checked is not None and not profile.checked.ok and profile.checked.message:
        lines.append(f"              {profile.checked.message}")
    lines.append(f"secrets:      {data['secrets']['where']}")
    lines.append(f"              holds {', '.join(data['secrets']['fields'])} (never shown)")
    lines.append(f"file:         {store.path}")
    _out("\n".join(lines))
    return EXIT_OK


def _session(args: argparse.Namespace) -> Any:
    from zendesk_setup.core.session import open_session

    return open_session(getattr(args, "name", None), config_dir=getattr(args, "config_dir", None))


def cmd_token(args: argparse.Namespace) -> int:
    """Print the bare token."""
    _out(_session(args).token())
    return EXIT_OK


def cmd_header(args: argparse.Namespace) -> int:
    """Print the Authorization header value."""
    _out(_session(args).auth_header())
    return EXIT_OK


def _quote_sh(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


def cmd_env(args: argparse.Namespace) -> int:
    """Print environment variables in the names zcli reads."""
    session = _session(args)
    profile = session.profile
    variables = {"ZENDESK_SUBDOMAIN": profile.subdomain}
    if profile.auth == "api_token":
        variables["ZENDESK_EMAIL"] = profile.email or ""
        variables["ZENDESK_API_TOKEN"] = session.token()
    else:
        variables["ZENDESK_OAUTH_TOKEN"] = session.token()
    if args.format == "json":
        _out(json.dumps(variables, indent=2))
    elif args.format == "dotenv":
        _out("\n".join(f'{k}="{v}"' for k, v in variables.items()))
    else:
        _out("\n".join(f"export {k}={_quote_sh(v)}" for k, v in variables.items()))
    return EXIT_OK


def cmd_test(args: argparse.Namespace) -> int:
    """Check a profile against Zendesk and record the result."""
    from zendesk_setup.core.actions import check_record

    store = _store(args)
    session = _session(args)
    notify = None if args.json else (lambda message: _err(message))
    try:
        identity = session.check(notify=notify)
    except SetupError as exc:
        if exc.exit_code == EXIT_FAILED:
            _record(store, session.profile.name, check_record(error=exc))
        if args.json:
            _out(json.dumps({"ok": False, "profile": session.profile.name, "error": exc.message, "hint": exc.hint}))
        raise
    _record(store, session.profile.name, check_record(identity))
    result: dict[str, Any] = {
        "ok": True,
        "profile": session.profile.name,
        "user": {"id": identity.user_id, "name": identity.name, "email": identity.email, "role": identity.role},
        "account_url": identity.account_url,
    }
    difference = _scope_report(session.profile, identity)
    if identity.scopes is not None:
        result["granted_scopes"] = list(identity.scopes)
        result["requested_scopes"] = list(session.profile.scopes)
    if args.json:
        _out(json.dumps(result, indent=2))
    else:
        _out(f"OK: profile '{session.profile.name}' signs in as {identity.describe()}.")
        if difference:
            _err(difference)
    return EXIT_OK


def _scope_report(profile: Profile, identity: Any) -> str | None:
    if profile.auth == "api_token" or identity.scopes is None:
        return None
    from zendesk_setup.core.oauth import scope_difference

    missing, extra = scope_difference(list(profile.scopes), list(identity.scopes))
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append(f"not granted: {' '.join(missing)}")
    if extra:
        parts.append(f"granted but not requested: {' '.join(extra)}")
    return (
        "Warning: the granted scopes differ from the requested ones ("
        + "; ".join(parts)
        + "). A misspelled or disallowed scope makes calls fail with 403 later."
    )


def _record(store: ProfileStore, name: str, record: Any) -> None:
    with contextlib.suppress(SetupError):
        store.record_check(name, record)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def cmd_default(args: argparse.Namespace) -> int:
    """Set the default profile."""
    _store(args).set_default(args.name)
    _out(f"'{args.name}' is now the default profile.")
    return EXIT_OK


def cmd_rename(args: argparse.Namespace) -> int:
    """Rename a profile and move its secrets."""
    from zendesk_setup.core.actions import rename_profile

    rename_profile(_store(args), args.old, args.new)
    _out(f"Renamed '{args.old}' to '{args.new}'.")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove a profile, optionally revoking its OAuth token first."""
    from zendesk_setup.core.actions import remove_profile

    store = _store(args)
    profile = store.get(args.name)
    if not args.yes:
        if not sys.stdin.isatty():
            raise InputError(f"Removing '{args.name}' needs confirmation; pass --yes to confirm.")
        if not _confirm(f"Remove profile '{args.name}' and its stored secrets?"):
            _err("Nothing was removed.")
            return EXIT_FAILED
    exit_code = EXIT_OK
    if args.revoke:
        if profile.auth == "api_token":
            _err(
                "API tokens cannot be revoked from here; "
                "delete the token in Admin Center > Apps and integrations > APIs."
            )
        else:
            try:
                _session(args).revoke()
                _out(f"Revoked the OAuth token of '{args.name}' on Zendesk.")
            except SetupError as exc:
                _err(f"Revoking the token failed: {exc}")
                if not _confirm("Remove the local profile and secrets anyway?"):
                    _err(
                        f"Nothing was removed, so you can retry the revocation; to remove it without revoking, "
                        f"run `zendesk-setup remove {args.name} --yes`."
                    )
                    return EXIT_FAILED
                exit_code = EXIT_FAILED
    _, had_secret = remove_profile(store, args.name)
    where = " and its secrets" if had_secret else " (it had no stored secrets)"
    _out(f"Removed profile '{args.name}'{where}.")
    return exit_code


def _read_secret_stdin(what: str) -> str:
    if sys.stdin is None:
        raise InputError(f"No standard input to read the {what} from.")
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{what.capitalize()} (input hidden): ")
    else:
        value = sys.stdin.readline()
    value = value.strip()
    if not value:
        raise InputError(f"The {what} read from standard input is empty.")
    if any(ch.isspace() for ch in value):
        raise InputError(f"The {what} contains spaces; check what was piped in.")
    return value


def cmd_add(args: argparse.Namespace) -> int:
    """Add a profile from flags, checking the credentials before saving."""
    from zendesk_setup.core import flows
    from zendesk_setup.core.profiles import validate_profile_name
    from zendesk_setup.core.subdomain import normalise_subdomain, validate_base_url

    name = validate_profile_name(args.name)
    subdomain = normalise_subdomain(args.subdomain)
    base_url = validate_base_url(args.base_url) if args.base_url else None
    store = _store(args)
    if name in store.load().profiles:
        raise InputError(
            f"A profile named '{name}' already exists.",
            hint=f"Use `zendesk-setup edit {name}` or remove it first.",
        )
    storage = "file" if args.insecure_storage else "keyring"
    if args.insecure_storage:
        _err("Warning: --insecure-storage keeps secrets in a plain-text file (mode 0600), not the OS keyring.")
    if args.auth == "api_token":
        if not args.email or "@" not in args.email:
            raise InputError("--email with the agent's email address is needed for an API-token profile.")
        if args.client_id or args.scope or args.client_secret_stdin:
            raise InputError("--client-id, --client-secret-stdin and --scope belong to the OAuth auth types.")
        _err(f"Note: Zendesk switches API tokens off on {API_TOKEN_RETIREMENT}; consider --auth oauth.")
        if not args.api_token_stdin and not sys.stdin.isatty():
            raise InputError("Pass --api-token-stdin and pipe the API token in.")
        profile = Profile(
            name=name,
            subdomain=subdomain,
            auth="api_token",
            email=args.email.strip(),
            base_url=base_url,
            storage=storage,
        ).validate()
        secrets = flows.secret_store(profile, store.config_dir, probe=True)
        api_token = _read_secret_stdin("API token")
        result = flows.add_api_token_profile(
            store, profile, api_token, secrets=secrets, verify=not args.no_verify, make_default=args.default
        )
    else:
        if not args.client_id:
            raise InputError(f"--client-id is needed for --auth {args.auth}.")
        if args.email or args.api_token_stdin:
            raise InputError("--email and --api-token-stdin belong to --auth api_token.")
        from zendesk_setup.core.oauth import validate_scopes

        scopes = tuple(validate_scopes(args.scope))
        if args.auth == "client_credentials":
            if not args.client_secret_stdin and not sys.stdin.isatty():
                raise InputError("Pass --client-secret-stdin and pipe the client secret in.")
            profile = Profile(
                name=name,
                subdomain=subdomain,
                auth="client_credentials",
                client_id=args.client_id.strip(),
                client_kind="confidential",
                scopes=scopes,
                base_url=base_url,
                storage=storage,
            ).validate()
            secrets = flows.secret_store(profile, store.config_dir, probe=True)
            client_secret = _read_secret_stdin("client secret")
            result = flows.add_client_credentials_profile(
                store,
                profile,
                client_secret,
                secrets=secrets,
                verify=not args.no_verify,
                make_default=args.default,
            )
        else:
            from zendesk_setup.core.oauth import DEFAULT_REDIRECT_PORT

            port = args.port if args.port is not None else DEFAULT_REDIRECT_PORT
            client_secret = _read_secret_stdin("client secret") if args.client_secret_stdin else None
            profile = Profile(
                name=name,
                subdomain=subdomain,
                auth="oauth",
                client_id=args.client_id.strip(),
                client_kind="confidential" if client_secret else "public",
                scopes=scopes,
                redirect_port=port,
                base_url=base_url,
                storage=storage,
            ).validate()
            secrets = flows.secret_store(profile, store.config_dir, probe=True)
            result = flows.add_oauth_profile_interactive(
                store,
                profile,
                client_secret,
                secrets=secrets,
                open_browser=not args.no_browser,
                accept_paste=args.no_browser and sys.stdin.isatty(),
                timeout=args.timeout,
                verify=not args.no_verify,
                make_default=args.default,
                say=_err,
            )
    _report_saved(store, result)
    return EXIT_OK


def _report_saved(store: ProfileStore, result: Any) -> None:
    profile = result.profile
    if result.identity is not None:
        _out(f"Signed in as {result.identity.describe()}.")
        difference = _scope_report(profile, result.identity)
        if difference:
            _err(difference)
    else:
        _out("Saved without checking against Zendesk (--no-verify).")
    default = store.load().default
    _out(f"Saved profile '{profile.name}'{' (default)' if default == profile.name else ''} to {store.path}.")
    _out(f"Secrets: {result.secrets.describe(profile.name)}.")


def cmd_wizard(args: argparse.Namespace) -> int:
    """Open the Textual wizard (the only path that imports Textual)."""
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise InputError(
            "The wizard needs an interactive terminal.",
            hint="Use `zendesk-setup add ...` in scripts (see `zendesk-setup add --help`).",
        )
    try:
        from zendesk_setup.ui.app import run_app
    except ImportError as exc:
        raise SetupError(f"The terminal wizard could not start ({exc.name or exc}).") from None
    folder = resolve_config_dir(getattr(args, "config_dir", None))
    command = args.command
    return run_app(
        config_dir=folder,
        mode=command or "home",
        name=getattr(args, "name", None),
    )


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "test": cmd_test,
    "token": cmd_token,
    "header": cmd_header,
    "env": cmd_env,
    "add": cmd_add,
    "default": cmd_default,
    "rename": cmd_rename,
    "remove": cmd_remove,
    "new": cmd_wizard,
    "edit": cmd_wizard,
    None: cmd_wizard,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code; never lets a traceback reach the user."""
    parser = build_parser(only=_fast_command(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    handler = COMMANDS[args.command]
    try:
        return handler(args)
    except SetupError as exc:
        _err(f"{PROG}: {exc.message}")
        if exc.hint:
            _err(exc.hint)
        return exc.exit_code
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted; nothing more was changed.")
        return 130
    except BrokenPipeError:
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the interpreter's flush at exit
        return EXIT_FAILED
    except Exception as exc:
        _err(f"{PROG}: unexpected internal error ({type(exc).__name__}); nothing more was changed.")
        _err("Please report this with the command you ran (do not include any secret).")
        return EXIT_STORAGE if isinstance(exc, OSError) else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
