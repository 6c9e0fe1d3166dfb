"""Normalise what a person types as their Zendesk address into a subdomain and a base URL."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from zendesk_setup.core.errors import InputError

ZENDESK_DOMAIN = "zendesk.com"
LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\Z")


def _non_ascii() -> InputError:
    return InputError(
        "A Zendesk subdomain uses only ASCII letters, digits and hyphens; check for look-alike characters.",
        field="subdomain",
    )


def normalise_subdomain(text: str) -> str:
    """Turn ``acme``, ``acme.zendesk.com`` or ``https://acme.zendesk.com/agent/…`` into ``acme``.

    Anything that is not a single DNS label on zendesk.com is refused with InputError.
    """
    raw = (text or "").strip()
    if not raw:
        raise InputError("Enter your Zendesk subdomain, for example acme.", field="subdomain")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise InputError("A subdomain cannot contain spaces or control characters.", field="subdomain")
    host = raw
    if "://" in raw or raw.startswith("//"):
        try:
            parts = urlsplit(raw if "://" in raw else "https:" + raw)
        except ValueError:
            raise InputError(
                "That Zendesk address cannot be read; enter just the subdomain.", field="subdomain"
            ) from None
        if not parts.netloc.isascii():
            raise _non_ascii()
        if parts.scheme.lower() not in ("http", "https"):
            raise InputError(
                f"Only https Zendesk addresses are accepted, not {parts.scheme or 'that'}.", field="subdomain"
            )
        if parts.username is not None or parts.password is not None or "@" in parts.netloc:
            raise InputError("A Zendesk address cannot contain a user name or password.", field="subdomain")
        try:
            port = parts.port
        except ValueError:
            port = -1
        if port is not None:
            raise InputError("A Zendesk address has no port; use the advanced base URL instead.", field="subdomain")
        host = parts.hostname or ""
    else:
        host = re.split(r"[/?#]", raw, maxsplit=1)[0]
        if not host.isascii():
            raise _non_ascii()
        if "@" in host or ":" in host or "\\" in host:
            raise InputError(
                "That does not look like a Zendesk address; enter just the subdomain, for example acme.",
                field="subdomain",
            )
    host = host.lower().rstrip(".")
    if host in (ZENDESK_DOMAIN, "." + ZENDESK_DOMAIN, "www." + ZENDESK_DOMAIN):
        raise InputError(
            "Enter your own subdomain, the part before .zendesk.com (for example acme).", field="subdomain"
        )
    if host.endswith("." + ZENDESK_DOMAIN):
        label = host[: -len(ZENDESK_DOMAIN) - 1]
    elif "." in host:
        raise InputError(
            f"{host} is not a zendesk.com address. Enter the subdomain of your-name.zendesk.com; "
            "for a host-mapped domain use the zendesk.com name shown in Admin Center.",
            field="subdomain",
        )
    else:
        label = host
    if not LABEL.match(label):
        shown = label if len(label) <= 70 else label[:67] + "..."
        raise InputError(
            f"'{shown}' is not a valid subdomain: use letters, digits and inner hyphens, at most 63 characters.",
            field="subdomain",
        )
    return label


def default_base_url(subdomain: str) -> str:
    """``https://{subdomain}.zendesk.com`` for an already normalised subdomain."""
    return f"https://{subdomain}.{ZENDESK_DOMAIN}"


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_base_url(text: str) -> str:
    """Check a custom base URL: https anywhere, http only on loopback; returns it without a trailing slash."""
    raw = (text or "").strip()
    if not raw:
        raise InputError("Enter a base URL such as https://acme.zendesk.com.", field="base_url")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise InputError("A base URL cannot contain spaces or control characters.", field="base_url")
    if not raw.isascii():
        raise InputError(
            "A base URL must be plain ASCII; check for look-alike characters (use the xn-- form for other scripts).",
            field="base_url",
        )
    try:
        parts = urlsplit(raw)
    except ValueError:
        raise InputError("That base URL cannot be read; check the brackets and the host.", field="base_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InputError("The base URL must start with https:// (or http:// for a loopback address).", field="base_url")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InputError("The base URL cannot contain a user name or password.", field="base_url")
    try:
        port = parts.port
    except ValueError:
        raise InputError("The base URL has an invalid port.", field="base_url") from None
    host = parts.hostname or ""
    if not host:
        raise InputError("The base URL has no host.", field="base_url")
    if parts.query or parts.fragment:
        raise InputError("The base URL cannot have a query or fragment.", field="base_url")
    if parts.path not in ("", "/"):
        raise InputError("The base URL must be just scheme, host and port, with no path.", field="base_url")
    if scheme == "http" and not is_loopback_host(host):
        raise InputError(
            "Plain http is allowed only for loopback addresses (127.0.0.1, localhost, [::1]); use https.",
            field="base_url",
        )
    if not re.fullmatch(r"[a-z0-9.\-:\[\]]+", host.lower()):
        raise InputError("The base URL's host contains characters that are not allowed.", field="base_url")
    netloc = f"[{host}]" if ":" in host else host.lower()
    if port is not None:
        netloc += f":{port}"
    return f"{scheme}://{netloc}"
