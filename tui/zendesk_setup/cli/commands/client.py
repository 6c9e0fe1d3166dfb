"""``zendesk-setup client``: OAuth clients for other integrations, made and removed through an admin profile."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import profile_store
from zendesk_setup.cli.streams import confirm, confirmed
from zendesk_setup.core.errors import EXIT_FAILED, EXIT_OK, InputError, one_line
from zendesk_setup.core.provision import Provisioner
from zendesk_setup.core.scopes import scope_string, validate_scopes
from zendesk_setup.core.service import CredentialsService
from zendesk_setup.core.vocab import ClientKind

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO
    from zendesk_setup.core.clients import OAuthClient
    from zendesk_setup.core.secrets import Secret

CLIPBOARD_TOOLS = (("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"), ("pbcopy",))


@dataclass(frozen=True)
class ClientOptions:
    """What ``client create|list|delete|secret`` was asked for."""

    config_dir: str | None
    action: str
    using: str
    name: str | None = None
    identifier: str | None = None
    redirect_urls: tuple[str, ...] = ()
    kind: str = ClientKind.CONFIDENTIAL.value
    scopes: tuple[str, ...] = ()
    client_id: int | None = None
    show_secret: bool = False
    as_json: bool = False
    yes: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ClientOptions:
        """The options from the parsed command line."""
        return cls(
            config_dir=config_dir_arg(args),
            action=args.client_action,
            using=args.using,
            name=getattr(args, "name", None),
            identifier=getattr(args, "identifier", None),
            redirect_urls=tuple(getattr(args, "redirect_url", None) or ()),
            kind=getattr(args, "kind", ClientKind.CONFIDENTIAL.value),
            scopes=tuple(getattr(args, "scope", None) or ()),
            client_id=getattr(args, "id", None),
            show_secret=getattr(args, "show_secret", False),
            as_json=getattr(args, "json", False),
            yes=getattr(args, "yes", False),
        )


def run_client(opts: ClientOptions, io: IO) -> int:
    """Run one ``client`` action through the admin profile ``--using``."""
    service = CredentialsService(profile_store(opts.config_dir).config_dir)
    provisioner = Provisioner(service, notify=io.print_err)
    if opts.action == "create":
        return _create(opts, provisioner, io)
    if opts.action == "list":
        return _list(opts, provisioner, io)
    if opts.action == "delete":
        return _delete(opts, provisioner, service, io)
    return _new_secret(opts, provisioner, io)


def identifier_for(name: str) -> str:
    """An identifier made from a client's name: lower-case words joined by '-', plus a random suffix."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "client"
    return f"{slug}-{secrets.token_hex(3)}"


def _create(opts: ClientOptions, provisioner: Provisioner, io: IO) -> int:
    name = (opts.name or "").strip()
    if not name or not name.isprintable():
        raise InputError("Give the client a name with --name (what Admin Center shows).", field="name")
    if not opts.redirect_urls:
        raise InputError("Give the integration's redirect URL with --redirect-url.", field="redirect_url")
    for url in opts.redirect_urls:
        _check_redirect(url)
    identifier = (opts.identifier or identifier_for(name)).strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,100}", identifier):
        raise InputError("A client identifier uses letters, digits, '.', '_' and '-' only.", field="identifier")
    scopes = validate_scopes(list(opts.scopes)) if opts.scopes else ["read"]
    with provisioner.admin(opts.using) as admin:
        client = admin.clients.create(
            name=name, identifier=identifier, kind=opts.kind, redirect_uris=list(opts.redirect_urls)
        )
        subdomain = admin.profile.subdomain
    values = {
        "subdomain": subdomain,
        "client_id": client.identifier,
        "scope": scope_string(scopes),
        "redirect_url": " ".join(client.redirect_uris),
        "kind": client.kind,
        "id": client.id,
    }
    io.print_err(f"Created {client.kind} OAuth client '{client.name}' (id {client.id}).")
    _print_values(values, client.secret, opts, io)
    return EXIT_OK


