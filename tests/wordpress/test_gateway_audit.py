"""The publisher's audit against the gateway in front of WordPress, and against WordPress alone.

The audit logs in through the gateway's own Masthead login (``/accounts/login/``) as the
demo subscriber ``make gateway-demo`` creates, learns each walled post's gated text from
the access check, and then reads as a stranger through every door it knows. Through the
gateway it must find nothing; probing the bare origin with what it learnt there
(``--learn-from``) it must find the leaks the gateway exists to close — the positive
control that the audit sees what the gateway hides.

Set ``MASTHEAD_AUDIT_REPORTS=DIR`` to keep both terminal reports (docs/audit.md quotes them).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from masthead.audit import EXIT_CLEAN, EXIT_LEAKS
from masthead.audit.cli import main
from tests.wordpress.live_gateway import DEMO_PASSWORD, DEMO_SUBSCRIBER, LiveGateway
from tests.wordpress.site import WordPressSite

pytestmark = pytest.mark.wordpress


def audit(arguments: list[str], tmp_path: Path, name: str) -> tuple[int, dict, str]:
    """Run ``python -m masthead.audit`` in-process: status, JSON report, terminal output."""
    out = io.StringIO()
    report_file = tmp_path / f"{name}.json"
    status = main([*arguments, "--json", str(report_file), "--quiet"], out)
    kept = os.environ.get("MASTHEAD_AUDIT_REPORTS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        (Path(kept) / f"{name}.txt").write_text(out.getvalue())
    return status, json.loads(report_file.read_text()), out.getvalue()


def test_the_audit_finds_no_leak_through_the_gateway(
    wordpress: WordPressSite, live_gateway: LiveGateway, tmp_path: Path
) -> None:
    login = ["--email", DEMO_SUBSCRIBER, "--password", DEMO_PASSWORD]
    status, report, text = audit([live_gateway.url, *login], tmp_path, "gateway")
    leaks = [(leak["door"], leak["url"], leak["evidence"]) for leak in report["leaks"]]
    assert leaks == []
    assert report["walled"] >= len(wordpress.walled), report["not_audited"]
    assert status == EXIT_CLEAN, (report["notes"], report["incomplete"])
    last = f"leaks=0 walled={report['walled']} requests={report['requests']}"
    assert text.splitlines()[-1] == last
    # The doors WordPress leaks through were tried against the gateway.
    tried = set(report["doors_tried"])
    assert {"page", "url-variant", "feed", "cms-endpoint", "search-oracle", "media"} <= tried


def test_the_bare_origin_learnt_through_the_gateway_leaks(
    wordpress: WordPressSite, live_gateway: LiveGateway, tmp_path: Path
) -> None:
    login = ["--email", DEMO_SUBSCRIBER, "--password", DEMO_PASSWORD]
    status, report, text = audit(
        [wordpress.url, "--learn-from", live_gateway.url, *login], tmp_path, "origin"
    )
    assert status == EXIT_LEAKS
    assert report["walled"] >= len(wordpress.walled)
    found = {leak["door"] for leak in report["leaks"]}
    assert {"page", "feed", "cms-endpoint"} <= found, sorted(found)
    assert text.splitlines()[-1].startswith(f"leaks={len(report['leaks'])} walled=")
