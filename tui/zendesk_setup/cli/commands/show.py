"""``zendesk-setup show``: one profile's settings and where its secrets live, never a secret."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zendesk_setup.cli import config_dir_arg
from zendesk_setup.cli.common import last_check, profile_json, profile_store
from zendesk_setup.core.errors import EXIT_OK
from zendesk_setup.core.expiry import profile_expiry, today_utc
from zendesk_setup.core.profiles import Profile
from zendesk_setup.core.secrets import secret_store_for
from zendesk_setup.core.vocab import AuthType, ClientKind

if TYPE_CHECKING:
    import argparse

    from zendesk_setup.cli.streams import IO


@dataclass(frozen=True)
class ShowOptions:
    """What ``show`` was asked for."""

    config_dir: str | None
    name: str | None = None
    json: bool = False

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ShowOptions:
        """The options from the parsed command line."""
        return cls(config_dir=config_dir_arg(args), name=args.name, json=args.json)


def secret_names(profile: Profile) -> list[str]:
    """The names of the secret fields the profile's auth type keeps."""
    if profile.auth == AuthType.API_TOKEN:
        return ["api_token"]
    names = ["access_token"]
    if profile.auth == AuthType.OAUTH:
        names.append("refresh_token")
    if profile.auth == AuthType.CLIENT_CREDENTIALS or profile.client_kind == ClientKind.CONFIDENTIAL:
        names.insert(0, "client_secret")
    return names


def run_show(opts: ShowOptions, io: IO) -> int:
    """Write one profile's settings and where its secrets live, as text or JSON."""
    store = profile_store(opts.config_dir)
    document = store.load()
    profile = store.resolve(opts.name)
    data = profile_json(profile, document.default)
    where = secret_store_for(profile.storage, store.config_dir).describe(profile.name)
    data["secrets"] = {"where": where, "fields": secret_names(profile)}
    data["profiles_file"] = str(store.path)
    if opts.json:
        io.print_out(json.dumps(data, indent=2))
        return EXIT_OK
    lines = [f"profile:      {profile.name}{'  (default)' if data['default'] else ''}"]
    lines.append(f"subdomain:    {profile.subdomain}")
    lines.append(f"base url:     {profile.api_base_url}")
    lines.append(f"auth:         {profile.auth}")
    if profile.auth == AuthType.API_TOKEN:
        lines.append(f"email:        {profile.email}")
    else:
        lines.append(f"client id:    {profile.client_id}")
        if profile.client_kind:
            lines.append(f"client kind:  {profile.client_kind}")
        lines.append(f"scopes:       {' '.join(profile.scopes)}")
        if profile.auth == AuthType.OAUTH:
            from zendesk_setup.core.redirect import DEFAULT_REDIRECT_PORT, redirect_uri_for

            lines.append(f"redirect url: {redirect_uri_for(profile.redirect_port or DEFAULT_REDIRECT_PORT)}")
    expiry = profile_expiry(profile)
    if expiry is not None:
        lines.append(f"expires:      {expiry.short(today_utc())}")
        lines.append(f"              {expiry.note}")
    if profile.created_client is not None:
        made = profile.created_client
        lines.append(f"created:      OAuth client {made.identifier} (id {made.id}), made by zendesk-setup")
    lines.append(f"last check:   {last_check(profile)}")
    if profile.checked is not None and not profile.checked.ok and profile.checked.message:
        lines.append(f"              {profile.checked.message}")
    lines.append(f"secrets:      {data['secrets']['where']}")
    lines.append(f"              holds {', '.join(data['secrets']['fields'])} (never shown)")
    lines.append(f"file:         {store.path}")
    io.print_out("\n".join(lines))
    return EXIT_OK
