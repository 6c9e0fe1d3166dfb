"""Authorised requests to a profile's own base URL, and Zendesk pagination followed one page at a time.

The token never leaves for another host: a path is joined to the profile's base URL, and an absolute URL (given
by the user or by a server as the next page) is followed only when its scheme, host and port are the base's.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from zendesk_setup.core.errors import InputError, ZendeskError, one_line
from zendesk_setup.core.secrets import Secret
from zendesk_setup.core.session import REFRESH_MARGIN, Session
from zendesk_setup.core.vocab import AuthType
from zendesk_setup.core.zendesk import error_text, request, status_error

PAGE_SIZE = 100
MAX_RATE_LIMIT_WAITS = 10
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
PAGE_PARAMETERS = frozenset({"page[size]", "page[after]", "page[before]", "page", "per_page"})
DEFAULT_PORTS = {"http": 80, "https": 443}
Notifier = Callable[[str], None]

if TYPE_CHECKING:
    import httpx


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = -1
    return scheme, (parts.hostname or "").lower(), port


def same_origin(base_url: str, url: str) -> bool:
    """True when ``url`` has the scheme, host and port of ``base_url``."""
    return _origin(base_url) == _origin(url)


def send_refreshing(
    session: Session, send: Callable[[str], httpx.Response], header: str | None = None
) -> tuple[httpx.Response, str]:
    """``send(authorization)``; on a 401 for an OAuth profile, refresh once and send again.

    The refused token is refreshed only if it is still the stored one (another process may have refreshed it
    already). Returns the response and the Authorization value last sent, so a caller can keep using it.
    """
    sent = header if header is not None else session.auth_header()
    response = send(sent)
    if response.status_code == 401 and session.profile.auth != AuthType.API_TOKEN:
        with session.naming_errors():
            sent = session.auth_header(rejected=sent.removeprefix("Bearer "))
        response = send(sent)
    return response, sent


def resolve_target(base_url: str, path: str) -> str:
    """The URL a PATH names under ``base_url``; anything that would leave the base's host is refused."""
    if not path or any(not ch.isprintable() or ch.isspace() for ch in path) or "\\" in path:
        raise InputError("Give the API path without spaces or control characters, e.g. /api/v2/users/me.json.")
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("//"):
        if not same_origin(base_url, path) or parts.username is not None or parts.password is not None:
            raise InputError(
                f"Refused: {one_line(path)[:120]} is not on this profile's base URL {base_url}, and the token "
                "is sent only there.",
                hint="Give a path such as /api/v2/users/me.json.",
            )
        return path
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def split_fields(fields: list[str]) -> list[tuple[str, str]]:
    """``key=value`` arguments as pairs; a field without ``=`` is bad usage."""
    pairs = []
    for field in fields:
        key, sep, value = field.partition("=")
        if not sep or not key:
            raise InputError(f"-f takes key=value, not {one_line(field)[:60]!r}.")
        pairs.append((key, value))
    return pairs


def _key_names(key: str) -> list[str]:
    match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", key)
    if match is None:
        raise InputError(f"-f {one_line(key)[:60]}: write keys as name, name[sub] or name[].")
    return [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]


def nest_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Pairs as a JSON object: ``ticket[subject]=Hi`` nests, ``tags[]=a`` appends to a list."""
    body: dict[str, Any] = {}
    for key, value in pairs:
        names = _key_names(key)
        if "" in names[:-1] or (names[-1] == "" and len(names) < 2):
            raise InputError(f"-f {one_line(key)[:60]}: [] can only come last.")
        target = body
        for name in names[:-2]:
            child = target.setdefault(name, {})
            if not isinstance(child, dict):
                raise InputError(f"-f {one_line(key)[:60]}: {name} is already a value.")
            target = child
        if names[-1] == "":
            items = target.setdefault(names[-2], [])
            if not isinstance(items, list):
                raise InputError(f"-f {one_line(key)[:60]}: {names[-2]} is already a value.")
            items.append(value)
            continue
        if len(names) >= 2:
            child = target.setdefault(names[-2], {})
            if not isinstance(child, dict):
                raise InputError(f"-f {one_line(key)[:60]}: {names[-2]} is already a value.")
            target = child
        if isinstance(target.get(names[-1]), dict | list):
            raise InputError(f"-f {one_line(key)[:60]}: {names[-1]} already holds more fields.")
        target[names[-1]] = value
    return body


def with_query(url: str, pairs: list[tuple[str, str]]) -> str:
    """``url`` with ``pairs`` added to its query string."""
    if not pairs:
        return url
    return url + ("&" if urlsplit(url).query else "?") + urlencode(pairs)


def first_page_url(url: str) -> str:
    """The first page's URL: cursor pagination (``page[size]=100``) unless the query already chose a style."""
    names = {name for name, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    return url if names & PAGE_PARAMETERS else with_query(url, [("page[size]", str(PAGE_SIZE))])


def next_page_url(page: Any, base_url: str) -> str | None:
    """Where the next page is, from cursor (``meta.has_more``, ``links.next``) or offset (``next_page``) fields."""
    if not isinstance(page, dict):
        return None
    meta = page.get("meta")
    if isinstance(meta, dict) and "has_more" in meta:
        if meta.get("has_more") is not True:
            return None
        links = page.get("links")
        following = links.get("next") if isinstance(links, dict) else None
        if isinstance(following, str) and following:
            return following
        cursor = meta.get("after_cursor")
        if isinstance(cursor, str) and cursor:
            return cursor  # resolved against the current URL by the caller
        raise ZendeskError(
            "Zendesk said more pages follow but named neither links.next nor meta.after_cursor.", "Pagination stopped"
        )
    following = page.get("next_page")
    if isinstance(following, str) and following:
        return following
    return None


def after_cursor_url(url: str, cursor: str) -> str:
    """``url`` asking for the page after ``cursor`` (its other query parameters kept)."""
    head, _, query = url.partition("?")
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in ("page[after]", "page[before]")]
    return with_query(head, [*kept, ("page[after]", cursor)])


