"""The mails billing sends subscribers: receipts and failed payments.

Templates live under ``billing/email/`` (first line: subject) and go out through
``masthead.core.mail``, from the publication. Sending never raises; it returns False on
failure, so a mail server that is down never undoes a payment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from masthead.core import mail
from masthead.newsroom.models import publication_name

from .money import format_money


@dataclass(frozen=True)
class Receipt:
    """What a receipt mail says about one payment."""

    number: str
    amount_minor: int
    currency: str
    plan_name: str = ""
    paid_at: dt.datetime | None = None
    url: str = ""

    @property
    def amount_display(self) -> str:
        """Return the amount as people read it, e.g. "$15.00" or "15.00 CHF"."""
        return format_money(self.amount_minor, self.currency)


def _send(template: str, to: str, context: dict[str, Any]) -> bool:
    return mail.send_templated(
        f"billing/email/{template}.txt", to, context, publication=publication_name()
    )


def send_receipt(user: Any, receipt: Receipt) -> bool:
    """Send the receipt for a payment; return False when the mail could not be sent."""
    return _send("receipt", user.email, {"user": user, "receipt": receipt})


def send_payment_failed(user: Any, retry_at: dt.datetime | None) -> bool:
    """Tell a subscriber a payment failed; return False when the mail could not be sent."""
    return _send("payment_failed", user.email, {"user": user, "retry_at": retry_at})
