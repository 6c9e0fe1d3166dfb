"""Paginated list endpoints for the fake Zendesk: seeded records, cursor and offset pagination, injected 429s.

``seed_list(fake, "tickets", 3000)`` makes ``GET /api/v2/tickets.json`` answer like Zendesk: cursor pagination
when the query has ``page[size]`` or ``page[after]`` (``meta.has_more``, ``meta.after_cursor``, ``links.next``;
the last page still carries ``links.next``, as Zendesk's does), else offset pagination (``page``, ``per_page``,
``next_page``). Records are built from their id on demand, so the server's memory does not grow with the count.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

MAX_PAGE_SIZE = 100
CURSOR_PREFIX = "cur:"


@dataclass
class SeededList:
    """One seeded list endpoint and what it has been asked."""

    name: str
    count: int
    throttle_at: frozenset[int] = frozenset()
    retry_after: str | None = "1"
    expire_after: int | None = None
    next_base: str | None = None
    requests: int = 0
    served: list[str] = field(default_factory=list)


def seed_list(
    fake: Any,
    name: str,
    count: int,
    *,
    throttle_at: Iterable[int] = (),
    retry_after: str | None = "1",
    expire_after: int | None = None,
    next_base: str | None = None,
) -> SeededList:
    """Serve ``count`` records at ``/api/v2/{name}.json``.

    Args:
        throttle_at: request numbers (1-based, counting every request to this list) answered 429 instead.
        retry_after: the ``Retry-After`` header of those 429s (None: no header).
        expire_after: after serving this request number, every access token expires on the server.
        next_base: the scheme and host the next-page links name (default: the fake's own URL).
    """
    seeded = SeededList(name, count, frozenset(throttle_at), retry_after, expire_after, next_base)
    if not hasattr(fake, "lists"):
        fake.lists = {}
    fake.lists[name] = seeded
    return seeded


def record(name: str, record_id: int, base: str) -> dict[str, Any]:
    """The record with ``record_id``, shaped like a Zendesk ticket."""
    return {
        "id": record_id,
        "url": f"{base}/api/v2/{name}/{record_id}.json",
        "external_id": None,
        "type": "question",
        "subject": f"Record {record_id}",
        "description": f"The body of record {record_id}.",
        "priority": None,
        "status": "open",
        "requester_id": 1001,
        "submitter_id": 1001,
        "assignee_id": None,
        "tags": ["seeded"],
        "custom_fields": [],
        "created_at": "2026-11-30T10:00:00Z",
        "updated_at": "2026-11-30T10:00:00Z",
    }


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{last_id}".encode()).decode().rstrip("=")


def _after(cursor: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:
        return None
    if not text.startswith(CURSOR_PREFIX) or not text[len(CURSOR_PREFIX) :].isdigit():
        return None
    return int(text[len(CURSOR_PREFIX) :])


def _json(status: int, payload: Any, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    return status, json.dumps(payload).encode(), headers or {}


def answer_list(fake: Any, method: str, path: str, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]] | None:
    """The answer to a request for a seeded list (status, JSON body, headers), or None when it is not one."""
    lists: dict[str, SeededList] = getattr(fake, "lists", {})
    name = path.removeprefix("/api/v2/").removesuffix(".json")
    seeded = lists.get(name)
    if seeded is None or method != "GET" or not path.endswith(".json") or "/" in name:
        return None
    seeded.requests += 1
    number = seeded.requests
    if number in seeded.throttle_at:
        headers = {"Retry-After": seeded.retry_after} if seeded.retry_after is not None else {}
        return _json(429, {"error": "APIRateLimitExceeded", "description": "Rate limit exceeded"}, headers)
    cursor_style = "page[size]" in query or "page[after]" in query
    reply = _cursor_page(fake, seeded, query) if cursor_style else _offset_page(fake, seeded, query)
    if reply[0] == 200:
        seeded.served.append(("cursor " if cursor_style else "offset ") + json.dumps(query, sort_keys=True))
        if seeded.expire_after is not None and number == seeded.expire_after:
            fake.expire_access_tokens()
    return reply


def _size(value: str | None, default: int) -> int | None:
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE_SIZE:
        return None
    return int(value)


def _invalid(description: str) -> tuple[int, bytes, dict[str, str]]:
    return _json(400, {"error": "InvalidPaginationParameter", "description": description})


def _cursor_page(fake: Any, seeded: SeededList, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    size = _size(query.get("page[size]"), MAX_PAGE_SIZE)
    if size is None:
        return _invalid(f"page[size] must be between 1 and {MAX_PAGE_SIZE}")
    after = 0
    if "page[after]" in query:
        parsed = _after(query["page[after]"])
        if parsed is None:
            return _invalid("page[after] is not a valid cursor")
        after = parsed
    first, last = after + 1, min(after + size, seeded.count)
    records = [record(seeded.name, i, fake.url) for i in range(first, last + 1)]
    base = seeded.next_base or fake.url
    endpoint = f"{base}/api/v2/{seeded.name}.json"
    after_cursor = _cursor(last) if records else None
    before_cursor = _cursor(first) if records else None
    payload = {
        seeded.name: records,
        "meta": {"has_more": last < seeded.count, "after_cursor": after_cursor, "before_cursor": before_cursor},
        "links": {
            "next": f"{endpoint}?{urlencode({'page[after]': after_cursor or '', 'page[size]': size})}",
            "prev": f"{endpoint}?{urlencode({'page[before]': before_cursor or '', 'page[size]': size})}",
        },
    }
    return _json(200, payload)


def _offset_page(fake: Any, seeded: SeededList, query: dict[str, str]) -> tuple[int, bytes, dict[str, str]]:
    per_page = _size(query.get("per_page"), MAX_PAGE_SIZE)
    page_text = query.get("page", "1")
    if per_page is None or not page_text.isdigit() or int(page_text) < 1:
        return _invalid("page and per_page must be positive numbers")
    page = int(page_text)
    first = (page - 1) * per_page + 1
    last = min(page * per_page, seeded.count)
    records = [record(seeded.name, i, fake.url) for i in range(first, last + 1)]
    endpoint = f"{seeded.next_base or fake.url}/api/v2/{seeded.name}.json"
    has_next = last < seeded.count
    payload = {
        seeded.name: records,
        "next_page": f"{endpoint}?{urlencode({'page': page + 1, 'per_page': per_page})}" if has_next else None,
        "previous_page": f"{endpoint}?{urlencode({'page': page - 1, 'per_page': per_page})}" if page > 1 else None,
        "count": seeded.count,
    }
    return _json(200, payload)
