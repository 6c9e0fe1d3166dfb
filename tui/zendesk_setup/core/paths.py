"""Where zendesk-setup keeps its files, and whether they can be trusted; nothing is created on lookup."""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from zendesk_setup.core.errors import ConfigFileError

APP_NAME = "zendesk-setup"
CONFIG_DIR_ENV = "ZENDESK_SETUP_CONFIG_DIR"
PROFILE_ENV = "ZENDESK_SETUP_PROFILE"
PROFILES_FILE = "profiles.yaml"
SECRETS_FILE = "secrets.yaml"


def config_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config dir: ``explicit``, else ``$ZENDESK_SETUP_CONFIG_DIR``, else the platform's user config dir."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def require_trusted(path: Path, status: os.stat_result | None = None) -> None:
    """Raise ConfigFileError when ``path`` (a config folder or file) belongs to another user or others can write it.

    A symlink is judged by its target; a path that does not exist passes (there is nothing to trust yet).
    ``status`` is the ``os.fstat`` of an already opened file, so the file checked is the file read.
    """
    if not hasattr(os, "geteuid"):
        return
    if status is None:
        try:
            status = os.stat(path)
        except OSError:
            return
    is_dir = stat.S_ISDIR(status.st_mode)
    kind = "config folder" if is_dir else "file"
    shown = shlex.quote(str(path))
    if status.st_uid != os.geteuid():
        raise ConfigFileError(
            f"The {kind} {path} belongs to another user (uid {status.st_uid}), so zendesk-setup will not trust it: "
            "whoever owns it could send your credentials to their own server.",
            "Config not owned by you",
            hint=f'If it is yours, run `chown -R "$(id -un)" {shown}`; otherwise use a folder of your own '
            f"(--config-dir or ${CONFIG_DIR_ENV}).",
        )
    if status.st_mode & 0o022:
        who = "other users" if status.st_mode & 0o002 else "the group"
        raise ConfigFileError(
            f"The {kind} {path} can be written by {who} (mode {stat.S_IMODE(status.st_mode):o}), so zendesk-setup "
            "will not trust it: they could send your credentials to their own server.",
            "Config writable by others",
            hint=f"Run `chmod {700 if is_dir else 600} {shown}`, check that its contents are as you left them, "
            "and try again.",
        )


def read_trusted_text(path: Path, config_dir: Path) -> str | None:
    """The text of ``path`` in ``config_dir``, both checked as trusted (None when the file does not exist).

    ConfigFileError when either is not trusted, or the file cannot be read or is not UTF-8; the file is left as
    it is.
    """
    require_trusted(config_dir)
    try:
        with open(path, encoding="utf-8") as handle:
            require_trusted(path, os.fstat(handle.fileno()))
            return handle.read()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        hint = "Fix or move the file; it was left untouched."
        raise ConfigFileError(f"{path} is not UTF-8 text.", hint=hint) from None
    except OSError as exc:
        raise ConfigFileError(f"Cannot read {path}: {exc.strerror or exc}.") from None
