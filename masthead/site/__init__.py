"""Site-level commands: the ones that belong to no single app (``manage.py leak_audit``)."""
