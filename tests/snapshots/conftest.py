"""Snapshot fixtures: a fake Zendesk on a fixed port, a relative config dir, pinned OAuth randomness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk, running_fake
from tests.snapshots.scenarios import CLIENT_SECRET, SNAP_FAKE_PORT, fix_randomness


@pytest.fixture
def snap_fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeZendesk]:
    """The fake on its fixed port, run from a temp working dir so paths on screen read ``cfg/...``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    fix_randomness(monkeypatch.setattr)
    with running_fake(port=SNAP_FAKE_PORT) as fake:
        fake.add_api_token(API_TOKEN, EMAIL)
        fake.add_client("acme_cli")
        fake.add_client("acme_ci", kind="confidential", secret=CLIENT_SECRET)
        yield fake
