"""The paywall's event record. Other apps call ``record``; it never raises."""

from masthead.analytics.recording import EventKind, flush, record

__all__ = ["EventKind", "flush", "record"]
