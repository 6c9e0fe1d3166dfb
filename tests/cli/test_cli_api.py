"""`zendesk-setup api` through the real CLI against the fake: requests, pagination, 429s, 401s and other hosts."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_lists import seed_list
from tests.fake_zendesk import FakeZendesk, running_fake, s256
from tests.stores import save_profile

from zendesk_setup.core.profiles import Profile, ProfileStore

from .conftest import Cli, assert_clean

CLIENT = "zs_cli"


def ids(lines: list[str]) -> list[int]:
    """The record ids of ``--flat`` output."""
    return [json.loads(line)["id"] for line in lines]


@pytest.mark.usefixtures("acme")
def test_a_get_prints_json_and_sends_the_profile_header(cli: Cli, fake: FakeZendesk) -> None:
    result = cli("api", "/api/v2/users/me.json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["user"]["name"] == "Ada Admin"
    assert cli("api", "acme", "api/v2/users/me.json").code == 0
    method, path, headers, _ = fake.requests[-1]
    assert (method, path) == ("GET", "/api/v2/users/me.json") and headers["authorization"].startswith("Basic ")
    assert_clean(result, API_TOKEN)


@pytest.mark.usefixtures("acme")
def test_fields_go_to_the_query_of_a_get_and_nest_into_a_json_body_otherwise(
    cli: Cli, fake: FakeZendesk, tmp_path: Path
) -> None:
    assert cli("api", "/api/v2/search.json", "-f", "query=type:ticket status:open").code == 0
    assert fake.requests[-1][1] == "/api/v2/search.json?query=type%3Aticket+status%3Aopen"
    made = cli(
        "api", "/api/v2/tickets.json", "-X", "POST", "-f", "ticket[subject]=Printer", "-f",
        "ticket[comment][body]=It jams", "-f", "ticket[tags][]=hw", "-f", "ticket[tags][]=urgent",
    )  # fmt: skip
    assert made.code == 0, made.err
    method, _, headers, body = fake.requests[-1]
    assert method == "POST" and headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "ticket": {"subject": "Printer", "comment": {"body": "It jams"}, "tags": ["hw", "urgent"]}
    }
    payload = tmp_path / "user.json"
    payload.write_text('{"user": {"name": "Bo"}}')
    assert cli("api", "/api/v2/users.json", "--input", str(payload)).code == 0
    assert fake.requests[-1][0] == "POST" and json.loads(fake.requests[-1][3]) == {"user": {"name": "Bo"}}
    piped = cli("api", "/api/v2/users/5.json", "-X", "put", "--input", "-", stdin='{"user": {}}')
    assert piped.code == 0 and fake.requests[-1][:2] == ("PUT", "/api/v2/users/5.json")
    assert cli("api", "/api/v2/x.json", "-f", "novalue").code == 2


@pytest.mark.usefixtures("acme")
@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/api/v2/users/me.json",
        "//evil.example/api/v2/users/me.json",
        "http://127.0.0.1:1/api/v2/users/me.json",
        "http://user@127.0.0.1/api/v2/users/me.json",
    ],
)
def test_an_absolute_url_to_another_host_is_refused_before_anything_is_sent(
    cli: Cli, fake: FakeZendesk, target: str
) -> None:
    before = len(fake.requests)
    result = cli("api", target)
    assert result.code == 2 and "Refused" in result.err and "token is sent only there" in result.err
    assert len(fake.requests) == before
    assert_clean(result, API_TOKEN)


@pytest.mark.usefixtures("acme")
def test_an_absolute_url_on_the_base_is_followed(cli: Cli, fake: FakeZendesk) -> None:
    result = cli("api", f"{fake.url}/api/v2/users/me.json")
    assert result.code == 0 and json.loads(result.out)["user"]["id"] == 1001


@pytest.mark.usefixtures("acme")
def test_an_error_is_one_sentence_on_stderr_with_exit_1(cli: Cli, fake: FakeZendesk) -> None:
    fake.inject("/api/v2/tickets/9.json", 404, body={"error": "RecordNotFound", "description": "Not found\x1b[31m"})
    result = cli("api", "/api/v2/tickets/9.json")
    assert result.code == 1 and result.out == ""
    expected = "zendesk-setup: Zendesk answered 404 to GET /api/v2/tickets/9.json: RecordNotFound: Not found [31m."
    assert result.err.strip() == expected
    assert "\x1b" not in result.err


@pytest.mark.usefixtures("acme")
def test_include_shows_the_status_and_headers(cli: Cli) -> None:
    result = cli("api", "--include", "/api/v2/users/me.json")
    head, _, body = result.out.partition("\n\n")
    assert head.splitlines()[0] == "HTTP/1.1 200 OK"
    assert "content-type: application/json; charset=utf-8" in head.lower()
    assert json.loads(body)["user"]["id"] == 1001


@pytest.mark.usefixtures("acme")
def test_server_text_cannot_drive_the_terminal(cli: Cli, fake: FakeZendesk) -> None:
    fake.inject("/api/v2/users/me.json", 200, body='{"user": {"name": "Ada\\u009b31m \\u007f"}}')
    result = cli("api", "/api/v2/users/me.json")
    assert result.code == 0 and json.loads(result.out)["user"]["name"] == "Ada\x9b31m \x7f"
    assert "\x9b" not in result.out and "\x7f" not in result.out


@pytest.mark.usefixtures("acme")
def test_paginate_cursor_streams_every_record_once_across_a_429(cli: Cli, fake: FakeZendesk) -> None:
    seeded = seed_list(fake, "tickets", 2500, throttle_at={9})
    started = time.monotonic()
    result = cli("api", "/api/v2/tickets.json", "--paginate", "--flat", "tickets")
    assert result.code == 0, result.err
    assert time.monotonic() - started >= 1
    assert ids(result.out.splitlines()) == list(range(1, 2501))
    assert "rate limiting; waiting 1 s before retrying" in result.err
    assert seeded.requests == 26 and len(seeded.served) == 25
    assert all(entry.startswith("cursor ") for entry in seeded.served)
    assert '"page[size]": "100"' in seeded.served[0]


@pytest.mark.usefixtures("acme")
def test_paginate_without_flat_prints_one_document_per_page(cli: Cli, fake: FakeZendesk) -> None:
    seed_list(fake, "tickets", 250)
    result = cli("api", "/api/v2/tickets.json", "--paginate", "-f", "page[size]=100")
    pages = [json.loads(line) for line in result.out.splitlines()]
    assert [len(page["tickets"]) for page in pages] == [100, 100, 50]
    assert [page["meta"]["has_more"] for page in pages] == [True, True, False]


@pytest.mark.usefixtures("acme")
def test_paginate_offset_style_follows_next_page(cli: Cli, fake: FakeZendesk) -> None:
    seeded = seed_list(fake, "users", 1234, throttle_at={3, 4})
    result = cli("api", "/api/v2/users.json", "--paginate", "--flat", "users", "-f", "per_page=100")
    assert result.code == 0, result.err
    assert ids(result.out.splitlines()) == list(range(1, 1235))
    assert all(entry.startswith("offset ") for entry in seeded.served) and len(seeded.served) == 13
    assert result.err.count("rate limiting") == 2


@pytest.mark.usefixtures("acme")
def test_a_429_without_retry_after_waits_a_bounded_default(cli: Cli, fake: FakeZendesk) -> None:
    seed_list(fake, "tickets", 150, throttle_at={2}, retry_after=None)
    result = cli("api", "/api/v2/tickets.json", "--paginate", "--flat", "tickets")
    assert result.code == 0 and len(result.out.splitlines()) == 150
    assert "waiting 10 s" in result.err


@pytest.fixture
def other_host() -> Iterator[FakeZendesk]:
    """A second server on another port: a host the token must never reach."""
    with running_fake() as server:
        yield server


@pytest.mark.usefixtures("acme")
def test_a_next_page_on_another_host_is_not_followed(cli: Cli, fake: FakeZendesk, other_host: FakeZendesk) -> None:
    seed_list(other_host, "tickets", 300)
    seed_list(fake, "tickets", 300, next_base=other_host.url)
    result = cli("api", "/api/v2/tickets.json", "--paginate", "--flat", "tickets")
    assert result.code == 1
    assert ids(result.out.splitlines()) == list(range(1, 101))
    assert "Refused to follow" in result.err and other_host.url in result.err
    assert other_host.requests == []
    assert_clean(result, API_TOKEN)


@pytest.mark.usefixtures("acme")
def test_flat_with_a_missing_key_and_paginate_with_post_are_refused(cli: Cli, fake: FakeZendesk) -> None:
    seed_list(fake, "tickets", 10)
    missing = cli("api", "/api/v2/tickets.json", "--paginate", "--flat", "users")
    assert missing.code == 1 and "no list named users" in missing.err
    assert cli("api", "/api/v2/tickets.json", "--paginate", "-X", "POST").code == 2
    assert cli("api", "/api/v2/tickets.json", "--flat", "tickets").code == 2


@pytest.fixture
def oauth_acme(fake: FakeZendesk, config_dir: Path) -> FakeZendesk:
    """An OAuth profile 'robot' whose tokens the fake issued (by a real authorization code exchange)."""
    from zendesk_setup.core import oauth
    from zendesk_setup.core.zendesk import new_http_client

    fake.add_client(CLIENT, kind="public")
    verifier = "v" * 64
    redirect = "http://127.0.0.1:47123/callback"
    code = fake.issue_code(CLIENT, redirect, ["read", "write"], code_challenge=s256(verifier))
    with new_http_client(fake.url) as http:
        tokens = oauth.exchange_code(
            http, fake.url, client_id=CLIENT, code=code, redirect_uri=redirect, code_verifier=verifier,
            scopes=["read", "write"],
        )  # fmt: skip
    profile = Profile(
        name="robot", subdomain="acme", auth="oauth", client_id=CLIENT, client_kind="public",
        scopes=("read", "write"), base_url=fake.url,
    )  # fmt: skip
    save_profile(ProfileStore(config_dir), profile, tokens.to_secret_fields())
    return fake


def test_paginate_refreshes_once_on_a_401_mid_way_and_resumes(cli: Cli, oauth_acme: FakeZendesk) -> None:
    seeded = seed_list(oauth_acme, "tickets", 1000, expire_after=4)
    result = cli("api", "robot", "/api/v2/tickets.json", "--paginate", "--flat", "tickets")
    assert result.code == 0, result.err
    assert ids(result.out.splitlines()) == list(range(1, 1001))
    assert oauth_acme.refresh_count == 1 and len(seeded.served) == 10


def test_a_token_refused_after_the_refresh_is_one_sentence(cli: Cli, oauth_acme: FakeZendesk) -> None:
    oauth_acme.inject("/api/v2/users/me.json", 401, body={"error": "invalid_token"}, times=2)
    result = cli("api", "robot", "/api/v2/users/me.json")
    assert result.code == 1 and oauth_acme.refresh_count == 1
    assert "Zendesk answered 401 to GET /api/v2/users/me.json: invalid_token." in result.err
    assert "zendesk-setup login robot" in result.err and "Traceback" not in result.err


def test_an_api_token_profile_gets_no_refresh_on_a_401(cli: Cli, fake: FakeZendesk, config_dir: Path) -> None:
    profile = Profile(name="acme", subdomain="acme", auth="api_token", email=EMAIL, base_url=fake.url)
    save_profile(ProfileStore(config_dir), profile, {"api_token": "revoked-token"})
    result = cli("api", "/api/v2/tickets.json")
    assert result.code == 1 and "Zendesk answered 401" in result.err
    assert len(fake.requests) == 1 and fake.token_requests == []


@pytest.mark.usefixtures("acme")
def test_name_and_path_may_sit_on_either_side_of_options(cli: Cli, fake: FakeZendesk) -> None:
    seed_list(fake, "tickets", 120)
    result = cli("api", "acme", "--paginate", "/api/v2/tickets.json", "--flat", "tickets")
    assert result.code == 0, result.err
    assert ids(result.out.splitlines()) == list(range(1, 121))
    assert cli("api", "acme", "--paginate", "/api/v2/tickets.json", "--bogus").code == 2
    assert cli("api", "acme", "/api/v2/tickets.json", "extra").code == 2
