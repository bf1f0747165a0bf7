"""The leak audit a publisher runs against any deployment (docs/audit.md).

It imports nothing from Django or from Masthead's apps, and needs no database or
settings: ``python -m masthead.audit URL --email E --password P`` from any machine.
"""

from masthead.audit.config import (
    EXIT_CLEAN,
    EXIT_INCOMPLETE,
    EXIT_LEAKS,
    EXIT_NOT_AUDITED,
    EXIT_USAGE,
    AuditConfig,
)
from masthead.audit.engine import run_audit
from masthead.audit.report import Article, Leak, Report

__all__ = [
    "EXIT_CLEAN",
    "EXIT_INCOMPLETE",
    "EXIT_LEAKS",
    "EXIT_NOT_AUDITED",
    "EXIT_USAGE",
    "Article",
    "AuditConfig",
    "Leak",
    "Report",
    "run_audit",
]
