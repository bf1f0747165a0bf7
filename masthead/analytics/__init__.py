"""The paywall's event record. Other apps call ``record``; it never raises."""

from masthead.analytics.articles import article_id_for
from masthead.analytics.recording import EventKind, flush, record

__all__ = ["EventKind", "article_id_for", "flush", "record"]
