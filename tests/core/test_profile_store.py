"""ProfileStore: the versioned profiles.yaml of PRODUCT.md "Storage", its modes, atomic writes and lock."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from zendesk_setup.core.errors import ConfigFileError, InputError, ProfileNotFoundError
from zendesk_setup.core.profiles import CheckRecord, Profile, ProfileStore

PRODUCT_EXAMPLE = """\
version: 1
default: acme
profiles:
  acme:
    subdomain: acme
    auth: oauth
    client_id: acme_cli
    client_kind: public
    scopes: [read, users:write]
    redirect_port: 47123
    checked: {at: 2026-11-25T10:00:00Z, ok: true, user: Ada Admin, role: admin}
"""


def api_profile(name: str, subdomain: str = "acme") -> Profile:
    """An API-token profile with a fixed email."""
    return Profile(name=name, subdomain=subdomain, auth="api_token", email="ada@acme.test")


def mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(config_dir: Path) -> ProfileStore:
    """A store in the test's (not yet existing) config dir."""
    return ProfileStore(config_dir)


def test_nothing_is_created_until_something_is_saved(store: ProfileStore, config_dir: Path) -> None:
    assert store.load().profiles == {}
    assert store.names() == []
    with pytest.raises(ProfileNotFoundError):
        store.resolve(None)
    assert not config_dir.exists()


def test_saved_file_has_exactly_the_documented_format(store: ProfileStore) -> None:
    checked = CheckRecord(at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC), ok=True, user="Ada Admin", role="admin")
    store.save(
        Profile(
            name="acme",
            subdomain="acme",
            auth="oauth",
            client_id="acme_cli",
            client_kind="public",
            scopes=("read", "users:write"),
            redirect_port=47123,
            checked=checked,
        )
    )
    text = store.path.read_text()
    expected = yaml.safe_load(PRODUCT_EXAMPLE)
    expected["profiles"]["acme"]["checked"]["at"] = "2026-11-25T10:00:00Z"
    assert yaml.safe_load(text) == expected
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[:3] == ["version: 1", "default: acme", "profiles:"]
    assert "  acme:" in body


