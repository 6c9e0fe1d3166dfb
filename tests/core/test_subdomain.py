"""Subdomain normalisation, the base URL rule and profile names: tables of what is accepted and refused."""

from __future__ import annotations

import pytest

from zendesk_setup.core.errors import InputError
from zendesk_setup.core.profiles import validate_profile_name
from zendesk_setup.core.subdomain import default_base_url, is_loopback_host, normalise_subdomain, validate_base_url


@pytest.mark.parametrize(
    "typed",
    [
        "acme",
        "ACME",
        "  acme  ",
        "acme.zendesk.com",
        "ACME.Zendesk.COM",
        "acme.zendesk.com.",
        "acme.zendesk.com/",
        "https://acme.zendesk.com",
        "https://acme.zendesk.com/",
        "https://acme.zendesk.com/agent/tickets/1",
        "https://acme.zendesk.com/agent/tickets/1?x=1#top",
        "acme.zendesk.com/agent/tickets/1",
        "//acme.zendesk.com/hc",
    ],
)
def test_what_people_paste_becomes_acme(typed: str) -> None:
    assert normalise_subdomain(typed) == "acme"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("a", "a"),
        ("a1", "a1"),
        ("1acme", "1acme"),
        ("acme-sandbox", "acme-sandbox"),
        ("acme-1.zendesk.com", "acme-1"),
        ("x" * 63, "x" * 63),
        ("xn--bcher-kva", "xn--bcher-kva"),
    ],
)
def test_valid_labels_are_kept(typed: str, expected: str) -> None:
    assert normalise_subdomain(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "evil.com",
        "acme.zendesk.com.evil.com",
        "https://acme.zendesk.com.evil.com/agent",
        "https://evil.com/acme.zendesk.com",
        "https://acme.zendesk.com@evil.com",
        "https://user:pw@acme.zendesk.com",
        "user@host",
        "ada@acme.zendesk.com",
        "acme.zendesk.com:443",
        "https://acme.zendesk.com:8443/",
        "acme:8443",
        "ac me",
        "acme\tcorp",
        "acme\x00",
        "x" * 64,
        "x" * 64 + ".zendesk.com",
        "-acme",
        "acme-",
        "-",
        "acme_1",
        "ácme",
        "\u0430cme",  # Cyrillic a
        "acme\u200b",
        "x.acme.zendesk.com",
        "acme..zendesk.com",
        ".zendesk.com",
        "zendesk.com",
        "www.zendesk.com",
        "https://www.zendesk.com/pricing",
        "ftp://acme.zendesk.com",
        "javascript:alert(1)",
        "acme\\evil.com",
        "acme%2eevil.com",
        "127.0.0.1",
        "[::1]",
    ],
)
def test_anything_else_is_refused_with_a_sentence(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        normalise_subdomain(typed)
    error = caught.value
    assert error.field == "subdomain"
    assert error.exit_code == 2
    assert error.message.endswith(".")
    assert "\n" not in error.message


@pytest.mark.parametrize("typed", ["zendesk.com", "www.zendesk.com", ".zendesk.com"])
def test_zendesk_itself_asks_for_the_own_subdomain(typed: str) -> None:
    with pytest.raises(InputError, match=r"part before \.zendesk\.com"):
        normalise_subdomain(typed)


def test_default_base_url_is_https_on_zendesk_com() -> None:
    assert default_base_url("acme") == "https://acme.zendesk.com"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://acme.zendesk.com", "https://acme.zendesk.com"),
        ("https://acme.zendesk.com/", "https://acme.zendesk.com"),
        ("HTTPS://ACME.Zendesk.com", "https://acme.zendesk.com"),
        ("https://support.example.org:8443", "https://support.example.org:8443"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765"),
        ("http://127.10.20.30", "http://127.10.20.30"),
        ("http://localhost:1234", "http://localhost:1234"),
        ("http://LOCALHOST", "http://localhost"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://[::1]", "https://[::1]"),
    ],
)
def test_base_url_accepted(typed: str, expected: str) -> None:
    assert validate_base_url(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "acme.zendesk.com",
        "ftp://acme.zendesk.com",
        "file:///etc/passwd",
        "http://acme.zendesk.com",
        "http://example.org",
        "http://10.0.0.1",
        "http://192.168.1.1:8080",
        "http://[::2]",
        "http://127.0.0.1.evil.com",
        "http://localhost.evil.com",
        "http://2130706433",
        "https://acme.zendesk.com/api/v2",
        "https://acme.zendesk.com/?x=1",
        "https://acme.zendesk.com#frag",
        "https://ada@acme.zendesk.com",
        "https://ada:pw@acme.zendesk.com",
        "http://ada@127.0.0.1:8765",
        "https://",
        "https://acme.zendesk.com:99999",
        "https://acme.zendesk.com:port",
        "https://acme zendesk.com",
        "https://ex\u00e4mple.org",
    ],
)
def test_base_url_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_base_url(typed)
    assert caught.value.field == "base_url"
    assert caught.value.exit_code == 2
    assert caught.value.message.endswith(".")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("[::1]", True),
        ("::1", True),
        ("128.0.0.1", False),
        ("localhost.evil.com", False),
        ("acme.zendesk.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize("name", ["acme", "Acme", "acme-sandbox", "acme_2", "acme.prod", "1st", "a" * 64])
def test_profile_names_accepted(name: str) -> None:
    assert validate_profile_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        ".hidden",
        "-flag",
        "_x",
        "a" * 65,
        "acme/other",
        "../etc",
        "acme prod",
        "acme\n",
        "acme\t",
        "ácme",
        "acme:1",
        "acme@x",
    ],
)
def test_profile_names_refused(name: str) -> None:
    with pytest.raises(InputError) as caught:
        validate_profile_name(name)
    assert caught.value.field == "name"
    assert caught.value.exit_code == 2
