"""Run the CLI (or plain imports) in a fresh interpreter and report every module it loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

DRIVER = """
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
if argv[0] == "--import":
    import importlib
    for name in argv[1:]:
        importlib.import_module(name)
    code = 0
else:
    from zendesk_setup.cli import main
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
with open(out, "w") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


def run_probe(tmp_path: Path, *argv: str) -> tuple[int, str, set[str]]:
    """``zendesk-setup ARGV`` (or ``--import MODULE...``) in a fresh interpreter: exit code, stdout, loaded modules."""
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "tui"), str(REPO)])
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(out), *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    result = json.loads(out.read_text())
    return result["code"], proc.stdout, set(result["modules"])
