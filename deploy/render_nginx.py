#!/usr/bin/env python3
"""Fill the placeholders of deploy/nginx.conf and print the result.

    deploy/render_nginx.py --listen 127.0.0.1:8080 --upstream 127.0.0.1:8001 \\
        --run-dir var/prod/nginx --static-root var/static --media-root var/media > nginx.conf

Lines starting ``#purge `` are switched on only when the cache-purge module is installed;
lines starting ``#realip `` only when ``--real-ip-from`` names the CDN or balancer in front;
lines starting ``#gateway `` only with ``--gateway-upstream`` (gateway mode: ``--upstream`` is
then Masthead's WSGI app for its own paths, the gateway answers the origin's; docs/gateway.md).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def render(
    template: str,
    values: dict[str, str],
    *,
    has_purge: bool,
    has_real_ip: bool = False,
    has_gateway: bool = False,
) -> str:
    """Return ``template`` with every ``{{NAME}}`` replaced; raise KeyError for a missing one.

    ``#purge `` lines are kept (without the marker) when ``has_purge``, ``#realip `` lines
    when ``has_real_ip``, ``#gateway `` lines when ``has_gateway`` and ``#own `` lines when
    not (Masthead serves its own articles); otherwise they are left out.
    """
    switches = {
        "#purge ": has_purge,
        "#realip ": has_real_ip,
        "#gateway ": has_gateway,
        "#own ": not has_gateway,
    }
    lines = []
    for line in template.splitlines():
        marker = next((prefix for prefix in switches if line.startswith(prefix)), None)
        if marker is not None:
            if not switches[marker]:
                continue
            line = line.removeprefix(marker)
        lines.append(_PLACEHOLDER.sub(lambda match: values[match.group(1)], line))
    return "\n".join(lines) + "\n"


def _networks(option: str, values: list[str]) -> list[str]:
    """Return ``values`` as CIDRs; exit with a message naming ``option`` on a bad one."""
    found = []
    for value in values:
        try:
            found.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            sys.exit(f"{option}: {value!r} is not an address or network")
    return found


def _directives(directive: str, networks: list[str], indent: str) -> str:
    """Return one ``directive NETWORK;`` line per network, the first without ``indent``.

    The first line replaces a placeholder that follows the marker on its template line.
    """
    return ("\n" + indent).join(f"{directive} {network};" for network in networks)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument(
        "--upstream", required=True, help="host:port of the app server (Masthead's WSGI app)"
    )
    parser.add_argument(
        "--gateway-upstream",
        default="",
        metavar="HOST:PORT",
        help="gateway mode: the gateway's ASGI app, which answers every path but Masthead's own",
    )
    parser.add_argument("--run-dir", required=True, help="pid, logs, temp files and the cache")
    parser.add_argument("--static-root", required=True)
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--workers", default="auto", help="nginx worker_processes")
    parser.add_argument("--forwarded-proto", default="$scheme")
    parser.add_argument("--access-log", default="", help="'off' or a path (default: run dir)")
    parser.add_argument("--no-purge", action="store_true", help="leave the purge module out")
    parser.add_argument(
        "--purge-allow",
        action="append",
        default=[],
        metavar="CIDR",
        help="who may purge the cache (repeatable; default 127.0.0.1): the app servers",
    )
    parser.add_argument(
        "--real-ip-from",
        action="append",
        default=[],
        metavar="CIDR",
        help="a CDN or balancer in front whose X-Forwarded-For names the client (repeatable)",
    )
    parser.add_argument(
        "--session-bypass",
        action="store_true",
        help="send logged-in readers to the app instead of serving them cached previews",
    )
    return parser.parse_args(argv)


def _errors_root(run_dir: str) -> str:
    """Copy nginx's own error pages into the run folder and return that folder.

    nginx's workers run unprivileged and must read them; the run folder is theirs
    already (the cache lives there), while the checkout may sit in a private folder.
    """
    target = os.path.join(run_dir, "errors")
    shutil.copytree(HERE / "errors", target, dirs_exist_ok=True)
    return target


def main(argv: list[str]) -> int:
    """Print the rendered configuration; 0 on success."""
    args = _arguments(argv)
    run_dir = os.path.abspath(args.run_dir)
    access_log = args.access_log or f"{run_dir}/access.log masthead buffer=64k flush=1s"
    values = {
        "LISTEN": args.listen,
        "UPSTREAM": args.upstream,
        "GATEWAY_UPSTREAM": args.gateway_upstream,
        # The upstream of every path without a location of its own: the one app natively,
        # chosen per path (map $site_app) in gateway mode.
        "SITE_APP": "$site_app" if args.gateway_upstream else "masthead_app",
        "RUN_DIR": run_dir,
        "STATIC_ROOT": os.path.abspath(args.static_root),
        "MEDIA_ROOT": os.path.abspath(args.media_root),
        "ERRORS_ROOT": _errors_root(run_dir),
        "SERVER_NAME": args.server_name,
        "WORKER_PROCESSES": args.workers,
        "FORWARDED_PROTO": args.forwarded_proto,
        "ACCESS_LOG": access_log,
        "PURGE_MODULE": str(PURGE_MODULE),
        "SESSION_BYPASS": "$has_session" if args.session_bypass else "",
        "PURGE_ALLOW": "            "
        + _directives(
            "allow", _networks("--purge-allow", args.purge_allow or ["127.0.0.1"]), " " * 12
        ),
        "REAL_IP_FROM": "        "
        + _directives("set_real_ip_from", _networks("--real-ip-from", args.real_ip_from), " " * 8),
    }
    has_purge = PURGE_MODULE.exists() and not args.no_purge
    template = (HERE / "nginx.conf").read_text()
    has_real_ip = bool(args.real_ip_from)
    sys.stdout.write(
        render(
            template,
            values,
            has_purge=has_purge,
            has_real_ip=has_real_ip,
            has_gateway=bool(args.gateway_upstream),
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
