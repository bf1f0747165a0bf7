"""A real WordPress for tests: the one the environment names, or one started here.

``MASTHEAD_TEST_WP_URL`` (with the other variables ``python -m devservices start mariadb
wordpress --print-env`` prints) points at a running site; without it, ``wordpress_site``
starts MariaDB and WordPress through the launcher in a run folder of their own, next to
the test services' folder (a second start reuses the installed, seeded database: ≈ 1 s),
and stops them when the block ends.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from devservices import Launcher, MariaDB, WordPress, default_run_dir
from devservices.wordpress_seed import SeededPost, load_seeded

PROGRAMS = ("mariadbd", "php", "php-fpm8.2", "nginx")


@dataclass(frozen=True)
class WordPressSite:
    """How to reach the test WordPress, and what it was seeded with."""

    url: str
    admin_user: str
    admin_password: str
    app_password: str
    posts: tuple[SeededPost, ...]

    def post(self, slug: str) -> SeededPost:
        """The seeded post called ``slug``."""
        return next(post for post in self.posts if post.slug == slug)

    @property
    def walled(self) -> tuple[SeededPost, ...]:
        """The posts tagged ``subscriber`` (each with a gated part)."""
        return tuple(post for post in self.posts if post.walled)

    @property
    def free(self) -> tuple[SeededPost, ...]:
        """The posts (type post) with no gated part."""
        return tuple(p for p in self.posts if not p.walled and p.post_type == "post")


def missing_programs() -> list[str]:
    """The programs a WordPress start needs that are not installed."""
    return [program for program in PROGRAMS if shutil.which(program) is None]


def _site(variables: dict[str, str]) -> WordPressSite:
    return WordPressSite(
        url=variables["WP_URL"],
        admin_user=variables["WP_ADMIN_USER"],
        admin_password=variables["WP_ADMIN_PASSWORD"],
        app_password=variables["WP_APP_PASSWORD"],
        posts=tuple(load_seeded(variables["WP_SEED"])),
    )


# The site this process started, while some block still uses it.
_running: WordPressSite | None = None
_users = 0


@contextmanager
def wordpress_site() -> Iterator[WordPressSite]:
    """Yield the test WordPress (see the module's docstring)."""
    prefix = "MASTHEAD_TEST_"
    if os.environ.get(prefix + "WP_URL"):
        given = {
            key[len(prefix) :]: value for key, value in os.environ.items() if key.startswith(prefix)
        }
        yield _site(given)
        return
    global _running, _users
    if _running is not None:
        # Nested uses (a module's fixture inside the session's) share the one site: only
        # the outermost stops it, or the inner block's end would stop the outer's servers.
        _users += 1
        try:
            yield _running
        finally:
            _users -= 1
        return
    services = default_run_dir()
    run_dir = services.with_name(services.name + "-wordpress")
    with Launcher(run_dir) as launcher:
        launcher.start(MariaDB())
        site = launcher.start(WordPress())
        _running, _users = _site(site.env()), 1
        try:
            yield _running
        finally:
            _running, _users = None, 0
