"""Sending the site's plain-text mails through Django's mail backend.

A mail is a template whose first line is the subject and whose rest is the body. Sending
never raises: a mail server that is down must not undo a registration or a payment.
Failures are logged with the template's name, never the address.

Every mail comes from the publication: its name replaces the display name of
``DEFAULT_FROM_EMAIL``. ``core`` cannot know that name, so callers pass it in (the
newsroom's ``publication_name()``); it is also in the template context as ``publication``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def sender_address(publication: str) -> str:
    """Return the From of every reader mail: ``publication`` and our address.

    The address is the one in ``DEFAULT_FROM_EMAIL`` (its display name, often "Masthead",
    is replaced), so readers see who writes to them.
    """
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((publication, address or settings.DEFAULT_FROM_EMAIL))


def send_templated(
    template: str, to: str, context: Mapping[str, Any], *, publication: str
) -> bool:
    """Render ``template`` (first line: subject) and send it to ``to`` from ``publication``.

    Return False when rendering or sending failed (logged), True when the backend took it.
    """
    name = PurePosixPath(template).stem
    full_context = {"publication": publication, **context}
    try:
        subject, _, body = render_to_string(template, full_context).partition("\n")
        send_mail(subject.strip(), body.lstrip("\n"), sender_address(publication), [to])
    except Exception:
        logger.exception("mail %s could not be sent", name)
        return False
    return True
