"""Snapshot tests of every screen and the main error states (baselines in __snapshots__, review before committing)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from tests.snapshots.scenarios import API_TOKEN, CLIENT_SECRET, SCENES, Scene
from textual.pilot import Pilot


@pytest.mark.parametrize("scene", SCENES, ids=[scene.name for scene in SCENES])
def test_screen_snapshot(scene: Scene, snap_fake, snap_compare) -> None:
    app = scene.build(snap_fake.url)
    pictures: list[str] = []

    async def run_before(pilot: Pilot[Any]) -> None:
        await scene.run(pilot)
        pictures.append(html.unescape(pilot.app.export_screenshot()).replace("\xa0", " "))

    assert snap_compare(app, run_before=run_before, terminal_size=scene.size)
    assert pictures and "zendesk-setup" in pictures[0]
    assert API_TOKEN not in pictures[0] and CLIENT_SECRET not in pictures[0]
