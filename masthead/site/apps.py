"""The site app: management commands of the whole site; no models, nothing at ready time."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Installed so that Django finds ``manage.py leak_audit``."""

    name = "masthead.site"
    label = "masthead_site"
    verbose_name = "Site commands"
