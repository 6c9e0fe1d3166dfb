"""Where zendesk-setup keeps its files; nothing is created on lookup."""

from __future__ import annotations

import os
from pathlib import Path

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
