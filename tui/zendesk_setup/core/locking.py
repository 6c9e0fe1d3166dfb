"""A small cross-process file lock (fcntl on POSIX, msvcrt on Windows)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from zendesk_setup.core.errors import StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


@contextmanager
def file_lock(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created 0600) for the duration of the block."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the lock file {path}: {exc.strerror or exc}.",
            hint="Check that the config folder is writable.",
        ) from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                else:  # pragma: no cover - Windows
                    msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise StorageError(
                        f"Another zendesk-setup process has held {path.name} for over {timeout:.0f} s.",
                        hint="Wait for it to finish, or remove the lock file if no other process is running.",
                    ) from None
                time.sleep(0.02)
        yield
    finally:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_UN)
            else:  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        finally:
            os.close(fd)


STORE_LOCK = ".store.lock"
REFRESH_TIMEOUT = 60.0


def store_lock(config_dir: Path) -> AbstractContextManager[None]:
    """The config dir's store-wide lock: every write to profiles and secrets from this dir happens under it.

    Single-file secret backends (keyrings.alt, secrets.yaml) rewrite one shared file, so two writers for two
    different profiles would otherwise lose one update.
    """
    return file_lock(Path(config_dir) / STORE_LOCK)


def refresh_lock(config_dir: Path, profile_name: str) -> AbstractContextManager[None]:
    """The lock one profile's token refresh holds; removing or renaming the profile takes it too."""
    return file_lock(Path(config_dir) / f".{profile_name.lower()}.refresh.lock", timeout=REFRESH_TIMEOUT)
