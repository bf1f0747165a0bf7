import atexit

from django.apps import AppConfig


class ExperimentsConfig(AppConfig):
    name = "masthead.experiments"
    label = "experiments"
    verbose_name = "Experiments"

    def ready(self) -> None:
        """Credit events to arms; give a new account its visitor's arm at login."""
        from django.contrib.auth.signals import user_logged_in

        from masthead.core import events
        from masthead.experiments import assignment
        from masthead.experiments.recording import credit, enrich, link_on_login

        events.add_enricher(enrich)
        events.subscribe(credit)
        user_logged_in.connect(link_on_login, dispatch_uid="experiments.link_on_login")
        # Counters still in memory when the process ends are written on the way out.
        atexit.register(assignment.flush_counts)
