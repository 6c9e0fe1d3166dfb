"""Import hygiene: the CLI and the core never import Textual; script-facing commands skip httpx too."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO
from tests.module_probe import run_probe
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

CORE_DIR = REPO / "tui" / "zendesk_setup" / "core"
CORE_MODULES = sorted(f"zendesk_setup.core.{info.name}" for info in pkgutil.iter_modules([str(CORE_DIR)]))
PACKAGE_DIR = REPO / "tui" / "zendesk_setup"
OUTSIDE_UI = sorted(
    ".".join(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE_DIR.rglob("*.py")
    if path.relative_to(PACKAGE_DIR).parts[0] != "ui" and path.name != "__main__.py"
)
UI_LIBRARIES = ("textual", "rich")

def loaded_modules(tmp_path: Path, *argv: str) -> tuple[int, set[str]]:
    """Run the probe in a fresh interpreter; return its exit code and the top-level modules it loaded."""
    code, _, modules = run_probe(tmp_path, *argv)
    return code, {name.split(".")[0] for name in modules}


def test_the_core_module_list_is_complete() -> None:
    assert {"zendesk_setup.core.profiles", "zendesk_setup.core.secrets", "zendesk_setup.core.zendesk"} <= set(
        CORE_MODULES
    )


def test_every_module_outside_ui_is_checked() -> None:
    assert {"zendesk_setup", "zendesk_setup.cli", *CORE_MODULES} <= set(OUTSIDE_UI)
    assert "zendesk_setup.cli.commands.wizard" in OUTSIDE_UI


@pytest.mark.parametrize("module", OUTSIDE_UI)
def test_module_imports_without_textual(tmp_path: Path, module: str) -> None:
    code, modules = loaded_modules(tmp_path, "--import", module)
    assert code == 0
    assert not modules & set(UI_LIBRARIES), f"{module} pulls in {sorted(modules & set(UI_LIBRARIES))}"


def test_cli_import_leaves_httpx_and_keyring_out(tmp_path: Path) -> None:
    _, modules = loaded_modules(tmp_path, "--import", "zendesk_setup.cli")
    assert not modules & {"textual", "rich", "httpx", "keyring"}


@pytest.fixture
def api_token_profile(config_dir: Path) -> None:
    """A saved api_token profile with its token in the (plaintext test) keyring."""
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url="http://127.0.0.1:9")
    save_profile(ProfileStore(config_dir), profile, {"api_token": API_TOKEN})


@pytest.mark.usefixtures("api_token_profile")
@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["list"],
        ["list", "--json"],
        ["show"],
        ["show", "acme", "--json"],
        ["token"],
        ["header", "acme"],
        ["env"],
        ["env", "--format", "json"],
        ["env", "--format", "dotenv"],
        ["default", "acme"],
        ["rename", "acme", "renamed"],
        ["remove", "acme", "--yes"],
    ],
    ids=" ".join,
)
def test_script_commands_import_neither_textual_nor_httpx(tmp_path: Path, argv: list[str]) -> None:
    code, modules = loaded_modules(tmp_path, *argv)
    assert code == 0
    assert "textual" not in modules
    assert "httpx" not in modules


@pytest.mark.usefixtures("api_token_profile")
def test_the_check_is_seen_to_import_httpx(tmp_path: Path) -> None:
    code, modules = loaded_modules(tmp_path, "test")
    assert code == 1
    assert "httpx" in modules
    assert "textual" not in modules
