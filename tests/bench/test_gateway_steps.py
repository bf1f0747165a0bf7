"""The bench harness's gateway steps: step selection, origin populations, missing figures.

No server is started and nothing is timed: these check the harness's bookkeeping only.
"""

from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, cast

import pytest

from bench import run
from bench.gateway import origin_population
from bench.report import Figures, print_table, verdict
from devservices import Service, StartError


def test_only_selects_steps_by_title_or_function_name() -> None:
    chosen = run.selected(["gateway"])
    assert [each.measure.__name__ for each in chosen] == ["firewall_scan", "gateway"]
    assert [each.measure.__name__ for each in run.selected(["cluster_checks"])] == [
        "cluster_checks"
    ]
    assert run.selected([]) == run.STEPS


def test_populations_are_only_those_the_chosen_steps_need() -> None:
    names = run.population_names(2, run.selected(["gateway"]))
    assert names == ["warm", "gwnative-1", "gwnative-2", "gateway-1", "gateway-2"]


def _line(article: int, cookie: str, address: str) -> str:
    body = json.dumps({"article": article, "gift": None})
    return f"POST\t/api/access/\t{cookie}\t{address}\t{body}\tanonymous"


def test_origin_population_keeps_readers_and_levels(tmp_path: Path) -> None:
    native = [
        {"id": 1, "level": "metered"},
        {"id": 2, "level": "subscriber"},
        {"id": 3, "level": "free"},
    ]
    origin = [
        {"id": 10**12 + 5, "level": "metered", "url": "/a/"},
        {"id": 10**12 + 6, "level": "subscriber", "url": "/b/"},
        {"id": 10**12 + 7, "level": "subscriber", "url": "/c/"},
        {"id": 10**12 + 8, "level": "free", "url": "/d/"},
    ]
    source = tmp_path / "native.txt"
    lines = [_line(n % 3 + 1, f"v=reader{n}", f"127.1.{n}.7") for n in range(30)]
    source.write_text("\n".join(lines) + "\n")
    written = origin_population(source, tmp_path / "origin.txt", native, origin)
    level_of = {entry["id"]: entry["level"] for entry in native + origin}
    for before, after in zip(lines, written.read_text().splitlines(), strict=True):
        old, new = before.split("\t"), after.split("\t")
        assert new[:4] == old[:4] and new[5] == old[5]  # method, path, cookie, address, kind
        old_article = json.loads(old[4])["article"]
        new_article = json.loads(new[4])["article"]
        assert new_article >= 10**12
        assert level_of[new_article] == level_of[old_article]


def test_origin_population_refuses_a_level_the_origin_lacks(tmp_path: Path) -> None:
    source = tmp_path / "native.txt"
    source.write_text(_line(1, "v=x", "127.1.0.7") + "\n")
    with pytest.raises(ValueError, match="registered"):
        origin_population(
            source,
            tmp_path / "origin.txt",
            [{"id": 1, "level": "registered"}],
            [{"id": 10**12 + 1, "level": "free", "url": "/"}],
        )


class _RefusingLauncher:
    """Refuses every start, as when WordPress's packages are missing; records stops."""

    def __init__(self) -> None:
        self.stopped: list[str] = []

    def start(self, service: Service, timeout: float | None = None) -> Service:
        raise StartError(f"{service.name}: /usr/share/wordpress is missing")

    def stop(self, *names: str) -> list[str]:
        self.stopped += names
        return list(names)


def test_a_wordpress_that_cannot_start_leaves_the_figures_missing() -> None:
    launcher = _RefusingLauncher()
    stand_in: Any = argparse.Namespace(
        figures=Figures(),
        launcher=launcher,
        args=argparse.Namespace(seconds=8, connections=32, workers=2, threads=1),
    )
    with redirect_stdout(io.StringIO()):
        run.gateway(cast(run.Bench, stand_in))  # must not raise
    figures = stand_in.figures.as_dict()
    assert set(figures) == set(run.GATEWAY_FIGURES)
    for name, figure in figures.items():
        assert figure["value"] is None and figure["ratio"] is None
        assert "wordpress is missing" in figure["missing"]
        assert verdict(name, figure) == "MISSING"
    # What it tried to start is stopped again (the launcher skips what never started).
    assert launcher.stopped == ["gw-mariadb"]


def test_the_table_shows_a_missing_figure() -> None:
    figures = Figures()
    figures.missing("gateway_firewall", "pages/s", "StartError: no WordPress")
    shown = io.StringIO()
    with redirect_stdout(shown):
        print_table(
            {
                "when": "now",
                "machine": {"cpus": 2, "server": "granian"},
                "figures": figures.as_dict(),
            }
        )
    assert "gateway_firewall" in shown.getvalue()
    assert "MISSING: StartError: no WordPress" in shown.getvalue()
