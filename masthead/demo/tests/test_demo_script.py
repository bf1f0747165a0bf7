"""``make demo`` raises the network allowance: every demo visitor shares 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.test import SimpleTestCase

DEMO_SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "demo.sh"


def _demo_exports(**env: str) -> dict[str, str]:
    """Run the demo script's ``export`` lines in bash; return the environment they leave."""
    exports = [line for line in DEMO_SCRIPT.read_text().splitlines() if line.startswith("export ")]
    script = "\n".join([*exports, "env"])
    base = {k: v for k, v in os.environ.items() if k != "PAYWALL_NETWORK_DAILY_ALLOWANCE"}
    done = subprocess.run(
        ["bash", "-c", script], env={**base, **env}, capture_output=True, text=True, check=True
    )
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


class DemoNetworkAllowanceTests(SimpleTestCase):
    def test_it_raises_the_network_allowance_for_the_demo(self) -> None:
        self.assertEqual(_demo_exports()["PAYWALL_NETWORK_DAILY_ALLOWANCE"], "1000")

    def test_it_keeps_a_value_the_user_set(self) -> None:
        chosen = _demo_exports(PAYWALL_NETWORK_DAILY_ALLOWANCE="5")
        self.assertEqual(chosen["PAYWALL_NETWORK_DAILY_ALLOWANCE"], "5")