def test_the_documented_example_loads_as_written(store: ProfileStore, config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    store.path.write_text(PRODUCT_EXAMPLE)
    document = store.load()
    assert document.default == "acme"
    profile = document.profiles["acme"]
    assert profile.scopes == ("read", "users:write")
    assert profile.redirect_port == 47123
    assert profile.checked is not None and profile.checked.ok and profile.checked.user == "Ada Admin"
    assert profile.checked.at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    assert profile.api_base_url == "https://acme.zendesk.com"


def test_folder_is_0700_and_file_0600_whatever_the_umask(store: ProfileStore, config_dir: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        store.save(api_profile("acme"))
    finally:
        os.umask(old_umask)
    assert mode(config_dir) == 0o700
    assert mode(store.path) == 0o600


def test_first_profile_becomes_default_and_later_ones_do_not(store: ProfileStore) -> None:
    store.save(api_profile("acme"))
    store.save(api_profile("sandbox", "acme-sandbox"))
    assert store.load().default == "acme"
    store.save(api_profile("third"), make_default=True)
    assert store.load().default == "third"
    assert store.names() == ["acme", "sandbox", "third"]


def test_remove_moves_the_default_to_the_first_remaining(store: ProfileStore) -> None:
    for name in ("one", "two", "three"):
        store.save(api_profile(name))
    store.set_default("two")
    removed = store.remove("two")
    assert removed.name == "two"
    assert store.load().default == "one"
    store.remove("one")
    assert store.load().default == "three"
    store.remove("three")
    document = store.load()
    assert document.default is None and document.profiles == {}
    with pytest.raises(ProfileNotFoundError):
        store.remove("three")


def test_removing_another_profile_keeps_the_default(store: ProfileStore) -> None:
    for name in ("one", "two"):
        store.save(api_profile(name))
    store.remove("two")
    assert store.load().default == "one"


def test_rename_keeps_position_and_default(store: ProfileStore) -> None:
    for name in ("one", "two", "three"):
        store.save(api_profile(name))
    store.set_default("two")
    store.rename("two", "deux")
    document = store.load()
    assert list(document.profiles) == ["one", "deux", "three"]
    assert document.default == "deux"
    assert document.profiles["deux"].name == "deux"
    with pytest.raises(InputError):
        store.rename("one", "three")
    with pytest.raises(InputError):
        store.rename("one", "bad name")
    with pytest.raises(ProfileNotFoundError):
        store.rename("missing", "other")
    assert list(store.load().profiles) == ["one", "deux", "three"]


def test_set_default_needs_an_existing_profile(store: ProfileStore) -> None:
    store.save(api_profile("one"))
    with pytest.raises(ProfileNotFoundError, match="no profile named 'nope'"):
        store.set_default("nope")
    assert store.load().default == "one"


def test_resolve_uses_name_then_environment_then_default(
    store: ProfileStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(api_profile("one"))
    store.save(api_profile("two"))
    assert store.resolve(None).name == "one"
    monkeypatch.setenv("ZENDESK_SETUP_PROFILE", "two")
    assert store.resolve(None).name == "two"
    assert store.resolve("one").name == "one"
    monkeypatch.setenv("ZENDESK_SETUP_PROFILE", "ghost")
    with pytest.raises(ProfileNotFoundError, match="ghost"):
        store.resolve(None)


def test_record_check_is_stored_and_survives_reload(store: ProfileStore) -> None:
    store.save(api_profile("acme"))
    at = datetime(2026, 11, 25, 10, 0, 5, tzinfo=UTC)
    store.record_check("acme", CheckRecord(at=at, ok=True, user="Ada Admin", role="admin"))
    raw = yaml.safe_load(store.path.read_text())
    assert raw["profiles"]["acme"]["checked"] == {
        "at": "2026-11-25T10:00:05Z",
        "ok": True,
        "user": "Ada Admin",
        "role": "admin",
    }
    assert store.get("acme").checked == CheckRecord(at=at, ok=True, user="Ada Admin", role="admin")


def test_invalid_profiles_are_refused_before_writing(store: ProfileStore) -> None:
    with pytest.raises(InputError):
        store.save(Profile(name="acme", subdomain="acme", auth="api_token", email=None))
    with pytest.raises(InputError):
        store.save(Profile(name="acme", subdomain="acme", auth="oauth", client_id="x", scopes=()))
    with pytest.raises(InputError):
        store.save(Profile(name="acme", subdomain="evil.com", auth="api_token", email="a@b.c"))
    with pytest.raises(InputError):
        store.save(
            Profile(name="acme", subdomain="acme", auth="api_token", email="a@b.c", base_url="http://example.org")
        )
    assert not store.path.exists()


def test_a_failed_replace_leaves_the_old_file_and_no_temp_file(
    store: ProfileStore, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(api_profile("acme"))
    before = store.path.read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ConfigFileError, match="disk is full"):
        store.save(api_profile("second"))
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    leftovers = [p.name for p in config_dir.iterdir() if p.name not in ("profiles.yaml", "profiles.yaml.lock")]
    assert leftovers == []


def test_parallel_writers_never_lose_a_profile(store: ProfileStore, config_dir: Path) -> None:
    errors: list[BaseException] = []

    def writer(prefix: str) -> None:
        try:
            for index in range(6):
                ProfileStore(config_dir).save(api_profile(f"{prefix}{index}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(prefix,)) for prefix in "abcd"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(store.names()) == sorted(f"{p}{i}" for p in "abcd" for i in range(6))


CORRUPT_CASES = [
    pytest.param("version: 1\nprofiles:\n  acme: [unclosed\n  other: x\n", 4, id="unclosed-bracket"),
    pytest.param("version: 1\nprofiles:\n  acme:\n  subdomain: a\n    bad: indent\n", 5, id="indent"),
    pytest.param("version: 1\ndefault: acme\nprofiles:\n  acme:\n    subdomain: acme\n\tauth: oauth\n", 6, id="tab"),
    pytest.param("version: 2\nprofiles: {}\n", 1, id="future-version"),
    pytest.param("version: 1\ndefault: ghost\nprofiles: {}\n", 2, id="unknown-default"),
    pytest.param("version: 1\nprofiles:\n  acme:\n    auth: api_token\n    email: a@b.c\n", 3, id="no-subdomain"),
    pytest.param(
        "version: 1\nprofiles:\n  acme:\n    subdomain: acme\n    auth: api_token\n    email: a@b.c\n"
        "    base_url: http://example.org\n",
        7,
        id="http-base-url",
    ),
    pytest.param(
        "version: 1\nprofiles:\n  acme:\n    subdomain: evil.com\n    auth: api_token\n    email: a@b.c\n",
        4,
        id="bad-subdomain",
    ),
    pytest.param("version: 1\nprofiles:\n  bad name:\n    subdomain: acme\n", 3, id="bad-name"),
    pytest.param("- just\n- a list\n", 1, id="not-a-mapping"),
]


@pytest.mark.parametrize(("text", "line"), CORRUPT_CASES)
def test_a_bad_file_is_reported_with_its_line_and_never_overwritten(
    store: ProfileStore, config_dir: Path, text: str, line: int
) -> None:
    config_dir.mkdir(parents=True, mode=0o700)
    store.path.write_text(text)
    before = store.path.read_bytes()
    with pytest.raises(ConfigFileError) as caught:
        store.load()
    assert f"line {line}" in caught.value.message
    assert str(store.path) in caught.value.message
    assert caught.value.exit_code == 3
    for attempt in (
        lambda: store.save(api_profile("new")),
        lambda: store.set_default("acme"),
        lambda: store.remove("acme"),
        lambda: store.rename("acme", "other"),
    ):
        with pytest.raises(ConfigFileError):
            attempt()
    assert store.path.read_bytes() == before


def test_a_file_that_is_not_utf8_is_reported_and_kept(store: ProfileStore, config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    store.path.write_bytes(b"version: 1\nprofiles:\n  \xff\xfe: {}\n")
    before = store.path.read_bytes()
    with pytest.raises(ConfigFileError, match="UTF-8"):
        store.save(api_profile("new"))
    assert store.path.read_bytes() == before


def test_an_empty_file_is_an_empty_store(store: ProfileStore, config_dir: Path) -> None:
    config_dir.mkdir(parents=True)
    store.path.write_text("# nothing yet\n")
    store.save(api_profile("acme"))
    assert store.load().default == "acme"
