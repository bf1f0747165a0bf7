"""The mail a gift link travels in, sent on a subscriber's behalf.

The template is ``gifts/email/gift_received.txt`` (first line: subject); it goes out
through ``masthead.core.mail`` from the publication and never raises.
"""

from __future__ import annotations

from typing import Any

from masthead.core import mail
from masthead.newsroom.models import publication_name


def send_gift_received(to: str, sender: Any, headline: str, url: str) -> bool:
    """Send a gift link to ``to`` on ``sender``'s behalf; False when it could not be sent."""
    context = {"sender": sender, "headline": headline, "url": url}
    return mail.send_templated(
        "gifts/email/gift_received.txt", to, context, publication=publication_name()
    )
