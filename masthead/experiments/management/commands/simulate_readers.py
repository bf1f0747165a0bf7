"""Simulate readers meeting the real paywall decision; with --verify, prove the statistics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.experiments import stats
from masthead.experiments.simulator import Arm, SimulationConfig, parse_arm, simulate
from masthead.experiments.simulator.engine import MONTHLY_PRICE_CENTS, SimulationResult
from masthead.experiments.simulator.logs import save
from masthead.experiments.verify import ALPHA, SIZES, WHATIF_ARMS, verify


def default_log_path() -> Path:
    """Return where the last simulation's logs are kept (read by ``meter_whatif``)."""
    return Path(settings.VAR_DIR) / "simulator" / "last_run.npz"


class Command(BaseCommand):
    help = (
        "Simulate a population of readers visiting over days, each visit answered by the "
        "real access decision with an in-memory meter, and print per-arm figures. Events "
        "go to the simulator's own store, never to the site's analytics. The run's logs are "
        "saved for meter_whatif. --verify instead runs the statistical checks (A/A false "
        "positives, power at the MDE, SRM, what-if coverage) and prints key=value last."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--readers", type=int, default=100_000)
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--arm",
            action="append",
            default=[],
            metavar="NAME=SHARE[:FIELD=VALUE;...]",
            help="an arm (repeat; shares add up to 1). Default: thirds on "
            "anonymous_allowance 3 (the policy), 1 and 5.",
        )
        parser.add_argument(
            "--no-memo", action="store_true", help="call decide() on every visit (slow)"
        )
        parser.add_argument("--verify", action="store_true")
        parser.add_argument("--size", choices=sorted(SIZES), default="full")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            figures = verify(SIZES[options["size"]], progress=self.stdout.write)
            self.stdout.write(" ".join(f"{k}={_number(v)}" for k, v in figures.items()))
            return
        try:
            arms = tuple(parse_arm(a) for a in options["arm"]) or WHATIF_ARMS
            config = SimulationConfig(
                readers=options["readers"],
                days=options["days"],
                seed=options["seed"],
                arms=arms,
                memoise=not options["no_memo"],
            )
            result = simulate(config)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self._report(result, arms)
        path = default_log_path()
        save(result, path)
        self.stdout.write(f"logs saved to {path} (meter_whatif reads them)")
        self.stdout.write(
            f"readers={config.readers} days={config.days} visits={result.visits} "
            f"decide_calls={result.decide_calls} seconds={result.seconds:.2f}"
        )

    def _report(self, result: SimulationResult, arms: tuple[Arm, ...]) -> None:
        reached = result.exposure_day >= 0
        counts = []
        self.stdout.write(
            f"{'arm':<14}{'share':>6}{'readers':>9}{'reads/r':>9}{'walls/r':>9}"
            f"{'registered':>11}{'subscribed':>11}{'revenue':>10}{'left':>7}"
        )
        for index, arm in enumerate(arms):
            mine = reached & (result.arm_of == index)
            n = int(mine.sum())
            registered = int((result.registration_day[mine] >= 0).sum())
            subscribed = int((result.subscription_day[mine] >= 0).sum())
            counts.append(stats.ArmCounts(n, registered))
            per = max(n, 1)
            self.stdout.write(
                f"{arm.name:<14}{arm.share:>6.2f}{n:>9}{result.reads[mine].sum() / per:>9.2f}"
                f"{result.walls[mine].sum() / per:>9.2f}{registered / per:>11.2%}"
                f"{subscribed / per:>11.2%}{subscribed * MONTHLY_PRICE_CENTS / 100:>10.0f}"
                f"{(result.left_day[mine] >= 0).sum() / per:>7.1%}"
            )
        srm = stats.srm_test([c.exposed for c in counts], [a.share for a in arms])
        self.stdout.write(
            f"sample ratio: chi2={srm.chi_square:.2f} p={srm.p_value:.4f} "
            f"{'ALARM' if srm.alarm else 'ok'}"
        )
        control = counts[0]
        if len(counts) < 2 or control.exposed == 0 or not 0 < control.rate < 1:
            return
        # The prior is planned for this sample size; it depends on the sizes and the
        # control's rate only, never on the difference being tested.
        variance = control.rate * (1 - control.rate) * 2 / control.exposed
        tau = stats.mixing_sd_for_horizon(variance, ALPHA)
        for arm, other in zip(arms[1:], counts[1:], strict=True):
            if other.exposed == 0:
                continue
            test = stats.msprt(control, other, tau=tau, alpha=ALPHA)
            mde = stats.mde_always_valid(
                control.exposed, other.exposed, control.rate, tau=tau, alpha=ALPHA
            )
            self.stdout.write(
                f"registration {arm.name} - {arms[0].name}: {test.difference:+.4f} "
                f"always-valid 95% CI [{test.interval.low:+.4f}, {test.interval.high:+.4f}] "
                f"p={test.p_value:.4f}; MDE at this size {mde:.4f}"
            )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) >= 1 else f"{value:g}"
