"""The results folder of a comparison.

Layout::

    comparison.json            {"comparisons": [...]}: one summary per alternative
    comparison.csv             the same, flattened (one row per alternative)
    timeseries.parquet         scenario, arm, replicate, week and every metric
    survey_before_after.csv    survey at week 0 and at the end (mean over replicates) per scenario,
                               with the published values
    manifest.json              every scenario resolved, seed, replicates, weeks, environment,
                               and the run sessions
    figures/*.png              bands over time, effect over time, forest plot, survey
    design.parquet, runs/, timeseries/, survey/
                               the runs as the run engine stored them (crash-safe parts, see
                               :mod:`experiments.storage.experiment_store`), when
                               :func:`~experiments.comparison.paired.compare` ran with ``out``

The summary files are written last; a comparison interrupted before them resumes from its runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.comparison.decision_files import write_decision_files
from experiments.comparison.paired import ComparisonResult
from experiments.reporting.figures import comparison_figures
from experiments.reporting.published_survey import with_published
from experiments.storage.provenance import (
    atomic_folder,
    check_output_name,
    environment,
    write_json,
)
from experiments.storage.run_folder import RESULTS_ROOT, scenario_record

#: Longest folder name built from scenario names before it is shortened.
MAX_NAME = 100


def default_comparison_folder(base: str, alternatives: list[str], seed: int) -> Path:
    """``results/comparisons/<base>-vs-<alt1>+<alt2>...-seed<N>``, shortened when very long."""
    for name in (base, *alternatives):
        check_output_name(name, f"scenario '{name}'")
    alts = "+".join(alternatives)
    if len(alts) > MAX_NAME:
        alts = f"{alternatives[0]}+{len(alternatives) - 1}-more"
    return RESULTS_ROOT / "comparisons" / f"{base}-vs-{alts}-seed{seed}"


def flat_rows(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Comparison rows as one flat table (nested keys joined with ``.``; warnings joined)."""
    records = []
    for row in rows:
        flat = {k: v for k, v in row.items() if k not in ("warnings",)}
        flat["warnings"] = " | ".join(row["warnings"])
        records.append(flat)
    return pd.json_normalize(records, sep=".")


def survey_before_after(result: ComparisonResult) -> pd.DataFrame:
    """Per scenario and factor: published, week-0 and final mean and SD, and the change."""
    s = result.survey
    keys = ["scenario", "group", "factor_id", "factor"]
    before = s[s["week"] == 0][[*keys, "mean", "sd"]].rename(
        columns={"mean": "before_mean", "sd": "before_sd"})
    after = s[s["week"] == result.weeks][[*keys, "mean", "sd", "interpretation"]].rename(
        columns={"mean": "after_mean", "sd": "after_sd", "interpretation": "after_interpretation"})
    out = before.merge(after, on=keys, how="outer", sort=False)
    out["change"] = out["after_mean"] - out["before_mean"]
    out = with_published(out)
    return out[[*keys, "paper_mean", "paper_sd", "before_mean", "before_sd", "after_mean",
                "after_sd", "change", "after_interpretation", "paper_interpretation"]]


def comparison_manifest(result: ComparisonResult, files: list[str]) -> dict[str, Any]:
    """The manifest of a comparison folder."""
    return {
        "kind": "comparison",
        "base": result.labels[0],
        "alternatives": result.labels[1:],
        "scenarios": {label: scenario_record(sc)
                      for label, sc in zip(result.labels, result.scenarios)},
        "differing_settings": {
            label: [{"name": n, "base": b, "alternative": a}
                    for n, b, a in result.differing_settings(k)]
            for k, label in enumerate(result.labels[1:])
        },
        "seed": result.seed,
        "replicates": result.replicates,
        "weeks": result.weeks,
        "random_streams": "replicate r of every scenario: numpy.random.SeedSequence(seed, "
                          "spawn_key=(r,)) (common random numbers)",
        "files": files,
        "environment": environment(),
    }


def write_comparison_folder(result: ComparisonResult, folder: Path, force: bool = False) -> Path:
    """Write a comparison's summary files and manifest into ``folder``.

    When ``folder`` is where the comparison kept its runs (``result.folder``), the summary joins
    them and the run manifest (its sessions, fingerprint and format are kept). Any other folder
    is created for the summary alone, atomically (refused when it exists and is not empty, unless
    ``force`` and plsim wrote it).
    """
    folder = Path(folder)
    if result.folder is not None and folder.resolve() == Path(result.folder).resolve():
        stored = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        _write_comparison_files(result, folder, stored)
        return folder
    with atomic_folder(folder, force) as tmp:
        _write_comparison_files(result, tmp, None)
    return folder


def _write_comparison_files(result: ComparisonResult, folder: Path,
                            stored: dict[str, Any] | None) -> None:
    """The summary files and the manifest; ``stored`` is the run manifest of the comparison's
    own folder (None for a folder holding the summary alone)."""
    write_json(folder / "comparison.json", result.to_json())
    flat_rows(result.rows).to_csv(folder / "comparison.csv", index=False)
    result.timeseries.to_parquet(folder / "timeseries.parquet", index=False)
    survey_before_after(result).to_csv(folder / "survey_before_after.csv", index=False,
                                       float_format="%.4f")
    files = ["comparison.json", "comparison.csv", "timeseries.parquet",
             "survey_before_after.csv"]
    files += write_decision_files(result, folder)
    figures = comparison_figures(result, folder / "figures")
    files += [str(p.relative_to(folder)) for p in figures]
    if stored is not None:
        files.append("design.parquet")
    manifest = {**(stored or {}), **comparison_manifest(result, [*files, "manifest.json"])}
    if stored is not None:
        manifest["run_parts"] = ["runs", "timeseries", "survey"]
        manifest["environment"] = stored.get("environment", manifest["environment"])
        manifest["summary_environment"] = environment()
    write_json(folder / "manifest.json", manifest)
