"""Log-in failures and reset requests are limited per account and per client network."""

from __future__ import annotations

import re

import pytest

from masthead.billing.tests.factories import PASSWORD, reader

pytestmark = pytest.mark.django_db
BLOCKED = b"Too many attempts to log in"


def _log_in(client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def _errors(response) -> str:
    found = re.search(r'<div class="form-errors".*?</div>', response.content.decode(), re.S)
    return found.group(0) if found else ""


@pytest.fixture
def limits(settings):
    settings.ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.ACCOUNTS_LOGIN_FAILURES_PER_NETWORK = 6
    settings.ACCOUNTS_RESETS_PER_ACCOUNT = 2
    settings.ACCOUNTS_RESETS_PER_NETWORK = 4


def test_it_stops_checking_passwords_after_too_many_failures(client, limits) -> None:
    user = reader()
    for _ in range(3):
        assert BLOCKED not in _log_in(client, user.email, "wrong").content
    refused = _log_in(client, user.email, PASSWORD)
    assert refused.status_code == 200
    assert BLOCKED in refused.content
    assert b"wait 15 minutes" in refused.content
    assert "_auth_user_id" not in client.session


def test_it_answers_alike_for_unknown_addresses(client, limits) -> None:
    user = reader()
    known = _errors(_log_in(client, user.email, "wrong"))
    unknown = _errors(_log_in(client, "nobody@example.com", "wrong"))
    assert known == unknown
    assert "do not match an account" in known
    for _ in range(2):
        _log_in(client, "nobody@example.com", "wrong")
    assert BLOCKED in _log_in(client, "nobody@example.com", "wrong").content


def test_it_limits_a_network_trying_many_accounts(client, limits) -> None:
    for number in range(6):
        _log_in(client, f"guess{number}@example.com", "wrong", address=f"198.51.100.{number + 1}")
    user = reader()
    assert BLOCKED in _log_in(client, user.email, PASSWORD, address="198.51.100.200").content
    # Another network is not affected.
    assert _log_in(client, user.email, PASSWORD, address="192.0.2.1").status_code == 302


def test_it_forgets_failures_after_a_successful_log_in(client, limits) -> None:
    user = reader()
    for _ in range(2):
        _log_in(client, user.email, "wrong")
    assert _log_in(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _log_in(client, user.email, "wrong")
    assert _log_in(client, user.email, PASSWORD).status_code == 302


def test_it_limits_reset_requests_per_address(client, limits, smtp) -> None:
    user = reader()
    for _ in range(2):
        assert client.post("/accounts/reset/", {"email": user.email}).status_code == 302
    refused = client.post("/accounts/reset/", {"email": user.email})
    assert refused.status_code == 200
    assert b"Too many reset requests" in refused.content
    assert len(smtp.to(user.email)) == 2


def test_it_limits_reset_requests_per_network(client, limits, smtp) -> None:
    for number in range(4):
        client.post("/accounts/reset/", {"email": f"someone{number}@example.com"})
    refused = client.post("/accounts/reset/", {"email": reader().email})
    assert b"Too many reset requests" in refused.content
