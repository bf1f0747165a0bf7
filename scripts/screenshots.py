#!/usr/bin/env python
"""Take screenshots of the publisher's dashboard in Chromium, for the docs and the README.

Run it against a demo database that holds the synthetic traffic (``make demo`` loads it):

    .venv/bin/python scripts/screenshots.py                # starts its own server
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8000

Without ``--url`` it serves the current database (``DATABASE_URL`` or ``var/``) with
``manage.py runserver`` on a free local port, in demo mode, and stops it afterwards. It
logs in as the demo editor and writes ``docs/screenshots/dashboard*.png`` and the demo
experiment's page, ``docs/screenshots/experiments.png``, then, as an anonymous reader, the
front page and the newest article at desktop and phone sizes (``front-desktop.png``,
``front-phone.png``, ``story-desktop.png``, ``story-phone.png``: the first screen only, as
a reader sees it on arrival).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a file, this script sees scripts/ first on its path: add the checkout for devservices.
sys.path.insert(0, str(ROOT))

from devservices import chromium  # noqa: E402
from devservices.ports import free_port  # noqa: E402


def _wait_until_up(url: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/admin/login/", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            raise SystemExit(f"the server at {url} answered {error.code}") from error
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server at {url} did not answer within {seconds:.0f} s")


@contextlib.contextmanager
def _own_server() -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "MASTHEAD_DEMO": "True"}
    # The admin's styles come from the collected, hashed static files.
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def take(url: str, out: Path, email: str, password: str) -> list[Path]:
    """Log in at ``url`` and save the dashboard screenshots into ``out``; return their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        page.goto(f"{url}/admin/login/?next=/admin/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_url(f"{url}/admin/")
        saved.append(_shot(page.screenshot, out / "dashboard-admin-index.png"))
        page.click("text=Dashboard")
        page.wait_for_selector("#funnel svg")
        saved.append(_shot(page.screenshot, out / "dashboard.png"))
        saved.append(_shot(page.locator("#daily").screenshot, out / "dashboard-daily.png"))
        for name in ("top-articles", "meter"):
            path = out / f"dashboard-{name}.png"
            saved.append(_shot(page.locator(f"#{name}").screenshot, path))
        # The experiments page of the demo's running experiment (issue 15).
        page.click("text=Experiments on the paywall")
        page.wait_for_url(f"{url}/admin/dashboard/experiments/")
        page.click("#content-main table a >> nth=0")
        page.wait_for_selector(".experiment-arms")
        full = lambda path: page.screenshot(path=path, full_page=True)  # noqa: E731
        saved.append(_shot(full, out / "experiments.png"))
        saved.extend(_reader_pages(browser, url, out))
        browser.close()
    return saved


SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def _reader_pages(browser: object, url: str, out: Path) -> list[Path]:
    """Save the front page and the newest article's first screen at each size."""
    saved: list[Path] = []
    for size, viewport in SIZES.items():
        context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(f"{url}/")
        page.wait_for_load_state("networkidle")
        saved.append(_shot(page.screenshot, out / f"front-{size}.png"))
        page.locator(".card-headline a").first.click()
        page.wait_for_selector("#headline")
        # The check's answer: the preview's rest or a wall.
        page.wait_for_function("() => window.mastheadPaywall && window.mastheadPaywall.access")
        page.wait_for_load_state("networkidle")
        saved.append(_shot(page.screenshot, out / f"story-{size}.png"))
        context.close()
    return saved


def _shot(camera: object, path: Path) -> Path:
    camera(path=str(path))  # type: ignore[operator]
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running Masthead demo (default: start one)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--email", default="editor@example.com")
    parser.add_argument("--password", default="masthead-demo")
    options = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = options.url or stack.enter_context(_own_server())
        for path in take(url.rstrip("/"), options.out, options.email, options.password):
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


if __name__ == "__main__":
    main()
