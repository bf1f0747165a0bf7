"""The audit against a site that leaks on purpose: every planted leak found, with its door.

The fixture (``leaky_site.py``) is a plain WSGI app on a thread: no Django, the same as a
publisher's own site would be to the audit.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from masthead.audit import (
    EXIT_INCOMPLETE,
    EXIT_LEAKS,
    EXIT_NOT_AUDITED,
    AuditConfig,
    Report,
    run_audit,
)
from masthead.audit.cli import main

from . import leaky_site


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with leaky_site.serving() as url:
        yield url


@pytest.fixture(scope="module")
def report(site: str) -> Report:
    config = AuditConfig(site, email=leaky_site.EMAIL, password=leaky_site.PASSWORD)
    return run_audit(config)


def _found(report: Report) -> set[tuple[str, str]]:
    return {(leak.door, urlsplit(leak.article).path) for leak in report.leaks}


@pytest.mark.parametrize("door", sorted(leaky_site.PLANTED))
def test_it_finds_the_leak_planted_behind_each_door(report: Report, door: str) -> None:
    story = leaky_site.STORIES[leaky_site.PLANTED[door]]
    assert (door, story.path) in _found(report), sorted(_found(report))


def test_it_learns_the_three_walled_stories_and_not_the_free_one(report: Report) -> None:
    assert report.walled == 3
    assert {urlsplit(a.url).path for a in report.articles} == {
        leaky_site.STORIES[n].path for n in (1, 2, 3)
    }
    assert report.exit_code == EXIT_LEAKS
    assert not report.incomplete


def test_each_leak_carries_a_curl_line_that_reproduces_it(report: Report, site: str) -> None:
    # The forged-cookie leak needs its header, the crawler one its User-Agent: replay both.
    for door in ("check-forged-cookie", "crawler"):
        leak = next(
            leak
            for leak in report.leaks
            if leak.door == door
            and urlsplit(leak.article).path == leaky_site.STORIES[leaky_site.PLANTED[door]].path
        )
        assert leak.curl.startswith("curl ")
        answer = subprocess.run(  # noqa: S602 - the line is the audit's own, quoted by shlex
            leak.curl, shell=True, capture_output=True, text=True, timeout=30, check=False
        )
        story = leaky_site.STORIES[leaky_site.PLANTED[door]]
        assert story.gated[0].split(".")[0] in answer.stdout


def test_a_stranger_without_leaks_gets_no_false_alarm_on_the_clean_doors(report: Report) -> None:
    # The canonical pages of stories 1 and 2 are clean, and the free story is nobody's secret.
    for leak in report.leaks:
        if leak.door == "page":
            pytest.fail(f"a clean page was reported: {leak}")
    assert all(urlsplit(leak.article).path != leaky_site.STORIES[4].path for leak in report.leaks)


def test_the_command_prints_the_table_the_json_and_the_last_line(site: str, tmp_path: Path) -> None:
    out = io.StringIO()
    report_file = tmp_path / "report.json"
    status = main(
        [site, "--email", leaky_site.EMAIL, "--password", leaky_site.PASSWORD,
         "--json", str(report_file), "--quiet"],
        out,
    )  # fmt: skip
    lines = out.getvalue().strip().splitlines()
    assert status == EXIT_LEAKS
    data = json.loads(report_file.read_text())
    assert lines[-1] == f"leaks={len(data['leaks'])} walled=3 requests={data['requests']}"
    assert data["exit_code"] == EXIT_LEAKS
    assert {"door", "url", "method", "headers", "curl", "evidence"} <= set(data["leaks"][0])
    assert "search-oracle" in out.getvalue()


def test_a_wrong_password_gives_the_not_audited_status(site: str) -> None:
    out = io.StringIO()
    status = main([site, "--email", leaky_site.EMAIL, "--password", "wrong", "--quiet"], out)
    assert status == EXIT_NOT_AUDITED
    assert out.getvalue().strip().splitlines()[-1].startswith("leaks=0 walled=0 requests=")
    assert "NOT AUDITED" in out.getvalue()


def test_learning_from_a_file_finds_the_same_leaks_without_logging_in(
    site: str, tmp_path: Path
) -> None:
    learned = tmp_path / "learned.json"
    first = run_audit(
        AuditConfig(site, email=leaky_site.EMAIL, password=leaky_site.PASSWORD,
                    save_learned=learned, max_requests=60)
    )  # fmt: skip
    assert first.walled == 3
    rows = json.loads(learned.read_text())
    assert len(rows) == 3 and all(row["gated_html"] for row in rows)
    again = run_audit(AuditConfig(site, learn_file=learned))
    assert ("feed", leaky_site.STORIES[1].path) in _found(again)
    assert ("cms-endpoint", leaky_site.STORIES[2].path) in _found(again)


def test_the_audit_package_imports_no_django() -> None:
    code = "import sys, masthead, masthead.audit; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_manage_py_leak_audit_takes_the_same_arguments_and_exits_with_the_status(
    site: str,
) -> None:
    from django.core.management import call_command

    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "leak_audit", site, "--email", leaky_site.EMAIL, "--password", "wrong", "--quiet",
            stdout=out,
        )  # fmt: skip
    assert exited.value.code == EXIT_NOT_AUDITED
    assert out.getvalue().strip().splitlines()[-1].startswith("leaks=0 walled=0 requests=")


def test_learning_from_one_deployment_probes_another(site: str) -> None:
    # Two copies of the same site: the audit logs in at the first and probes the second,
    # whose addresses it reaches by path (the gateway and the bare origin behind it).
    with leaky_site.serving() as origin:
        report = run_audit(
            AuditConfig(origin, email=leaky_site.EMAIL, password=leaky_site.PASSWORD,
                        learn_from=site)
        )  # fmt: skip
    assert report.walled == 3
    feed = next(leak for leak in report.leaks if leak.door == "feed")
    assert feed.url.startswith(origin)
    assert all(urlsplit(a.url).netloc == urlsplit(site).netloc for a in report.articles)


def test_a_spent_budget_is_never_clean_and_the_progress_hook_counts_up(
    site: str, tmp_path: Path
) -> None:
    learned = tmp_path / "learned.json"
    run_audit(
        AuditConfig(site, email=leaky_site.EMAIL, password=leaky_site.PASSWORD,
                    save_learned=learned, max_requests=40)
    )  # fmt: skip
    seen: list[int] = []
    report = run_audit(
        AuditConfig(site, learn_file=learned, max_requests=12),
        lambda done, planned, what: seen.append(done),
    )
    assert report.requests == 12
    assert report.incomplete
    assert seen == sorted(seen) and seen[-1] == 12
    # Leaks found before the budget ran out still make it status 1; without any, status 4.
    assert report.exit_code == (EXIT_LEAKS if report.leaks else EXIT_INCOMPLETE)
    assert "stopped early" in " ".join(report.notes)
