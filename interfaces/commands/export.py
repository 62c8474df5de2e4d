"""``plsim export DIR --format csv``: a results folder as one tidy table for other tools.

The table has NetLogo BehaviorSpace's "table" shape, one row per run and step: ``run_number``,
the parameter columns, ``step`` (the week) and the metric columns. An experiment folder (``plsim
sensitivity``/``sweep``) gives one row per run and kept week; a comparison folder (``plsim
compare``) one row per arm, replicate and week, with the settings that differ between the arms
as parameter columns. Identifiers (dotted parameter names, metric names) are kept as they are:
this is the machine-readable side of the results.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FORMATS = ("csv",)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` subcommand."""
    p = sub.add_parser(
        "export", help="write a results folder as one tidy CSV table (BehaviorSpace's shape)",
        description="Write one table per experiment: one row per run and step (run number, "
        "parameters, step, metrics), as NetLogo BehaviorSpace's table output; for a comparison, "
        "one row per arm, replicate and week.")
    p.add_argument("folder", type=Path, metavar="DIR",
                   help="results folder of plsim compare, sensitivity or sweep")
    p.add_argument("--format", choices=FORMATS, default="csv", help="table format (csv)")
    p.add_argument("--out", metavar="FILE.csv", default=None,
                   help="where to write (default DIR/<name>-table.csv; '-' for standard output)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument("--drop-incomplete", action="store_true",
                   help="leave out missing or failed runs (with a warning) instead of refusing")
    p.set_defaults(handler=handle)


def _written_by_plsim(path: Path) -> bool:
    """Whether ``path`` is a table this command wrote (its header starts with ``run_number,``)."""
    from experiments.storage.provenance import file_has_mark

    return file_has_mark(path, b"run_number,", len("run_number,"))


def handle(args: argparse.Namespace) -> int:
    """Build the table and write it."""
    from experiments.analysis.interop import behaviorspace_table, comparison_table
    from experiments.reporting.report import folder_kind
    from experiments.storage.experiment_store import load_results
    from experiments.storage.provenance import check_replaceable_file, write_file_atomically
    from simulation.errors import UserError

    folder = Path(args.folder)
    if folder_kind(folder) == "comparison":
        table = comparison_table(folder)
        name = "comparison"
    else:
        results = load_results(folder)
        table = behaviorspace_table(results, drop_incomplete=args.drop_incomplete)
        name = str(results.manifest.get("name") or "experiment")
    if args.out == "-":
        table.to_csv(sys.stdout, index=False)
        return 0
    path = Path(args.out) if args.out else folder / f"{name}-table.csv"
    if path.suffix.lower() != ".csv":
        raise UserError(f"--out {path}: the export is CSV; give a file name ending in .csv")
    check_replaceable_file(path, args.force, _written_by_plsim, "a table plsim exported (its "
                           "first line does not start with run_number)")
    write_file_atomically(path, table.to_csv(index=False).encode("utf-8"))
    runs = table["run_number"].nunique()
    print(f"Table: {path} ({len(table):,} rows: {runs:,} runs x steps; {len(table.columns)} "
          "columns: run_number, parameters, step, metrics)")
    return 0
