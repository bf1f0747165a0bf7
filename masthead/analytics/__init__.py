"""The paywall's event record and the publisher's dashboard.

Other apps record events through ``masthead.core.events``, which this app subscribes to;
they need not import anything from here. ``EventKind`` is re-exported for this app's
callers and tests.
"""

from masthead.analytics.articles import article_id_for
from masthead.analytics.recording import flush
from masthead.core.events import EventKind

__all__ = ["EventKind", "article_id_for", "flush"]
