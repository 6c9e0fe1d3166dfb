"""Benchmark zendesk-setup against its baselines and print medians, ratios and PASS/MISS per budget.

Run from the repository root: ``.venv/bin/python benchmarks/bench.py`` (``--quick`` for a short run).

Everything happens in a temporary folder: its own config dirs, and its own keyring (the plaintext
``keyrings.alt`` backend chosen with ``PYTHON_KEYRING_BACKEND`` in a temporary ``XDG_DATA_HOME``;
keyrings.alt comes with the ``test`` extra). Bytecode goes to a temporary ``PYTHONPYCACHEPREFIX`` and
every command is warmed up first, so no run pays for compiling. Each measured command runs many times
interleaved with its baseline (the pair's order alternates), so drift on a busy machine hits both.
The exit code is non-zero only when something crashes, never because a budget is missed.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PROBE = Path(__file__).resolve().parent / "tui_probe.py"
PLAINTEXT_KEYRING = "keyrings.alt.file.PlaintextKeyring"
API_TOKEN = "bench-api-token-0123456789abcdef"
ACCESS_TOKEN = "bench-access-token-0123456789abcdef"
HEAVY_MODULES = ("textual", "httpx", "rich")
KEYRING_BASELINE = "import keyring, yaml; keyring.get_keyring()"

IMPORT_CHECK = """\
import sys
from zendesk_setup.cli import main
try:
    code = main(sys.argv[1:])
finally:
    sys.stdout.flush()
    sys.stderr.write("\\nBENCH-MODULES " + ",".join(m for m in {heavy!r} if m in sys.modules) + "\\n")
