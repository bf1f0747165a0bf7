"""Debian's Chromium as every test, benchmark and script launches it: one path, one set of flags.

Playwright cannot download its own browser here, so everything drives the distribution's
binary. The flags keep a headless run quiet and self-contained: no sandbox (we run as root
in containers), no GPU, no shared-memory file system (small in containers), and no calls
home (updates, sync, QUIC probes).
"""

from __future__ import annotations

from typing import Any

EXECUTABLE = "/usr/bin/chromium"
ARGS: tuple[str, ...] = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def launch(playwright: Any, **options: Any) -> Any:
    """Launch headless Chromium through a started Playwright and return the browser.

    ``options`` go to ``playwright.chromium.launch`` (they may override ``headless``).
    """
    settings: dict[str, Any] = {"executable_path": EXECUTABLE, "args": list(ARGS)}
    settings["headless"] = True
    settings.update(options)
    return playwright.chromium.launch(**settings)
