"""Profiles: the non-secret settings of each Zendesk connection, kept in a versioned YAML file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from zendesk_setup.core.errors import ConfigFileError, InputError, ProfileNotFoundError, one_line
from zendesk_setup.core.locking import file_lock
from zendesk_setup.core.paths import PROFILE_ENV, PROFILES_FILE, read_trusted_text
from zendesk_setup.core.subdomain import LABEL, default_base_url, validate_base_url
from zendesk_setup.core.vocab import AuthType, ClientKind, Storage

T = TypeVar("T")
FORMAT_VERSION = 1
AUTH_TYPES = tuple(AuthType)
CLIENT_KINDS = tuple(ClientKind)
STORAGE_KINDS = tuple(Storage)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
HEADER = (
    "# zendesk-setup profiles. This file never holds a secret: tokens and client secrets\n"
    "# live in the OS keyring (service 'zendesk-setup', one entry per profile name).\n"
)


def valid_email(text: str | None) -> bool:
    """True when ``text`` looks like the email address of a Zendesk user (the one email check)."""
    if not text:
        return False
    text = str(text)
    return "@" in text and text.split() == [text]  # whole after split() only when it holds no whitespace


def validate_profile_name(name: str) -> str:
    """Return ``name`` when it is a safe profile name, else raise InputError."""
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        shown = name if isinstance(name, str) and len(name) <= 70 and name.isprintable() else "that name"
        raise InputError(
            f"'{shown}' is not a valid profile name: use up to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit.",
            field="name",
        )
    return name


def _stamp(moment: datetime) -> str:
    """A moment as written in profiles.yaml: UTC, to the second, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(raw: Any) -> datetime | None:
    """A moment read from profiles.yaml (text or a YAML timestamp), in UTC; None when it is not one."""
    if isinstance(raw, str):
        try:
            raw = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return None
    if not isinstance(raw, datetime):
        return None
    return raw if raw.tzinfo is not None else raw.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CheckRecord:
    """The result of the last check against Zendesk."""

    at: datetime
    ok: bool
    user: str | None = None
    role: str | None = None
    message: str | None = None
    kind: str | None = None
    """Why a check did not succeed when that says nothing about the credentials (``rate_limited``)."""

    @property
    def rate_limited(self) -> bool:
        """True when Zendesk kept rate limiting: the credentials were not judged, so this is no failure of theirs."""
        return not self.ok and self.kind == "rate_limited"

    @property
    def outcome(self) -> str:
        """The result in words: ``ok``, ``rate limited`` or ``failed``."""
        if self.ok:
            return "ok"
        return "rate limited" if self.rate_limited else "failed"

    def __post_init__(self) -> None:
        # Server text (a user name, a role, an error) is stored and shown only without control characters.
        for name in ("user", "role", "message"):
            value = getattr(self, name)
            if value is not None:
                cleaned = one_line(str(value))[:300] or None
                if cleaned is not value:
                    object.__setattr__(self, name, cleaned)

    def to_yaml(self) -> dict[str, Any]:
        """The mapping written under ``checked:``."""
        data: dict[str, Any] = {"at": _stamp(self.at), "ok": self.ok}
        if self.user:
            data["user"] = self.user
        if self.role:
            data["role"] = self.role
        if self.message:
            data["message"] = self.message
        if self.kind:
            data["kind"] = self.kind
        return data


@dataclass(frozen=True)
class CreatedClient:
    """The OAuth client zendesk-setup created for a profile: its numeric id and its identifier (the client_id)."""

    id: int
    identifier: str

    def to_yaml(self) -> dict[str, Any]:
        """The mapping written under ``created_client:``."""
        return {"id": self.id, "identifier": self.identifier}


_TYPED_FIELDS = (("auth", AuthType), ("client_kind", ClientKind), ("storage", Storage))


