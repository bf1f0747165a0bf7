"""The paywall's event record. Other apps call ``record``; it never raises."""

from masthead.analytics.recording import EventKind, record

__all__ = ["EventKind", "record"]
