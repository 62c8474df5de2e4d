"""``plsim report DIR [--out FILE.html]``: one self-contained HTML report of a results folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report", help="write a self-contained HTML report of a comparison or experiment folder",
        description="Write one HTML file (figures embedded) with the question, the scenarios and "
        "what differs between them, effects with intervals, equity, cost, the sensitivity "
        "ranking, caveats and how to reproduce the result.")
    p.add_argument("folder", type=Path, metavar="DIR",
                   help="results folder of plsim compare, plsim sensitivity or plsim analyze")
    p.add_argument("--out", type=Path, default=None, metavar="FILE.html",
                   help="report file (default DIR/report.html)")
    p.add_argument("--force", action="store_true", help="replace an existing report file")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Build the report and print where it is."""
    from experiments.reporting.report import write_report

    path = write_report(args.folder, args.out, force=args.force)
    print(f"Report: {path} (self-contained; open it in any browser)")
    return 0
