"""The Zendesk check over real HTTP against the fake on 127.0.0.1: every failure becomes one clear sentence."""

from __future__ import annotations

import base64
import socket
import time

import pytest
from tests.conftest import API_TOKEN, EMAIL
from tests.fake_zendesk import FakeZendesk

from zendesk_setup.core.errors import ZendeskError
from zendesk_setup.core.zendesk import (
    MAX_RETRY_AFTER,
    Identity,
    basic_header,
    fetch_identity,
    new_http_client,
)

ME = "/api/v2/users/me.json"


class Sleeps:
    """A stand-in for time.sleep that records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def check(
    base_url: str, header: str, *, timeout: float = 5.0, sleep: Sleeps | None = None, notes: list[str] | None = None
) -> Identity:
    """Run the users/me check against ``base_url``."""
    with new_http_client(base_url, timeout=timeout) as http:
        return fetch_identity(
            http, header, sleep=sleep or Sleeps(), notify=notes.append if notes is not None else None
        )


def failure(base_url: str, header: str, **kwargs: object) -> ZendeskError:
    """The ZendeskError the check raises."""
    with pytest.raises(ZendeskError) as caught:
        check(base_url, header, **kwargs)  # type: ignore[arg-type]
    error = caught.value
    assert error.message.endswith("."), error.message
    assert "\n" not in error.message
    assert API_TOKEN not in str(error) and API_TOKEN not in (error.hint or "")
    assert error.exit_code == 1
    return error


def test_basic_header_is_email_slash_token() -> None:
    header = basic_header("ada@acme.test", "abc123")
    assert header.startswith("Basic ")
    assert base64.b64decode(header.removeprefix("Basic ")).decode() == "ada@acme.test/token:abc123"


def test_good_token_gives_the_user(fake: FakeZendesk) -> None:
    identity = check(fake.url, basic_header(EMAIL, API_TOKEN))
    assert identity.user_id == 1001
    assert identity.name == "Ada Admin"
    assert identity.email == EMAIL
    assert identity.role == "admin"
    assert identity.account_url == fake.url
    assert identity.describe() == f"Ada Admin <{EMAIL}> (admin) on {fake.url}"
    method, path, headers, _ = fake.requests[-1]
    assert (method, path) == ("GET", ME)
    assert headers["authorization"] == basic_header(EMAIL, API_TOKEN)


def test_wrong_token_is_401_with_the_fix(fake: FakeZendesk) -> None:
    error = failure(fake.url, basic_header(EMAIL, "wrong-token"))
    assert error.status == 401 and error.kind == "unauthorized"
    assert "email and API token" in error.message
    assert error.field == "credentials"


def test_credentials_zendesk_ignores_are_refused_as_anonymous(fake: FakeZendesk) -> None:
    not_a_token_login = "Basic " + base64.b64encode(f"{EMAIL}:{API_TOKEN}".encode()).decode()
    error = failure(fake.url, not_a_token_login)
    assert error.kind == "anonymous" and error.status == 200
    assert "anonymous" in error.message


@pytest.mark.parametrize(
    "body",
    [
        {"user": {"id": None, "name": "Anonymous user"}},
        {"user": {"id": "1001", "name": "String id"}},
        {"user": {"id": True}},
        {"user": None},
        {"users": []},
        [],
    ],
)
def test_a_200_without_a_numeric_user_id_is_not_success(fake: FakeZendesk, body: object) -> None:
    fake.inject(ME, 200, body=body)  # type: ignore[arg-type]
    assert failure(fake.url, basic_header(EMAIL, API_TOKEN)).kind == "anonymous"


def test_a_200_that_is_not_json_points_at_the_address(fake: FakeZendesk) -> None:
    fake.inject(ME, 200, body="<html>login</html>", content_type="text/html")
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN))
    assert error.kind == "not_json" and error.field == "subdomain"


def test_403_carries_zendesk_s_reason(fake: FakeZendesk) -> None:
    fake.inject(ME, 403, body={"error": "Forbidden", "description": "You do not have access to this page."})
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN))
    assert error.status == 403 and error.kind == "forbidden"
    assert "You do not have access to this page" in error.message


def test_404_blames_the_subdomain(fake: FakeZendesk) -> None:
    fake.inject(ME, 404, body={"error": "InvalidEndpoint", "description": "Not found"})
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN))
    assert error.status == 404 and error.field == "subdomain"
    assert "127.0.0.1" in error.message


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_zendesk_s_side(fake: FakeZendesk, status: int) -> None:
    fake.inject(ME, status, body="upstream sad", content_type="text/plain")
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN))
    assert error.status == status and error.kind == "server_error"
    assert str(status) in error.message


def test_429_is_waited_out_for_retry_after_then_retried(fake: FakeZendesk) -> None:
    fake.inject(ME, 429, headers={"Retry-After": "7"}, body={"error": "TooManyRequests"})
    sleeps = Sleeps()
    notes: list[str] = []
    identity = check(fake.url, basic_header(EMAIL, API_TOKEN), sleep=sleeps, notes=notes)
    assert identity.user_id == 1001
    assert sleeps.waits == [7.0]
    assert notes == ["Zendesk is rate limiting; waiting 7 s before retrying."]
    assert [path for _, path, _, _ in fake.requests] == [ME, ME]


def test_429_wait_is_bounded_and_retries_are_bounded(fake: FakeZendesk) -> None:
    fake.inject(ME, 429, headers={"Retry-After": "86400"}, times=None)
    sleeps = Sleeps()
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN), sleep=sleeps)
    assert error.status == 429 and error.kind == "rate_limited"
    assert sleeps.waits and all(wait == MAX_RETRY_AFTER for wait in sleeps.waits)
    assert len(sleeps.waits) <= 3
    assert len(fake.requests) == len(sleeps.waits) + 1


def test_429_without_retry_after_still_waits_a_little(fake: FakeZendesk) -> None:
    fake.inject(ME, 429, times=1)
    sleeps = Sleeps()
    check(fake.url, basic_header(EMAIL, API_TOKEN), sleep=sleeps)
    assert len(sleeps.waits) == 1 and 0 < sleeps.waits[0] <= MAX_RETRY_AFTER


def test_a_slow_answer_times_out(fake: FakeZendesk) -> None:
    fake.inject(ME, None, delay=1.5)
    started = time.monotonic()
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN), timeout=0.3)
    assert time.monotonic() - started < 1.4
    assert error.kind == "timeout"
    assert "did not answer in time" in error.message


def test_a_closed_port_is_a_refused_connection() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}", basic_header(EMAIL, API_TOKEN))
    assert error.kind == "refused"
    assert "refused the connection" in error.message


def test_an_unknown_host_is_a_dns_failure() -> None:
    error = failure("https://acme.invalid", basic_header(EMAIL, API_TOKEN))
    assert error.kind == "dns"
    assert "acme.invalid could not be found" in error.message
    assert error.field == "subdomain"


def test_no_redirect_is_followed_with_credentials(fake: FakeZendesk) -> None:
    fake.inject(ME, 302, headers={"Location": "https://evil.invalid/steal"})
    error = failure(fake.url, basic_header(EMAIL, API_TOKEN))
    assert error.status == 302
    assert len(fake.requests) == 1
