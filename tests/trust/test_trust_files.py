"""Files the user does not own are not trusted: owners and modes, private parents, symlinks, alias bombs, and the
loopback server's answer to a request line it cannot parse."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO, CliResult

from zendesk_setup.core import loopback, oauth

NOBODY = 65534
STORAGE_EXIT = 3

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")


def add(cli: Callable[..., CliResult], name: str, *extra: str, config_dir: Path | None = None) -> CliResult:
    """``add NAME`` with Ada's API token, unchecked."""
    flags = ["--config-dir", str(config_dir)] if config_dir is not None else []
    return cli("add", name, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
               "--no-verify", *flags, *extra, stdin=API_TOKEN + "\n")  # fmt: skip


def run_limited(args: list[str], *, umask: int | None = None, timeout: float = 20, stdin: str = "") -> CliResult:
    """``python ARGS`` in a child limited to 1 GB of address space (a bomb must not eat the machine)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        if umask is not None:
            os.umask(umask)

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
    try:
        proc = subprocess.run(
            [sys.executable, *args], input=stdin, capture_output=True, text=True, env=env, timeout=timeout,
            preexec_fn=limit,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"{args} ran longer than {timeout} s")
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def assert_refused(result: CliResult, path: Path, fix: str) -> None:
    """Exit 3 with one clear message that names ``path`` and the command that fixes it."""
    assert result.code == STORAGE_EXIT, result
    assert str(path) in result.err and fix in result.err, result.err
    assert "Traceback" not in result.err and API_TOKEN not in result.all


# 1. Owners and modes ----------------------------------------------------------------------------


def test_the_normal_case_is_trusted_and_private(cli, config_dir: Path) -> None:
    assert add(cli, "acme").code == 0
    assert cli("list").code == 0
    assert config_dir.stat().st_mode & 0o777 == 0o700
    assert (config_dir / "profiles.yaml").stat().st_mode & 0o777 == 0o600


UNTRUSTED = [
    ("dir-owned-by-nobody", "", lambda d: os.chown(d, NOBODY, NOBODY), "chown"),
    ("dir-world-writable", "", lambda d: os.chmod(d, 0o777), "chmod 700"),
    ("dir-group-writable", "", lambda d: os.chmod(d, 0o770), "chmod 700"),
    ("profiles-owned-by-nobody", "profiles.yaml", lambda f: os.chown(f, NOBODY, NOBODY), "chown"),
    ("profiles-world-writable", "profiles.yaml", lambda f: os.chmod(f, 0o666), "chmod 600"),
    ("profiles-group-writable", "profiles.yaml", lambda f: os.chmod(f, 0o620), "chmod 600"),
]


@pytest.mark.parametrize(("case", "target", "spoil", "fix"), UNTRUSTED, ids=[c[0] for c in UNTRUSTED])
def test_a_config_dir_or_profiles_file_others_control_is_refused(
    case: str, target: str, spoil: Callable[[Path], None], fix: str, cli, config_dir: Path
) -> None:
    assert add(cli, "acme").code == 0
    path = config_dir / target if target else config_dir
    before = (config_dir / "profiles.yaml").read_bytes()
    spoil(path)
    for result in (cli("list"), cli("show", "acme"), cli("token", "acme"), add(cli, "beta"),
                   cli("remove", "acme", "--yes")):  # fmt: skip
        assert_refused(result, path, fix)
    assert (config_dir / "profiles.yaml").read_bytes() == before


@pytest.mark.parametrize(
    ("case", "spoil", "fix"),
    [("owned-by-nobody", lambda f: os.chown(f, NOBODY, NOBODY), "chown"),
     ("world-writable", lambda f: os.chmod(f, 0o666), "chmod 600")],
)  # fmt: skip
def test_a_secrets_file_others_control_is_refused(case: str, spoil, fix: str, cli, config_dir: Path) -> None:
    assert add(cli, "acme", "--insecure-storage").code == 0
    assert cli("token", "acme").out.strip() == API_TOKEN
    path = config_dir / "secrets.yaml"
    spoil(path)
    assert_refused(cli("token", "acme"), path, fix)
    assert_refused(add(cli, "beta", "--insecure-storage"), path, fix)


def test_a_symlinked_config_dir_is_fine_when_its_target_is_private(cli, tmp_path: Path, config_dir: Path) -> None:
    real = tmp_path / "real-config"
    real.mkdir(mode=0o700)
    config_dir.parent.mkdir(parents=True, exist_ok=True)
    config_dir.symlink_to(real)
    assert add(cli, "acme").code == 0
    assert cli("list").code == 0 and "acme" in cli("list").out
    assert config_dir.is_symlink() and (real / "profiles.yaml").is_file()

    real.chmod(0o777)
    assert_refused(cli("list"), config_dir, "chmod 700")


# 2. Parent folders ---------------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o000, 0o277])
def test_every_missing_parent_is_created_private_whatever_the_umask(umask: int, tmp_path: Path) -> None:
    top = tmp_path / "fresh"
    config_dir = top / "a" / "b" / "zendesk-setup"
    args = ["-m", "zendesk_setup", "add", "acme", "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL,
            "--api-token-stdin", "--no-verify", "--config-dir", str(config_dir)]  # fmt: skip
    result = run_limited(args, umask=umask, stdin=API_TOKEN + "\n")
    assert result.code == 0, result
    for folder in (top, top / "a", top / "a" / "b", config_dir):
        assert folder.stat().st_mode & 0o777 == 0o700, (folder, oct(folder.stat().st_mode))
    assert (config_dir / "profiles.yaml").stat().st_mode & 0o777 == 0o600


# 3. A symlinked profiles.yaml is written through ---------------------------------------------------


@pytest.fixture
def linked_profiles(tmp_path: Path, config_dir: Path) -> Iterator[Path]:
    """profiles.yaml in the config dir is a relative link to a dotfiles folder; yields the link's target."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir(mode=0o700)
    config_dir.mkdir(parents=True, mode=0o700)
    (config_dir / "profiles.yaml").symlink_to(os.path.relpath(dotfiles / "profiles.yaml", config_dir))
    yield dotfiles / "profiles.yaml"


