"""Decision outputs of a comparison written into its folder (:mod:`experiments.analysis.decision`).

Files::

    decision.json       P(benefit) and P(best) per decision, the willingness-to-pay that EVPI and
                        EVPPI use, EVPI, the worlds mode and the set-up warnings per alternative
    pairs.csv           one row per alternative and replicate pair: world, effect_sd, extra_cost
                        (the cost-effect plane) and the world's parameters
    acceptability.csv   willingness-to-pay per 0.1 SD, P(largest net benefit) per decision, EVPI
    evppi.csv           EVPPI per parameter group, largest first (empty with fixed worlds)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from experiments.analysis.decision import decision_summary
from experiments.storage.provenance import write_json

if TYPE_CHECKING:
    from experiments.comparison.paired import ComparisonResult

__all__ = ["DECISION_FILES", "decision_of", "write_decision_files"]

DECISION_FILES = ("decision.json", "pairs.csv", "acceptability.csv", "evppi.csv")
#: Independent world draws below which the EVPPI regression mostly fits noise.
RELIABLE_DRAWS = 30
EVPPI_NOTE = (f"fewer than {RELIABLE_DRAWS} world draws: the EVPPI regression follows each draw "
              "and overstates EVPPI (toward EVPI); run more replicates before ranking them")


def world_draws(result: ComparisonResult) -> int:
    """Independent world draws behind a comparison (0 with fixed worlds)."""
    if result.worlds == "fixed" or result.pairs.empty:
        return 0
    info = result.rows[0].get("worlds", {})
    per = int(info.get("pairs_per_world", 1))
    return -(-result.replicates // per)


def decision_of(result: ComparisonResult) -> dict[str, Any]:
    """The decision summary of a comparison's replicate pairs."""
    return decision_summary(result.pairs)


def write_decision_files(result: ComparisonResult, folder: Path) -> list[str]:
    """Write the decision files into ``folder``; returns their names."""
    folder = Path(folder)
    summary = decision_of(result)
    write_json(folder / "decision.json", {
        "worlds": result.worlds,
        "prob_benefit": summary["prob_benefit"], "prob_best": summary["prob_best"],
        "wtp_per_0_1_sd": summary["wtp"], "evpi_per_student": summary["evpi"],
        "net_benefit": "wtp * effect_sd / 0.1 - extra_cost (per student per year)",
        "world_draws": world_draws(result),
        "setup_warnings": result.setup_warnings,
        "evppi_note": EVPPI_NOTE if world_draws(result) < RELIABLE_DRAWS else "",
    })
    result.pairs.to_csv(folder / "pairs.csv", index=False)
    curve = summary["acceptability"]
    evppi = summary["evppi"]
    assert isinstance(curve, pd.DataFrame) and isinstance(evppi, pd.DataFrame)
    curve.to_csv(folder / "acceptability.csv", index=False)
    evppi.to_csv(folder / "evppi.csv", index=False)
    return list(DECISION_FILES)
