"""``simulate_readers --verify --size small`` end to end, with looser bounds than full size.

The small size runs 200 A/A experiments of 3,000 readers over 21 days, 60 power
experiments, 3 SRM experiments and 30 what-if seeds. The bounds are looser than the
full-size targets because the estimates are noisier:

- aa_false_positive_rate <= 0.10 (0.05 plus three standard errors at 200 experiments);
- naive_false_positive_rate >= 0.10 and at least 0.05 above the sequential rate (daily
  peeking must visibly inflate the fixed-horizon test);
- power_at_mde >= 0.60 (nominal 0.80, 60 experiments);
- srm_detected == 1 and srm_false_alarm_rate <= 0.02;
- whatif_coverage >= 0.80 (nominal 0.95, 30 seeds).

Its run time is reported (``seconds``) but not asserted: speed belongs to the bench, and
this shared machine's load would make a time limit flaky.
"""

from __future__ import annotations

import io

from django.core.management import call_command


def test_verify_small() -> None:
    out = io.StringIO()
    call_command("simulate_readers", verify=True, size="small", stdout=out)
    last = out.getvalue().strip().splitlines()[-1]
    figures = {k: float(v) for k, v in (pair.split("=") for pair in last.split())}
    assert figures["aa_false_positive_rate"] <= 0.10
    assert figures["naive_false_positive_rate"] >= 0.10
    assert figures["naive_false_positive_rate"] >= figures["aa_false_positive_rate"] + 0.05
    assert figures["power_at_mde"] >= 0.60
    assert figures["srm_detected"] == 1.0
    assert figures["srm_false_alarm_rate"] <= 0.02
    assert figures["whatif_coverage"] >= 0.80
