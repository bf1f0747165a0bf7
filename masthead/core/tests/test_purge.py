"""The cache purge: nginx's requests, retries, origins, settings checked at start-up."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import ClassVar
from unittest.mock import patch

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from masthead.core import purge
from masthead.core.apps import check_cache_purge, check_django_dotted_paths
from masthead.core.dotted_paths import masthead_dotted_settings, refuse_bad_dotted_paths


class _CacheNode(http.server.BaseHTTPRequestHandler):
    """A stand-in for nginx's purge location: records each path, answers a set status."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[str]] = []
    status: ClassVar[int] = 200

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        body = b"purged"
        self.send_response(type(self).status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _node(status: int = 200) -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Node", (_CacheNode,), {"seen": seen, "status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/_purge", seen
    finally:
        server.shutdown()
        server.server_close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NginxTargetTests(SimpleTestCase):
    def test_it_puts_the_scheme_and_host_of_the_cache_key_in_the_path(self) -> None:
        self.assertEqual(
            purge.nginx_purge_target(
                "http://10.0.0.5:8080/_purge/", "https://News.Example.com:443/2026/01/02/a-b/"
            ),
            "/_purge/https/news.example.com/2026/01/02/a-b/",
        )

    def test_it_keeps_a_query_string(self) -> None:
        self.assertEqual(
            purge.nginx_purge_target("http://n/_purge", "http://site/?page=2"),
            "/_purge/http/site/?page=2",
        )


class NginxPurgerTests(SimpleTestCase):
    def test_it_asks_every_node_for_every_url(self) -> None:
        urls = ["https://news.example.com/2026/01/02/a/", "http://news.example.com/"]
        with _node() as (first, seen_first), _node(404) as (second, seen_second):
            failed = purge.NginxPurger([first, second], timeout=2).purge(urls)
        self.assertEqual(failed, [])  # 404: nothing was cached, which is purged enough
        expected = [
            "/_purge/https/news.example.com/2026/01/02/a/",
            "/_purge/http/news.example.com/",
        ]
        self.assertEqual(seen_first, expected)
        self.assertEqual(seen_second, expected)

    def test_it_reports_what_a_node_refused(self) -> None:
        with _node(403) as (node, _seen):
            failed = purge.NginxPurger([node], timeout=2).purge(["http://a/x/"])
        self.assertEqual(failed, ["http://a/x/"])

    def test_an_unreachable_node_fails_its_urls_at_once(self) -> None:
        down = f"http://127.0.0.1:{_closed_port()}/_purge"
        urls = ["http://a/1/", "http://a/2/", "http://a/3/"]
        with _node() as (up, seen):
            failed = purge.NginxPurger([down, up], timeout=2).purge(urls)
        self.assertEqual(failed, urls)
        self.assertEqual(len(seen), 3)  # the node that is up still purged everything

    def test_without_nodes_it_does_nothing(self) -> None:
        self.assertEqual(purge.NginxPurger([]).purge(["http://a/"]), [])


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class _Flaky:
    """Fails every URL ``failures`` times, then purges; records every call."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[list[str]] = []

    def purge(self, urls: Sequence[str]) -> list[str]:
        self.calls.append(list(urls))
        if self.failures > 0:
            self.failures -= 1
            return list(urls)
        return []


class DispatcherTests(SimpleTestCase):
    def _dispatcher(self, purger: purge.Purger) -> tuple[purge.Dispatcher, _Clock]:
        clock = _Clock()
        return purge.Dispatcher(lambda: purger, clock=clock, background=False), clock

    def test_it_purges_at_once_and_keeps_nothing_when_all_went_well(self) -> None:
        purger = _Flaky(0)
        dispatcher, _clock = self._dispatcher(purger)
        self.assertEqual(dispatcher.purge(["http://a/1/", "http://a/1/"]), [])
        self.assertEqual(purger.calls, [["http://a/1/"]])
        self.assertEqual(dispatcher.pending(), [])

    def test_it_retries_briefly_then_gives_up_with_an_error_in_the_log(self) -> None:
        purger = _Flaky(99)
        dispatcher, clock = self._dispatcher(purger)
        self.assertEqual(dispatcher.purge(["http://a/1/"]), ["http://a/1/"])
        for delay in purge.RETRY_DELAYS:
            self.assertEqual([due for due, _urls in dispatcher.pending()], [delay])
            clock.now += delay
            with self.assertLogs("masthead.core.purge", "WARNING") as logs:
                self.assertEqual(dispatcher.run_due(), 1)
        self.assertIn("cache_purge_failed", logs.output[-1])
        self.assertEqual(dispatcher.pending(), [])
        self.assertEqual(len(purger.calls), 1 + len(purge.RETRY_DELAYS))

    def test_a_retry_that_succeeds_ends_the_matter(self) -> None:
        purger = _Flaky(1)
        dispatcher, clock = self._dispatcher(purger)
        dispatcher.purge(["http://a/1/"])
        clock.now += purge.RETRY_DELAYS[0]
        dispatcher.run_due()
        self.assertEqual(dispatcher.pending(), [])

    def test_it_purges_once_more_when_asked(self) -> None:
        purger = _Flaky(0)
        dispatcher, clock = self._dispatcher(purger)
        dispatcher.purge(["http://a/1/"], again_after=11)
        self.assertEqual(dispatcher.pending(), [(11.0, ["http://a/1/"])])
        clock.now += 10
        self.assertEqual(dispatcher.run_due(), 0)
        clock.now += 1
        self.assertEqual(dispatcher.run_due(), 1)
        self.assertEqual(purger.calls, [["http://a/1/"], ["http://a/1/"]])

    def test_a_purger_that_raises_never_reaches_the_caller(self) -> None:
        class Broken:
            def purge(self, urls: Sequence[str]) -> list[str]:
                raise RuntimeError("CDN API down")

        dispatcher, _clock = self._dispatcher(Broken())
        with self.assertLogs("masthead.core.purge", "ERROR"):
            self.assertEqual(dispatcher.purge(["http://a/1/"]), ["http://a/1/"])
        self.assertEqual(len(dispatcher.pending()), 1)

    def test_a_large_purge_sends_the_rest_to_the_background(self) -> None:
        purger = _Flaky(0)
        dispatcher, _clock = self._dispatcher(purger)
        urls = [f"http://a/{n}/" for n in range(purge.SYNC_LIMIT + 5)]
        self.assertEqual(dispatcher.purge(urls), urls[purge.SYNC_LIMIT :])
        self.assertEqual(purger.calls, [urls[: purge.SYNC_LIMIT]])
        self.assertEqual(dispatcher.run_due(), 1)
        self.assertEqual(purger.calls[-1], urls[purge.SYNC_LIMIT :])


class OriginTests(SimpleTestCase):
    @override_settings(ALLOWED_HOSTS=["News.example.com", ".example.com", "*"])
    def test_by_default_every_plain_allowed_host_over_both_schemes(self) -> None:
        self.assertEqual(purge.origins(), ["http://news.example.com", "https://news.example.com"])

    @override_settings(CACHE_PURGE_ORIGINS=["https://news.example.com/"])
    def test_the_setting_wins(self) -> None:
        self.assertEqual(purge.origins(), ["https://news.example.com"])
        self.assertEqual(
            purge.urls_for(["/a/", "/b/"]),
            ["https://news.example.com/a/", "https://news.example.com/b/"],
        )


class SettingsTests(SimpleTestCase):
    def test_the_shipped_defaults_purge_nothing(self) -> None:
        self.assertIs(purge.is_enabled(), False)
        self.assertEqual(purge.setting_problems(), [])

    @override_settings(
        CACHE_PURGE_URLS=["ftp://node/_purge", "http://node:port/_purge", "http://ok:80/_purge"],
        CACHE_PURGE_ORIGINS=["news.example.com"],
        CACHE_PURGE_TIMEOUT=0,
    )
    def test_it_names_every_setting_that_cannot_work(self) -> None:
        problems = purge.setting_problems()
        self.assertEqual(len(problems), 4, problems)
        self.assertIn("ftp://node/_purge", problems[0])
        self.assertIn("bad port", problems[1])
        self.assertIn("CACHE_PURGE_ORIGINS", problems[2])
        self.assertIn("CACHE_PURGE_TIMEOUT", problems[3])
        self.assertEqual({error.id for error in check_cache_purge()}, {"core.E002"})

    @override_settings(CACHE_PURGER="masthead.core.purge.NoSuchPurger")
    def test_a_purger_that_does_not_import_stops_the_start(self) -> None:
        with self.assertRaisesMessage(ImproperlyConfigured, "CACHE_PURGER"):
            refuse_bad_dotted_paths(masthead_dotted_settings())
        self.assertIn("CACHE_PURGER", " ".join(e.msg for e in check_django_dotted_paths()))

    @override_settings(CACHE_PURGER="masthead.core.tests.test_purge.RecordingPurger")
    def test_a_purger_of_ones_own_switches_purging_on(self) -> None:
        refuse_bad_dotted_paths(masthead_dotted_settings())  # imports: no refusal
        self.assertIs(purge.is_enabled(), True)
        purge.forget_purgers()
        self.assertIsInstance(purge.current_purger(), RecordingPurger)
        self.assertIsInstance(purge.current_purger(), purge.Purger)


class RecordingPurger:
    """A purger of one's own (as a CDN's would be): records what it was asked."""

    calls: ClassVar[list[list[str]]] = []

    def purge(self, urls: Sequence[str]) -> list[str]:
        type(self).calls.append(list(urls))
        return []


class DrainTests(SimpleTestCase):
    """A one-shot process waits for the repeats its daemon thread would drop at exit."""

    def test_drain_runs_the_repeat_when_it_falls_due_and_stops(self) -> None:
        seen: list[list[str]] = []

        class Recording:
            def purge(self, urls: Sequence[str]) -> list[str]:
                seen.append(list(urls))
                return []

        now = [0.0]
        dispatcher = purge.Dispatcher(Recording, clock=lambda: now[0], background=False)
        dispatcher.purge(["http://x/a"], again_after=3.0)
        self.assertEqual(len(seen), 1)

        def advance(seconds: float) -> None:
            now[0] += seconds

        with patch("masthead.core.purge.time.sleep", side_effect=advance):
            self.assertTrue(dispatcher.drain(timeout=10.0))
        self.assertEqual(seen, [["http://x/a"], ["http://x/a"]])
        self.assertEqual(dispatcher.pending(), [])

    def test_drain_gives_up_at_its_timeout(self) -> None:
        class Down:
            def purge(self, urls: Sequence[str]) -> list[str]:
                return list(urls)

        now = [0.0]
        dispatcher = purge.Dispatcher(Down, clock=lambda: now[0], background=False)
        dispatcher.purge(["http://x/a"], again_after=30.0)

        def advance(seconds: float) -> None:
            now[0] += seconds

        with patch("masthead.core.purge.time.sleep", side_effect=advance):
            self.assertFalse(dispatcher.drain(timeout=5.0))
