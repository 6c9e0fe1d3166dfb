"""The catalogue of Zendesk OAuth scopes, read from a data file shipped in the package."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from zendesk_setup.core.errors import InputError

SCOPE_SYNTAX = re.compile(r"^[a-z][a-z_]*(?::(?:read|write))?$")


@dataclass(frozen=True)
class ScopeEntry:
    """One scope of the checklist, e.g. ``tickets:read``, with a short description."""

    scope: str
    help: str
    group: str


@dataclass(frozen=True)
class ScopeGroup:
    """A titled group of scopes (Global, Tickets and people, ...)."""

    title: str
    entries: tuple[ScopeEntry, ...]


@dataclass(frozen=True)
class ScopePreset:
    """A named set of scopes from the seed guide (User list, SaaS user roles, API presets)."""

    id: str
    title: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class ScopeCatalogue:
    """Every known scope in display order, plus presets."""

    groups: tuple[ScopeGroup, ...]
    presets: tuple[ScopePreset, ...]

    def all_scopes(self) -> list[str]:
        """Every scope name in display order."""
        return [entry.scope for group in self.groups for entry in group.entries]

    def entry(self, scope: str) -> ScopeEntry | None:
        """The catalogue entry for ``scope``, or None when unknown."""
        for group in self.groups:
            for entry in group.entries:
                if entry.scope == scope:
                    return entry
        return None


@cache
def load_catalogue() -> ScopeCatalogue:
    """Read ``data/scopes.json``: global scopes plus each resource's allowed ``:read``/``:write`` forms."""
    raw = json.loads(resources.files("zendesk_setup.core").joinpath("data/scopes.json").read_text("utf-8"))
    groups = []
    for group in raw["groups"]:
        entries = [ScopeEntry(item["scope"], item["help"], group["title"]) for item in group.get("scopes", [])]
        for item in group.get("resources", []):
            for form in item["forms"]:
                entries.append(ScopeEntry(f"{item['resource']}:{form}", f"{item['help']} ({form})", group["title"]))
        groups.append(ScopeGroup(group["title"], tuple(entries)))
    presets = tuple(ScopePreset(p["id"], p["title"], tuple(p["scopes"])) for p in raw["presets"])
    return ScopeCatalogue(tuple(groups), presets)


def split_scopes(values: str | list[str] | tuple[str, ...]) -> list[str]:
    """Split space- or comma-separated scope text into names, dropping duplicates but keeping order."""
    items = [values] if isinstance(values, str) else list(values)
    seen: dict[str, None] = {}
    for item in items:
        for part in re.split(r"[\s,]+", item.strip()):
            if part:
                seen.setdefault(part, None)
    return list(seen)


def validate_scopes(values: str | list[str] | tuple[str, ...], *, allow_unknown: bool = False) -> list[str]:
    """Return the scopes as a clean list; refuse an empty choice, bad syntax and (unless allowed) unknown names."""
    scopes = split_scopes(values)
    if not scopes:
        raise InputError("Choose at least one scope, for example read.", field="scopes")
    known = load_catalogue().all_scopes()
    for scope in scopes:
        if not SCOPE_SYNTAX.match(scope):
            raise InputError(
                f"'{scope[:60]}' is not a scope: use read, write, impersonate or resource:read / resource:write.",
                field="scopes",
            )
        if not allow_unknown and scope not in known:
            close = difflib.get_close_matches(scope, known, n=1)
            hint = f" Did you mean {close[0]}?" if close else ""
            raise InputError(
                f"'{scope}' is not a Zendesk scope this tool knows; Zendesk would issue a token that fails "
                f"with 403.{hint}",
                field="scopes",
            )
    return scopes


def unknown_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    """The scopes the catalogue does not list (Zendesk may know newer ones, or refuse them)."""
    known = set(load_catalogue().all_scopes())
    return [scope for scope in scopes if scope not in known]


def looks_like_scope(text: str) -> bool:
    """True when ``text`` has the form of a scope (``name`` or ``name:read``/``name:write``)."""
    return bool(SCOPE_SYNTAX.match(text))


def scope_string(scopes: list[str] | tuple[str, ...]) -> str:
    """The space-separated form sent to Zendesk."""
    return " ".join(scopes)
