"""Changing the password while logged in keeps this session and ends the others."""

from __future__ import annotations

import pytest
from django.test import Client

from masthead.billing.tests.factories import PASSWORD, reader

pytestmark = pytest.mark.django_db
NEW = "another long passphrase here"


def test_it_changes_the_password_and_logs_out_other_sessions(client) -> None:
    user = reader()
    other_device = Client()
    other_device.force_login(user)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == "/accounts/password/done/"
    assert client.get("/accounts/").status_code == 200
    assert other_device.get("/accounts/").status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) is True


def test_it_wants_the_old_password(client) -> None:
    user = reader()
    client.force_login(user)
    response = client.post(
        "/accounts/password/", {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD) is True
