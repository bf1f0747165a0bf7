from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo app: no models and nothing at start-up, only ``manage.py load_demo``.

    It stays installed in production so that the command exists there too (``make prod``
    and the bench load the demo into a production-shaped site).
    """

    name = "masthead.demo"
    label = "demo"
    verbose_name = "Demo"
