"""An unexpected crash of the TUI says so in words and never prints a local variable (it may hold a secret)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from tests.conftest import REPO

SECRET = "crash-secret-0123456789abcdefABCDEF"

DRIVER = textwrap.dedent(
    f"""
    import asyncio
    from pathlib import Path

    from zendesk_setup.ui.app import make_app
    from zendesk_setup.ui.screens import profiles


    def crash_on_mount(self):
        api_token = {SECRET!r}
        raise ValueError("unexpected " + str(len(api_token)))


    profiles.ProfilesScreen.on_mount = crash_on_mount
    app = make_app(Path({{config_dir!r}}))
    code = app.run(headless=True, size=(80, 24))
    print("return code", app.return_code)
    """
)


def test_a_crash_prints_where_but_no_locals_and_exits_1(tmp_path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "tui"), str(REPO)]))
    (tmp_path / "cfg").mkdir()
    profile = "  a: {subdomain: acme, auth: api_token, email: a@acme.test}\n"
    (tmp_path / "cfg" / "profiles.yaml").write_text("version: 1\ndefault: a\nprofiles:\n" + profile)
    script = DRIVER.replace("{config_dir!r}", repr(str(tmp_path / "cfg")))
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    output = proc.stdout + proc.stderr
    assert "return code 1" in proc.stdout
    assert "stopped on an internal error (ValueError)" in output
    assert "crash_on_mount" in output
    assert SECRET not in output
    assert "api_token =" not in output
