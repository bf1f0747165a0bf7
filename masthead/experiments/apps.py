from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "masthead.experiments"
    label = "experiments"
    verbose_name = "Experiments"
