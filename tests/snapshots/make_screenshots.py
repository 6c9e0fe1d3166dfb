"""Regenerate screenshots/*.svg from the real app: ``python tests/snapshots/make_screenshots.py [NAME...]``.

Runs the same scenes as the snapshot tests (fixed date, ports and OAuth randomness) against a fake Zendesk on
127.0.0.1, each in a fresh temporary config dir and plaintext test keyring, and writes one SVG per scene.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tui"), str(REPO)]

OUT = REPO / "screenshots"


async def shoot(scene_name: str | None = None) -> list[Path]:
    """Run each scene (or the named ones) and save its picture; returns the files written."""
    import keyring.core
    from tests.fake_zendesk import running_fake
    from tests.snapshots.scenarios import API_TOKEN, CLIENT_SECRET, EMAIL, SCENES, SNAP_FAKE_PORT, fix_randomness

    fix_randomness(setattr)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    OUT.mkdir(exist_ok=True)
    written = []
    start_dir = Path.cwd()
    for scene in SCENES:
        if scene_name and scene.name not in scene_name.split(","):
            continue
        with tempfile.TemporaryDirectory() as work, running_fake(port=SNAP_FAKE_PORT) as fake:
            os.environ["XDG_DATA_HOME"] = str(Path(work) / "data")
            keyring.core.init_backend()
            os.chdir(work)
            try:
                fake.add_api_token(API_TOKEN, EMAIL)
                fake.add_client("acme_cli")
                fake.add_client("acme_ci", kind="confidential", secret=CLIENT_SECRET)
                app = scene.build(fake.url)
                async with app.run_test(size=scene.size) as pilot:
                    await scene.run(pilot)
                    svg = app.export_screenshot(title=f"zendesk-setup · {scene.title}")
                    await pilot.press("ctrl+q")
            finally:
                os.chdir(start_dir)
        if API_TOKEN in svg or CLIENT_SECRET in svg:
            raise SystemExit(f"{scene.name}: a secret is visible; not writing the picture")
        target = OUT / f"{scene.name}.svg"
        target.write_text(svg, encoding="utf-8")
        written.append(target)
        print(f"wrote {target.relative_to(REPO)}")
    return written


def main(argv: list[str]) -> int:
    """Write the pictures named on the command line, or all of them."""
    asyncio.run(shoot(",".join(argv) or None))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