def _check_redirect(url: str) -> None:
    """The redirect URL rule of Admin Center, said before Zendesk is asked: https, or http on a loopback host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises ValueError here
    except ValueError:
        parts = None
    plain = url.isascii() and url.isprintable() and not any(ch.isspace() for ch in url)
    ok = plain and parts is not None and not parts.fragment and "@" not in parts.netloc
    if ok and parts is not None:
        host = parts.hostname or ""
        ok = (parts.scheme == "https" and bool(host)) or (parts.scheme == "http" and host in ("localhost", "127.0.0.1"))
    if not ok:
        raise InputError(
            f"'{one_line(url)[:100]}' is not a redirect URL Zendesk accepts: use an absolute https URL, "
            "or http on localhost or 127.0.0.1.",
            field="redirect_url",
        )


def _print_values(values: dict[str, Any], secret: Secret, opts: ClientOptions, io: IO) -> None:
    """Print what an integration's form asks for; the secret only when it cannot land on a screen unasked."""
    shown = opts.show_secret or not io.out.isatty()
    if opts.as_json:
        data = dict(values)
        if shown:
            data["client_secret"] = secret.reveal()
        io.print_out(json.dumps(data, indent=2))
    else:
        io.print_out(f"Subdomain:          {values['subdomain']}")
        io.print_out(f"Client ID:          {values['client_id']}")
        if shown:
            io.print_out(f"Client secret:      {secret.reveal()}")
        io.print_out(f"Scope:              {values['scope']}")
        io.print_out(f"Redirect URL:       {values['redirect_url']}")
        io.print_out(f"Client kind:        {values['kind']} (numeric id {values['id']})")
    if shown:
        io.print_err("The secret is shown this once; Zendesk shows only its first characters from now on.")
        return
    if _copy_to_clipboard(secret, io):
        return
    io.print_err(
        "The client secret was not shown on this terminal. Make a new one when you need it with "
        f"`zendesk-setup client secret {values['id']} --using {opts.using} --show-secret` (or pipe the output)."
    )


def _copy_to_clipboard(secret: Secret, io: IO) -> bool:
    """Copy the secret to the clipboard when the user asks and a clipboard tool exists (never through argv)."""
    tool = next((cmd for cmd in CLIPBOARD_TOOLS if shutil.which(cmd[0])), None)
    if tool is None or not confirm(io, "Copy the client secret to the clipboard?"):
        return False
    try:
        subprocess.run(tool, input=secret.reveal().encode(), check=True, timeout=5, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        io.print_err(f"Copying with {tool[0]} failed.")
        return False
    io.print_err(f"Copied the client secret to the clipboard with {tool[0]}.")
    return True


def _list(opts: ClientOptions, provisioner: Provisioner, io: IO) -> int:
    with provisioner.admin(opts.using) as admin:
        clients = admin.clients.list()
    if opts.as_json:
        io.print_out(json.dumps([_client_json(c) for c in clients], indent=2))
        return EXIT_OK
    if not clients:
        io.print_out("No OAuth clients.")
        return EXIT_OK
    width = max(len(c.identifier) for c in clients)
    io.print_out(f"{'ID':<12} {'IDENTIFIER':<{width}} {'KIND':<12} NAME")
    for c in clients:
        io.print_out(f"{c.id:<12} {c.identifier:<{width}} {c.kind:<12} {c.name}")
    return EXIT_OK


def _client_json(client: OAuthClient) -> dict[str, Any]:
    return {
        "id": client.id,
        "identifier": client.identifier,
        "name": client.name,
        "kind": client.kind,
        "redirect_uri": list(client.redirect_uris),
        "user_id": client.user_id,
    }


def _delete(opts: ClientOptions, provisioner: Provisioner, service: CredentialsService, io: IO) -> int:
    assert opts.client_id is not None
    with provisioner.admin(opts.using) as admin:
        client = admin.clients.get(opts.client_id)
        users = [p.name for p in service.store.load().profiles.values() if p.client_id == client.identifier]
        if users:
            io.print_err(f"Saved profiles using this client stop working once it is deleted: {', '.join(users)}.")
        question = f"Delete OAuth client '{client.identifier}' ({client.name}) and every token it issued?"
        needs = f"Deleting client {client.id}"
        if not confirmed(io, question, yes=opts.yes, needs=needs, declined="Nothing was deleted."):
            return EXIT_FAILED
        admin.clients.delete(client.id)
    io.print_out(f"Deleted OAuth client '{client.identifier}' (id {client.id}).")
    return EXIT_OK


def _new_secret(opts: ClientOptions, provisioner: Provisioner, io: IO) -> int:
    assert opts.client_id is not None
    with provisioner.admin(opts.using) as admin:
        client = admin.clients.generate_secret(opts.client_id)
        subdomain = admin.profile.subdomain
    io.print_err(f"Zendesk made a new secret for client '{client.identifier}'; the old one no longer works.")
    values = {
        "subdomain": subdomain,
        "client_id": client.identifier,
        "scope": scope_string(validate_scopes(list(opts.scopes)) if opts.scopes else ["read"]),
        "redirect_url": " ".join(client.redirect_uris),
        "kind": client.kind,
        "id": client.id,
    }
    _print_values(values, client.secret, opts, io)
    return EXIT_OK