@dataclass(frozen=True)
class Profile:
    """One saved Zendesk connection. It has no secret fields, so writing it can never leak one."""

    name: str
    subdomain: str
    auth: AuthType = AuthType.OAUTH
    email: str | None = None
    client_id: str | None = None
    client_kind: ClientKind | None = None
    scopes: tuple[str, ...] = ()
    redirect_port: int | None = None
    base_url: str | None = None
    storage: Storage = Storage.KEYRING
    created_client: CreatedClient | None = None
    refresh_expires: datetime | None = field(default=None, compare=False)
    checked: CheckRecord | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        # Text from YAML or flags becomes the typed value; unknown text stays for validate() to word the error.
        for name, kind in _TYPED_FIELDS:
            value = getattr(self, name)
            if type(value) is str:  # an enum member is a str subclass and stays as it is
                member = kind._value2member_map_.get(value)
                if member is not None:
                    object.__setattr__(self, name, member)

    @property
    def api_base_url(self) -> str:
        """The URL every API and OAuth call of this profile goes to."""
        return self.base_url or default_base_url(self.subdomain)

    def with_check(self, record: CheckRecord) -> Profile:
        """A copy carrying a new check record."""
        return replace(self, checked=record)

    def to_yaml(self) -> dict[str, Any]:
        """The mapping written under ``profiles: NAME:``; keys in a stable, readable order."""
        data: dict[str, Any] = {"subdomain": self.subdomain, "auth": str(self.auth)}
        if self.base_url:
            data["base_url"] = self.base_url
        if self.email:
            data["email"] = self.email
        if self.client_id:
            data["client_id"] = self.client_id
        if self.client_kind:
            data["client_kind"] = str(self.client_kind)
        if self.scopes:
            data["scopes"] = list(self.scopes)
        if self.redirect_port is not None:
            data["redirect_port"] = self.redirect_port
        if self.storage != Storage.KEYRING:
            data["storage"] = str(self.storage)
        if self.created_client is not None:
            data["created_client"] = self.created_client.to_yaml()
        if self.refresh_expires is not None:
            data["refresh_expires"] = _stamp(self.refresh_expires)
        if self.checked is not None:
            data["checked"] = self.checked.to_yaml()
        return data

    def validate(self) -> Profile:
        """Raise InputError when a field is missing or malformed for this auth type."""
        validate_profile_name(self.name)
        if not LABEL.match(self.subdomain or ""):
            raise InputError(f"'{self.subdomain}' is not a valid subdomain.", field="subdomain")
        if self.auth not in AUTH_TYPES:
            raise InputError(f"Unknown auth type '{self.auth}'; use one of {', '.join(AUTH_TYPES)}.", field="auth")
        if self.base_url is not None:
            validate_base_url(self.base_url)
        if self.auth == AuthType.API_TOKEN and not valid_email(self.email):
            raise InputError("An API-token profile needs the agent's email address.", field="email")
        if self.auth in (AuthType.OAUTH, AuthType.CLIENT_CREDENTIALS):
            if not self.client_id:
                raise InputError("An OAuth profile needs the client's identifier.", field="client_id")
            if not self.scopes:
                raise InputError("Choose at least one scope.", field="scopes")
        if self.client_kind is not None and self.client_kind not in CLIENT_KINDS:
            raise InputError("The client kind must be public or confidential.", field="client_kind")
        if self.redirect_port is not None and not 1024 <= self.redirect_port <= 65535:
            raise InputError("The redirect port must be between 1024 and 65535.", field="redirect_port")
        if self.storage not in STORAGE_KINDS:
            raise InputError("Secret storage must be keyring or file.", field="storage")
        return self


_FIELD_NAMES = {cls: {item.name for item in fields(cls)} for cls in (CheckRecord, Profile)}


@dataclass
class ProfilesDocument:
    """The whole of profiles.yaml: format version, default name and profiles in order."""

    default: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    version: int = FORMAT_VERSION

    def name_taken(self, name: str, *, other_than: str | None = None) -> str | None:
        """The existing profile name equal to ``name`` without regard to case (``other_than`` aside), or None."""
        folded = name.casefold()
        return next((key for key in self.profiles if key.casefold() == folded and key != other_than), None)

    def to_yaml(self) -> dict[str, Any]:
        """The mapping that is dumped to profiles.yaml."""
        return {
            "version": self.version,
            "default": self.default,
            "profiles": {name: profile.to_yaml() for name, profile in self.profiles.items()},
        }


