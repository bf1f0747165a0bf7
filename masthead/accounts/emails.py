"""The mails readers get: welcome, receipts, payment trouble, gifts, address changes.

Each ``send_*`` function renders a plain-text template under ``accounts/email/`` and sends
it through Django's mail backend (console in the demo, SMTP by environment in production).
Sending never raises: a mail server that is down must not undo a registration or a
payment. Failures are logged without the address.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from masthead.billing.money import format_money

logger = logging.getLogger(__name__)


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


def publication_name() -> str:
    """Return the publication's name; "Masthead" when the database cannot say."""
    from masthead.newsroom.models import Publication

    try:
        return Publication.current().name
    except Exception:  # noqa: BLE001 - a mail must not fail over the masthead's name
        return "Masthead"


def sender_address() -> str:
    """Return the From of every reader mail: the publication's name and our address.

    The address is the one in ``DEFAULT_FROM_EMAIL`` (its display name, often "Masthead",
    is replaced), so readers see who writes to them.
    """
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((publication_name(), address or settings.DEFAULT_FROM_EMAIL))


def _send(template: str, to: str, context: dict[str, Any]) -> bool:
    """Render ``accounts/email/<template>.txt`` (first line: subject) and send it.

    Return False when rendering or sending failed (logged), True when the backend took it.
    """
    context = {"publication": publication_name(), **context}
    try:
        subject, _, body = render_to_string(f"accounts/email/{template}.txt", context).partition(
            "\n"
        )
        send_mail(subject.strip(), body.lstrip("\n"), sender_address(), [to])
    except Exception:
        logger.exception("mail %s could not be sent", template)
        return False
    return True


def send_welcome(user: Any) -> bool:
    """Welcome a newly registered reader; return False when the mail could not be sent."""
    return _send("welcome", user.email, {"user": user})


def send_receipt(user: Any, receipt: Receipt) -> bool:
    """Send the receipt for a payment; return False when the mail could not be sent."""
    return _send("receipt", user.email, {"user": user, "receipt": receipt})


def send_payment_failed(user: Any, retry_at: dt.datetime | None) -> bool:
    """Tell a subscriber a payment failed; return False when the mail could not be sent."""
    return _send("payment_failed", user.email, {"user": user, "retry_at": retry_at})


def send_gift_received(to: str, sender: Any, headline: str, url: str) -> bool:
    """Send a gift link to ``to`` on ``sender``'s behalf; False when it could not be sent."""
    context = {"sender": sender, "headline": headline, "url": url}
    return _send("gift_received", to, context)


def send_email_change(user: Any, new_email: str, confirm_url: str) -> bool:
    """Ask ``new_email`` to confirm it; return False when the mail could not be sent."""
    context = {"user": user, "new_email": new_email, "url": confirm_url}
    return _send("email_change", new_email, context)


def send_email_changed_notice(old_email: str, new_email: str) -> bool:
    """Tell the old address it no longer logs in; return False when it could not be sent."""
    return _send("email_changed", old_email, {"new_email": new_email})
