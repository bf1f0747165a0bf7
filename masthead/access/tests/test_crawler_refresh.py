"""``manage.py refresh_crawler_ranges`` against a local HTTP server on 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import tempfile
import threading
import time
from pathlib import Path
from typing import ClassVar

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase, override_settings

from masthead.access.crawlers.ranges import parse_ranges
from masthead.access.tests.test_crawler_ranges import range_file

GOOD = range_file("127.0.20.0/24", "fd00:20::/64")
OLD = range_file("127.0.99.0/24")


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {
        "/good.json": (200, GOOD),
        "/bad.json": (200, "<html>maintenance</html>"),
        "/empty.json": (200, '{"creationTime": "x", "prefixes": []}'),
    }

    def do_GET(self) -> None:
        if self.path == "/slow.json":
            time.sleep(1.5)
        status, body = self.routes.get(self.path, (404, "not found"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


class RefreshCommandTests(SimpleTestCase):
    server: ClassVar[http.server.ThreadingHTTPServer]
    base: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)

    def setUp(self) -> None:
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (self.dir / "kept.json").write_text(OLD)

    def refresh(self, **urls: str) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        mapping = {f"{name}.json": self.base + path for name, path in urls.items()}
        with override_settings(CRAWLERS_RANGES_DIR=str(self.dir), CRAWLERS_RANGE_URLS=mapping):
            try:
                call_command("refresh_crawler_ranges", "--timeout", "0.5", stdout=out, stderr=err)
            finally:
                self.leftovers = [p.name for p in self.dir.iterdir() if p.name.startswith(".")]
        return out.getvalue(), err.getvalue()

    def assertKept(self) -> None:
        self.assertEqual((self.dir / "kept.json").read_text(), OLD)
        self.assertEqual(self.leftovers, [])

    def test_it_writes_a_good_file(self) -> None:
        out, _ = self.refresh(fresh="/good.json", kept="/good.json")
        self.assertEqual((self.dir / "fresh.json").read_text(), GOOD)
        self.assertEqual((self.dir / "kept.json").read_text(), GOOD)
        self.assertEqual(len(parse_ranges((self.dir / "fresh.json").read_text())), 2)
        self.assertIn("fresh.json: 2 prefixes", out)
        self.assertEqual(self.leftovers, [])

    def test_it_keeps_the_old_file_when_the_body_is_not_json(self) -> None:
        with self.assertRaisesMessage(CommandError, "1 range file(s) not refreshed"):
            self.refresh(kept="/bad.json")
        self.assertKept()

    def test_it_keeps_the_old_file_when_the_list_is_empty(self) -> None:
        with self.assertRaises(CommandError):
            self.refresh(kept="/empty.json")
        self.assertKept()

    def test_it_keeps_the_old_file_on_a_404(self) -> None:
        with self.assertRaises(CommandError):
            self.refresh(kept="/missing.json")
        self.assertKept()

    def test_it_keeps_the_old_file_on_a_timeout(self) -> None:
        started = time.monotonic()
        with self.assertRaises(CommandError):
            self.refresh(kept="/slow.json")
        self.assertLess(time.monotonic() - started, 1.4)
        self.assertKept()

    def test_it_refreshes_the_good_files_when_another_fails(self) -> None:
        with self.assertRaisesMessage(CommandError, "1 range file(s)"):
            self.refresh(fresh="/good.json", kept="/missing.json")
        self.assertEqual((self.dir / "fresh.json").read_text(), GOOD)
        self.assertKept()

    def test_it_refuses_a_name_outside_the_directory(self) -> None:
        out, err = io.StringIO(), io.StringIO()
        urls = {"../escape.json": self.base + "/good.json"}
        with override_settings(CRAWLERS_RANGES_DIR=str(self.dir), CRAWLERS_RANGE_URLS=urls):
            with self.assertRaises(CommandError):
                call_command("refresh_crawler_ranges", stdout=out, stderr=err)
        self.assertFalse((self.dir.parent / "escape.json").exists())

    def test_it_refuses_a_non_http_url(self) -> None:
        urls = {"local.json": f"file://{self.dir / 'kept.json'}"}
        with override_settings(CRAWLERS_RANGES_DIR=str(self.dir), CRAWLERS_RANGE_URLS=urls):
            with self.assertRaises(CommandError):
                call_command("refresh_crawler_ranges", stdout=io.StringIO(), stderr=io.StringIO())
        self.assertFalse((self.dir / "local.json").exists())