raise SystemExit(code)
"""


class BenchCrash(Exception):
    """A measured command failed, so its timing would mean nothing."""


@dataclass
class Sample:
    """The wall times (seconds) of repeated runs of one command."""

    seconds: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        """Median wall time in milliseconds."""
        return statistics.median(self.seconds) * 1000

    def spread_ms(self) -> str:
        """The 25th to 75th percentile, in milliseconds."""
        if len(self.seconds) < 4:
            return f"{min(self.seconds) * 1000:.0f}-{max(self.seconds) * 1000:.0f}"
        q = statistics.quantiles(self.seconds, n=4)
        return f"{q[0] * 1000:.0f}-{q[2] * 1000:.0f}"


@dataclass
class Row:
    """One line of the report: a measured thing, its baseline and the budget on their ratio."""

    label: str
    measured: Sample
    baseline_label: str
    baseline: Sample
    budget: float | None

    @property
    def ratio(self) -> float:
        """Measured median over baseline median."""
        return self.measured.median_ms / self.baseline.median_ms

    @property
    def min_ratio(self) -> float:
        """Fastest measured run over fastest baseline run."""
        return min(self.measured.seconds) / min(self.baseline.seconds)


# Environment --------------------------------------------------------------------------------


def make_env(root: Path) -> dict[str, str]:
    """The environment every child (and this process) uses: temporary home, keyring and bytecode."""
    env = dict(os.environ)
    for name in ("ZENDESK_SETUP_PROFILE", "PYTHONDONTWRITEBYTECODE", "BROWSER", "TEXTUAL", "PYTHONSTARTUP"):
        env.pop(name, None)
    home = root / "home"
    for sub in ("data", "xdg-config", "cache"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "xdg-config"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHON_KEYRING_BACKEND=PLAINTEXT_KEYRING,
        PYTHONPYCACHEPREFIX=str(root / "pycache"),
        PYTHONPATH=os.pathsep.join([str(REPO / "tui"), str(REPO)]),
        ZENDESK_SETUP_CONFIG_DIR=str(root / "config-main"),
        NO_COLOR="1",
    )
    return env


def cli_command() -> tuple[list[str], str]:
    """How to run the CLI: the installed console script when present, else ``python -m zendesk_setup``."""
    script = Path(sys.executable).with_name("zendesk-setup")
    if script.exists():
        return [str(script)], str(script.relative_to(REPO)) if script.is_relative_to(REPO) else str(script)
    return [sys.executable, "-m", "zendesk_setup"], "python -m zendesk_setup"


# Seeding ------------------------------------------------------------------------------------


def seed(root: Path) -> dict[str, Path]:
    """Create the config dirs (main: an API-token and an OAuth profile; one; five hundred) and secrets."""
    from zendesk_setup.core.profiles import CheckRecord, Profile, ProfilesDocument, ProfileStore, dump_profiles
    from zendesk_setup.core.secrets import KeyringSecretStore

    secrets = KeyringSecretStore()
    checked = CheckRecord(at=_dt.datetime(2026, 11, 25, 10, 0, tzinfo=_dt.UTC), ok=True, user="Ada Admin", role="admin")
    api_profile = Profile(
        name="acme", subdomain="acme", auth="api_token", email="ada@acme.test", checked=checked
    ).validate()
    oauth_profile = Profile(
        name="acme-oauth",
        subdomain="acme",
        auth="oauth",
        client_id="acme_cli",
        client_kind="public",
        scopes=("read", "users:write"),
        redirect_port=47123,
        base_url="http://127.0.0.1:9",  # nothing listens there: a network call would fail the check
        checked=checked,
    ).validate()
    dirs = {"main": root / "config-main", "one": root / "config-one", "many": root / "config-500"}
    main_store = ProfileStore(dirs["main"])
    main_store.save(api_profile, make_default=True)
    main_store.save(oauth_profile)
    ProfileStore(dirs["one"]).save(api_profile, make_default=True)
    secrets.set("acme", {"api_token": API_TOKEN})
    now = time.time()
    secrets.set(
        "acme-oauth",
        {
            "access_token": ACCESS_TOKEN,
            "refresh_token": "bench-refresh-token-0123456789",
            "access_expires_at": now + 7 * 86400,
            "refresh_expires_at": now + 30 * 86400,
            "granted_scopes": ["read", "users:write"],
        },
    )
    document = ProfilesDocument(default="p000")
    for i in range(500):
        kind = ("api_token", "oauth", "client_credentials")[i % 3]
        extra: dict[str, Any] = (
            {"email": f"agent{i}@example.test"}
            if kind == "api_token"
            else {
                "client_id": f"client_{i}",
                "client_kind": "confidential" if kind == "client_credentials" else "public",
                "scopes": ("read", "tickets:write", "users:read"),
            }
        )
        document.profiles[f"p{i:03d}"] = Profile(
            name=f"p{i:03d}", subdomain=f"company{i}", auth=kind, checked=checked, **extra
        ).validate()
    dirs["many"].mkdir(mode=0o700, parents=True)
    (dirs["many"] / "profiles.yaml").write_text(dump_profiles(document), encoding="utf-8")
    return dirs


# Running children ---------------------------------------------------------------------------


def run_once(argv: Sequence[str], env: dict[str, str], *, check: bool = False) -> tuple[float, str, str]:
    """Run a child; returns (wall seconds, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        proc.wait()
        elapsed = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if check and proc.returncode != 0:
        raise BenchCrash(f"{' '.join(argv)} exited {proc.returncode}: {stderr.strip()[-500:]}")
    return elapsed, stdout, stderr


RSS_RUNNER = """\
import os, sys
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def peak_rss_kib(argv: Sequence[str], env: dict[str, str], runs: int = 3) -> float:
    """Median peak RSS (KiB) of a child started from a lean runner process.

    Linux carries the parent's high-water mark across fork and exec into the child's ru_maxrss, so
    children of this (large) benchmark process would all report its size; a bare Python runner
    stays below any Python child's own peak.
    """
    values = []
    for _ in range(runs):
        _, out, err = run_once([sys.executable, "-c", RSS_RUNNER, *argv], env, check=True)
        code, rss = out.split()[-2:]
        if code != "0":
            raise BenchCrash(f"{' '.join(argv)} exited {code} while measuring memory: {err.strip()[-300:]}")
        values.append(int(rss))
    return statistics.median(values)


def measure_pairs(
    pairs: list[tuple[list[str], list[str], dict[str, str]]], runs: int, warmup: int = 2
) -> list[tuple[Sample, Sample]]:
    """Run every (measured, baseline) pair ``runs`` times, interleaved, alternating the order in each pair."""
    results = [(Sample(), Sample()) for _ in pairs]
    for argv_a, argv_b, env in pairs:
        for _ in range(warmup):
            run_once(argv_a, env, check=True)
            run_once(argv_b, env, check=True)
    for round_no in range(runs):
        for (argv_a, argv_b, env), (sample_a, sample_b) in zip(pairs, results, strict=True):
            order = [(argv_a, sample_a), (argv_b, sample_b)]
            if round_no % 2:
                order.reverse()
            for argv, sample in order:
                sample.seconds.append(run_once(argv, env, check=True)[0])
    return results


def probe_argv(kind: str, config_dir: Path, rest: float) -> list[str]:
    """The command line of one TUI probe."""
    return [sys.executable, str(PROBE), kind, str(config_dir), str(rest)]


TUI_KINDS = ("app", "minimal", "floor")


def probe_tui(kind: str, config_dir: Path, env: dict[str, str]) -> dict[str, Any]:
    """Start the probe; returns its stamps made relative to launch (seconds) and the screen's name."""
    launched = time.time()
    _, stdout, stderr = run_once(probe_argv(kind, config_dir, 0), env)
    try:
        stamps = json.loads(stdout.strip().splitlines()[-1])
        return {
            "ready": stamps["ready"] - launched,
            "imported": stamps["imported"] - launched,
            "cpu_ready": stamps["cpu_ready"],
            "cpu_imported": stamps["cpu_imported"],
            "screen": str(stamps.get("screen")),
        }
    except (IndexError, KeyError, ValueError):
        raise BenchCrash(f"the TUI probe ({kind}) failed: {(stderr or stdout).strip()[-800:]}") from None


def measure_tui(config_dir: Path, env: dict[str, str], runs: int) -> dict[str, Any]:
    """First-screen time of the product app, a minimal Textual app and the widget floor, interleaved."""
    wall = {kind: Sample() for kind in TUI_KINDS}
    cpu = {kind: Sample() for kind in TUI_KINDS}
    imported: dict[str, list[float]] = {kind: [] for kind in TUI_KINDS}
    cpu_imported: dict[str, list[float]] = {kind: [] for kind in TUI_KINDS}
    screens: dict[str, str] = {}
    for kind in TUI_KINDS * 2:
        probe_tui(kind, config_dir, env)
    for round_no in range(runs):
        kinds = list(TUI_KINDS) if round_no % 2 == 0 else list(reversed(TUI_KINDS))
        for kind in kinds:
            stamps = probe_tui(kind, config_dir, env)
            wall[kind].seconds.append(stamps["ready"])
            cpu[kind].seconds.append(stamps["cpu_ready"])
            imported[kind].append(stamps["imported"])
            cpu_imported[kind].append(stamps["cpu_imported"])
            screens[kind] = stamps["screen"]
    return {
        "wall": wall,
        "cpu": cpu,
        "imported_ms": {k: statistics.median(v) * 1000 for k, v in imported.items()},
        "cpu_imported_ms": {k: statistics.median(v) * 1000 for k, v in cpu_imported.items()},
        "screens": screens,
    }


# The OAuth round trip -----------------------------------------------------------------------


def measure_round_trip(root: Path, runs: int) -> dict[str, list[float]]:
    """Consent against the fake Zendesk; time from the redirect reaching the loopback server to the save."""
    import urllib.request

    from tests.fake_zendesk import running_fake

    from zendesk_setup.core.draft import ProfileDraft
    from zendesk_setup.core.profiles import Profile
    from zendesk_setup.core.service import CredentialsService

    parts: dict[str, list[float]] = {"total": [], "callback": [], "exchange": [], "verify_save": []}
    service = CredentialsService(root / "config-roundtrip")
    store = service.store
    secrets = service.secrets("keyring")
    with running_fake() as fake:
        fake.add_client("bench_cli", kind="public")
        for i in range(runs + 1):
            profile = Profile(
                name=f"rt{i}",
                subdomain="acme",
                auth="oauth",
                client_id="bench_cli",
                client_kind="public",
                scopes=("read", "users:write"),
                base_url=fake.url,
            ).validate()
            draft = ProfileDraft.new_from(profile)
            consent = service.begin_consent(draft, port=0)
            location = fake.consent(consent.url, "allow")
            sent: dict[str, float] = {}

            def follow_redirect(url: str = location, stamp: dict[str, float] = sent) -> None:
                stamp["at"] = time.perf_counter()
                with urllib.request.urlopen(url, timeout=10) as response:
                    response.read()

            browser = threading.Thread(target=follow_redirect, daemon=True)
            browser.start()
            try:
                code = consent.wait(10)
            finally:
                consent.close()
            got_code = time.perf_counter()
            tokens = consent.exchange(code)
            exchanged = time.perf_counter()
            service.add(draft.with_tokens(tokens))
            saved = time.perf_counter()
            browser.join(5)
            if store.get(profile.name).checked is None or not (secrets.get(profile.name) or {}).get("access_token"):
                raise BenchCrash("the OAuth round trip did not save the profile and its tokens")
            if i == 0:
                continue  # warm-up: first imports of httpx and the OAuth modules
            parts["total"].append(saved - sent["at"])
            parts["callback"].append(got_code - sent["at"])
            parts["exchange"].append(exchanged - got_code)
            parts["verify_save"].append(saved - exchanged)
    return parts


# Report -------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    """PASS or MISS."""
    return "PASS" if ok else "MISS"


def check_outputs(cli: list[str], env: dict[str, str], dirs: dict[str, Path]) -> list[tuple[str, str, bool]]:
    """Run each CLI path once, check its output, and list which heavy modules it imported."""
    env_many = {**env, "ZENDESK_SETUP_CONFIG_DIR": str(dirs["many"])}
    expectations = [
        (["token"], env, lambda out: out.strip() == API_TOKEN),
        (["header"], env, lambda out: out.strip().startswith("Basic ")),
        (["token", "acme-oauth"], env, lambda out: out.strip() == ACCESS_TOKEN),
        (["header", "acme-oauth"], env, lambda out: out.strip() == f"Bearer {ACCESS_TOKEN}"),
        (["env"], env, lambda out: "ZENDESK_API_TOKEN" in out),
        (["env", "acme-oauth"], env, lambda out: "ZENDESK_OAUTH_TOKEN" in out),
        (["--version"], env, lambda out: out.startswith("zendesk-setup ")),
        (["list"], env, lambda out: "acme-oauth" in out),
        (["show"], env, lambda out: "acme" in out and API_TOKEN not in out),
        (["show", "acme-oauth"], env, lambda out: "acme_cli" in out and ACCESS_TOKEN not in out),
        (["list"], env_many, lambda out: len(out.strip().splitlines()) == 501),
    ]
    rows = []
    for args, child_env, expect in expectations:
        _, out, _ = run_once([*cli, *args], child_env, check=True)
        if not expect(out):
            raise BenchCrash(f"`zendesk-setup {' '.join(args)}` printed something unexpected: {out[:200]!r}")
        check_argv = [sys.executable, "-c", IMPORT_CHECK.format(heavy=HEAVY_MODULES), *args]
        _, _, check_err = run_once(check_argv, child_env, check=True)
        marker = [line for line in check_err.splitlines() if line.startswith("BENCH-MODULES")]
        heavy = marker[-1].removeprefix("BENCH-MODULES").strip() if marker else "?"
        label = " ".join(args) + (" (500 profiles)" if child_env is env_many else "")
        rows.append((label, heavy or "none", heavy == ""))
    return rows


def machine_line() -> str:
    """Date, OS, CPU count and versions, for the header of the report."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        textual_version = version("textual")
    except PackageNotFoundError:
        textual_version = "not installed"
    cpu = platform.processor() or platform.machine()
    return (
        f"{_dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {platform.system()} {platform.machine()} "
        f"({cpu}), {os.cpu_count()} cores, Python {platform.python_version()}, Textual {textual_version}"
    )


def print_rows(rows: list[Row]) -> list[bool]:
    """Print a table of rows and return the verdicts of those with a budget."""
    print(
        f"  {'measured':<34}{'median ms':>10}{'p25-p75':>10}  {'baseline':<28}{'median ms':>10}{'ratio':>8}"
        f"{'min ratio':>10}  budget (median ratio)"
    )
    verdicts = []
    for row in rows:
        budget = ""
        if row.budget is not None:
            ok = row.ratio <= row.budget
            verdicts.append(ok)
            budget = f"<= {row.budget:.2f}x {verdict(ok)}"
        print(
            f"  {row.label:<34}{row.measured.median_ms:>10.1f}{row.measured.spread_ms():>10}  "
            f"{row.baseline_label:<28}{row.baseline.median_ms:>10.1f}{row.ratio:>7.2f}x{row.min_ratio:>9.2f}x  {budget}"
        )
    return verdicts


SECTIONS = ("imports", "cli", "tui", "oauth", "memory", "api")


@dataclass
class Bench:
    """What every section needs: the temporary folders, the environment and how to run the CLI."""

    root: Path
    env: dict[str, str]
    dirs: dict[str, Path]
    cli: list[str]
    runs: int
    tui_runs: int
    rt_runs: int
    verdicts: list[bool] = field(default_factory=list)

    @property
    def keyring_baseline(self) -> list[str]:
        """``python -c "import keyring, yaml; keyring.get_keyring()"``."""
        return [sys.executable, "-c", KEYRING_BASELINE]

    @property
    def nothing(self) -> list[str]:
        """``python -c pass``."""
        return [sys.executable, "-c", "pass"]


def section_imports(bench: Bench) -> None:
    """Which heavy modules each script-facing command loads."""
    print("Imports on the script paths (budget: no textual, httpx or rich)")
    for label, heavy, ok in check_outputs(bench.cli, bench.env, bench.dirs):
        bench.verdicts.append(ok)
        print(f"  {label:<34}heavy modules: {heavy:<20}{verdict(ok)}")


def section_cli(bench: Bench) -> None:
    """token/header against the keyring baseline, --version/list/show against python, list 500 vs 1."""
    cli, env, dirs = bench.cli, bench.env, bench.dirs
    one_profile = run_once([*cli, "list", "--config-dir", str(dirs["one"])], env, check=True)[1]
    if len(one_profile.strip().splitlines()) != 2:
        raise BenchCrash("the one-profile config dir does not list exactly one profile")
    keyring_label = "keyring+yaml baseline"
    specs = [
        ("token (api_token)", [*cli, "token"], keyring_label, bench.keyring_baseline, 1.2),
        ("header (api_token)", [*cli, "header"], keyring_label, bench.keyring_baseline, 1.2),
        ("token (oauth, valid)", [*cli, "token", "acme-oauth"], keyring_label, bench.keyring_baseline, 1.2),
        ("header (oauth, valid)", [*cli, "header", "acme-oauth"], keyring_label, bench.keyring_baseline, 1.2),
        ("--version", [*cli, "--version"], "python -c pass", bench.nothing, None),
        ("list (2 profiles)", [*cli, "list"], "python -c pass", bench.nothing, None),
        ("show", [*cli, "show"], "python -c pass", bench.nothing, None),
        (
            "list (500 profiles)",
            [*cli, "list", "--config-dir", str(dirs["many"])],
            "list (1 profile)",
            [*cli, "list", "--config-dir", str(dirs["one"])],
            1.5,
        ),
    ]
    samples = measure_pairs([(a, b, env) for _, a, _, b, _ in specs], bench.runs)
    print("Command line")
    bench.verdicts += print_rows(
        [
            Row(label, measured, base_label, baseline, budget)
            for (label, _, base_label, _, budget), (measured, baseline) in zip(specs, samples, strict=True)
        ]
    )


def section_tui(bench: Bench) -> None:
    """The home screen's start against a minimal Textual app and against the widget floor."""
    print("Terminal UI (headless, 80x24: process start until the first screen is mounted and idle)")
    try:
        import zendesk_setup.ui.app  # noqa: F401
    except ImportError as exc:
        print(f"  skipped: zendesk_setup.ui.app cannot be imported ({exc}).")
        return
    tui = measure_tui(bench.dirs["main"], bench.env, bench.tui_runs)
    wall, cpu = tui["wall"], tui["cpu"]
    home = f"first screen ({tui['screens'].get('app')})"
    bench.verdicts += print_rows(
        [
            Row(home, wall["app"], "minimal Textual app", wall["minimal"], 1.3),
            Row("floor: DataTable+Footer app", wall["floor"], "minimal Textual app", wall["minimal"], None),
            Row(home, wall["app"], "floor: DataTable+Footer app", wall["floor"], None),
            Row(f"{home} CPU", cpu["app"], "minimal Textual app CPU", cpu["minimal"], None),
            Row("floor CPU", cpu["floor"], "minimal Textual app CPU", cpu["minimal"], None),
        ]
    )
    print(
        "  to the app object (imports): "
        + ", ".join(
            f"{kind} {tui['imported_ms'][kind]:.0f} ms wall / {tui['cpu_imported_ms'][kind]:.0f} ms CPU"
            for kind in TUI_KINDS
        )
    )


def section_oauth(bench: Bench) -> None:
    """The consent round trip against the fake, split into its parts."""
    print(f"OAuth consent round trip against the fake Zendesk ({bench.rt_runs} runs)")
    parts = measure_round_trip(bench.root, bench.rt_runs)

    def ms(key: str) -> str:
        return f"{statistics.median(parts[key]) * 1000:.1f} ms"

    print(
        f"  redirect reaches the loopback server -> profile saved: median {ms('total')} "
        f"(min {min(parts['total']) * 1000:.1f}, max {max(parts['total']) * 1000:.1f})"
    )
    print(
        f"  of which: callback answered and loopback server closed {ms('callback')}, "
        f"code exchange {ms('exchange')}, check (users/me) + save {ms('verify_save')}"
    )


def section_memory(bench: Bench) -> None:
    """Peak RSS of token and of the TUI at rest, with their baselines."""
    print("Peak RSS (ru_maxrss of each child started from a bare runner, median of 3)")
    memory = [
        ("python -c pass", bench.nothing),
        ("keyring+yaml baseline", bench.keyring_baseline),
        ("token (api_token)", [*bench.cli, "token"]),
        ("token (oauth, valid)", [*bench.cli, "token", "acme-oauth"]),
        ("minimal Textual app, 1 s at rest", probe_argv("minimal", bench.dirs["main"], 1.0)),
    ]
    try:
        import zendesk_setup.ui.app  # noqa: F401
    except ImportError:
        pass
    else:
        memory.append(("TUI home screen, 1 s at rest", probe_argv("app", bench.dirs["main"], 1.0)))
    for label, argv in memory:
        print(f"  {label:<34}{peak_rss_kib(argv, bench.env) / 1024:>8.1f} MiB")


ZENPY_FETCH = """\
import sys, requests
from zenpy import Zenpy
from zendesk_setup import load_profile
profile = load_profile(sys.argv[1])
session = requests.Session()
session.auth = profile.requests_auth()
session.authorized = True
zenpy = Zenpy(subdomain=profile.subdomain, session=session)
print(sum(1 for _ in zenpy.tickets(cursor_pagination=True)))
"""
API_RECORDS = 10_000
API_SMALL = 1_000


def section_api(bench: Bench) -> None:
    """``api --paginate`` over 10,000 records against zenpy on the same records; peak RSS at 10,000 and 1,000."""
    from tests.fake_lists import seed_list
    from tests.fake_zendesk import running_fake

    from zendesk_setup.core.profiles import Profile, ProfileStore
    from zendesk_setup.core.secrets import KeyringSecretStore

    runs = 3 if bench.runs <= 5 else 5
    print(f"api --paginate against the fake Zendesk ({runs} runs each, interleaved; records streamed to a file)")
    try:
        import zenpy  # noqa: F401
    except ImportError:
        print("  skipped: zenpy is not installed (pip install -e '.[test]').")
        return
    folder = bench.root / "config-api"
    with running_fake() as fake:
        fake.add_api_token(API_TOKEN, "ada@acme.test")
        seed_list(fake, "tickets", API_RECORDS)
        seed_list(fake, "users", API_SMALL)
        profile = Profile(
            name="bench-api", subdomain="acme", auth="api_token", email="ada@acme.test", base_url=fake.url
        ).validate()
        ProfileStore(folder).save(profile, make_default=True)
        KeyringSecretStore().set("bench-api", {"api_token": API_TOKEN})
        env = {
            **bench.env,
            "ZENDESK_SETUP_CONFIG_DIR": str(folder),
            "ZENPY_FORCE_SCHEME": "http",
            "ZENPY_FORCE_NETLOC": fake.url.removeprefix("http://"),
        }
        api = [*bench.cli, "api", "bench-api", "--paginate"]
        api_big = [*api, "/api/v2/tickets.json", "--flat", "tickets"]
        api_small = [*api, "/api/v2/users.json", "--flat", "users"]
        zenpy_big = [sys.executable, "-c", ZENPY_FETCH, "bench-api"]
        times: dict[str, list[float]] = {"api": [], "zenpy": []}
        for i in range(runs + 1):
            order = [("api", api_big), ("zenpy", zenpy_big)]
            for kind, argv in order if i % 2 else reversed(order):
                elapsed, out, _ = run_once(argv, env, check=True)
                count = len(out.splitlines()) if kind == "api" else int(out.split()[-1])
                if count != API_RECORDS:
                    raise BenchCrash(f"{kind} fetched {count} records, not {API_RECORDS}")
                if i:
                    times[kind].append(elapsed)
        rss_big = peak_rss_kib(api_big, env)
        rss_small = peak_rss_kib(api_small, env)
        rss_zenpy = peak_rss_kib(zenpy_big, env)
    api_s, zenpy_s = statistics.median(times["api"]), statistics.median(times["zenpy"])
    fast = api_s <= zenpy_s
    flat = rss_big <= 1.2 * rss_small
    bench.verdicts += [fast, flat]
    print(
        f"  api --paginate --flat, {API_RECORDS} records   {api_s * 1000:>8.0f} ms  "
        f"{API_RECORDS / api_s:>8.0f} records/s  peak RSS {rss_big / 1024:.1f} MiB"
    )
    print(
        f"  zenpy + requests_auth(), same records {zenpy_s * 1000:>8.0f} ms  "
        f"{API_RECORDS / zenpy_s:>8.0f} records/s  peak RSS {rss_zenpy / 1024:.1f} MiB"
    )
    print(f"  api time / zenpy time: {api_s / zenpy_s:.2f}x (budget <= 1.00x) {verdict(fast)}")
    print(
        f"  api peak RSS {API_RECORDS} vs {API_SMALL} records: {rss_big / 1024:.1f} vs {rss_small / 1024:.1f} MiB, "
        f"{rss_big / rss_small:.2f}x (budget <= 1.20x) {verdict(flat)}"
    )


def run(args: argparse.Namespace) -> int:
    """Set everything up, run the chosen sections, print the report; returns the exit code."""
    chosen = [name.strip() for name in args.only.split(",")] if args.only else list(SECTIONS)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        print(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="zendesk-setup-bench-"))
    try:
        env = make_env(root)
        os.environ.update({k: env[k] for k in ("HOME", "XDG_DATA_HOME", "PYTHON_KEYRING_BACKEND")})
        sys.path[:0] = [str(REPO / "tui"), str(REPO)]
        try:
            import keyrings.alt.file  # noqa: F401
        except ImportError:
            print("keyrings.alt is missing: install the test extra (pip install -e '.[test]').", file=sys.stderr)
            return 2
        cli, cli_label = cli_command()
        bench = Bench(
            root=root,
            env=env,
            dirs=seed(root),
            cli=cli,
            runs=args.runs or (5 if args.quick else 21),
            tui_runs=args.tui_runs or (3 if args.quick else 11),
            rt_runs=5 if args.quick else 20,
        )
        print(f"zendesk-setup benchmark, {machine_line()}")
        print(
            f"CLI run as {cli_label}; {bench.runs} runs per command interleaved with its baseline "
            f"({bench.tui_runs} for the TUI, {bench.rt_runs} OAuth round trips); wall-clock medians in ms; "
            "'min ratio' compares the fastest runs (steadier on a busy machine)."
        )
        print(f"Keyring: {PLAINTEXT_KEYRING} in a temporary XDG_DATA_HOME; bytecode precompiled in a temporary prefix.")
        sections = {
            "imports": section_imports,
            "cli": section_cli,
            "tui": section_tui,
            "oauth": section_oauth,
            "memory": section_memory,
            "api": section_api,
        }
        for name in chosen:
            print()
            sections[name](bench)
        print()
        missed = bench.verdicts.count(False)
        print(f"Budgets: {len(bench.verdicts) - missed} PASS, {missed} MISS")
        return 0
    except BenchCrash as exc:
        print(f"benchmark crashed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"(kept {root})")
        else:
            shutil.rmtree(root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repetitions (about a minute)")
    parser.add_argument("--runs", type=int, help="runs per CLI command and per baseline (default 21, quick 5)")
    parser.add_argument("--tui-runs", type=int, help="runs of each TUI probe (default 11, quick 3)")
    parser.add_argument("--only", metavar="LIST", help=f"comma-separated sections to run ({','.join(SECTIONS)})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder for inspection")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
