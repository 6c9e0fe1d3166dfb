"""Import rules read from the source: where Textual and httpx may be imported, and why each lazy import is lazy.

The rules:
1. Layers: ``core`` imports neither ``ui`` nor ``cli``; ``textual`` and ``rich`` are imported only under ``ui/``;
   from outside ``ui/`` the UI is entered by one function-local import in ``cli/commands/wizard.py``; ``ui/``
   imports no httpx, yaml or keyring (STYLE.md "Thin screens").
2. The HTTP boundary: httpx is imported only in ``core``, and at module top only by ``core/zendesk.py``; other
   modules reach HTTP through it (or import httpx inside the one function that builds a client).
3. The script commands' start-up: from their modules, top-level imports reach only the standard library
   (without ``http.server``) and our own modules; httpx, keyring, yaml, platformdirs, Textual load where used.
4. The home screen's start-up: from ``ui/app.py``, top-level imports reach neither the wizard (its core,
   its screens, the help modal) nor httpx, keyring or yaml.
5. Every function-local import is listed in ``LAZY_IMPORTS`` with the reason it is lazy, and every entry there
   is still used. Anything that gains nothing from loading late is imported at the top of its module.

The subprocess tests in test_import_hygiene.py and test_budgets_imports.py prove the budgets at run time; these
name the file and line that would break them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

from tests.conftest import REPO
from tests.module_probe import run_probe

SOURCE_ROOT = REPO / "tui"
PACKAGE = "zendesk_setup"
UI_LIBRARIES = frozenset({"textual", "rich"})
HTTP_LIBRARIES = frozenset({"httpx", "httpcore"})
HTTP_BOUNDARY = frozenset({"zendesk_setup.core.zendesk"})
NOT_IN_THE_UI = frozenset({"httpx", "httpcore", "yaml", "keyring"})
UI_DOORS = frozenset({"zendesk_setup.cli.commands.wizard"})
HEAVY_STDLIB = frozenset({"http.server"})

SCRIPT_ENTRIES = (
    "zendesk_setup",
    "zendesk_setup.__main__",
    "zendesk_setup.cli",
    "zendesk_setup.cli.commands.list",
    "zendesk_setup.cli.commands.show",
    "zendesk_setup.cli.commands.token",
    "zendesk_setup.cli.commands.header",
    "zendesk_setup.cli.commands.env",
    "zendesk_setup.cli.commands.exec",
    "zendesk_setup.cli.commands.default",
    "zendesk_setup.cli.commands.rename",
    "zendesk_setup.cli.commands.remove",
    "zendesk_setup.core.session",
)
HOME_ENTRIES = ("zendesk_setup.ui.app",)
WIZARD_MODULES = (
    "zendesk_setup.core.draft",
    "zendesk_setup.core.wizard",
    "zendesk_setup.core.consent",
    "zendesk_setup.core.loopback",
    "zendesk_setup.core.oauth",
    "zendesk_setup.core.zendesk",
    "zendesk_setup.ui.screens.auth_type",
    "zendesk_setup.ui.screens.instance",
    "zendesk_setup.ui.screens.credentials",
    "zendesk_setup.ui.screens.scopes",
    "zendesk_setup.ui.screens.consent",
    "zendesk_setup.ui.screens.review",
    "zendesk_setup.ui.screens.help",
)

WIZARD_CORE = "the wizard's core (draft, wizard) loads when a wizard starts, not for the home screen"
HELP = "the help modal brings Textual's Markdown widget, the heaviest import of the app; it loads on F1"
ZENDESK = "core.zendesk is the HTTP boundary (httpx): it loads only when a request is made"
OAUTH = "oauth brings hashlib/hmac; API-token profiles and the home screen never need it"
ATOMIC = "core.atomic brings tempfile; it loads only when a command writes"

LAZY_IMPORTS: dict[str, dict[str, str]] = {
    "zendesk_setup/__init__.py": {
        "zendesk_setup.core.session": "`import zendesk_setup` loads nothing; load_profile loads on first use",
    },
    "zendesk_setup/cli/__init__.py": {
        "zendesk_setup.cli.commands.*": "each command imports only its own module, so `token` never loads `add`",
        "argparse": "argparse and gettext load only for a command line the short form cannot take (`token acme` "
        "needs neither)",
    },
    "zendesk_setup/cli/common.py": {
        "zendesk_setup.core.oauth": "list and show import cli.common; " + OAUTH,
        "zendesk_setup.core.expiry": "token, header, env and exec import cli.common; only list and show need expiry",
    },
    "zendesk_setup/cli/commands/remove.py": {
        "zendesk_setup.core.provision": "only a profile with a created client deletes it; " + ZENDESK,
    },
    "zendesk_setup/cli/commands/show.py": {
        "zendesk_setup.core.redirect": "only an OAuth profile shows a redirect URL (secrets, urllib.parse: ~10 ms)",
    },
    "zendesk_setup/cli/commands/wizard.py": {
        "zendesk_setup.ui.app": "the one door from the command line into Textual",
    },
    "zendesk_setup/cli/streams.py": {
        "getpass": "only a secret typed at a terminal needs it",
    },
    "zendesk_setup/core/oauth.py": {
        "zendesk_setup.core.zendesk": "oauth is on the token path of OAuth profiles; " + ZENDESK,
    },
    "zendesk_setup/core/paths.py": {
        "platformdirs": "needed only when neither --config-dir nor ZENDESK_SETUP_CONFIG_DIR names the folder",
    },
    "zendesk_setup/core/profiles.py": {
        "yaml": "profiles is on every script path; PyYAML loads when profiles.yaml is read or written",
        "zendesk_setup.core.fastyaml": "fastyaml imports yaml at its top",
        "zendesk_setup.core.atomic": ATOMIC,
    },
    "zendesk_setup/core/secrets.py": {
        "keyring": "keyring loads when a secret is read or written; list, show and the home screen never do",
        "secrets": "hmac/OpenSSL load only for the keyring probe before a save",
        "yaml": "only the plain-text file store reads YAML",
        "zendesk_setup.core.fastyaml": "fastyaml imports yaml at its top; only the plain-text file store reads YAML",
        "zendesk_setup.core.atomic": ATOMIC,
    },
    "zendesk_setup/core/service.py": {
        "zendesk_setup.core.zendesk": "service is on the rename/remove path and the home screen; " + ZENDESK,
        "zendesk_setup.core.consent": "the loopback callback server (http.server) loads only for a browser consent",
        "zendesk_setup.core.oauth": "service is on the rename/remove path and the home screen; " + OAUTH,
    },
    "zendesk_setup/core/session.py": {
        "zendesk_setup.core.zendesk": "session is on the token path; " + ZENDESK,
        "httpx": "load_profile().client() builds its own httpx client and auth; token/header/env never do",
        "zendesk_setup.core.oauth": "session is on the token path; " + OAUTH,
        "zendesk_setup.core.atomic": "only an OAuth token refresh writes; " + ATOMIC,
        "requests": "an optional dependency: only load_profile().requests_auth() needs it",
    },
    "zendesk_setup/ui/app.py": {
        "zendesk_setup.core.draft": WIZARD_CORE,
        "zendesk_setup.core.wizard": WIZARD_CORE,
    },
    "zendesk_setup/ui/screens/credentials.py": {
        "zendesk_setup.core.provision": "only f3 makes an OAuth client; " + ZENDESK,
        "zendesk_setup.ui.screens.create_client": "the admin choice loads when f3 is pressed",
    },
    "zendesk_setup/ui/screens/migrate.py": {
        "zendesk_setup.core.provision": "the home screen mixes in the migration; " + ZENDESK,
        "zendesk_setup.core.redirect": "the redirect URL is shown only once m is pressed (secrets, urllib.parse)",
        "zendesk_setup.core.wizard": WIZARD_CORE,
        "zendesk_setup.ui.screens.migration_consent": "the consent screen loads with the wizard's, not for home",
    },
    "zendesk_setup/ui/screens/__init__.py": {
        "zendesk_setup.ui.screens.*": "each wizard screen loads at its own step, none for the home screen",
    },
    "zendesk_setup/ui/screens/base.py": {
        "zendesk_setup.ui.screens.help": HELP,
    },
    "zendesk_setup/ui/screens/profiles.py": {
        "zendesk_setup.ui.screens.help": HELP,
        "zendesk_setup.core.provision": "only deleting a profile with a created client needs it; " + ZENDESK,
        "zendesk_setup.ui.rate_limit": "only t (testing a profile now) counts a 429's wait down",
    },
}


@dataclass(frozen=True)
class Import:
    """One imported module, as one import statement of our source names it."""

    importer: str
    path: str
    line: int
    target: str
    local: bool
    typing_only: bool

    @property
    def top(self) -> str:
        """The top-level package of the imported module."""
        return self.target.split(".")[0]

    @property
    def key(self) -> str:
        """How LAZY_IMPORTS names it: our modules in full, anyone else's by top-level package."""
        return self.target if self.top == PACKAGE else self.top

    @property
    def runs(self) -> bool:
        """True when the import runs at all (not only for the type checker)."""
        return not self.typing_only

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    """``zendesk_setup.core.oauth`` for ``tui/zendesk_setup/core/oauth.py``."""
    parts = path.relative_to(SOURCE_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def our_modules() -> dict[str, Path]:
    """Every module of the package, by name."""
    return {module_name(path): path for path in sorted((SOURCE_ROOT / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(importer: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = importer if our_modules()[importer].name == "__init__.py" else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    names = (f"{base}.{alias.name}" for alias in node.names)
    return list(dict.fromkeys(name if name in our_modules() else base for name in names))


@cache
def imports_of(importer: str) -> tuple[Import, ...]:
    """Every import statement of one of our modules, with where it sits (function body, TYPE_CHECKING block)."""
    path = our_modules()[importer]
    relative = path.relative_to(SOURCE_ROOT).as_posix()

    def visit(node: ast.AST, local: bool, typing_only: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(importer, node):
                yield Import(importer, relative, node.lineno, target, local, typing_only)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for child in ast.iter_child_nodes(node):
                yield from visit(child, True, typing_only)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, local, True)
            for child in node.orelse:
                yield from visit(child, local, typing_only)
        else:
            for child in ast.iter_child_nodes(node):
                yield from visit(child, local, typing_only)

    return tuple(visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), False, False))


def all_imports() -> Iterator[Import]:
    """Every import statement in the package."""
    for name in our_modules():
        yield from imports_of(name)


def in_package(module: str, package: str) -> bool:
    """True when ``module`` is ``package`` or inside it."""
    return module == package or module.startswith(package + ".")


def _with_parents(module: str) -> list[str]:
    if not in_package(module, PACKAGE):
        return [module]
    parts = module.split(".")
    return [".".join(parts[: end + 1]) for end in range(len(parts))]


def start_up_closure(entries: Iterable[str]) -> dict[str, tuple[Import, ...]]:
    """Every module that importing ``entries`` loads through top-level imports, with the chain that loads it."""
    chains: dict[str, tuple[Import, ...]] = {}
    queue: list[str] = []
    for entry in entries:
        for name in _with_parents(entry):
            if name not in chains:
                chains[name] = ()
                queue.append(name)
    while queue:
        importer = queue.pop(0)
        if importer not in our_modules():
            continue
        for statement in imports_of(importer):
            if statement.local or statement.typing_only:
                continue
            for name in _with_parents(statement.target):
                if name not in chains:
                    chains[name] = (*chains[importer], statement)
                    queue.append(name)
    return chains


def chain_text(chain: tuple[Import, ...]) -> str:
    """``a.py:3 imports b -> b.py:5 imports c``."""
    return " -> ".join(str(statement) for statement in chain)


def report(problems: list[str], advice: str) -> str:
    """The failure message: the advice, then one problem per line."""
    return advice + "\n  " + "\n  ".join(problems)


def lazy_reason(statement: Import) -> str | None:
    """The reason LAZY_IMPORTS gives for a function-local import, or None when it is not listed."""
    for pattern, reason in LAZY_IMPORTS.get(statement.path, {}).items():
        if fnmatchcase(statement.key, pattern):
            return reason
    return None


def test_the_rules_see_the_whole_package() -> None:
    names = our_modules()
    assert {"zendesk_setup.core.session", "zendesk_setup.core.zendesk", "zendesk_setup.ui.app"} <= set(names)
    missing = [entry for entry in (*SCRIPT_ENTRIES, *HOME_ENTRIES, *HTTP_BOUNDARY, *UI_DOORS) if entry not in names]
    assert not missing, f"the import rules name modules that no longer exist (update this file): {missing}"
    assert any(statement.local for statement in imports_of("zendesk_setup.core.session"))
    assert any(statement.typing_only for statement in imports_of("zendesk_setup.core.session"))


def test_textual_and_rich_are_imported_only_under_ui() -> None:
    problems = [
        str(statement)
        for statement in all_imports()
        if statement.top in UI_LIBRARIES and not in_package(statement.importer, "zendesk_setup.ui")
    ]
    assert not problems, report(problems, "Textual and Rich belong to zendesk_setup/ui/ only:")


def test_the_core_imports_neither_the_ui_nor_the_cli() -> None:
    problems = [
        str(statement)
        for statement in all_imports()
        if in_package(statement.importer, "zendesk_setup.core")
        and (in_package(statement.target, "zendesk_setup.ui") or in_package(statement.target, "zendesk_setup.cli"))
    ]
    assert not problems, report(problems, "The core is imported by the front ends, never the other way round:")


def test_the_ui_is_entered_from_outside_only_by_the_wizard_command() -> None:
    problems = [
        str(statement)
        for statement in all_imports()
        if in_package(statement.target, "zendesk_setup.ui")
        and not in_package(statement.importer, "zendesk_setup.ui")
        and not (statement.importer in UI_DOORS and statement.local)
    ]
    assert not problems, report(
        problems, f"Outside ui/, only a function-local import in {sorted(UI_DOORS)} may load the UI:"
    )


def test_the_ui_imports_no_http_yaml_or_keyring() -> None:
    problems = [
        str(statement)
        for statement in all_imports()
        if statement.top in NOT_IN_THE_UI and in_package(statement.importer, "zendesk_setup.ui")
    ]
    assert not problems, report(problems, "Screens call core services; HTTP, YAML and keyring stay in the core:")


def test_httpx_is_imported_only_in_the_core_and_at_the_top_only_by_the_http_boundary() -> None:
    problems = [
        str(statement)
        for statement in all_imports()
        if statement.top in HTTP_LIBRARIES
        and statement.runs
        and (
            not in_package(statement.importer, "zendesk_setup.core")
            or (not statement.local and statement.importer not in HTTP_BOUNDARY)
        )
    ]
    assert not problems, report(
        problems, f"Reach HTTP through {sorted(HTTP_BOUNDARY)}; httpx is imported at a module's top only there:"
    )


def test_the_script_commands_start_on_the_standard_library_alone() -> None:
    problems = [
        f"{name}, loaded by {chain_text(chain)}"
        for name, chain in start_up_closure(SCRIPT_ENTRIES).items()
        if not in_package(name, PACKAGE) and (name.split(".")[0] not in sys.stdlib_module_names or name in HEAVY_STDLIB)
    ]
    assert not problems, report(
        problems,
        "token, header, env, list, show, default, rename, remove and --version may load only the standard "
        "library and our modules at start-up; import the rest inside the function that needs it "
        "(and list it in LAZY_IMPORTS):",
    )


def test_the_home_screen_starts_without_the_wizard() -> None:
    problems = [
        f"{name}, loaded by {chain_text(chain)}"
        for name, chain in start_up_closure(HOME_ENTRIES).items()
        if (in_package(name, PACKAGE) and name in WIZARD_MODULES)
        or (
            not in_package(name, PACKAGE)
            and name.split(".")[0] not in sys.stdlib_module_names
            and name.split(".")[0] not in UI_LIBRARIES
        )
    ]
    assert not problems, report(
        problems,
        "The home screen loads Textual, the standard library and our modules minus the wizard; "
        "import the rest where it is used (and list it in LAZY_IMPORTS):",
    )


def test_every_function_local_import_is_listed_with_its_reason() -> None:
    problems = [
        f"{statement.path}:{statement.line}: {statement.target}"
        for statement in all_imports()
        if statement.local and statement.runs and not lazy_reason(statement)
    ]
    assert not problems, report(
        problems,
        "Function-local imports not listed in LAZY_IMPORTS (tests/test_import_rules.py). Import them at the top "
        "of the module; if loading late keeps a start-up path light, list them there with the reason:",
    )


def test_every_listed_lazy_import_is_still_there() -> None:
    used = {
        (statement.path, pattern)
        for statement in all_imports()
        if statement.local and statement.runs
        for pattern in LAZY_IMPORTS.get(statement.path, {})
        if fnmatchcase(statement.key, pattern)
    }
    stale = [f"{path}: {pattern}" for path, patterns in LAZY_IMPORTS.items() for pattern in patterns]
    stale = [entry for entry in stale if tuple(entry.split(": ", 1)) not in used]
    assert not stale, report(stale, "LAZY_IMPORTS lists function-local imports that are gone; delete these entries:")


def test_the_home_screen_module_loads_no_wizard_and_no_network(tmp_path: Path) -> None:
    code, _, modules = run_probe(tmp_path, "--import", *HOME_ENTRIES, "zendesk_setup.ui.screens.profiles")
    assert code == 0
    loaded = sorted(modules & {*WIZARD_MODULES, "httpx", "keyring", "yaml", "http.server"})
    assert not loaded, f"the home screen's modules load {loaded}"
