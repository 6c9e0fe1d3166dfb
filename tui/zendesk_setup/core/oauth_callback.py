"""The loopback HTTP server behind ``oauth.CallbackServer`` (imported only when a consent starts)."""

from __future__ import annotations

import html
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from zendesk_setup.core.errors import SetupError
from zendesk_setup.core.oauth import (
    _PAGE,
    CALLBACK_HOST,
    CALLBACK_PATH,
    CONNECTION_TIMEOUT,
    MAX_HEADERS,
    MAX_REQUEST_LINE,
    _redirect_error,
)


class CallbackHandler(BaseHTTPRequestHandler):
    """Answers the browser's redirect; refuses everything else with a 4xx."""

    server: CallbackHTTPServer
    protocol_version = "HTTP/1.0"
    default_request_version = "HTTP/1.0"
    timeout = CONNECTION_TIMEOUT
    server_version = "zendesk-setup"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the server quiet: nothing (and no code) reaches stderr."""

    def parse_request(self) -> bool:
        """Refuse oversized request lines before parsing them."""
        if len(self.raw_requestline) >= MAX_REQUEST_LINE:
            self.send_error(414)
            return False
        return super().parse_request()

    def handle_one_request(self) -> None:
        """Read one request with a bounded line length; a slow or silent client times out alone."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = ""
                self.request_version = ""
                self.command = ""
                self.send_error(414)
                self.close_connection = True
                return
            if not self.parse_request():
                return
            if len(self.headers) > MAX_HEADERS:
                self.send_error(431)
                return
            if self.command == "GET":
                self.do_GET()
            else:
                self.send_error(405)
            self.wfile.flush()
        except OSError:
            self.close_connection = True

    def _reply(self, status: int, title: str, text: str) -> None:
        body = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Accept the one redirect whose state matches; refuse anything else without ending the wait."""
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._reply(404, "Not found", "This is zendesk-setup's sign-in helper; nothing else lives here.")
            return
        params = parse_qs(parts.query, keep_blank_values=True)
        state = (params.get("state") or [""])[0]
        if not secrets.compare_digest(state.encode(), self.server.expected_state.encode()):
            self._reply(
                400,
                "Sign-in not recognised",
                "This sign-in does not belong to the zendesk-setup command that is waiting. Start it again.",
            )
            return
        error = (params.get("error") or [""])[0]
        code = (params.get("code") or [""])[0]
        if error:
            description = (params.get("error_description") or [None])[0]
            accepted = self.server.settle(error=_redirect_error(error, description))
            self._reply(
                200 if accepted else 409,
                "Access not granted",
                "Zendesk did not grant access. You can close this tab and return to your terminal.",
            )
            if accepted:
                self.server.replied.set()
            return
        if not code:
            self._reply(400, "No code", "The redirect carried no authorisation code. Start the sign-in again.")
            return
        accepted = self.server.settle(code=code)
        if accepted:
            self._reply(200, "Signed in", "zendesk-setup received the consent. Return to your terminal.")
            self.server.replied.set()
        else:
            self._reply(409, "Already done", "This sign-in has already been handled. Return to your terminal.")


class CallbackHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 that records the first redirect with a matching state."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 16

    def __init__(self, port: int, expected_state: str) -> None:
        self.expected_state = expected_state
        self.done = threading.Event()
        self.replied = threading.Event()
        self.code: str | None = None
        self.error: SetupError | None = None
        self._settle_lock = threading.Lock()
        super().__init__((CALLBACK_HOST, port), CallbackHandler)

    def settle(self, *, code: str | None = None, error: SetupError | None = None) -> bool:
        """Record the one outcome; False when an outcome was already recorded."""
        with self._settle_lock:
            if self.done.is_set():
                return False
            self.code = code
            self.error = error
            self.done.set()
            return True
