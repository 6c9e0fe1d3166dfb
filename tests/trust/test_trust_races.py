"""Issue 10.2, 10.3, 10.5, 10.8: one profile one entry, and refresh, remove, rename and add racing each other.

Real CLI processes against a fake Zendesk on 127.0.0.1, with the plaintext keyring file (a single shared file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import keyring
import pytest
from tests.conftest import API_TOKEN, EMAIL, REPO
from tests.fake_zendesk import FakeZendesk
from tests.stores import save_profile

from zendesk_setup.core import oauth
from zendesk_setup.core.profiles import Profile, ProfileStore
from zendesk_setup.core.redirect import redirect_uri_for

CLIENT = "acme_cli"
CASE_FOLDING = "tests.core.odd_keyrings.CaseFoldingKeyring"


def add_api(cli, fake: FakeZendesk, name: str, token: str = API_TOKEN, env: dict[str, str] | None = None):
    return cli("add", name, "--subdomain", "acme", "--auth", "api_token", "--email", EMAIL, "--api-token-stdin",
               "--base-url", fake.url, stdin=token + "\n", env=env)  # fmt: skip


def entry(name: str) -> dict | None:
    raw = keyring.get_password("zendesk-setup", name)
    return json.loads(raw) if raw is not None else None


def test_a_name_that_differs_only_in_case_is_refused(cli, fake: FakeZendesk, config_dir: Path) -> None:
    other = "other-api-token-9876543210"
    fake.add_api_token(other, EMAIL)
    env = {"PYTHON_KEYRING_BACKEND": CASE_FOLDING}
    assert add_api(cli, fake, "acme", env=env).code == 0
    second = add_api(cli, fake, "ACME", other, env=env)
    assert second.code == 2 and "already exists" in second.err
    token = cli("token", "acme", env=env)
    assert token.code == 0 and token.out.strip() == API_TOKEN, "ACME's token overwrote acme's"


def test_renaming_to_another_case_keeps_the_secret(cli, fake: FakeZendesk, config_dir: Path) -> None:
    env = {"PYTHON_KEYRING_BACKEND": CASE_FOLDING}
    assert add_api(cli, fake, "tokp", env=env).code == 0
    renamed = cli("rename", "tokp", "TOKP", env=env)
    assert renamed.code == 0, renamed.err
    token = cli("token", "TOKP", env=env)
    assert token.code == 0 and token.out.strip() == API_TOKEN, token.err


def test_two_concurrent_adds_of_one_name_have_exactly_one_winner(fake: FakeZendesk, config_dir: Path) -> None:
    tokens = [f"race-token-{i}-0123456789" for i in range(2)]
    for token in tokens:
        fake.add_api_token(token, EMAIL)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO / "tui"), str(REPO)]))
    env["PYTHON_KEYRING_BACKEND"] = "tests.core.odd_keyrings.SlowKeyring"  # widens the window between check and save
    for _round in range(3):
        if (config_dir / "profiles.yaml").exists():
            subprocess.run([sys.executable, "-m", "zendesk_setup", "remove", "acme", "--yes"], env=env, check=True,
                           capture_output=True)  # fmt: skip
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "zendesk_setup", "add", "acme", "--subdomain", "acme", "--auth", "api_token",
                 "--email", EMAIL, "--api-token-stdin", "--base-url", fake.url],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
            for _ in tokens
        ]
        results = [proc.communicate(token + "\n", timeout=60) for proc, token in zip(procs, tokens, strict=True)]
        codes = [proc.returncode for proc in procs]
        assert sorted(codes)[0] == 0 and sorted(codes)[1] != 0, (codes, results)
        winner = tokens[codes.index(0)]
        assert entry("acme") == {"api_token": winner}, "the loser's token is stored for the winner's profile"


def issue_tokens(fake: FakeZendesk) -> dict:
    redirect = redirect_uri_for(47123)
    pkce = oauth.new_pkce()
    code = fake.issue_code(CLIENT, redirect, ["read"], code_challenge=pkce.challenge)
    with httpx.Client(timeout=10) as http:
        tokens = oauth.exchange_code(http, fake.url, client_id=CLIENT, code=code, code_verifier=pkce.verifier,
                                     redirect_uri=redirect, scopes=["read"])  # fmt: skip
    fields = tokens.to_secret_fields()
    fields["access_expires_at"] = time.time() - 600
    return fields


def save_expired_oauth(fake: FakeZendesk, config_dir: Path, name: str) -> None:
    profile = Profile(name=name, subdomain="acme", auth="oauth", client_id=CLIENT, client_kind="public",
                      scopes=("read",), redirect_port=47123, base_url=fake.url)  # fmt: skip
    save_profile(ProfileStore(config_dir), profile, issue_tokens(fake))


def test_remove_during_a_slow_refresh_leaves_no_live_secret_behind(cli, fake: FakeZendesk, config_dir: Path) -> None:
    fake.add_client(CLIENT)
    save_expired_oauth(fake, config_dir, "acme")
    fake.inject("/oauth/tokens", None, delay=2.0)
    with ThreadPoolExecutor(2) as pool:
        refreshing = pool.submit(cli, "token", "acme")
        time.sleep(0.8)
        removing = pool.submit(cli, "remove", "acme", "--yes")
        removed, refreshed = removing.result(), refreshing.result()
    assert removed.code == 0, removed.err
    assert entry("acme") is None, f"the refresh wrote tokens back after remove (token exit {refreshed.code})"
    assert "acme" not in (config_dir / "profiles.yaml").read_text()


def test_thirty_parallel_token_calls_over_six_expired_profiles_leave_every_profile_working(
    cli, fake: FakeZendesk, config_dir: Path
) -> None:
    fake.add_client(CLIENT)
    names = [f"p{i}" for i in range(6)]
    for name in names:
        save_expired_oauth(fake, config_dir, name)
    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(lambda i: cli("token", names[i % 6]), range(30)))
    assert all(result.code == 0 for result in results), [r.err for r in results if r.code]
    live_refresh = set(fake.live_refresh_tokens())
    for name in names:
        stored = entry(name)
        assert stored is not None and stored["refresh_token"] in live_refresh, f"{name} lost its refresh token"
        fake.expire_access_tokens()
    for name in names:
        assert cli("token", name, "--refresh").code in (0, 2)
        assert cli("test", name).code == 0, f"{name} no longer works"


def test_a_damaged_keyring_entry_blocks_neither_remove_nor_rename(cli, fake: FakeZendesk, config_dir: Path) -> None:
    assert add_api(cli, fake, "acme").code == 0
    assert add_api(cli, fake, "beta").code == 0
    for name in ("acme", "beta"):
        keyring.set_password("zendesk-setup", name, "not the JSON zendesk-setup writes")
    test = cli("test", "acme")
    assert test.code == 3 and "zendesk-setup edit acme" in test.err and "NAME" not in test.err
    renamed = cli("rename", "acme", "gamma")
    assert renamed.code == 0, renamed.err
    assert keyring.get_password("zendesk-setup", "gamma") == "not the JSON zendesk-setup writes"
    removed = cli("remove", "beta", "--yes")
    assert removed.code == 0, removed.err
    assert keyring.get_password("zendesk-setup", "beta") is None


@pytest.mark.parametrize("value", ["inf", "nan", "0", "-5"])
def test_add_refuses_a_timeout_that_is_not_a_positive_number(cli, fake: FakeZendesk, value: str) -> None:
    result = cli("add", "acme", "--subdomain", "acme", "--auth", "oauth", "--client-id", CLIENT, "--scope", "read",
                 "--no-browser", "--base-url", fake.url, "--timeout", value)  # fmt: skip
    assert result.code == 2 and "timeout" in result.err.lower()
