"""Storage faults: crashes mid-save, concurrent writers, hand-broken files, read-only folders and full disks."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests import stores
from tests.conftest import API_TOKEN, EMAIL, REPO
from tests.trust.conftest import run_cli

from zendesk_setup.core import atomic, locking
from zendesk_setup.core.errors import ConfigFileError, KeyringError, StorageError
from zendesk_setup.core.profiles import Profile, ProfileStore, parse_profiles
from zendesk_setup.core.secrets import FileSecretStore, KeyringSecretStore, secret_store_for

CRASHED = 77
BEFORE = (["alpha", "zeta"], "alpha")


# Helpers -----------------------------------------------------------------------------------


def api_profile(name: str, storage: str = "keyring") -> Profile:
    """An API-token profile for acme."""
    return Profile(name=name, subdomain="acme", auth="api_token", email=EMAIL, storage=storage)


def seed(config_dir: Path, *names: str) -> ProfileStore:
    """A store holding ``names`` (the first is the default), each with its API token in the keyring."""
    store = ProfileStore(config_dir)
    for name in names:
        stores.save_profile(store, api_profile(name), {"api_token": f"{API_TOKEN}-{name}"})
    return store


def state(store: ProfileStore) -> tuple[list[str], str | None]:
    """Profile names in order and the default, read back through the real parser."""
    document = store.load()
    return list(document.profiles), document.default


def add_argv(name: str, *extra: str) -> list[str]:
    """Arguments for ``add NAME`` with an API token and no check."""
    return ["add", name, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
            "--no-verify", *extra]  # fmt: skip


# 1. A crash at any point of a save ------------------------------------------------------------


def _exit_now() -> None:
    os._exit(CRASHED)


def install_crash(point: str) -> None:
    """In a forked child: make the process die at ``point`` of a save (never called in the test process)."""
    if point == "lock-acquired":
        real_flock = locking.fcntl.flock

        def flock(fd: int, operation: int) -> None:
            real_flock(fd, operation)
            if operation & locking.fcntl.LOCK_EX:
                _exit_now()

        locking.fcntl.flock = flock
    elif point in ("mkstemp-before", "mkstemp-after"):
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
            if point == "mkstemp-before":
                _exit_now()
            result = real_mkstemp(*args, **kwargs)  # type: ignore[call-overload]
            _exit_now()
            return result

        tempfile.mkstemp = mkstemp  # type: ignore[assignment]
    elif point == "half-written":
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, handle: io.TextIOWrapper) -> None:
                self.handle = handle

            def __enter__(self) -> HalfWriter:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()

            def fileno(self) -> int:
                return self.handle.fileno()

            def write(self, text: str) -> int:
                self.handle.write(text[: len(text) // 2])
                self.handle.flush()
                _exit_now()
                return 0

            def flush(self) -> None:
                self.handle.flush()

        os.fdopen = lambda fd, *a, **k: HalfWriter(real_fdopen(fd, *a, **k))  # type: ignore[assignment]
    elif point in ("fsync-file", "fsync-dir"):
        real_fsync = os.fsync
        calls = {"n": 0}

        def fsync(fd: int) -> None:
            calls["n"] += 1
            if (point == "fsync-file" and calls["n"] == 1) or (point == "fsync-dir" and calls["n"] == 2):
                _exit_now()
            real_fsync(fd)

        os.fsync = fsync  # type: ignore[assignment]
    elif point in ("replace-before", "replace-after"):
        real_replace = os.replace

        def replace(src: str, dst: str) -> None:
            if point == "replace-before":
                _exit_now()
            real_replace(src, dst)
            _exit_now()

        os.replace = replace  # type: ignore[assignment]
    elif point == "secret-stored":
        for method in ("save", "remove", "rename"):
            setattr(ProfileStore, method, lambda *a, **k: _exit_now())
    elif point == "before-secret":
        for method in ("set", "delete"):
            setattr(KeyringSecretStore, method, lambda *a, **k: _exit_now())
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(point)


def crash_in_child(point: str, operation: Callable[[], object]) -> int:
    """Fork, install the crash point in the child, run ``operation``; returns the child's exit code."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 0
        try:
            install_crash(point)
            operation()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


CRASH_POINTS = [
    "before-secret",
    "secret-stored",
    "lock-acquired",
    "mkstemp-before",
    "mkstemp-after",
    "half-written",
    "fsync-file",
    "replace-before",
    "replace-after",
    "fsync-dir",
]
# Points after which profiles.yaml must already hold the new version.
AFTER_RENAME = {"replace-after", "fsync-dir"}

