"""``python -m masthead.audit URL --email E --password P``: the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from masthead.audit.config import (
    DEFAULT_MAX_ARTICLES,
    DEFAULT_MAX_REQUESTS,
    DEFAULT_SHINGLE,
    DEFAULT_TIMEOUT,
    EXIT_USAGE,
    AuditConfig,
)
from masthead.audit.engine import run_audit
from masthead.audit.report import Report

DESCRIPTION = (
    "Audit a deployment for paywall leaks: learn each walled article's gated text as the "
    "given subscriber, then read as strangers through every door found (pages, URL "
    "variants, feeds, sitemaps, CMS endpoints, spoofed crawlers, forged headers, the access "
    "check replayed, gated media, search). Exit status: 0 no leak, 1 leaks, 3 could not "
    "audit (login failed, nothing walled, site unreachable), 4 budget ran out."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the command's arguments (shared with ``manage.py leak_audit``)."""
    parser.add_argument("url", help="the deployment to probe, e.g. https://news.example.com")
    parser.add_argument("--email", default="", help="a subscriber's login")
    parser.add_argument("--password", default="", help="the subscriber's password")
    parser.add_argument("--json", dest="json_file", type=Path, help="also write the report here")
    parser.add_argument(
        "--learn-from",
        help="learn the gated text from this deployment (e.g. the gateway) and probe URL",
    )
    parser.add_argument(
        "--learn-file",
        type=Path,
        help="take the walled articles from this file instead of logging in",
    )
    parser.add_argument(
        "--save-learned", type=Path, help="write the learnt articles (gated text included) here"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=DEFAULT_MAX_REQUESTS,
        help=f"the run's request budget ({DEFAULT_MAX_REQUESTS})",
    )
    parser.add_argument(
        "--max-articles",
        type=int,
        default=DEFAULT_MAX_ARTICLES,
        help=f"walled articles to learn at most ({DEFAULT_MAX_ARTICLES})",
    )
    parser.add_argument(
        "--max-seconds", type=float, default=1800.0, help="the run's time limit (1800)"
    )
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per request")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between requests")
    parser.add_argument("--shingle", type=int, default=DEFAULT_SHINGLE, help="words per passage")
    parser.add_argument(
        "--path", action="append", default=[], help="another path to read as a stranger"
    )
    parser.add_argument(
        "--no-reader-mode", action="store_true", help="skip the trafilatura extraction"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def config_from(options: dict[str, object]) -> AuditConfig:
    """Build the run's configuration from parsed options."""

    def number(name: str) -> float:
        value = options[name]
        assert isinstance(value, int | float)
        return value

    learn_file = options.get("learn_file")
    save = options.get("save_learned")
    return AuditConfig(
        url=str(options["url"]),
        email=str(options.get("email") or ""),
        password=str(options.get("password") or ""),
        learn_from=str(options["learn_from"]) if options.get("learn_from") else None,
        learn_file=learn_file if isinstance(learn_file, Path) else None,
        save_learned=save if isinstance(save, Path) else None,
        max_requests=int(number("max_requests")),
        max_articles=int(number("max_articles")),
        max_seconds=float(number("max_seconds")),
        timeout=float(number("timeout")),
        delay=float(number("delay")),
        shingle=int(number("shingle")),
        reader_mode=not options.get("no_reader_mode"),
        extra_paths=tuple(str(p) for p in options.get("path") or ()),  # type: ignore[attr-defined]
    )


def problem(config: AuditConfig) -> str | None:
    """Return what is wrong with the arguments, or None."""
    if not config.url.startswith(("http://", "https://")):
        return "URL must start with http:// or https://"
    if config.learn_file is None and not (config.email and config.password):
        return "--email and --password are required (or --learn-file)"
    if config.max_requests < 1 or config.shingle < 3 or config.timeout <= 0 or config.delay < 0:
        return "--max-requests must be positive, --shingle at least 3, --timeout > 0, --delay >= 0"
    return None


def print_report(report: Report, console: Console) -> None:
    """Print the leaks as a table, each leak's curl line, the doors tried and the notes."""
    if report.not_audited:
        console.print(f"NOT AUDITED: {report.not_audited}", markup=False)
    if report.leaks:
        table = Table(title=f"Leaks at {report.target}", show_lines=True)
        for column in ("#", "door", "what", "article", "request", "evidence"):
            table.add_column(column, overflow="fold")
        for number, leak in enumerate(report.leaks, start=1):
            table.add_row(
                str(number),
                leak.door,
                leak.detail,
                leak.article,
                f"{leak.method} {leak.requested or leak.url} -> {leak.status}",
                leak.evidence,
            )
        console.print(table)
        # Unwrapped, one a line, so that each can be copied into a shell as it is.
        console.print("To reproduce:", markup=False)
        for number, leak in enumerate(report.leaks, start=1):
            console.print(f"#{number} {leak.curl}", markup=False, soft_wrap=True)
    elif not report.not_audited:
        console.print(f"No leak found at {report.target} ({report.walled} walled articles).")
    doors = ", ".join(f"{door} {count}" for door, count in sorted(report.doors.items()))
    if doors:
        console.print(f"Requests per door: {doors}", markup=False)
    for note in report.notes:
        console.print(f"note: {note}", markup=False)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command's entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m masthead.audit", description=DESCRIPTION)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    config = config_from(options)
    wrong = problem(config)
    if wrong:
        parser.print_usage(sys.stderr)
        print(f"error: {wrong}", file=sys.stderr)
        return EXIT_USAGE
    return run_and_print(config, options, out or sys.stdout)


def run_and_print(config: AuditConfig, options: dict[str, object], out: TextIO) -> int:
    """Run, print, and write the JSON report when ``--json`` was given."""
    console = Console(file=out, highlight=False)
    if not console.is_terminal:
        # A log or a pipe: wide enough that the table's addresses stay on one line.
        console = Console(file=out, highlight=False, width=160)
    quiet = bool(options.get("quiet"))
    if quiet or not console.is_terminal:
        report = run_audit(config)
    else:
        with Progress(
            TextColumn("[bold]leak audit"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("learning", total=None)

            def hook(done: int, planned: int, description: str) -> None:
                bar.update(
                    task, completed=done, total=planned or None, description=description[:60]
                )

            report = run_audit(config, hook)
    print_report(report, console)
    json_file = options.get("json_file")
    if isinstance(json_file, Path):
        report.write_json(json_file)
    # The last line, exactly, for scripts that read it.
    out.write(report.summary + "\n")
    out.flush()
    return report.exit_code