class _LineDict(dict):  # type: ignore[type-arg]
    """A dict that remembers the line of each key, so errors can point at the file."""

    line: int = 0
    key_lines: dict[Any, int]


def _yaml_loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_mapping(loader: Any, node: Any) -> _LineDict:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if (key_node.tag, key_node.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key {key_node.value[:70]!r} appears twice", key_node.start_mark
                    )
                seen.add((key_node.tag, key_node.value))
        loader.flatten_mapping(node)
        result = _LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "found an unusable key", key_node.start_mark
                ) from None
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    LineLoader.add_constructor("tag:yaml.org,2002:map", construct_mapping)
    return LineLoader


def _new_line_dict(line: int) -> _LineDict:
    result = _LineDict()
    result.line = line
    result.key_lines = {}
    return result


def _load_yaml(text: str) -> Any:
    from zendesk_setup.core import fastyaml

    try:
        return fastyaml.load(text, _new_line_dict)
    except Exception:  # anything beyond the plain subset: the full loader decides and words the error
        return fastyaml.load_bounded(text, _yaml_loader())


def parse_profiles(text: str, path: Path) -> ProfilesDocument:
    """Parse profiles.yaml text; any problem raises ConfigFileError naming the file and line."""
    import yaml

    try:
        data = _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "it is not valid YAML"
        problem = "".join(ch if ch.isprintable() else "?" for ch in problem)
        raise ConfigFileError(
            f"{path} cannot be read{where}: {problem}.",
            hint="Fix or move the file; zendesk-setup will not overwrite it.",
        ) from None
    if data is None:
        return ProfilesDocument()

    def bad(message: str, line: int | None) -> ConfigFileError:
        where = f" at line {line}" if line else ""
        return ConfigFileError(
            f"{path} is not a valid profiles file{where}: {message}.",
            hint="Fix or move the file; zendesk-setup will not overwrite it.",
        )

    if not isinstance(data, dict):
        raise bad("the top level must be a mapping with version, default and profiles", 1)
    lines = getattr(data, "key_lines", {})
    version = data.get("version")
    if version is None:
        raise bad("'version' is missing", 1)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise bad(
            f"version {version!r} is not supported (this zendesk-setup reads version {FORMAT_VERSION})",
            lines.get("version"),
        )
    raw_profiles = data.get("profiles") or {}
    if not isinstance(raw_profiles, dict):
        raise bad("'profiles' must be a mapping of names to settings", lines.get("profiles"))
    profiles: dict[str, Profile] = {}
    profile_lines = getattr(raw_profiles, "key_lines", {})
    folded_names: dict[str, str] = {}
    for name, raw in raw_profiles.items():
        line = profile_lines.get(name)
        twin = folded_names.setdefault(str(name).casefold(), str(name))
        if twin != name:
            raise bad(f"the profile names '{twin}' and '{name}' differ only in case (keyrings may fold case)", line)
        profiles[str(name)] = _profile_from_yaml(str(name), raw, line, bad)
    default = data.get("default")
    if default is not None and (not isinstance(default, str) or default not in profiles):
        raise bad(f"the default profile {default!r} is not among the profiles", lines.get("default"))
    return ProfilesDocument(default=default, profiles=profiles, version=FORMAT_VERSION)


_TEXT_KEYS = ("subdomain", "auth", "email", "client_id", "client_kind", "base_url", "storage")
_REQUIRED_KEYS = frozenset({"subdomain", "auth"})


def _loaded(cls: type[T], values: dict[str, Any]) -> T:
    """``cls(**values)`` for a frozen dataclass, when ``values`` names every field: one dict update.

    The generated ``__init__`` of a frozen dataclass sets each field through ``object.__setattr__``, the most
    expensive step of reading a large profiles.yaml; the object made here is the same, ``__post_init__`` included.
    """
    if values.keys() != _FIELD_NAMES[cls]:
        return cls(**values)
    loaded = object.__new__(cls)
    loaded.__dict__.update(values)
    loaded.__post_init__()  # type: ignore[attr-defined]
    return loaded


