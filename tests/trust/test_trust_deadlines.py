"""Issue 10.6: no network call can hang or eat the machine (a hostile server of our own on 127.0.0.1)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

DEADLINE = "3"


class HostileServer:
    """Answers every connection with ``behaviour`` (drip or flood) in its own thread."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            if self.behaviour == "drip-headers":
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(0.5)
            elif self.behaviour == "drip-body":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                while not self.stop.is_set():
                    conn.sendall(b" ")
                    time.sleep(0.5)
            else:  # flood: 1.5 GB of JSON-ish bytes as fast as the socket takes them
                size = 1536 * 1024 * 1024
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size)
                block = b" " * (1024 * 1024)
                for _ in range(1536):
                    if self.stop.is_set():
                        return
                    conn.sendall(block)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.fixture(params=["drip-headers", "drip-body", "flood"])
def hostile(request: pytest.FixtureRequest) -> Iterator[HostileServer]:
    server = HostileServer(request.param)
    yield server
    server.close()


# VmHWM, not ru_maxrss: Linux carries the parent's high-water mark across fork and exec into the child's
# ru_maxrss, so a child of a pytest grown past 300 MB would report pytest's peak, not its own.
MEASURE = """
import sys
from zendesk_setup.cli import main
code = main(sys.argv[1:])
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
sys.stderr.write("PEAK-KB %d\\n" % peak)
raise SystemExit(code)
"""


def run_measured(*args: str) -> tuple[int, str, float, int]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "tui"), str(REPO)]))
    env["ZENDESK_SETUP_HTTP_DEADLINE"] = DEADLINE
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True, text=True, env=env,
                          timeout=120)  # fmt: skip
    elapsed = time.monotonic() - started
    peak = int(proc.stderr.rsplit("PEAK-KB ", 1)[1].split()[0])
    return proc.returncode, proc.stderr, elapsed, peak


def test_test_ends_in_time_and_in_bounded_memory_whatever_the_server_sends(hostile, config_dir: Path) -> None:
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=hostile.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})
    code, err, elapsed, peak_kb = run_measured("test", "acme")
    assert code == 1, err
    assert elapsed < float(DEADLINE) + 6, f"test took {elapsed:.1f} s against a {hostile.behaviour} server"
    assert peak_kb < 300_000, f"peak memory {peak_kb} kB against a {hostile.behaviour} server"
    if hostile.behaviour == "flood":
        assert "more than 8 MB" in err
    else:
        assert f"within {DEADLINE} s" in err
    assert "Traceback" not in err


def test_a_refresh_that_hits_the_deadline_releases_its_lock(config_dir: Path) -> None:
    server = HostileServer("drip-body")
    try:
        profile = Profile(name="acme", subdomain="acme", auth="oauth", client_id="cli", client_kind="public",
                          scopes=("read",), redirect_port=47123, base_url=server.url)  # fmt: skip
        expired = {"access_token": "at-old", "refresh_token": "rt-old", "access_expires_at": time.time() - 60}
        save_profile(ProfileStore(config_dir), profile, expired)
        first = run_measured("token", "acme")
        second = run_measured("token", "acme")
    finally:
        server.close()
    assert first[0] == 1 and second[0] == 1
    assert second[2] < float(DEADLINE) + 6, "the second refresh waited for a lock the first never released"
