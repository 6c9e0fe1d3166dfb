"""Profiles read from profiles.yaml are the objects their constructors make, however they are built."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from zendesk_setup.core.profiles import (
    CheckRecord,
    CreatedClient,
    Profile,
    ProfilesDocument,
    _loaded,
    dump_profiles,
    parse_profiles,
    valid_email,
)

AT = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _same(made: Any, loaded: Any) -> None:
    assert type(loaded) is type(made)
    assert loaded == made
    assert repr(loaded) == repr(made)
    assert vars(loaded) == vars(made)
    assert {name: type(value) for name, value in vars(loaded).items()} == {
        name: type(value) for name, value in vars(made).items()
    }


@pytest.mark.parametrize(
    "values",
    [
        {"at": AT, "ok": True, "user": "Ada Admin", "role": "admin", "message": None, "kind": None},
        {"at": AT, "ok": False, "user": "Ada\x1b[31m  Admin\n", "role": "", "message": "x" * 400, "kind": "other"},
    ],
)
def test_a_loaded_check_record_is_the_constructed_one(values: dict[str, Any]) -> None:
    _same(CheckRecord(**values), _loaded(CheckRecord, values))


@pytest.mark.parametrize(
    "values",
    [
        {"name": "acme", "subdomain": "acme", "auth": "api_token", "email": "ada@acme.test"},
        {
            "name": "robot",
            "subdomain": "acme",
            "auth": "client_credentials",
            "client_id": "robot",
            "client_kind": "confidential",
            "scopes": ("read",),
            "storage": "file",
            "created_client": CreatedClient(7, "robot"),
            "refresh_expires": AT,
            "checked": CheckRecord(AT, True, "Ada"),
        },
        {"name": "odd", "subdomain": "acme", "auth": "password", "client_kind": "secret", "storage": "disk"},
    ],
)
def test_a_loaded_profile_is_the_constructed_one(values: dict[str, Any]) -> None:
    every_field = {item.name: item.default for item in fields(Profile) if item.name not in values} | values
    _same(Profile(**values), _loaded(Profile, every_field))
    _same(Profile(**values), _loaded(Profile, values))  # fewer fields: the constructor fills the defaults


def test_a_file_with_every_field_reads_back_equal(tmp_path: Path) -> None:
    document = ProfilesDocument(default="b")
    document.profiles["a"] = Profile(name="a", subdomain="a", auth="api_token", email="ada@a.test")
    document.profiles["b"] = Profile(
        name="b",
        subdomain="b",
        auth="oauth",
        client_id="b_cli",
        client_kind="public",
        scopes=("read",),
        redirect_port=47123,
        base_url="http://127.0.0.1:9",
        created_client=CreatedClient(7, "b_cli"),
        refresh_expires=AT,
        checked=CheckRecord(AT, False, "Zoë", "admin", "refused", "rate_limited"),
    )
    loaded = parse_profiles(dump_profiles(document), tmp_path / "profiles.yaml")
    assert loaded == document
    for name, profile in document.profiles.items():
        _same(profile, loaded.profiles[name])
        if profile.checked is not None:
            _same(profile.checked, loaded.profiles[name].checked)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ada@acme.test", True),
        ("@", True),
        ("", False),
        (None, False),
        ("ada.acme.test", False),
        ("ada @acme.test", False),
        ("ada@acme.test ", False),
        ("ada@acme.test\n", False),
        ("ada@acme\u00a0test", False),
        ("ada@acme\u2003test", False),
        ("ada@acme\x1ctest", False),
    ],
)
def test_valid_email(text: str | None, valid: bool) -> None:
    assert valid_email(text) is valid
    if text:
        assert valid_email(text) is ("@" in text and not any(ch.isspace() for ch in text))
