"""Estimate what a policy change would do, from the logs of a randomised experiment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.experiments.management.commands.simulate_readers import default_log_path
from masthead.experiments.models import Experiment
from masthead.experiments.simulator import parse_override
from masthead.experiments.simulator.logs import load
from masthead.experiments.stored_logs import logged_experiment
from masthead.experiments.whatif import ESTIMATORS, NotExplored, WhatIf, what_if


class Command(BaseCommand):
    help = (
        "Estimate the effect of a policy change (e.g. --policy anonymous_allowance=5) with "
        "inverse-propensity, self-normalised and doubly robust estimators and bootstrap "
        "intervals, from the exposures and outcomes of a stored experiment that ran the "
        "change (the newest one, or --experiment ID), or from the simulator's logs "
        "(--simulator-logs). Exits with status 2 when the logs never explored the change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--policy", action="append", required=True, metavar="FIELD=VALUE", default=[]
        )
        parser.add_argument("--outcome", default="registered")
        parser.add_argument("--replicates", type=int, default=400)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--experiment", type=int, default=None, help="a stored experiment's id")
        parser.add_argument(
            "--simulator-logs",
            nargs="?",
            const="",
            default=None,
            metavar="PATH",
            help="read an .npz saved by simulate_readers instead (default: its last run)",
        )
        parser.add_argument("--logs", type=Path, default=None, help=argparse_suppress())

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            overrides = dict(parse_override(text) for text in options["policy"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        asked = " ".join(options["policy"])
        simulator = options["simulator_logs"]
        if options["logs"] is not None:
            simulator = str(options["logs"])
        if simulator is not None:
            result, source = self._from_simulator(
                Path(simulator) if simulator else None, overrides, options
            )
        else:
            result, source = self._from_database(overrides, options)
        self.stdout.write(
            f"logs: {source}; {result.readers} readers reached, "
            f"{result.target_share:.0%} of them on the asked-for policy"
        )
        self.stdout.write(f"outcome: {result.outcome} per reader; change: {asked}")
        self.stdout.write(f"{'estimator':<10}{'current':>10}{'changed':>10}{'effect':>10}  95% CI")
        for name in ESTIMATORS:
            base, target, effect = (
                result.baseline_value[name],
                result.target_value[name],
                result.effect[name],
            )
            self.stdout.write(
                f"{name:<10}{base.value:>10.4f}{target.value:>10.4f}{effect.value:>+10.4f}"
                f"  [{effect.low:+.4f}, {effect.high:+.4f}]"
            )

    def _estimate(self, log: Any, overrides: dict[str, object], options: dict[str, Any]) -> WhatIf:
        try:
            return what_if(
                log,
                overrides,
                outcome=options["outcome"],
                replicates=options["replicates"],
                seed=options["seed"],
            )
        except KeyError as exc:
            raise CommandError(str(exc.args[0]), returncode=2) from exc

    def _from_simulator(
        self, path: Path | None, overrides: dict[str, object], options: dict[str, Any]
    ) -> tuple[WhatIf, str]:
        path = path or default_log_path()
        if not path.exists():
            raise CommandError(
                f"no simulator logs at {path}: run manage.py simulate_readers first", returncode=2
            )
        log, meta = load(path)
        try:
            result = self._estimate(log, overrides, options)
        except NotExplored as exc:
            raise CommandError(str(exc), returncode=2) from exc
        source = (
            f"{path} (simulated: {meta['readers']} readers, {meta['days']} days, "
            f"seed {meta['seed']})"
        )
        return result, source

    def _from_database(
        self, overrides: dict[str, object], options: dict[str, Any]
    ) -> tuple[WhatIf, str]:
        if options["experiment"] is not None:
            candidates = list(Experiment.objects.filter(pk=options["experiment"]))
            if not candidates:
                raise CommandError(f"there is no experiment {options['experiment']}", returncode=2)
        else:
            candidates = list(Experiment.objects.order_by("-starts_at"))
        reasons = []
        for experiment in candidates:
            try:
                log = logged_experiment(experiment)
                result = self._estimate(log, overrides, options)
            except (NotExplored, ValueError) as exc:
                reasons.append(f"“{experiment.name}”: {exc}")
                continue
            return result, f"experiment “{experiment.name}” (id {experiment.pk}), stored"
        detail = "; ".join(reasons) if reasons else "there are no stored experiments"
        raise CommandError(
            "No stored experiment explored this change, so nothing honest can be said about "
            f"it ({detail}). Run an experiment with an arm that makes the change, and one "
            "that does not.",
            returncode=2,
        )


def argparse_suppress() -> str:
    """Hide the old spelling of --simulator-logs from --help."""
    import argparse

    return argparse.SUPPRESS