def test_a_symlinked_profiles_file_is_written_through_and_the_link_kept(
    cli, config_dir: Path, linked_profiles: Path
) -> None:
    link = config_dir / "profiles.yaml"
    assert add(cli, "acme").code == 0
    assert add(cli, "beta").code == 0
    assert cli("default", "beta").code == 0
    assert link.is_symlink(), "the link was replaced by a regular file"
    assert link.resolve() == linked_profiles.resolve()
    text = linked_profiles.read_text()
    assert "acme:" in text and "beta:" in text and "default: beta" in text
    assert linked_profiles.stat().st_mode & 0o777 == 0o600
    folders = (config_dir, linked_profiles.parent)
    assert [p.name for folder in folders for p in folder.iterdir() if ".tmp" in p.name] == []
    listing = cli("list")
    assert listing.code == 0 and "acme" in listing.out and "beta" in listing.out


def test_a_symlinked_profiles_file_in_a_folder_others_can_write_is_refused(
    cli, config_dir: Path, linked_profiles: Path
) -> None:
    assert add(cli, "acme").code == 0
    linked_profiles.parent.chmod(0o777)
    result = add(cli, "beta")
    assert_refused(result, linked_profiles.parent, "chmod 700")
    assert (config_dir / "profiles.yaml").is_symlink()
    assert "beta" not in linked_profiles.read_text()


# 4. YAML alias bombs --------------------------------------------------------------------------------


def list_bomb() -> str:
    """Billion laughs with sequences: nine levels of nine aliases each (about 380 bytes)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
        previous = name
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    """The same with merge keys, which PyYAML flattens eagerly (each level merges nine copies of the last)."""
    lines = ["a: &a {x: 1}"]
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} {{<<: [" + ",".join([f"*{previous}"] * 9) + "]}")
        previous = name
    return "\n".join(lines) + "\n"


BOMBS = {
    "profiles-list-bomb": ("profiles.yaml", "version: 1\n" + list_bomb() + "default: *i\nprofiles: {}\n"),
    "profiles-merge-bomb": ("profiles.yaml", "version: 1\n" + merge_bomb() + "profiles: {}\n"),
    "secrets-list-bomb": ("secrets.yaml", "version: 1\n" + list_bomb() + "secrets: {acme: *i}\n"),
    "secrets-merge-bomb": ("secrets.yaml", "version: 1\n" + merge_bomb() + "secrets: {acme: *j}\n"),
}


@pytest.mark.parametrize("case", list(BOMBS))
def test_an_alias_bomb_is_refused_fast_with_the_file_named(case: str, config_dir: Path, cli) -> None:
    file_name, text = BOMBS[case]
    assert len(text.encode()) < 600
    assert add(cli, "acme", "--insecure-storage").code == 0
    path = config_dir / file_name
    path.write_text(text)
    os.chmod(path, 0o600)
    argv = ["list"] if file_name == "profiles.yaml" else ["token", "acme"]
    started = time.monotonic()
    result = run_limited(["-m", "zendesk_setup", *argv], timeout=15)
    elapsed = time.monotonic() - started
    assert result.code == STORAGE_EXIT, result
    assert str(path) in result.err and "alias" in result.err and "Traceback" not in result.err, result.err
    assert elapsed < 5, f"{elapsed:.1f} s"


MEASURE = """
import json, sys, time, tracemalloc
from pathlib import Path
from zendesk_setup.core.errors import ConfigFileError
from zendesk_setup.core.profiles import parse_profiles
from zendesk_setup.core.secrets import FileSecretStore
path = Path(sys.argv[1])
import yaml  # imported before measuring: the cost of the bomb alone
tracemalloc.start()
started = time.perf_counter()
try:
    if path.name == "profiles.yaml":
        parse_profiles(path.read_text(), path)
    else:
        FileSecretStore(path.parent).get("acme")
    outcome = "loaded"
