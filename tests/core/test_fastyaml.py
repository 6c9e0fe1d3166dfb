"""The lean profiles.yaml loader gives exactly what yaml.safe_load gives, or steps aside."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from zendesk_setup.core import fastyaml
from zendesk_setup.core.profiles import dump_profiles, parse_profiles


class _Mapping(dict):  # type: ignore[type-arg]
    line: int
    key_lines: dict[Any, int]


def _new_mapping(line: int) -> _Mapping:
    mapping = _Mapping()
    mapping.line = line
    mapping.key_lines = {}
    return mapping


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _outcome(text: str, load: Any = fastyaml.load) -> tuple[str, Any]:
    try:
        return "ok", _plain(load(text, _new_mapping))
    except fastyaml.Unsupported:
        return "unsupported", None
    except yaml.YAMLError as exc:
        return "error", type(exc).__name__


def _lines(value: Any) -> list[Any]:
    """Every mapping's line and key lines, depth first."""
    if isinstance(value, dict):
        found: list[Any] = [(value.line, dict(value.key_lines))]
        for item in value.values():
            found += _lines(item)
        return found
    if isinstance(value, list):
        return [entry for item in value for entry in _lines(item)]
    return []


def _assert_lines_loader_agrees(text: str) -> bool:
    """load_lines steps aside, or gives what safe_load gives with the line numbers load_events gives."""
    try:
        got = fastyaml.load_lines(text, _new_mapping)
    except fastyaml.Unsupported:
        return False
    assert _plain(got) == yaml.safe_load(text)
    assert repr(_plain(got)) == repr(yaml.safe_load(text))  # True is not 1, 1.0 is not 1
    assert _lines(got) == _lines(fastyaml.load_events(text, _new_mapping))
    return True


SAME_AS_SAFE_LOAD = [
    "",
    "# only a comment\n",
    "plain scalar\n",
    "version: 1\ndefault:\nprofiles:\n  acme: {subdomain: acme, auth: oauth, scopes: read}\n",
    "a: 1\nb: [1, 2.5, null, ~, true, yes, off, 0x1f, 2026-11-25, 2026-11-25T10:00:00Z, '1', \"x\"]\n",
    "c: {d: e, f: []}\ng:\n- - 1\n  - 2\n- {}\n",
    "- a\n- b: c\n  d: e\n",
    "key: 'it''s'\nk2: |\n  literal\n  block\nk3: >\n  folded\n  text\nk4: ''\n",
    "a: .inf\nb: -.5\nc: 1_000\nd: 0o17\ne: -12\nf: 1e3\n",
    'unicode: "caf\\u00e9 \\U0001F600"\nemoji: ☕\n',
]


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOAD)
def test_plain_documents_load_exactly_as_safe_load(text: str) -> None:
    assert _outcome(text) == ("ok", yaml.safe_load(text))


@pytest.mark.parametrize("text", SAME_AS_SAFE_LOAD)
def test_the_line_loader_agrees_or_steps_aside(text: str) -> None:
    _assert_lines_loader_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ndefault: acme\nprofiles:\n  acme:\n    subdomain: acme\n    scopes:\n    - read\n",
        "a:\n  b:\n    c: 1\n  d:\n  - x\n  - 'y'\ne: ~\n",
        "# head\na: 'it''s'\n\n  # indented comment\nb: ''\nc: http://127.0.0.1:9\nd: tickets:write\ne: a#b\n",
        "a: -12\nb: 2026-11-25\nc: yes\nd: 0x1f\ne:\nf:   spaced\ng: x  y\n",
        "a:\n    - x\n    - -1\nb: 1\n",
    ],
)
def test_the_line_loader_takes_block_yaml(text: str) -> None:
    assert _assert_lines_loader_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: b\n  c\n",
        "a:\n  b\n",
        "a: 'x\n  y'\n",
        "a: x # c\n",
        "a:\tb\n",
        "a: b \n",
        "a: b\r\nc: d\r\n",
        "- a\n",
        "a:\n- b: c\n",
        "a:\n- - b\n",
        "a: b: c\n",
        "a: b:\n",
        "a: 'x'y'\n",
        'a: "x"\n',
        "'a': 1\n",
        "a b : 1\n",
        "a:b: 1\n",
        "a: 1\na: 2\n",
        "<<: 1\n",
        "a: =\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "a: &x 1\n",
        "a: [1]\n",
        "a: |\n  x\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n  - x\n - y\n",
        "a: 1\n  - x\n",
        "plain\n",
        "\ufeffa: 1\n",
        "a: \u00a0\n",
        "  a: 1\n",
    ],
)
def test_the_line_loader_steps_aside_for_anything_else(text: str) -> None:
    assert not _assert_lines_loader_agrees(text)