def _profile_from_yaml(
    name: str, raw: Any, line: int | None, bad: Callable[[str, int | None], ConfigFileError]
) -> Profile:
    if not NAME_PATTERN.match(name):
        raise bad(f"{name[:70]!r} is not a valid profile name", line)
    if not isinstance(raw, dict):
        raise bad(f"profile '{name}' must be a mapping of settings", line)
    key_lines = getattr(raw, "key_lines", {})
    scopes_raw = raw.get("scopes") or []
    if isinstance(scopes_raw, str):
        scopes_raw = scopes_raw.split()
    if not isinstance(scopes_raw, list) or not all(isinstance(s, str) for s in scopes_raw):
        raise bad(f"'scopes' of profile '{name}' must be a list of scope names", key_lines.get("scopes", line))
    port = raw.get("redirect_port")
    if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
        raise bad(f"'redirect_port' of profile '{name}' must be a number", key_lines.get("redirect_port", line))
    checked = _check_from_yaml(raw.get("checked"))
    created_client = _created_client_from_yaml(raw.get("created_client"))
    if raw.get("created_client") is not None and created_client is None:
        raise bad(
            f"'created_client' of profile '{name}' must be a mapping with a numeric id and an identifier",
            key_lines.get("created_client", line),
        )
    texts = [raw.get(key) for key in _TEXT_KEYS]
    for key, value in zip(_TEXT_KEYS, texts, strict=True):
        if value is None:
            if key in _REQUIRED_KEYS:
                raise bad(f"profile '{name}' has no '{key}'", line)
        elif not isinstance(value, str):
            raise bad(f"'{key}' of profile '{name}' must be text", key_lines.get(key, line))
    subdomain, auth, email, client_id, client_kind, base_url, storage = texts
    try:
        profile = _loaded(
            Profile,
            {
                "name": name,
                "subdomain": subdomain,
                "auth": auth,
                "email": email,
                "client_id": client_id,
                "client_kind": client_kind,
                "scopes": tuple(scopes_raw),
                "redirect_port": port,
                "base_url": base_url,
                "storage": storage or "keyring",
                "created_client": created_client,
                "refresh_expires": _moment(raw.get("refresh_expires")),
                "checked": checked,
            },
        ).validate()
    except InputError as exc:
        field_line = key_lines.get(exc.field or "", line) if exc.field else line
        raise bad(f"profile '{name}': {exc.message.rstrip('.')}", field_line) from None
    return profile


def _created_client_from_yaml(raw: Any) -> CreatedClient | None:
    if not isinstance(raw, dict):
        return None
    client_id, identifier = raw.get("id"), raw.get("identifier")
    if not isinstance(client_id, int) or isinstance(client_id, bool) or not isinstance(identifier, str):
        return None
    if not identifier or not identifier.isprintable() or any(ch.isspace() for ch in identifier):
        return None
    return CreatedClient(client_id, identifier)


def _check_from_yaml(raw: Any) -> CheckRecord | None:
    if not isinstance(raw, dict):
        return None
    at = _moment(raw.get("at"))
    if at is None:
        return None
    user, role, message, kind = (raw.get(key) for key in ("user", "role", "message", "kind"))
    return _loaded(
        CheckRecord,
        {
            "at": at,
            "ok": bool(raw.get("ok")),
            "user": user if isinstance(user, str) else None,
            "role": role if isinstance(role, str) else None,
            "message": message if isinstance(message, str) else None,
            "kind": kind if isinstance(kind, str) else None,
        },
    )


