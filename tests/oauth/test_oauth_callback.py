"""The loopback callback server, driven over real sockets on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from zendesk_setup.core.errors import OAuthError, SetupError
from zendesk_setup.core.loopback import CallbackServer
from zendesk_setup.core.oauth import new_state

from .conftest import free_port


@pytest.fixture
def server() -> Iterator[CallbackServer]:
    """A started callback server on a free port; cancelled afterwards."""
    callback = CallbackServer(free_port(), new_state())
    callback.start()
    yield callback
    callback.cancel()


def wait_in_background(server: CallbackServer, timeout: float = 10.0) -> tuple[threading.Thread, dict]:
    """Run ``server.wait`` in a thread; the outcome lands in the returned dict."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["code"] = server.wait(timeout)
        except SetupError as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def raw_exchange(port: int, payload: bytes) -> bytes:
    """Send raw bytes to the server and read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def port_is_free(port: int) -> bool:
    """True when 127.0.0.1:port can be bound again (as the server binds: TIME_WAIT does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_matching_state_gives_the_code_and_a_return_to_terminal_page(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    response = httpx.get(server.redirect_uri, params={"code": "abc123", "state": server.state})
    thread.join(5)
    assert outcome == {"code": "abc123"}
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]
    assert "terminal" in response.text.lower()
    assert "abc123" not in response.text
    assert port_is_free(server.port)


def test_bound_to_loopback_only(server: CallbackServer) -> None:
    assert server._server is not None
    assert server._server.server_address[0] == "127.0.0.1"
    assert server.redirect_uri == f"http://127.0.0.1:{server.port}/callback"


def test_wrong_state_is_refused_and_the_wait_goes_on(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    bad = httpx.get(server.redirect_uri, params={"code": "evil", "state": "not-the-state"})
    missing = httpx.get(server.redirect_uri, params={"code": "evil"})
    assert bad.status_code == 400 and missing.status_code == 400
    assert thread.is_alive() and not outcome
    good = httpx.get(server.redirect_uri, params={"code": "good", "state": server.state})
    thread.join(5)
    assert good.status_code == 200
    assert outcome == {"code": "good"}


def test_error_param_with_matching_state_fails_the_wait(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    ignored = httpx.get(server.redirect_uri, params={"error": "access_denied", "state": "forged"})
    assert ignored.status_code == 400 and thread.is_alive()
    response = httpx.get(
        server.redirect_uri,
        params={"error": "access_denied", "error_description": "The end-user denied", "state": server.state},
    )
    thread.join(5)
    assert response.status_code == 200 and "terminal" in response.text
    error = outcome["error"]
    assert isinstance(error, OAuthError)
    assert error.kind == "access_denied"
    assert "denied" in error.message


def test_other_error_values_are_reported_with_zendesk_words(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    httpx.get(
        server.redirect_uri,
        params={"error": "invalid_scope", "error_description": "bad scope x", "state": server.state},
    )
    thread.join(5)
    assert outcome["error"].kind == "invalid_scope"
    assert "bad scope x" in str(outcome["error"])


def test_timeout_raises_and_frees_the_port() -> None:
    server = CallbackServer(free_port(), new_state())
    started = time.monotonic()
    with pytest.raises(OAuthError) as caught:
        server.wait(0.5)
    assert 0.4 < time.monotonic() - started < 3
    assert caught.value.kind == "timeout"
    assert server.redirect_uri in caught.value.message
    assert port_is_free(server.port)


def test_cancel_ends_a_pending_wait_and_frees_the_port(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server, timeout=30)
    time.sleep(0.2)
    started = time.monotonic()
    server.cancel()
    thread.join(5)
    assert time.monotonic() - started < 3
    assert outcome["error"].kind == "cancelled"
    assert port_is_free(server.port)


def test_cancel_before_wait_does_not_start_listening_again() -> None:
    server = CallbackServer(free_port(), new_state())
    server.start()
    server.cancel()
    started = time.monotonic()
    with pytest.raises(OAuthError) as caught:
        server.wait(10)
    assert caught.value.kind == "cancelled"
    assert time.monotonic() - started < 1
    assert port_is_free(server.port)


def test_other_paths_and_methods_are_refused_without_ending_the_wait(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    base = f"http://127.0.0.1:{server.port}"
    assert httpx.get(f"{base}/", params={"code": "x", "state": server.state}).status_code == 404
    assert httpx.get(f"{base}/favicon.ico").status_code == 404
    assert httpx.post(server.redirect_uri, params={"code": "x", "state": server.state}).status_code == 405
    assert thread.is_alive() and not outcome
    httpx.get(server.redirect_uri, params={"code": "real", "state": server.state})
    thread.join(5)
    assert outcome == {"code": "real"}


def test_oversized_and_malformed_requests_are_refused(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    huge = b"GET /callback?code=" + b"a" * 20000 + b"&state=" + server.state.encode() + b" HTTP/1.1\r\n\r\n"
    assert raw_exchange(server.port, huge).startswith(b"HTTP/1.0 414")
    assert raw_exchange(server.port, b"\x16\x03\x01garbage-not-http\r\n\r\n").split(b" ")[1].startswith(b"4")
    many_headers = b"GET /callback HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(200)) + b"\r\n"
    assert raw_exchange(server.port, many_headers).split(b" ")[1].startswith(b"4")
    assert thread.is_alive() and not outcome
    httpx.get(server.redirect_uri, params={"code": "after", "state": server.state})
    thread.join(5)
    assert outcome == {"code": "after"}


def test_an_idle_second_client_does_not_block_the_browser(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    half = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    half.sendall(b"GET /callback?code=slow")
    try:
        started = time.monotonic()
        response = httpx.get(server.redirect_uri, params={"code": "fast", "state": server.state}, timeout=3)
        thread.join(5)
        assert time.monotonic() - started < 2
        assert response.status_code == 200
        assert outcome == {"code": "fast"}
    finally:
        idle.close()
        half.close()


def test_only_one_redirect_is_accepted(server: CallbackServer) -> None:
    thread, outcome = wait_in_background(server)
    httpx.get(server.redirect_uri, params={"code": "first", "state": server.state})
    thread.join(5)
    assert outcome == {"code": "first"}
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.redirect_uri, params={"code": "second", "state": server.state}, timeout=2)


def test_busy_port_is_a_clear_error() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(OAuthError) as caught:
            CallbackServer(port, new_state()).start()
    assert caught.value.kind == "port_in_use"
    assert str(port) in caught.value.message
    assert "--port" in str(caught.value)
