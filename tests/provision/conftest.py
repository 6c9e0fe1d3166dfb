"""Fixtures for provisioning: an admin's API-token profile, an agent's, and the fake's OAuth Clients API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
import yaml
from tests.conftest import API_TOKEN, EMAIL, CliResult
from tests.fake_zendesk import FakeZendesk
from tests.ui.conftest import app_factory  # noqa: F401 (the wizard tests of provisioning use it)

AGENT_TOKEN = "agent-tok3n-0123456789abcdef"
AGENT_EMAIL = "abe@acme.test"


def entry(name: str) -> dict | None:
    """The profile's secret entry in the test keyring (None: no entry)."""
    raw = keyring.get_password("zendesk-setup", name)
    return json.loads(raw) if raw else None


def profile_yaml(config_dir: Path, name: str) -> dict:
    """The profile's mapping in profiles.yaml."""
    return yaml.safe_load((config_dir / "profiles.yaml").read_text())["profiles"][name]


@pytest.fixture
def api_token_profile(cli: Callable[..., CliResult], fake: FakeZendesk) -> Callable[..., str]:
    """Add an API-token profile (the admin Ada's by default) through the CLI; returns its name."""

    def add(name: str = "acme", *, email: str = EMAIL, token: str = API_TOKEN) -> str:
        result = cli(
            "add", name, "--subdomain", "acme", "--base-url", fake.url, "--auth", "api_token",
            "--email", email, "--api-token-stdin", stdin=token,
        )  # fmt: skip
        assert result.code == 0, result.err
        return name

    return add


@pytest.fixture
def agent(fake: FakeZendesk) -> str:
    """An agent (not an admin) with an API token of their own; returns the email."""
    fake.add_user("Abe Agent", AGENT_EMAIL, role="agent")
    fake.add_api_token(AGENT_TOKEN, AGENT_EMAIL)
    return AGENT_EMAIL