LINE_PARTS = [
    "a",
    "b",
    "k",
    "1",
    "-1",
    "- ",
    "-",
    ":",
    ": ",
    " ",
    "  ",
    "\n",
    "\n  ",
    "\n    ",
    "#",
    " #",
    "'",
    "''",
    "yes",
    "~",
    "2026-11-25",
    "'2026-11-25T10:00:00Z'",
    "http://h:9",
    "[",
    "&a",
    "!!str",
    "---",
    "...",
    "|",
    '"q"',
    "1.5",
    "<<",
    "=",
    "\u00e9",
    "\t",
    "\r",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(LINE_PARTS), max_size=30).map("".join))
def test_the_line_loader_never_disagrees_on_yaml_like_text(text: str) -> None:
    _assert_lines_loader_agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 1\n",
        "a: &x 1\nb: *x\n",
        "<<: {a: 1}\n",
        "? [a]\n: b\n",
        "--- a\n--- b\n",
        "a: 1\na: 2\n",
        "f: =\n",
    ],
)
def test_anything_beyond_the_plain_subset_steps_aside(text: str) -> None:
    assert _outcome(text) == ("unsupported", None)


def test_broken_yaml_raises_the_parser_error() -> None:
    assert _outcome("a: b: c\n")[0] == "error"
    assert _outcome("a: [1, 2\n")[0] == "error"


def test_mappings_remember_their_line_and_key_lines() -> None:
    data = fastyaml.load("version: 1\nprofiles:\n  acme:\n    subdomain: acme\n    auth: oauth\n", _new_mapping)
    assert data.key_lines == {"version": 1, "profiles": 2}
    assert data["profiles"].key_lines == {"acme": 3}
    assert data["profiles"]["acme"].line == 4
    assert data["profiles"]["acme"].key_lines == {"subdomain": 4, "auth": 5}


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["yes", "No", "on", "~", "null", "0x1F", "1_000", "2026-11-25", "1e3", ".inf", "=", "<<"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_dumped_documents_round_trip_like_safe_load(document: Any, flow: bool) -> None:
    text = yaml.safe_dump(document, default_flow_style=flow, allow_unicode=True)
    outcome = _outcome(text)
    if outcome[0] != "unsupported":
        assert outcome == ("ok", yaml.safe_load(text))
    _assert_lines_loader_agrees(text)


def test_large_profiles_file_parses_like_the_full_loader(tmp_path: Any) -> None:
    from zendesk_setup.core.profiles import Profile, ProfilesDocument, _yaml_loader

    document = ProfilesDocument(default="p0")
    for i in range(60):
        document.profiles[f"p{i}"] = Profile(
            name=f"p{i}", subdomain=f"co{i}", auth="oauth", client_id=f"c{i}", scopes=("read", "users:write")
        )
    text = dump_profiles(document)
    assert _plain(fastyaml.load(text, _new_mapping)) == _plain(yaml.load(text, Loader=_yaml_loader()))
    assert _assert_lines_loader_agrees(text), "profiles.yaml as written takes the line loader"
    assert parse_profiles(text, tmp_path / "profiles.yaml") == document


def test_every_profile_field_as_written_takes_the_line_loader(tmp_path: Any) -> None:
    from datetime import UTC, datetime

    from zendesk_setup.core.profiles import CheckRecord, CreatedClient, Profile, ProfilesDocument

    checked = CheckRecord(
        at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC), ok=False, user="Zoë O'Neil", role="admin", message="x: y #1"
    )
    document = ProfilesDocument(default="b")
    document.profiles["a"] = Profile(name="a", subdomain="a", auth="api_token", email="ada@a.test", checked=checked)
    document.profiles["b"] = Profile(
        name="b",
        subdomain="b",
        auth="oauth",
        client_id="b_cli",
        client_kind="confidential",
        scopes=("read", "tickets:write"),
        redirect_port=47123,
        base_url="http://127.0.0.1:9",
        storage="file",
        created_client=CreatedClient(7, "b_cli"),
        refresh_expires=datetime(2026, 12, 25, tzinfo=UTC),
        checked=checked,
    )
    text = dump_profiles(document)
    assert _assert_lines_loader_agrees(text)
    assert parse_profiles(text, tmp_path / "profiles.yaml") == document
