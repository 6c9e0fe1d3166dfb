"""Hostile input, property-based: subdomains, base URLs, profile names, pasted redirects, the YAML loader."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from zendesk_setup.core import redirect
from zendesk_setup.core.errors import ConfigFileError, InputError, OAuthError
from zendesk_setup.core.profiles import (
    CheckRecord,
    Profile,
    ProfilesDocument,
    ProfileStore,
    dump_profiles,
    parse_profiles,
    validate_profile_name,
)
from zendesk_setup.core.subdomain import is_loopback_host, normalise_subdomain, validate_base_url

DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FEW = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Pieces people (and attackers) put into addresses, combined at random.
URL_PIECES = [
    "acme", "ACME", "a", "-", "_", ".", "..", "zendesk.com", ".zendesk.com", "zendesk", "com", "evil.com", "evil",
    "https://", "http://", "ftp://", "javascript:", "//", "/", "\\", "@", ":", ":443", ":0", ":99999", "?", "#",
    "%2e", "%40", "%2f", "xn--", "127.0.0.1", "localhost", "[::1]", "[", "]", "user:pw@", "\u212a", "\uff41",
    "\u3002", "\u0430", "\u202e", "\x00", "\t", " ", "\n", "www.", "agent/tickets/1", "api/v2", "a" * 63, "b" * 64,
]  # fmt: skip
hostile_text = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join),
    st.builds(lambda a, b: a + b, st.lists(st.sampled_from(URL_PIECES), max_size=4).map("".join), st.text(max_size=20)),
)
valid_labels = st.from_regex(DNS_LABEL, fullmatch=True).filter(lambda s: s not in ("zendesk", "www"))


def printable_one_line(text: str) -> bool:
    """True when ``text`` could not move the cursor, clear the screen or fake another line."""
    return not CONTROL.search(text)


# Subdomains -------------------------------------------------------------------------------------


@SETTINGS
@given(hostile_text)
@example("\u212acme")
@example("https://\u212acme.zendesk.com/")
@example("acme.zendesk.com.evil.com")
@example("https://acme.zendesk.com@evil.com/")
@example("https://evil.com\\@acme.zendesk.com")
@example("https://evil.com#.zendesk.com")
@example("acme.zendesk.com\u3002evil.com")
@example("//evil.com/acme.zendesk.com")
def test_nothing_but_a_single_dns_label_becomes_a_subdomain(text: str) -> None:
    try:
        label = normalise_subdomain(text)
    except InputError as exc:
        assert exc.field == "subdomain"
        assert printable_one_line(exc.message)
        return
    assert DNS_LABEL.fullmatch(label), repr(label)
    assert label.isascii() and label == label.lower() and len(label) <= 63
    raw = text.strip()
    if "://" in raw or raw.startswith("//"):
        named = urlsplit(raw if "://" in raw else "https:" + raw).hostname or ""
        try:
            seen_by_http_client = httpx.URL(raw if "://" in raw else "https:" + raw).host
        except (httpx.InvalidURL, ValueError):
            seen_by_http_client = None
    else:
        named = re.split(r"[/?#]", raw, maxsplit=1)[0]
        seen_by_http_client = None
    allowed = {label, f"{label}.zendesk.com"}
    assert named.lower().rstrip(".") in allowed, f"{text!r} names {named!r} but became {label!r}"
    if seen_by_http_client is not None:
        assert seen_by_http_client.rstrip(".") in allowed, f"httpx reads {text!r} as host {seen_by_http_client!r}"


SUBDOMAIN_FORMS = [
    "{}", "{}.zendesk.com", "https://{}.zendesk.com/agent/tickets/1", "  {}.ZENDESK.COM/  ", "http://{}.zendesk.com",
    "{}.zendesk.com.", "//{}.zendesk.com",
]  # fmt: skip


@SETTINGS
@given(valid_labels, st.sampled_from(SUBDOMAIN_FORMS))
def test_every_way_of_writing_a_valid_subdomain_gives_that_subdomain(label: str, form: str) -> None:
    written = form.format(label.upper() if "ZENDESK" in form else label)
    assert normalise_subdomain(written) == label


# Base URLs --------------------------------------------------------------------------------------


@SETTINGS
@given(hostile_text)
@example("https://ex\u212ample.com")
@example("http://127.0.0.1\\@evil.com")
@example("http://localhost.evil.com")
@example("http://127.0.0.1.nip.io")
@example("http://[::ffff:7f00:1]")
@example("http://2130706433")
@example("http://0x7f.0.0.1")
@example("HTTP://LOCALHOST:8080")
def test_only_https_or_loopback_http_base_urls_are_accepted(text: str) -> None:
    try:
        url = validate_base_url(text)
    except InputError as exc:
        assert exc.field == "base_url"
        assert printable_one_line(exc.message)
        return
    parsed = httpx.URL(url)
    assert url.isascii()
    assert parsed.scheme in ("https", "http")
    assert parsed.userinfo == b"" and parsed.query == b"" and parsed.fragment == "" and parsed.path in ("", "/")
    assert parsed.host == (urlsplit(url).hostname or "")
    if parsed.scheme == "http":
        assert is_loopback_host(parsed.host), f"plain http to {parsed.host!r} was accepted from {text!r}"
    assert validate_base_url(url) == url, "validation is not idempotent"


@SETTINGS
@given(st.sampled_from(["http", "https"]), st.sampled_from(["127.0.0.1", "127.5.6.7", "localhost", "[::1]"]),
       st.one_of(st.none(), st.integers(1, 65535)))  # fmt: skip
def test_loopback_base_urls_are_accepted(scheme: str, host: str, port: int | None) -> None:
    url = f"{scheme}://{host}" + (f":{port}" if port is not None else "")
    assert validate_base_url(url + "/") == url


# Profile names ----------------------------------------------------------------------------------


@SETTINGS
@given(hostile_text)
@example("..")
@example("-rf")
@example("acme\n")
@example("a/../../etc")
@example("a" * 65)
def test_profile_names_are_safe_as_file_and_keyring_names(name: str) -> None:
    try:
        accepted = validate_profile_name(name)
    except InputError as exc:
        assert exc.field == "name" and printable_one_line(exc.message)
        return
    assert accepted == name
    assert name.isascii() and 1 <= len(name) <= 64
    assert name[0] not in ".-" and not set(name) & set("/\\\0 \t\n:*?\"'<>|$`")
    folder = Path("/config")
    assert (folder / f".{name}.refresh.lock").parent == folder


@SETTINGS
@given(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", fullmatch=True))
@example("true")
@example("null")
@example("1e3")
@example("1_000")
@example("0x1F")
@example("2026-11-25")
@example("yes")
def test_every_valid_profile_name_survives_the_yaml_round_trip(name: str) -> None:
    profile = Profile(name=name, subdomain="acme", auth="api_token", email="a@acme.test")
    document = ProfilesDocument(default=name, profiles={name: profile})
    again = parse_profiles(dump_profiles(document), Path("profiles.yaml"))
    assert list(again.profiles) == [name] and again.default == name
    assert again.profiles[name] == profile


# Pasted redirect URLs -----------------------------------------------------------------------------

STATE = "st4te-" + "x" * 26
paste_pieces = [
    "http://127.0.0.1:47123/callback", "?", "&", "#", "code=", "state=", STATE, "other-state", "error=",
    "access_denied", "error_description=", "%1b%5b2J", "%0a", "%00", "abc123", "'", '"', "<", ">", " ", "\n",
    "=", "+", "/", "a" * 2100, "javascript:alert(1)", "\x1b]0;x\x07",
]  # fmt: skip
pasted_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(paste_pieces), max_size=10).map("".join),
)


@SETTINGS
@given(pasted_text)
@example(f"http://127.0.0.1:47123/callback?error=%1b%5b2J&error_description=%1b]0;pwned%07&state={STATE}")
@example(f"http://127.0.0.1:47123/callback?code=abcd&state=other&state={STATE}")
@example("code=abcd&state=")
def test_a_pasted_redirect_gives_a_clean_code_or_a_clear_error(text: str) -> None:
    try:
        code = redirect.parse_pasted_redirect(text, STATE)
    except (InputError, OAuthError) as exc:
        assert printable_one_line(exc.message), repr(exc.message)
        assert exc.hint is None or printable_one_line(exc.hint), repr(exc.hint)
        return
    assert 4 <= len(code) <= 2048
    assert all(c in string.ascii_letters + string.digits + "-._~+/=" for c in code), repr(code)
    stripped = text.strip().strip("'\"<>").strip()
    if "?" in stripped or "=" in stripped:
        query = stripped.split("?", 1)[-1].split("#", 1)[0]
        states = parse_qs(query, keep_blank_values=True).get("state")
        assert states is None or states[0] == STATE, f"accepted a code from another sign-in: {text!r}"


@SETTINGS
@given(st.from_regex(r"[A-Za-z0-9\-._~]{4,200}", fullmatch=True), st.sampled_from(["url", "query", "bare", "angle"]))
def test_the_real_code_is_found_in_every_paste_form(code: str, form: str) -> None:
    url = f"http://127.0.0.1:47123/callback?code={quote(code)}&state={STATE}"
    pasted = {"url": url, "query": f"code={quote(code)}&state={STATE}", "bare": code, "angle": f"<{url}>\n"}[form]
    assert redirect.parse_pasted_redirect(pasted, STATE) == code


# The YAML loader ----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
    st.datetimes(timezones=st.just(UTC)), st.dates(), st.sampled_from(["acme", "oauth", "api_token", "a@b.c", "read"]),
)  # fmt: skip
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(scalars, inner, max_size=4),
                      max_leaves=12)  # fmt: skip
profile_fields = st.dictionaries(
    st.sampled_from(["subdomain", "auth", "email", "client_id", "client_kind", "scopes", "redirect_port",
                     "base_url", "storage", "checked", "unknown"]),
    st.one_of(values, st.sampled_from(["acme", "oauth", "api_token", "client_credentials", "public", "file",
                                       "https://acme.zendesk.com", "http://127.0.0.1:8080", "a@acme.test"]),
              st.lists(st.sampled_from(["read", "write", "users:read"]), max_size=3), st.integers(0, 70000)),
    max_size=9,
)  # fmt: skip
documents = st.fixed_dictionaries(
    {},
    optional={
        "version": st.one_of(st.just(1), values),
        "default": st.one_of(st.sampled_from(["acme", "beta"]), values),
        "profiles": st.one_of(st.dictionaries(st.one_of(st.sampled_from(["acme", "beta", "../x", "-a"]), scalars),
                                              profile_fields, max_size=3), values),
        "extra": values,
    },
)  # fmt: skip


def assert_round_trip(document: ProfilesDocument) -> None:
    """What the loader accepted, written back and read again, is the same document."""
    again = parse_profiles(dump_profiles(document), Path("profiles.yaml"))
    assert again.default == document.default
    assert again.profiles == document.profiles
    for name, profile in document.profiles.items():
        assert (again.profiles[name].checked is None) == (profile.checked is None)


@SETTINGS
@given(st.text(max_size=300))
@example("version: 1\nprofiles: " + "[" * 3000 + "]" * 3000)
@example("&a {x: *a}")
@example("version: !!python/object/apply:os.system ['true']\n")
@example("version: 1\nprofiles:\n  acme: &a {subdomain: acme, auth: api_token, email: a@b.c}\n  beta: *a\n")
def test_the_loader_raises_only_config_file_errors_on_any_text(text: str) -> None:
    try:
        document = parse_profiles(text, Path("profiles.yaml"))
    except ConfigFileError as exc:
        assert "profiles.yaml" in exc.message and printable_one_line(exc.message)
        return
    assert_round_trip(document)


@SETTINGS
@given(documents)
def test_the_loader_raises_only_config_file_errors_on_any_yaml_structure(data: dict) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    try:
        document = parse_profiles(text, Path("profiles.yaml"))
    except ConfigFileError as exc:
        assert "profiles.yaml" in exc.message and printable_one_line(exc.message), exc.message
        return
    for profile in document.profiles.values():
        profile.validate()
    assert_round_trip(document)


@FEW
@given(st.binary(max_size=300))
def test_the_store_reads_arbitrary_bytes_without_crashing(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "profiles.yaml"
    path.write_bytes(raw)
    try:
        ProfileStore(tmp_path).load()
    except ConfigFileError as exc:
        assert printable_one_line(exc.message)
    assert path.read_bytes() == raw


def test_a_check_record_with_odd_values_round_trips() -> None:
    record = CheckRecord(at=datetime(2026, 11, 25, 10, 0, tzinfo=UTC), ok=False, message="line\x1b[2J")
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email="a@acme.test", checked=record)
    text = dump_profiles(ProfilesDocument(default="acme", profiles={"acme": profile}))
    assert "\x1b" not in text  # YAML escapes it
    assert parse_profiles(text, Path("p.yaml")).profiles["acme"].checked == record


@pytest.mark.parametrize(
    "text",
    ["\u212acme", "https://\u212acme.zendesk.com/", "\u0430cme.zendesk.com", "\uff41cme"],
    ids=["kelvin-sign", "kelvin-in-url", "cyrillic-a", "fullwidth-a"],
)
def test_look_alike_characters_are_refused_not_folded(text: str) -> None:
    with pytest.raises(InputError, match="look-alike"):
        normalise_subdomain(text)
