"""Log-in throttling never locks the owner out.

Failures count per account and network, per network, and per account from everywhere.
A guesser on one network is refused there only; an account tried from many networks
gives each network fewer attempts per window (never none), so it slows down instead of
locking, and the owner on their own network still logs in.
"""

from __future__ import annotations

import pytest

from masthead.accounts.account_forms import login_limits
from masthead.billing.tests.factories import PASSWORD, reader

pytestmark = pytest.mark.django_db
BLOCKED = b"Too many attempts to log in"
OWNER_NETWORK = "192.0.2.10"


def _log_in(client, email: str, password: str, address: str):
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


@pytest.fixture
def limits(settings):
    settings.ACCOUNTS_LOGIN_FAILURES_PER_ACCOUNT = 4  # per account and network
    settings.ACCOUNTS_LOGIN_FAILURES_PER_NETWORK = 30
    settings.ACCOUNTS_LOGIN_ATTACK_STEP = 8


def test_the_owner_logs_in_on_their_network_after_failures_elsewhere(client, limits) -> None:
    user = reader()
    for _attempt in range(10):
        _log_in(client, user.email, "wrong", address="203.0.113.9")
    assert BLOCKED in _log_in(client, user.email, PASSWORD, address="203.0.113.9").content
    owner = _log_in(client, user.email, PASSWORD, address=OWNER_NETWORK)
    assert owner.status_code == 302
    assert "_auth_user_id" in client.session


def test_an_account_tried_from_many_networks_slows_down_but_never_locks(client, limits) -> None:
    user = reader()
    allowed_per_network = []
    # An attacker with many networks: each tries until refused.
    for network in range(12):
        address = f"198.51.{network}.1"
        tries = 0
        while BLOCKED not in _log_in(client, user.email, "wrong", address=address).content:
            tries += 1
            assert tries <= 4
        allowed_per_network.append(tries)
    # Fewer attempts per network as the failures pile up (4, then 2, then 1)...
    assert allowed_per_network[0] == 4
    assert allowed_per_network[-1] == 1
    assert allowed_per_network == sorted(allowed_per_network, reverse=True)
    assert sum(allowed_per_network) < 4 * 12
    # ...but the owner, on a network of their own, still gets in at once.
    assert _log_in(client, user.email, PASSWORD, address=OWNER_NETWORK).status_code == 302


def test_the_attempts_per_network_never_reach_zero() -> None:
    limits = login_limits()
    assert limits.pair_attempts(0) == limits.pair.attempts
    assert limits.pair_attempts(10**9) == 1
    steps = [limits.pair_attempts(n * limits.attack_step) for n in range(6)]
    assert steps == sorted(steps, reverse=True)


def test_the_owner_network_is_only_refused_for_its_own_failures(client, limits) -> None:
    user = reader()
    for _ in range(4):
        _log_in(client, user.email, "wrong", address=OWNER_NETWORK)
    assert BLOCKED in _log_in(client, user.email, PASSWORD, address=OWNER_NETWORK).content
    # The same account from another network is not refused.
    assert _log_in(client, user.email, PASSWORD, address="198.51.100.3").status_code == 302


def test_a_network_guessing_many_accounts_is_refused_for_all_of_them(client, settings) -> None:
    settings.ACCOUNTS_LOGIN_FAILURES_PER_NETWORK = 5
    for number in range(5):
        _log_in(client, f"guess{number}@example.com", "wrong", address="203.0.113.20")
    user = reader()
    assert BLOCKED in _log_in(client, user.email, PASSWORD, address="203.0.113.21").content
    assert _log_in(client, user.email, PASSWORD, address=OWNER_NETWORK).status_code == 302
