#!/usr/bin/env python3
"""A stand-in browser for ``BROWSER``: answers the fake consent page, then follows the loopback redirect.

Usage as ``BROWSER="/path/to/python /abs/tests/scripted_browser.py %s"``. The launcher returns at
once and a detached child does the work, as a real browser launcher does. Environment:

- ``SCRIPTED_BROWSER_ACTION``: ``allow`` (default), ``deny`` or ``none`` (open the page only).
- ``SCRIPTED_BROWSER_LOG``: a file to which one line per run is appended (never a code or token).
- ``SCRIPTED_BROWSER_DELAY``: seconds to wait before acting (default 0).
- ``SCRIPTED_BROWSER_FOREGROUND=1``: do the work in this process instead of a child.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

TIMEOUT = 10.0


class ConsentFormParser(HTMLParser):
    """Collects the first form's action, method, hidden inputs and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.method = "get"
        self.fields: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []
        self._in_form = False
        self._seen_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Record form, input and button tags."""
        attr = {k: v or "" for k, v in attrs}
        if tag == "form" and not self._seen_form:
            self._in_form = self._seen_form = True
            self.action = attr.get("action", "")
            self.method = attr.get("method", "get").lower()
        elif tag == "input" and self._in_form and attr.get("type", "text") != "submit" and "name" in attr:
            self.fields[attr["name"]] = attr.get("value", "")
        elif tag in ("button", "input") and self._in_form and "name" in attr:
            self.buttons.append((attr["name"], attr.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        """Close the form."""
        if tag == "form":
            self._in_form = False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _open(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> tuple[int, dict, bytes]:
    try:
        with opener.open(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _describe_location(location: str) -> str:
    parts = urlsplit(location)
    query = parse_qs(parts.query)
    shown = []
    for name in sorted(query):
        if name == "error":
            shown.append(f"error={query[name][-1]}")
        else:
            shown.append(name)
    return f"{parts.scheme}://{parts.netloc}{parts.path} params={','.join(shown) or '-'}"


def run(url: str, action: str) -> str:
    """Visit ``url``, act on the consent form and follow the redirect; returns a one-line report."""
    opener = urllib.request.build_opener(_NoRedirect)
    status, _headers, body = _open(opener, urllib.request.Request(url))
    if status != 200:
        return f"action={action} consent_page_status={status}"
    form = ConsentFormParser()
    form.feed(body.decode("utf-8", "replace"))
    if form.action is None:
        return f"action={action} consent_page_status=200 no-form"
    if action == "none":
        return "action=none consent_page_status=200 opened"
    button = next(((n, v) for n, v in form.buttons if v == action), None)
    if button is None:
        return f"action={action} consent_page_status=200 no-{action}-button"
    fields = dict(form.fields)
    fields[button[0]] = button[1]
    target = urljoin(url, form.action)
    data = urlencode(fields).encode()
    if form.method == "post":
        request = urllib.request.Request(
            target, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    else:
        request = urllib.request.Request(f"{target}?{data.decode()}")
    status, headers, _ = _open(opener, request)
    location = headers.get("Location") or headers.get("location")
    if status not in (301, 302, 303, 307) or not location:
        return f"action={action} decide_status={status} no-redirect"
    location = urljoin(target, location)
    try:
        callback_status, _, _ = _open(opener, urllib.request.Request(location))
    except (urllib.error.URLError, OSError) as exc:
        return (
            f"action={action} decide_status={status} redirect={_describe_location(location)} "
            f"callback_error={type(exc).__name__}"
        )
    return (
        f"action={action} decide_status={status} redirect={_describe_location(location)} "
        f"callback_status={callback_status}"
    )


def _log(line: str) -> None:
    path = os.environ.get("SCRIPTED_BROWSER_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def work(url: str) -> None:
    """The child's job: wait if asked, act, and log one line."""
    action = os.environ.get("SCRIPTED_BROWSER_ACTION", "allow").strip().lower() or "allow"
    delay = float(os.environ.get("SCRIPTED_BROWSER_DELAY") or 0)
    if delay > 0:
        time.sleep(delay)
    try:
        line = run(url, action)
    except Exception as exc:
        line = f"action={action} failed={type(exc).__name__}"
    _log(line)


def main(argv: list[str]) -> int:
    """Launch a detached worker for the URL (or do the work here with ``--child``)."""
    if len(argv) >= 2 and argv[0] == "--child":
        work(argv[1])
        return 0
    if len(argv) != 1:
        sys.stderr.write("usage: scripted_browser.py URL\n")
        return 2
    if os.environ.get("SCRIPTED_BROWSER_FOREGROUND") == "1":
        work(argv[0])
        return 0
    subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--child", argv[0]],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
