"""The loopback HTTP server on 127.0.0.1 that receives the OAuth redirect (imported only when a consent starts)."""

from __future__ import annotations

import html
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.redirect import CALLBACK_HOST, CALLBACK_PATH, redirect_error, redirect_uri_for

CONNECTION_TIMEOUT = 5.0
MAX_REQUEST_LINE = 8192
MAX_HEADERS = 64

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family: sans-serif; margin: 3em;"><h1>{title}</h1><p>{text}</p></body></html>
"""


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
        try:
            parts = urlsplit(self.path)
        except ValueError:  # e.g. "http://[::1/callback": an unclosed IPv6 bracket
            self._reply(400, "Bad request", "This is zendesk-setup's sign-in helper; that address is not valid.")
            return
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
            accepted = self.server.settle(error=redirect_error(error, description))
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

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Drop a request that broke its handler quietly: a traceback must never reach the user's terminal."""

    def settle(self, *, code: str | None = None, error: SetupError | None = None) -> bool:
        """Record the one outcome; False when an outcome was already recorded."""
        with self._settle_lock:
            if self.done.is_set():
                return False
            self.code = code
            self.error = error
            self.done.set()
            return True


class CallbackServer:
    """A one-shot loopback server on 127.0.0.1 that waits for the OAuth redirect with a matching state."""

    def __init__(self, port: int, state: str) -> None:
        self.port = port
        self.state = state
        self._server: CallbackHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def redirect_uri(self) -> str:
        """The redirect URL this server answers on."""
        return redirect_uri_for(self.port)

    def start(self) -> None:
        """Bind 127.0.0.1 on the port and serve in a background thread."""
        if self._server is not None:
            return
        try:
            server = CallbackHTTPServer(self.port, self.state)
        except OSError as exc:
            if exc.errno in (98, 48, 10048) or "in use" in str(exc).lower():
                raise OAuthError(
                    f"Port {self.port} on 127.0.0.1 is busy, so the sign-in redirect cannot be received.",
                    "Port in use",
                    hint=f"Close the program using port {self.port} (another zendesk-setup waiting?), or pick "
                    "another with --port and register its redirect URL on the OAuth client.",
                    tui_hint=f"Close the program using port {self.port} (another zendesk-setup waiting?), then "
                    "press o to try again.",
                    kind="port_in_use",
                ) from None
            raise OAuthError(
                f"Cannot listen on 127.0.0.1:{self.port} for the sign-in redirect ({exc.strerror or exc}).",
                "Port unavailable",
                hint="Pick another port with --port and register its redirect URL on the OAuth client.",
                tui_hint="Free the port, then press o to try again.",
                kind="port_unavailable",
            ) from None
        self._server = server
        self.port = server.server_address[1]
        # shutdown() waits for the serve loop to look up; a short poll keeps the hand-over to the exchange quick.
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def wait(self, timeout: float) -> str:
        """Block until the redirect arrives and return its code; OAuthError on denial, timeout or cancel."""
        if self._server is None:
            if self._closed:
                raise OAuthError("The sign-in was cancelled or has already finished.", "Cancelled", kind="cancelled")
            self.start()
        server = self._server
        assert server is not None
        try:
            if not server.done.wait(timeout):
                raise OAuthError(
                    f"No sign-in arrived at {self.redirect_uri} within {timeout:.0f} s.",
                    "Timed out",
                    hint="Run the command again; check that the redirect URL is registered on the OAuth client.",
                    tui_hint="Press o to try again; check that the redirect URL is registered on the OAuth client.",
                    kind="timeout",
                )
            server.replied.wait(1.0 if server.error is None or server.error.kind != "cancelled" else 0)
            if server.error is not None:
                raise server.error
            return str(server.code)
        finally:
            self._shutdown()

    def cancel(self) -> None:
        """Free the port; a pending ``wait()`` raises OAuthError(kind="cancelled")."""
        server = self._server
        if server is not None:
            server.settle(
                error=OAuthError("The sign-in was cancelled.", "Cancelled", kind="cancelled"),
            )
        self._shutdown()

    def _shutdown(self) -> None:
        with self._lock:
            self._closed = True
            server, self._server = self._server, None
            thread, self._thread = self._thread, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def __enter__(self) -> CallbackServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()
