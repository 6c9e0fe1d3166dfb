"""The OAuth loopback callback under attack: every wrong request is refused and the wait for the right one goes on."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zendesk_setup.core import loopback, oauth
from zendesk_setup.core.errors import OAuthError

STATE = oauth.new_state()
CODE = "the-right-code-0123456789"


def raw_request(port: int, data: bytes, *, read: bool = True, timeout: float = 8.0) -> bytes:
    """Send raw bytes to 127.0.0.1:port and return whatever comes back before the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(data)
        if not read:
            return b""
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, TimeoutError):
            pass
        return b"".join(chunks)


def get(port: int, target: str, headers: str = "") -> bytes:
    """A plain HTTP/1.1 GET as a browser would send it."""
    return raw_request(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}\r\n".encode("latin-1"))


def status_of(reply: bytes) -> int | None:
    """The status code of a raw HTTP reply (None when there was no reply at all)."""
    if not reply.startswith(b"HTTP/"):
        return None
    return int(reply.split(b" ", 2)[1])


@pytest.fixture
def server() -> Iterator[loopback.CallbackServer]:
    """A started callback server on a free port, waiting for STATE."""
    callback = loopback.CallbackServer(0, STATE)
    callback.start()
    yield callback
    callback.cancel()


def settled(callback: loopback.CallbackServer) -> bool:
    """Whether the server has recorded an outcome (it must not, after hostile requests)."""
    inner = callback._server
    return inner is None or inner.done.is_set()


HOSTILE = [
    ("wrong-state", lambda p: get(p, "/callback?code=evil&state=wrong"), {400}),
    ("no-state", lambda p: get(p, "/callback?code=evil"), {400}),
    ("empty-state", lambda p: get(p, "/callback?code=evil&state="), {400}),
    ("state-prefix", lambda p: get(p, f"/callback?code=evil&state={STATE[:-1]}"), {400}),
    ("state-longer", lambda p: get(p, f"/callback?code=evil&state={STATE}x"), {400}),
    ("state-other-case", lambda p: get(p, f"/callback?code=evil&state={STATE.swapcase()}"), {400}),
    ("wrong-state-first", lambda p: get(p, f"/callback?code=evil&state=wrong&state={STATE}"), {400}),
    ("wrong-error-denial", lambda p: get(p, "/callback?error=access_denied&state=wrong"), {400}),
    ("other-path-with-state", lambda p: get(p, f"/evil?code=evil&state={STATE}"), {404}),
    ("root", lambda p: get(p, "/"), {404}),
    ("callback-prefix-path", lambda p: get(p, f"/callbackx?code=evil&state={STATE}"), {404}),
    ("traversal", lambda p: get(p, "/../callback/..?code=evil&state=wrong"), {404, 400}),
    ("no-code-right-state", lambda p: get(p, f"/callback?state={STATE}"), {400}),
    ("empty-code-right-state", lambda p: get(p, f"/callback?code=&state={STATE}"), {400}),
    ("post-right-state", lambda p: raw_request(p, f"POST /callback?code=evil&state={STATE} HTTP/1.1\r\n"
                                                  "Content-Length: 0\r\n\r\n".encode()), {405, 501}),
    ("head", lambda p: raw_request(p, f"HEAD /callback?code=evil&state={STATE} HTTP/1.1\r\n\r\n".encode()),
     {405, 501}),
    ("huge-request-line", lambda p: get(p, "/callback?x=" + "a" * 100_000), {414}),
    ("many-headers", lambda p: get(p, f"/callback?code=evil&state={STATE}",
                                   "".join(f"X-{i}: y\r\n" for i in range(200))), {431, 400}),
    ("huge-header", lambda p: get(p, f"/callback?code=evil&state={STATE}", "X-Big: " + "b" * 70_000 + "\r\n"),
     {431, 400}),
    ("tls-hello", lambda p: raw_request(p, bytes.fromhex("1603010020010000") + b"\x00" * 40, timeout=0.5),
     {400, None}),
    ("binary-junk", lambda p: raw_request(p, b"\x00\xff\xfe\r\n\r\n"), {400, None}),
    ("bad-version", lambda p: raw_request(p, f"GET /callback?code=evil&state={STATE} HTTP/9.9\r\n\r\n".encode()),
     {505, 400}),
    ("header-injection-in-query", lambda p: get(p, "/callback?code=evil%0d%0aSet-Cookie:%20x&state=wrong"), {400}),
]  # fmt: skip