OPERATIONS: dict[str, tuple[Callable[[ProfileStore], object], tuple[list[str], str | None]]] = {
    "add": (
        lambda s: stores.save_profile(s, api_profile("beta"), {"api_token": "tok-beta"}),
        (["alpha", "zeta", "beta"], "alpha"),
    ),
    "remove": (lambda s: stores.remove_profile(s, "alpha"), (["zeta"], "zeta")),
    "rename": (lambda s: stores.rename_profile(s, "alpha", "gamma"), (["gamma", "zeta"], "gamma")),
    "set-default": (lambda s: s.set_default("zeta"), (["alpha", "zeta"], "zeta")),
}  # fmt: skip


@pytest.mark.parametrize("point", CRASH_POINTS)
@pytest.mark.parametrize("operation_name", list(OPERATIONS))
def test_a_crash_at_any_point_leaves_the_old_or_the_new_file(
    operation_name: str, point: str, config_dir: Path
) -> None:
    store = seed(config_dir, "alpha", "zeta")
    before_bytes = store.path.read_bytes()
    operation, intended = OPERATIONS[operation_name]
    touches_secrets = operation_name != "set-default"

    code = crash_in_child(point, lambda: operation(store))

    if point in ("before-secret", "secret-stored") and not touches_secrets:
        assert code == 0
    else:
        assert code == CRASHED, f"the crash point {point} was never reached (exit {code})"
    after = state(store)  # parses: never half-written
    assert after in (BEFORE, intended)
    if code == CRASHED and point not in AFTER_RENAME:
        assert store.path.read_bytes() == before_bytes, "profiles.yaml changed although the rename never happened"
    if code == CRASHED and point in AFTER_RENAME:
        assert after == intended
    if operation_name in ("add", "rename"):
        secrets = KeyringSecretStore()
        for name in after[0]:
            assert secrets.get(name), f"profile {name} survived the crash without its secret"

    # The next save works at once: no stale lock, and stray temp files do not get in the way.
    stores.save_profile(store, api_profile("after-crash"), {"api_token": "tok-after"})
    assert "after-crash" in state(store)[0]
    assert set(after[0]) <= set(state(store)[0])


@pytest.mark.parametrize("point", ["half-written", "replace-before", "replace-after"])
def test_a_crash_while_writing_secrets_yaml_leaves_it_readable(point: str, config_dir: Path) -> None:
    store = ProfileStore(config_dir)
    stores.save_profile(store, api_profile("alpha", storage="file"), {"api_token": "tok-alpha"})
    secrets = FileSecretStore(config_dir)

    code = crash_in_child(point, lambda: secrets.set("beta", {"api_token": "tok-beta"}))

    assert code == CRASHED
    assert secrets.get("alpha") == {"api_token": "tok-alpha"}
    assert secrets.get("beta") in (None, {"api_token": "tok-beta"})
    assert (config_dir / "secrets.yaml").stat().st_mode & 0o777 == 0o600


