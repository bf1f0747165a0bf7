"""The mails accounts sends readers: welcome, address confirmation and address changes.

Each ``send_*`` function renders a plain-text template under ``accounts/email/`` and
sends it with ``masthead.core.mail`` (console in the demo, SMTP by environment in
production), from the publication. Sending never raises; it returns False on failure.
Receipts and payment trouble are billing's (``masthead.billing.emails``), gift links are
gifts' (``masthead.gifts.emails``).
"""

from __future__ import annotations

from typing import Any

from masthead.core import mail
from masthead.newsroom.models import publication_name


def _send(template: str, to: str, context: dict[str, Any]) -> bool:
    return mail.send_templated(
        f"accounts/email/{template}.txt", to, context, publication=publication_name()
    )


def send_welcome(user: Any) -> bool:
    """Welcome a newly registered reader; return False when the mail could not be sent."""
    return _send("welcome", user.email, {"user": user})


def send_confirmation(user: Any, confirm_url: str) -> bool:
    """Ask a new reader to confirm their address; return False when it was not sent."""
    return _send("confirm_email", user.email, {"user": user, "url": confirm_url})


def send_email_change(user: Any, new_email: str, confirm_url: str) -> bool:
    """Ask ``new_email`` to confirm it; return False when the mail could not be sent."""
    context = {"user": user, "new_email": new_email, "url": confirm_url}
    return _send("email_change", new_email, context)


def send_email_changed_notice(old_email: str, new_email: str) -> bool:
    """Tell the old address it no longer logs in; return False when it could not be sent."""
    return _send("email_changed", old_email, {"new_email": new_email})
