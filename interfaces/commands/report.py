"""``plsim report DIR [--out FILE.html] [--currency SYMBOL] [--pdf]``: one self-contained HTML
report of a results folder (and an A4 PDF of it)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``report`` subcommand."""
    p = sub.add_parser(
        "report", help="write a self-contained HTML report of a comparison or experiment folder",
        description="Write one HTML file (figures embedded) that opens with a one-page brief "
        "(question, answer, effect with its interval, equity gaps, cost against effect, how sure, "
        "what would change the answer; it prints on one A4 page), then the scenarios and what "
        "differs between them, effects, equity, cost, the sensitivity ranking, caveats and how "
        "to reproduce the result.")
    p.add_argument("folder", type=Path, metavar="DIR",
                   help="results folder of plsim compare, plsim sensitivity or plsim analyze")
    p.add_argument("--out", type=Path, default=None, metavar="FILE.html",
                   help="report file (default DIR/report.html)")
    p.add_argument("--force", action="store_true", help="replace an existing report file")
    p.add_argument("--currency", metavar="SYMBOL", default=None,
                   help="symbol money is written with (default $PLSIM_CURRENCY, else $)")
    p.add_argument("--pdf", action="store_true",
                   help="also write an A4 PDF beside the HTML (needs the optional extra: "
                   "pip install 'plsim[pdf]')")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Build the report and print where it is."""
    from experiments.reporting.report import write_report

    paths = write_report(args.folder, args.out, force=args.force, currency=args.currency,
                         pdf=args.pdf)
    print(f"Report: {paths[0]} (self-contained; open it in any browser; the first page is a "
          "one-page brief)")
    for path in paths[1:]:
        print(f"PDF:    {path}")
    return 0
