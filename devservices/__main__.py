"""The launcher's command line.

    python -m devservices [--run-dir DIR] start KIND[:field=value,...] ... [--print-env]
    python -m devservices [--run-dir DIR] stop [NAME ...]
    python -m devservices [--run-dir DIR] status
    python -m devservices [--run-dir DIR] env
    python -m devservices [--run-dir DIR] wait
    python -m devservices kinds

``start postgres redis --print-env`` prints ``export`` lines (MASTHEAD_TEST_PG_URL,
MASTHEAD_TEST_PG_PORT, MASTHEAD_TEST_REDIS_URL, MASTHEAD_TEST_REDIS_PORT) for ``eval``.
A service's port is free unless given, as ``redis:port=6390`` or through the variable it
prints (MASTHEAD_TEST_REDIS_PORT=6390). ``wait`` stays in the foreground until Ctrl-C or
until a service dies, then stops everything recorded.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import shlex
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from devservices import KINDS, Launcher, Service, StartError, definition, log_tail

_SPLIT = re.compile(r",(?=[a-z_]+=)")


def _coerce(kind: str, name: str, text: str, annotation: str) -> Any:
    if annotation.startswith("list"):
        return shlex.split(text)
    if annotation.startswith("bool"):
        if text.lower() not in {"1", "0", "true", "false", "yes", "no"}:
            raise ValueError(f"{kind}: {name} is true or false, not {text!r}")
        return text.lower() in {"1", "true", "yes"}
    if annotation.startswith("int"):
        return int(text)
    if annotation.startswith("float"):
        return float(text)
    if "Path" in annotation:
        return Path(text).absolute()
    return text


def parse_spec(spec: str) -> Service:
    """Build a service from ``KIND[:field=value,field=value]``; raise ValueError when wrong."""
    kind, _, settings = spec.partition(":")
    try:
        cls = definition(kind)
    except KeyError as error:
        raise ValueError(error.args[0]) from None
    fields = {
        spec_field.name: str(spec_field.type)
        for spec_field in dataclasses.fields(cls)
        if not spec_field.name.startswith("_")
        and spec_field.name != "processes"
        and spec_field.metadata.get("state", True)
    }
    values: dict[str, Any] = {}
    for item in _SPLIT.split(settings) if settings else []:
        name, equals, text = item.partition("=")
        if not equals or name not in fields:
            known = ", ".join(sorted(fields))
            raise ValueError(f"{kind}: no setting {name!r} (settings: {known})")
        values[name] = _coerce(kind, name, text, fields[name])
    return cls(**values)


def _honour_port_variable(service: Service, prefix: str, environ: dict[str, str]) -> None:
    # MASTHEAD_TEST_PG_PORT=N (the variable the service prints) asks for port N.
    if service.port or not prefix:
        return
    for key in service.env():
        if key.endswith("_PORT") and environ.get(prefix + key):
            service.port = int(environ[prefix + key])


def _exports(variables: dict[str, str]) -> str:
    return "".join(f"export {name}={shlex.quote(value)}\n" for name, value in variables.items())


def _start(launcher: Launcher, args: argparse.Namespace, environ: dict[str, str]) -> int:
    try:
        services = [parse_spec(spec) for spec in args.services]
    except ValueError as error:
        print(f"devservices: {error}", file=sys.stderr)
        return 2
    for service in services:
        _honour_port_variable(service, args.prefix, environ)
    try:
        started = launcher.start_all(*services, timeout=args.timeout)
    except StartError as error:
        print(f"devservices: {error}", file=sys.stderr)
        return 1
    if args.print_env:
        variables: dict[str, str] = {}
        for service in started:
            variables.update({args.prefix + key: value for key, value in service.env().items()})
        sys.stdout.write(_exports(variables))
    else:
        for service in started:
            print(f"{service.name}: 127.0.0.1:{service.port}", file=sys.stderr)
    return 0


def _status(launcher: Launcher) -> int:
    rows = launcher.status()
    if not rows:
        print(f"nothing recorded in {launcher.run_dir}")
    for row in rows:
        state = "running" if row.running else "gone"
        pids = ",".join(str(pid) for pid in row.pids) or "-"
        print(f"{row.name:<14} {row.kind:<14} 127.0.0.1:{row.port:<6} pid {pids:<14} {state}")
    return 0


def _interrupted(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _wait(launcher: Launcher) -> int:
    # Explicit handlers: a shell that starts us in the background leaves SIGINT ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupted)  # the terminal closing stops them too
    status = 0
    try:
        while True:
            services = launcher.recorded()
            dead = [service for service in services.values() if not service.alive()]
            if not services or dead:
                for service in dead:
                    print(
                        f"devservices: {service.name} stopped unexpectedly; last lines of "
                        f"{service.log_file()}:\n{log_tail(service.log_file())}",
                        file=sys.stderr,
                    )
                status = 1 if dead else 0
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the stop
        for name in launcher.stop():
            print(f"stopped {name}", file=sys.stderr)
    return status


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devservices", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--run-dir", type=Path, help="state and service folders")
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start services (KIND[:field=value,...])")
    start.add_argument("services", nargs="+", metavar="KIND[:field=value,...]")
    start.add_argument("--print-env", action="store_true", help="print export lines")
    start.add_argument("--prefix", default="MASTHEAD_TEST_", help="prefix of the variables")
    start.add_argument("--timeout", type=float, help="seconds each service may take")
    stop = commands.add_parser("stop", help="stop recorded services (all by default)")
    stop.add_argument("names", nargs="*")
    commands.add_parser("status", help="list recorded services")
    env = commands.add_parser("env", help="print export lines for the running services")
    env.add_argument("--prefix", default="MASTHEAD_TEST_")
    commands.add_parser("wait", help="stay up until Ctrl-C or a service dies; then stop all")
    commands.add_parser("kinds", help="list the service kinds and their settings")
    return parser.parse_args(argv)


def main(argv: list[str], environ: dict[str, str]) -> int:
    """Run the command line; return the exit status."""
    args = _arguments(argv)
    launcher = Launcher(args.run_dir)
    if args.command == "start":
        return _start(launcher, args, environ)
    if args.command == "stop":
        for name in launcher.stop(*args.names):
            print(f"stopped {name}", file=sys.stderr)
        return 0
    if args.command == "status":
        return _status(launcher)
    if args.command == "env":
        sys.stdout.write(_exports(launcher.env(args.prefix)))
        return 0
    if args.command == "wait":
        return _wait(launcher)
    for kind, cls in sorted(KINDS.items()):
        names = [
            spec_field.name
            for spec_field in dataclasses.fields(cls)
            if not spec_field.name.startswith("_") and spec_field.name != "processes"
        ]
        print(f"{kind:<14} {', '.join(names)}")
    return 0


if __name__ == "__main__":
    import os

    sys.exit(main(sys.argv[1:], dict(os.environ)))