@pytest.mark.parametrize("case", HOSTILE, ids=[name for name, _, _ in HOSTILE])
def test_a_hostile_request_is_refused_and_the_wait_goes_on(case, server: loopback.CallbackServer) -> None:
    name, send, expected = case
    reply = send(server.port)
    assert status_of(reply) in expected, f"{name}: {reply[:200]!r}"
    assert not settled(server), f"{name} ended the wait"
    assert b"evil" not in reply.split(b"\r\n\r\n", 1)[-1], "the page echoes the request"
    right = get(server.port, f"/callback?code={CODE}&state={STATE}")
    assert status_of(right) == 200
    assert server.wait(5) == CODE


def test_all_hostile_requests_then_idle_and_slow_clients_then_the_right_one(server: loopback.CallbackServer) -> None:
    for name, send, expected in HOSTILE:
        assert status_of(send(server.port)) in expected, name
    assert not settled(server)

    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(40)]
    slow = socket.create_connection(("127.0.0.1", server.port))
    slow.sendall(f"GET /callback?code=slow&state={STATE}".encode())  # never finishes the line
    try:
        started = time.monotonic()
        outcome: dict[str, object] = {}
        waiter = threading.Thread(target=lambda: outcome.setdefault("code", server.wait(10)))
        waiter.start()
        time.sleep(0.2)
        assert status_of(get(server.port, f"/callback?code={CODE}&state={STATE}")) == 200
        waiter.join(10)
        assert outcome.get("code") == CODE
        assert time.monotonic() - started < 3, "idle clients held up the right request"
    finally:
        for sock in [*idle, slow]:
            sock.close()


def test_repeated_requests_after_success_do_not_change_the_code() -> None:
    callback = loopback.CallbackServer(0, STATE)
    callback.start()
    port = callback.port
    replies = []
    for code in (CODE, "second-code-xyz", "third-code-xyz"):
        try:
            replies.append(status_of(get(port, f"/callback?code={code}&state={STATE}")))
        except OSError:
            replies.append(None)  # the server may already be closed: also a refusal
    assert replies[0] == 200
    assert all(status in (409, None) for status in replies[1:]), replies
    assert callback.wait(5) == CODE


def test_a_denial_with_the_right_state_ends_the_wait_with_a_clean_message(server: loopback.CallbackServer) -> None:
    reply = get(server.port, f"/callback?error=%1b%5b2Jx&error_description=%1b]0;pwned%07&state={STATE}")
    assert status_of(reply) == 200
    with pytest.raises(OAuthError) as caught:
        server.wait(5)
    text = caught.value.message + " " + (caught.value.hint or "")
    assert "\x1b" not in text and "\x07" not in text


def test_only_hostile_traffic_times_out_on_time(server: loopback.CallbackServer) -> None:
    for _ in range(5):
        get(server.port, "/callback?code=evil&state=wrong")
    started = time.monotonic()
    with pytest.raises(OAuthError, match="No sign-in arrived"):
        server.wait(1.0)
    assert 0.9 <= time.monotonic() - started < 2.5


def test_the_server_listens_on_loopback_only(server: loopback.CallbackServer) -> None:
    inner = server._server
    assert inner is not None and inner.server_address[0] == "127.0.0.1"


target_chars = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="#")


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from(["/callback", "/", "/callback/", "/x", "/CALLBACK"]),
    query=st.lists(
        st.tuples(st.sampled_from(["code", "state", "error", "error_description", "x", "code[]", "STATE"]),
                  st.text(target_chars, max_size=40)),
        max_size=5,
    ),
)  # fmt: skip
def test_fuzzed_callback_requests_never_settle_without_the_state(path: str, query: list[tuple[str, str]]) -> None:
    callback = _FUZZ_SERVER["server"]
    target = path + "?" + "&".join(f"{quote(k)}={quote(v)}" for k, v in query)
    reply = get(callback.port, target)
    status = status_of(reply)
    assert status is not None and 400 <= status < 500, (target, reply[:120])
    assert not settled(callback), target


_FUZZ_SERVER: dict[str, loopback.CallbackServer] = {}


@pytest.fixture(autouse=True, scope="module")
def fuzz_server() -> Iterator[None]:
    """One callback server shared by the fuzz examples (starting one per example would dominate the run)."""
    callback = loopback.CallbackServer(0, STATE)
    callback.start()
    _FUZZ_SERVER["server"] = callback
    yield
    callback.cancel()