@dataclass(frozen=True)
class ApiRequest:
    """One request as the user asked for it: method, the URL on the profile's base, body and content type."""

    method: str
    url: str
    body: bytes | None = None
    content_type: str | None = None


def build_request(base_url: str, path: str, *, method: str | None, fields: list[str], body: bytes | None) -> ApiRequest:
    """The request ``api`` sends: GET unless told (POST with ``--input``); fields to the query or a JSON body."""
    chosen = (method or ("POST" if body is not None else "GET")).upper()
    if not chosen.isalpha():
        raise InputError(f"{one_line(chosen)[:20]} is not an HTTP method.")
    url = resolve_target(base_url, path)
    pairs = split_fields(fields)
    if body is None and pairs and chosen in BODY_METHODS:
        return ApiRequest(chosen, url, json.dumps(nest_fields(pairs)).encode(), "application/json")
    return ApiRequest(chosen, with_query(url, pairs), body, "application/json" if body is not None else None)


class ApiCaller:
    """Sends requests for one profile: the header made once, one refresh on a 401, 429s waited out."""

    def __init__(
        self,
        session: Session,
        http: httpx.Client,
        *,
        notify: Notifier | None = None,
        sleep: Callable[[float], None] = time.sleep,
        min_ttl: float = REFRESH_MARGIN,
    ) -> None:
        self.session = session
        self.http = http
        self.notify = notify
        self.sleep = sleep
        self.base_url = session.profile.api_base_url
        self.header = Secret(session.auth_header(min_ttl=min_ttl))

    def send(self, call: ApiRequest, url: str | None = None) -> httpx.Response:
        """Send ``call`` (to ``url`` when given); raises ZendeskError for any status from 400 up."""
        target = url or call.url
        if not same_origin(self.base_url, target):
            raise ZendeskError(
                f"Refused to follow {one_line(target)[:120]}: it is not on this profile's base URL {self.base_url}, "
                "and the token is sent only there.",
                "Refused",
            )

        def send(authorization: str) -> httpx.Response:
            headers = {"Authorization": authorization, "Accept": "application/json"}
            if call.content_type:
                headers["Content-Type"] = call.content_type
            return request(
                self.http, call.method, target, headers=headers, content=call.body, sleep=self.sleep,
                notify=self.notify, max_retries=MAX_RATE_LIMIT_WAITS,
            )  # fmt: skip

        response, sent = send_refreshing(self.session, send, self.header.reveal())
        self.header = Secret(sent)
        if response.status_code >= 400:
            raise self.failure(call.method, target, response)
        return response

    def failure(self, method: str, url: str, response: httpx.Response) -> ZendeskError:
        """One sentence for a failed call, with the way out for auth, scope, rate and server failures."""
        detail = error_text(response)
        path = urlsplit(url).path
        message = f"Zendesk answered {response.status_code} to {method} {one_line(path)[:200]}"
        message += f": {detail.rstrip('.')}." if detail else "."
        known = status_error(response, auth=self.session.profile.auth)
        hint = known.hint if response.status_code in (401, 403, 429) or response.status_code >= 500 else None
        if hint:
            hint = hint.replace("zendesk-setup edit NAME", f"zendesk-setup login {self.session.profile.name}")
        return ZendeskError(message, known.title, hint=hint, status=response.status_code, kind=known.kind)

    def pages(self, call: ApiRequest) -> Iterator[tuple[httpx.Response, Any]]:
        """Every page of a GET list, one at a time: the response and its parsed JSON (only one page held)."""
        url: str | None = first_page_url(call.url)
        while url is not None:
            response = self.send(call, url)
            try:
                page = response.json()
            except ValueError:
                raise ZendeskError(
                    "Zendesk answered a page with something that is not JSON.", "Unexpected answer"
                ) from None
            following = next_page_url(page, self.base_url)
            if following is not None and not urlsplit(following).scheme and not following.startswith("/"):
                following = after_cursor_url(url, following)
            elif following is not None and not urlsplit(following).scheme:
                following = resolve_target(self.base_url, following)
            if following == url:
                raise ZendeskError("Zendesk named the same page as the next one; stopped to avoid a loop.")
            yield response, page
            url = following
