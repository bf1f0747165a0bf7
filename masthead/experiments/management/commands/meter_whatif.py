"""Estimate what a policy change would do, from the logs of a randomised experiment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.experiments.management.commands.simulate_readers import default_log_path
from masthead.experiments.simulator import parse_override
from masthead.experiments.simulator.logs import load
from masthead.experiments.whatif import ESTIMATORS, NotExplored, what_if


class Command(BaseCommand):
    help = (
        "Estimate the effect of a policy change (e.g. --policy anonymous_allowance=5) with "
        "inverse-propensity, self-normalised and doubly robust estimators and bootstrap "
        "intervals. For now it reads the simulator's logs (the last simulate_readers run), "
        "until experiments run on the site store their exposures and outcomes in the "
        "database. Exits with status 2 when the logs never explored the asked-for policy."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--policy", action="append", required=True, metavar="FIELD=VALUE", default=[]
        )
        parser.add_argument("--outcome", default="registered")
        parser.add_argument("--replicates", type=int, default=400)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--logs", type=Path, default=None, help="an .npz saved by the simulator"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            overrides = dict(parse_override(text) for text in options["policy"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        path: Path = options["logs"] or default_log_path()
        if not path.exists():
            raise CommandError(f"no simulator logs at {path}: run manage.py simulate_readers first")
        log, meta = load(path)
        try:
            result = what_if(
                log,
                overrides,
                outcome=options["outcome"],
                replicates=options["replicates"],
                seed=options["seed"],
            )
        except NotExplored as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except KeyError as exc:
            raise CommandError(str(exc.args[0]), returncode=2) from exc
        asked = " ".join(options["policy"])
        self.stdout.write(
            f"logs: {path} (simulated: {meta['readers']} readers, {meta['days']} days, "
            f"seed {meta['seed']}); {result.readers} readers reached, "
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