def test_a_failed_rename_changes_nothing_and_puts_the_secret_back(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = seed(config_dir, "alpha")
    before = store.path.read_bytes()

    def refuse(src: str, dst: str) -> None:
        raise OSError(errno.EIO, "Input/output error")

    with monkeypatch.context() as patched:
        patched.setattr(atomic.os, "replace", refuse)
        with pytest.raises(ConfigFileError, match="Nothing was changed"):
            stores.save_profile(store, api_profile("beta"), {"api_token": "tok-beta"})
        with pytest.raises(ConfigFileError):
            stores.remove_profile(store, "alpha")

    assert store.path.read_bytes() == before
    assert KeyringSecretStore().get("beta") is None, "the secret of a profile that was not saved stayed behind"
    assert KeyringSecretStore().get("alpha") == {"api_token": f"{API_TOKEN}-alpha"}, "a failed remove lost the secret"
    assert [p.name for p in config_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_a_profile_whose_secret_cannot_be_stored_is_not_saved(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = seed(config_dir, "alpha")
    before = store.path.read_bytes()

    def refuse(self: KeyringSecretStore, name: str, fields: dict[str, object]) -> None:
        raise KeyringError("The OS keyring refused to store a secret (test).")

    monkeypatch.setattr(KeyringSecretStore, "set", refuse)
    with pytest.raises(KeyringError):
        stores.save_profile(store, api_profile("beta"), {"api_token": "tok-beta"})
    code, _out, err = run_cli(add_argv("gamma"), capsys, stdin=API_TOKEN + "\n")
    assert code == 3 and "refused to store" in err and "Traceback" not in err
    assert store.path.read_bytes() == before


# 2. Two processes saving at once -------------------------------------------------------------


def _save_many(config_dir: str, prefix: str, count: int) -> None:
    store = ProfileStore(Path(config_dir))
    for index in range(count):
        name = f"{prefix}{index}"
        stores.save_profile(store, api_profile(name, storage="file"), {"api_token": f"tok-{name}"})


def test_two_processes_saving_different_profiles_both_land(config_dir: Path) -> None:
    import multiprocessing

    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_save_many, args=(str(config_dir), prefix, 25)) for prefix in ("left", "right")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    names = state(ProfileStore(config_dir))[0]
    expected = {f"{prefix}{i}" for prefix in ("left", "right") for i in range(25)}
    assert set(names) == expected and len(names) == 50
    secrets = FileSecretStore(config_dir)
    assert all(secrets.get(name) == {"api_token": f"tok-{name}"} for name in expected)


@pytest.mark.secretservice
def test_twenty_concurrent_cli_adds_all_land(secret_service, config_dir: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
    names = [f"{side}{i}" for side in ("left", "right") for i in range(10)]
    processes = []
    for name in names:
        process = subprocess.Popen(
            [sys.executable, "-m", "zendesk_setup", *add_argv(name)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert process.stdin is not None
        process.stdin.write(f"tok-{name}\n")
        process.stdin.close()
        processes.append(process)
    for process in processes:
        err = process.stderr.read() if process.stderr else ""
        assert process.wait(60) == 0, err
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
    assert sorted(state(ProfileStore(config_dir))[0]) == sorted(names)
    for name in names:
        assert secret_service.lookup(name) == f'{{"api_token": "tok-{name}"}}', name


# 3. A hand-broken profiles.yaml ------------------------------------------------------------

GOOD = (
    "version: 1\ndefault: acme\nprofiles:\n  acme:\n    subdomain: acme\n    auth: api_token\n    email: a@acme.test\n"
)
BROKEN = [
    ("unclosed-flow", "version: 1\nprofiles:\n  acme: {subdomain: acme, auth: oauth\n", 4),
    ("tab-indent", "version: 1\nprofiles:\n\tacme:\n", 3),
    ("bad-indent", "version: 1\nprofiles:\n  acme:\n    subdomain: acme\n   auth: oauth\n", 5),
    ("top-level-list", "- version\n- 1\n", 1),
    ("top-level-text", "just some text\n", 1),
    ("version-missing", "profiles: {}\n", 1),
    ("version-2", "# mine\nversion: 2\nprofiles: {}\n", 2),
    ("version-text", 'version: "1"\nprofiles: {}\n', 1),
    ("version-bool", "version: true\nprofiles: {}\n", 1),
    ("profiles-list", "version: 1\nprofiles:\n  - acme\n", 2),
    ("profile-text", "version: 1\nprofiles:\n  acme: hello\n", 3),
    ("subdomain-missing", "version: 1\nprofiles:\n  acme:\n    auth: api_token\n    email: a@acme.test\n", 3),
    ("auth-missing", "version: 1\nprofiles:\n  acme:\n    subdomain: acme\n    email: a@acme.test\n", 3),
    ("auth-unknown", GOOD.replace("auth: api_token", "auth: password"), 6),
    ("email-missing", GOOD.replace("    email: a@acme.test\n", ""), 4),
    ("subdomain-number", GOOD.replace("subdomain: acme", "subdomain: 123"), 5),
    ("subdomain-host", GOOD.replace("subdomain: acme", "subdomain: evil.example/x"), 5),
    ("base-url-plain-http", GOOD + "    base_url: http://evil.example\n", 8),
    ("base-url-number", GOOD + "    base_url: 8080\n", 8),
    ("scopes-number", GOOD + "    scopes: 5\n", 8),
    ("port-text", GOOD + "    redirect_port: abc\n", 8),
    ("port-too-low", GOOD + "    redirect_port: 80\n", 8),
    ("storage-unknown", GOOD + "    storage: cloud\n", 8),
    ("default-unknown", GOOD.replace("default: acme", "default: nobody"), 2),
    ("bad-profile-name", GOOD.replace("  acme:", "  ../etc:").replace("default: acme", "default: null"), 4),
    ("duplicate-profile", GOOD + "  acme:\n    subdomain: evil\n    auth: api_token\n    email: e@evil.test\n", 8),
    ("duplicate-key", GOOD + "    subdomain: evil\n", 8),
    ("duplicate-top-key", GOOD + "version: 1\n", 8),
    ("unhashable-key", "version: 1\nprofiles:\n  ? [a, b]\n  : 1\n", 3),
    ("python-tag", "version: !!python/object/apply:os.system ['true']\n", 1),
    ("unknown-tag", "version: 1\nprofiles: !secret {}\n", 2),
]


@pytest.mark.parametrize(("case", "text", "line"), BROKEN, ids=[case for case, _, _ in BROKEN])
def test_a_hand_broken_file_is_reported_with_its_line_and_left_untouched(
    case: str, text: str, line: int, config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir.mkdir(parents=True)
    path = config_dir / "profiles.yaml"
    path.write_text(text)
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    with pytest.raises(ConfigFileError) as caught:
        parse_profiles(text, path)
    assert str(path) in caught.value.message and f"at line {line}:" in caught.value.message

    commands = [
        (["list"], ""),
        (["show", "acme"], ""),
        (["token", "acme"], ""),
        (add_argv("fresh"), API_TOKEN + "\n"),
        (["default", "acme"], ""),
        (["rename", "acme", "renamed"], ""),
        (["remove", "acme", "--yes"], ""),
    ]
    for argv, stdin in commands:
        code, _out, err = run_cli(argv, capsys, stdin)
        assert code == 3, (argv, code, err)
        assert f"{path} " in err and f"at line {line}:" in err, (argv, err)
        assert "will not overwrite" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 2, err
        assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime, f"{argv[0]} touched the file"
    assert KeyringSecretStore().get("fresh") is None, "add stored a secret although it could not save the profile"


def test_a_file_that_is_not_utf8_is_reported_and_left_untouched(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_dir.mkdir(parents=True)
    path = config_dir / "profiles.yaml"
    path.write_bytes(b"version: 1\nprofiles:\n  acme: \xff\xfe\n")
    before = path.read_bytes()
    for argv, stdin in ((["list"], ""), (add_argv("fresh"), API_TOKEN + "\n")):
        code, _, err = run_cli(argv, capsys, stdin)
        assert code == 3 and "not UTF-8" in err and str(path) in err and "Traceback" not in err
    assert path.read_bytes() == before


def test_a_yaml_merge_key_is_not_mistaken_for_a_duplicate(config_dir: Path) -> None:
    text = (
        "version: 1\nshared: &shared {subdomain: acme, auth: api_token, email: a@acme.test}\n"
        "profiles:\n  acme:\n    <<: *shared\n    subdomain: other\n"
    )
    document = parse_profiles(text, config_dir / "profiles.yaml")
    assert document.profiles["acme"].subdomain == "other"


# 4. Read-only config folder and full disk ---------------------------------------------------


@contextlib.contextmanager
def mounted_tmpfs(target: Path, options: str) -> Iterator[None]:
    """Mount a tmpfs at ``target`` (root only); fails the test when mounting is not possible."""
    target.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip()}); the monkeypatched variant still runs")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@contextlib.contextmanager
def read_only_config(config_dir: Path, how: str) -> Iterator[None]:
    """Make ``config_dir`` unwritable even for root: a read-only mount, an immutable folder, or a file parent."""
    if how == "ro-mount":
        with mounted_tmpfs(config_dir, "size=64k,mode=0700"):
            shutil.copy(config_dir.parent / "seed.yaml", config_dir / "profiles.yaml")
            subprocess.run(["mount", "-o", "remount,ro", str(config_dir)], check=True)
            yield
    elif how == "immutable":
        config_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy(config_dir.parent / "seed.yaml", config_dir / "profiles.yaml")
        proc = subprocess.run(["chattr", "+i", str(config_dir)], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"chattr +i is not supported here ({proc.stderr.strip()})")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(config_dir)], check=False)
    else:
        config_dir.parent.parent.mkdir(parents=True, exist_ok=True)
        config_dir.parent.write_text("a file where a folder should be\n")
        yield


@pytest.mark.parametrize("how", ["ro-mount", "immutable", "parent-is-file"])
def test_an_unwritable_config_folder_gives_a_clear_error(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "ro"
    base.mkdir()
    seed(tmp_path / "seeding", "alpha")
    shutil.copy(tmp_path / "seeding" / "profiles.yaml", base / "seed.yaml")
    config_dir = base / "config" if how != "parent-is-file" else base / "blocker" / "config"
    with read_only_config(config_dir, how):
        flag = ["--config-dir", str(config_dir)]
        code, out, err = run_cli([*add_argv("beta"), *flag], capsys, API_TOKEN + "\n")
        assert code == 3, err
        assert "Traceback" not in err and API_TOKEN not in out + err
        assert any(p in err for p in ("not writable", "Cannot create", "Cannot read", "Read-only", "Not a directory"))
        assert KeyringSecretStore().get("beta") is None, "the secret of the unsaved profile stayed in the keyring"
        if how != "parent-is-file":
            for argv in (["default", "alpha"], ["rename", "alpha", "gamma"], ["remove", "alpha", "--yes"]):
                code, _, err = run_cli([*argv, *flag], capsys)
                assert code == 3 and "Traceback" not in err, (argv, err)
            assert state(ProfileStore(config_dir)) == (["alpha"], "alpha")
            assert KeyringSecretStore().get("alpha") == {"api_token": f"{API_TOKEN}-alpha"}, "remove lost the secret"
            code, out, _ = run_cli(["list", *flag], capsys)
            assert code == 0 and "alpha" in out, "reading must still work on a read-only folder"


def test_a_full_disk_gives_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_dir = tmp_path / "tiny"
    with mounted_tmpfs(config_dir, "size=16k,mode=0700"):
        flag = ["--config-dir", str(config_dir)]
        code, _, err = run_cli([*add_argv("alpha"), *flag], capsys, API_TOKEN + "\n")
        assert code == 0, err
        before = (config_dir / "profiles.yaml").read_bytes()
        filler = config_dir / "filler"
        with contextlib.suppress(OSError), open(filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 1024)
                handle.flush()
        code, _out, err = run_cli([*add_argv("beta"), *flag], capsys, API_TOKEN + "\n")
        assert code == 3, err
        assert "the disk is full" in err and "Nothing was changed" in err and "Traceback" not in err
        assert (config_dir / "profiles.yaml").read_bytes() == before
        assert KeyringSecretStore().get("beta") is None
        assert [p.name for p in config_dir.iterdir() if p.name.endswith(".tmp")] == []
        filler.unlink()
        code, _, err = run_cli([*add_argv("beta"), *flag], capsys, API_TOKEN + "\n")
        assert code == 0, err


@pytest.mark.parametrize(
    ("errno_value", "phrase"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "not writable"), (errno.EACCES, "not writable")],
)
def test_write_errors_without_mounts_give_a_clear_error(
    errno_value: int, phrase: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    seed(config_dir, "alpha")
    before = (config_dir / "profiles.yaml").read_bytes()
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        raise OSError(errno_value, os.strerror(errno_value))

    monkeypatch.setattr(atomic.os, "fsync", failing_fsync)
    code, _out, err = run_cli(add_argv("beta"), capsys, API_TOKEN + "\n")
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    assert code == 3 and phrase in err and "Traceback" not in err, err
    assert (config_dir / "profiles.yaml").read_bytes() == before
    assert KeyringSecretStore().get("beta") is None


def test_a_lock_held_by_a_live_process_times_out_with_a_message(config_dir: Path) -> None:
    store = seed(config_dir, "alpha")
    with (
        locking.file_lock(config_dir / "profiles.yaml.lock"),
        pytest.raises(StorageError, match="Another zendesk-setup process"),
        locking.file_lock(config_dir / "profiles.yaml.lock", timeout=0.3),
    ):
        pass
    store.set_default("alpha")


def test_secret_store_for_file_storage_is_the_0600_file(config_dir: Path) -> None:
    store = ProfileStore(config_dir)
    stores.save_profile(store, api_profile("alpha", storage="file"), {"api_token": "tok-alpha"})
    assert isinstance(secret_store_for("file", config_dir), FileSecretStore)
    assert (config_dir / "secrets.yaml").stat().st_mode & 0o777 == 0o600
    assert (config_dir / "profiles.yaml").stat().st_mode & 0o777 == 0o600
    assert config_dir.stat().st_mode & 0o777 == 0o700
    assert "tok-alpha" not in (config_dir / "profiles.yaml").read_text()
