"""The mails billing sends subscribers: receipts, failed payments, plan changes.

Templates live under ``billing/email/`` (first line: subject) and go out through
``masthead.core.mail``, from the publication. Sending never raises; it returns False on
failure, so a mail server that is down never undoes a payment.

Stripe's receipts come from the ``invoice.paid`` webhook; test payments have no webhook,
so theirs are sent when the offline checkout or a plan change charges the reader.
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


def send_plan_changed(
    user: Any,
    *,
    old_plan: str,
    new_plan: str,
    effective_at: dt.datetime | None,
    charged: str = "",
    price: str = "",
) -> bool:
    """Tell ``user`` their plan changed (``effective_at`` None) or will change on that day.

    ``charged`` is the prorated amount taken now ("$6.00"), "" when nothing was charged
    or the provider's invoice says it; ``price`` is the new plan's "$15.00/month".
    """
    context = {
        "user": user,
        "old_plan": old_plan,
        "new_plan": new_plan,
        "effective_at": effective_at,
        "charged": charged,
        "price": price,
    }
    return _send("plan_changed", user.email, context)


def send_test_receipt(
    user: Any, *, number: str, amount_minor: int, currency: str, plan_name: str, at: dt.datetime
) -> bool:
    """Send the receipt of a test payment, shaped like a Stripe invoice's receipt."""
    receipt = Receipt(
        number=number, amount_minor=amount_minor, currency=currency, plan_name=plan_name, paid_at=at
    )
    return send_receipt(user, receipt)