def dump_profiles(document: ProfilesDocument) -> str:
    """The text of profiles.yaml for ``document``."""
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    body = yaml.dump(document.to_yaml(), Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return HEADER + body


class ProfileStore:
    """Reads and writes profiles.yaml in one config dir, atomically and under a lock."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = Path(config_dir)
        self.path = self.config_dir / PROFILES_FILE

    def stamp(self) -> tuple[int, int] | None:
        """The file's modification time and size (None when it is missing): a cheap way to notice other writers."""
        try:
            status = os.stat(self.path)
        except OSError:
            return None
        return (status.st_mtime_ns, status.st_size)

    def load(self) -> ProfilesDocument:
        """The current document; an empty one when the file does not exist yet.

        A folder or file that another user owns or can write raises ConfigFileError: it could steer credentials.
        """
        text = read_trusted_text(self.path, self.config_dir)
        if text is None:
            return ProfilesDocument()
        return parse_profiles(text, self.path)

    def names(self) -> list[str]:
        """Profile names in file order."""
        return list(self.load().profiles)

    def get(self, name: str) -> Profile:
        """The named profile, or ProfileNotFoundError."""
        document = self.load()
        return self._require(document, name)

    def resolve(self, name: str | None = None) -> Profile:
        """``name``, else ``$ZENDESK_SETUP_PROFILE``, else the default profile."""
        document = self.load()
        chosen = name or os.environ.get(PROFILE_ENV) or document.default
        if not chosen:
            if not document.profiles:
                raise ProfileNotFoundError(
                    "There are no profiles yet.", hint="Create one with `zendesk-setup` or `zendesk-setup add`."
                )
            raise ProfileNotFoundError(
                "No profile was named and there is no default.",
                hint="Name one, or set one with `zendesk-setup default NAME`.",
            )
        return self._require(document, chosen)

    def _require(self, document: ProfilesDocument, name: str) -> Profile:
        try:
            return document.profiles[name]
        except KeyError:
            known = ", ".join(document.profiles) or "none yet"
            raise ProfileNotFoundError(f"There is no profile named '{name}' (profiles: {known}).") from None

    @contextmanager
    def editing(self) -> Iterator[ProfilesDocument]:
        """Lock, load, let the caller change the document, then write it atomically."""
        from zendesk_setup.core.atomic import ensure_private_dir, write_private_file

        ensure_private_dir(self.config_dir)
        with file_lock(self.config_dir / (PROFILES_FILE + ".lock")):
            document = self.load()
            yield document
            write_private_file(self.path, dump_profiles(document))

    def save(self, profile: Profile, *, make_default: bool = False, replaces: str | None = None) -> None:
        """Add ``profile``, or update the one it ``replaces`` (its name before an edit; may be the same name).

        A new name must differ, without regard to case, from every other profile's: some keyrings fold case.
        """
        profile.validate()
        with self.editing() as document:
            taken = document.name_taken(profile.name, other_than=replaces)
            if taken is not None:
                raise InputError(f"A profile named '{taken}' already exists.", field="name")
            if replaces and replaces != profile.name:
                document.profiles = {
                    (profile.name if key == replaces else key): value for key, value in document.profiles.items()
                }
                if document.default == replaces:
                    document.default = profile.name
            document.profiles[profile.name] = profile
            if make_default or not document.default:
                document.default = profile.name

    def remove(self, name: str) -> Profile:
        """Delete a profile; the default moves to the first remaining one. Returns what was removed."""
        with self.editing() as document:
            removed = self._require(document, name)
            del document.profiles[name]
            if document.default == name:
                document.default = next(iter(document.profiles), None)
        return removed

    def rename(self, old: str, new: str) -> Profile:
        """Rename a profile in place, keeping its position and default status."""
        validate_profile_name(new)
        with self.editing() as document:
            profile = self._require(document, old)
            taken = document.name_taken(new, other_than=old)
            if taken is not None:
                raise InputError(f"A profile named '{taken}' already exists.", field="name")
            renamed = replace(profile, name=new)
            document.profiles = {
                (new if key == old else key): (renamed if key == old else value)
                for key, value in document.profiles.items()
            }
            if document.default == old:
                document.default = new
        return renamed

    def set_default(self, name: str) -> None:
        """Make ``name`` the default profile."""
        with self.editing() as document:
            self._require(document, name)
            document.default = name

    def record_refresh_expiry(self, name: str, moment: datetime | None) -> None:
        """Store when the profile's refresh token expires (a missing profile, or no change, writes nothing)."""
        stamp = moment.replace(microsecond=0) if moment is not None else None
        current = self.load().profiles.get(name)
        if current is None or current.refresh_expires == stamp:
            return
        with self.editing() as document:
            if name in document.profiles:
                document.profiles[name] = replace(document.profiles[name], refresh_expires=stamp)

    def record_check(self, name: str, record: CheckRecord) -> None:
        """Store the result of a check on a profile (a missing profile is ignored)."""
        with self.editing() as document:
            if name in document.profiles:
                document.profiles[name] = document.profiles[name].with_check(record)
