"""Atomic, private file writes: temp file in the same folder, fsync, rename; folders created 0700."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from zendesk_setup.core.errors import ConfigFileError
from zendesk_setup.core.paths import require_trusted


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` and every missing parent with mode 0700, whatever the umask; refuse one others control."""
    missing: list[Path] = []
    level = Path(folder)
    while not os.path.lexists(level) and level.parent != level:
        missing.append(level)
        level = level.parent
    try:
        for created in reversed(missing):
            try:
                os.mkdir(created, 0o700)
            except FileExistsError:
                continue  # another process made it; the trust check below judges the result
            # The umask may have taken bits off (even the owner's); a private folder is exactly 0700.
            os.chmod(created, 0o700)
    except OSError as exc:
        raise ConfigFileError(
            f"Cannot create the config folder {folder}: {exc.strerror or exc}.",
            hint="Choose another folder with --config-dir or fix its permissions.",
            tui_hint="Fix the folder's permissions, or start zendesk-setup with another config folder.",
        ) from None
    require_trusted(folder)


def write_private_file(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` atomically; the file ends up mode 0600.

    A symlink is written through: its target is replaced, from a temp file in the target's own folder, and the
    link is kept (a dotfiles manager's link keeps working). That folder must be trusted like the config folder.
    """
    ensure_private_dir(path.parent)
    target = path
    if os.path.islink(path):
        target = Path(os.path.realpath(path))
        require_trusted(target.parent)
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
        _fsync_dir(target.parent)
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
