"""load_profile() from Python with the clients people use: httpx, requests and zenpy, across a server-side expiry."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
import requests
from tests.conftest import REPO, CliResult
from tests.fake_zendesk import FakeZendesk
from zenpy import Zenpy

from zendesk_setup import load_profile
from zendesk_setup.core.vocab import AuthType

from .conftest import keyring_entry


@pytest.fixture
def signed_in(add_oauth: Callable[..., CliResult], efake: FakeZendesk) -> FakeZendesk:
    """An OAuth profile 'acme' made through the real CLI, pointed at the fake."""
    assert add_oauth().code == 0
    return efake


def test_the_public_attributes(signed_in: FakeZendesk) -> None:
    profile = load_profile("acme")
    assert (profile.name, profile.subdomain, profile.base_url) == ("acme", "acme", signed_in.url)
    assert profile.auth_type is AuthType.OAUTH and profile.auth_type == "oauth"
    assert keyring_entry("acme")["access_token"] not in repr(profile)


def test_token_min_ttl_and_auth_header_force_refresh(signed_in: FakeZendesk) -> None:
    profile = load_profile("acme")
    first = profile.token()
    assert profile.token(min_ttl=10) == first and signed_in.refresh_count == 0
    second = profile.token(min_ttl=3600)
    assert second != first and signed_in.refresh_count == 1
    header = profile.auth_header(force_refresh=True)
    assert header.startswith("Bearer ") and header.removeprefix("Bearer ") not in (first, second)
    assert signed_in.refresh_count == 2
    assert header.removeprefix("Bearer ") in signed_in.live_access_tokens()


def test_httpx_client_refreshes_on_a_401(signed_in: FakeZendesk) -> None:
    signed_in.expire_access_tokens()
    with load_profile("acme").client() as zd:
        me = zd.get("/api/v2/users/me.json")
    assert me.status_code == 200 and me.json()["user"]["id"] == 1001
    assert signed_in.refresh_count == 1


def test_requests_auth_refreshes_once_on_a_401(signed_in: FakeZendesk) -> None:
    session = requests.Session()
    session.auth = load_profile("acme").requests_auth()
    assert session.get(f"{signed_in.url}/api/v2/users/me.json").json()["user"]["id"] == 1001
    signed_in.expire_access_tokens()
    me = session.get(f"{signed_in.url}/api/v2/users/me.json")
    assert me.status_code == 200 and me.json()["user"]["name"] == "Ada Admin"
    assert [r.status_code for r in me.history] == [401]
    assert signed_in.refresh_count == 1
    # A token that stays refused is tried once more, then the 401 reaches the caller.
    signed_in.inject("/api/v2/users/me.json", 401, body={"error": "invalid_token"}, times=2)
    refused = session.get(f"{signed_in.url}/api/v2/users/me.json")
    assert refused.status_code == 401 and signed_in.refresh_count == 2


def test_zenpy_with_a_requests_session_keeps_working_after_expiry(
    signed_in: FakeZendesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = load_profile("acme")
    monkeypatch.setenv("ZENPY_FORCE_SCHEME", "http")
    monkeypatch.setenv("ZENPY_FORCE_NETLOC", signed_in.url.removeprefix("http://"))
    session = requests.Session()
    session.auth = profile.requests_auth()
    session.authorized = True  # zenpy's sign for "this session brings its own auth"
    zenpy = Zenpy(subdomain=profile.subdomain, session=session)
    assert zenpy.users.me().name == "Ada Admin"
    signed_in.expire_access_tokens()
    assert zenpy.users.me().email == "ada@acme.test"
    assert signed_in.refresh_count == 1


def test_requests_is_imported_only_by_requests_auth(signed_in: FakeZendesk) -> None:
    script = (
        "import sys; from zendesk_setup import load_profile; p = load_profile('acme'); p.token(); p.auth_header(); "
        "print('requests' in sys.modules); p.requests_auth(); print('requests' in sys.modules)"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO / "tui"))
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["False", "True"]
