"""CLI fixtures: a saved api_token profile made through the real `add` command against the fake."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from tests.conftest import API_TOKEN, EMAIL, CliResult
from tests.fake_zendesk import FakeZendesk

from zendesk_setup.core.secrets import SERVICE

Cli = Callable[..., CliResult]


def add_api_token(cli: Cli, fake: FakeZendesk, name: str = "acme", token: str = API_TOKEN, *extra: str) -> CliResult:
    """Run `add NAME --auth api_token` against the fake, piping ``token`` in."""
    return cli(
        "add", name, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL,
        "--api-token-stdin", "--base-url", fake.url, *extra,
        stdin=token + "\n",
    )  # fmt: skip


def keyring_fields(name: str) -> dict[str, str] | None:
    """What the real keyring library holds for a profile (None when there is no entry)."""
    raw = keyring.get_password(SERVICE, name)
    return None if raw is None else json.loads(raw)


def assert_clean(result: CliResult, *secrets: str) -> None:
    """No traceback and none of ``secrets`` in stdout or stderr."""
    assert "Traceback" not in result.err, result.err
    for secret in secrets:
        assert secret not in result.all


@pytest.fixture
def acme(cli: Cli, fake: FakeZendesk, config_dir: Path) -> FakeZendesk:
    """A profile 'acme' added with the right token through the CLI; returns the fake it points at."""
    result = add_api_token(cli, fake)
    assert result.code == 0, result.err
    return fake
