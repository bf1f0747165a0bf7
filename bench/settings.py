"""The app's own settings plus the benchmark's baseline views (never in the app's URLs)."""

from masthead.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
