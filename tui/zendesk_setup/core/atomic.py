"""Atomic, private file writes: temp file in the same folder, fsync, rename."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from zendesk_setup.core.errors import ConfigFileError


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) with mode 0700 when it does not exist yet."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise ConfigFileError(
            f"Cannot create the config folder {folder}: {exc.strerror or exc}.",
            hint="Choose another folder with --config-dir or fix its permissions.",
        ) from None


def write_private_file(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically; the file ends up mode 0600."""
    ensure_private_dir(path.parent)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            reason = "the disk is full"
        elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            reason = "the folder is not writable"
        else:
            reason = exc.strerror or str(exc)
        raise ConfigFileError(
            f"Could not save {path}: {reason}. Nothing was changed.",
            hint="Free some space or fix the folder's permissions, then try again.",
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
