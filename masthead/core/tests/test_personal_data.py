"""Holders of account data: every registered holder exports and erases by account id."""

from __future__ import annotations

import pytest

from masthead.core import personal_data


@pytest.mark.django_db
def test_every_registered_holder_exports_and_erases() -> None:
    erased: list[int] = []

    def erase(user_id: int) -> int:
        erased.append(user_id)
        return 1

    holder = personal_data.Holder("test_holder", export=lambda user_id: [user_id], erase=erase)
    personal_data.register(holder)
    try:
        assert personal_data.export_all(7)["test_holder"] == [7]
        assert personal_data.erase_all(7)["test_holder"] == 1
        assert erased == [7]
    finally:
        personal_data._holders.pop("test_holder")


def test_analytics_holds_account_events() -> None:
    assert "analytics_events" in {holder.name for holder in personal_data.holders()}