except ConfigFileError as exc:
    outcome = exc.message
print(json.dumps({"seconds": time.perf_counter() - started, "peak": tracemalloc.get_traced_memory()[1],
                  "outcome": outcome}))
"""


@pytest.mark.parametrize("case", list(BOMBS))
def test_an_alias_bomb_costs_little_time_and_memory(case: str, tmp_path: Path) -> None:
    file_name, text = BOMBS[case]
    folder = tmp_path / "cfg"
    folder.mkdir(mode=0o700)
    path = folder / file_name
    path.write_text(text)
    path.chmod(0o600)
    result = run_limited(["-c", MEASURE, str(path)], timeout=15)
    assert result.code == 0, result
    measured = json.loads(result.out)
    assert str(path) in measured["outcome"] and "alias" in measured["outcome"], measured
    assert measured["seconds"] < 0.25 and measured["peak"] < 2_000_000, measured


def test_ordinary_aliases_and_merge_keys_still_load(tmp_path: Path) -> None:
    from zendesk_setup.core.profiles import parse_profiles

    text = (
        "version: 1\nshared: &shared {subdomain: acme, auth: api_token, email: a@acme.test}\n"
        "profiles:\n  acme:\n    <<: *shared\n  beta:\n    <<: *shared\n    subdomain: beta\n"
    )
    document = parse_profiles(text, tmp_path / "profiles.yaml")
    assert [p.subdomain for p in document.profiles.values()] == ["acme", "beta"]


def test_a_self_referencing_alias_is_refused(tmp_path: Path) -> None:
    from zendesk_setup.core.errors import ConfigFileError
    from zendesk_setup.core.profiles import parse_profiles

    path = tmp_path / "profiles.yaml"
    with pytest.raises(ConfigFileError, match="alias"):
        parse_profiles("version: 1\nloop: &loop [*loop]\nprofiles: {}\ndefault: *loop\n", path)


# 5. The loopback server and request lines it cannot parse ------------------------------------------


STATE = oauth.new_state()
CODE = "the-right-code-0123456789"


def exchange(port: int, request_line: str) -> bytes:
    """Send one request and return the whole reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"{request_line}\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode("latin-1"))
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


MALFORMED = [
    "GET http://[::1/callback HTTP/1.1",
    f"GET http://[::1/callback?code=evil&state={STATE} HTTP/1.1",
    "GET http://[/callback HTTP/1.1",
    "GET http://[::1]x/callback HTTP/1.1",
    "GET http://[zz]/callback HTTP/1.1",
    f"GET http://127.0.0.1:99999999999/callback?code=evil&state={STATE}x HTTP/1.1",
]


@pytest.mark.parametrize("request_line", MALFORMED)
def test_a_malformed_request_line_gets_400_and_no_traceback(request_line: str, capfd) -> None:
    server = loopback.CallbackServer(0, STATE)
    server.start()
    try:
        reply = exchange(server.port, request_line)
        assert reply.startswith(b"HTTP/1.0 400 "), reply[:200]
        assert b"evil" not in reply
        time.sleep(0.1)
        assert not server._server.done.is_set(), "a malformed request ended the wait"
        right = exchange(server.port, f"GET /callback?code={CODE}&state={STATE} HTTP/1.1")
        assert right.startswith(b"HTTP/1.0 200 ")
        assert server.wait(5) == CODE
    finally:
        server.cancel()
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err and err == "", err


DEEP = "[" * 500 + "]" * 500
DEEPLY_NESTED = {
    "profiles-with-an-alias": ("profiles.yaml", f"version: 1\nprofiles: {{}}\nx: &deep {DEEP}\ny: *deep\n"),
    "secrets": ("secrets.yaml", f"version: 1\nsecrets: {{acme: {{api_token: {DEEP}}}}}\n"),
}


@pytest.mark.parametrize("case", list(DEEPLY_NESTED))
def test_deep_nesting_is_a_clear_error_not_an_internal_one(case: str, config_dir: Path, cli) -> None:
    file_name, text = DEEPLY_NESTED[case]
    assert add(cli, "acme", "--insecure-storage").code == 0
    path = config_dir / file_name
    path.write_text(text)
    path.chmod(0o600)
    result = cli("list") if file_name == "profiles.yaml" else cli("token", "acme")
    assert result.code == STORAGE_EXIT, result
    assert str(path) in result.err and "nested more than" in result.err, result.err
    assert "internal error" not in result.err and "Recursion" not in result.err
