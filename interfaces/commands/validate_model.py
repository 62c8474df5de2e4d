"""``plsim validate-model --out docs/validation.md``: the model against every published finding."""

from __future__ import annotations

import argparse
from pathlib import Path

from interfaces.commands import options
from simulation.errors import UserError

#: First line of every report this command writes (an existing file without it is not replaced).
TITLE = "# Validation report"


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate-model`` subcommand."""
    p = sub.add_parser(
        "validate-model", help="report the model against the evidence base (docs/validation.md)",
        description="Compute the model's effect on every finding of the evidence base (over the "
        "plausible worlds when they exist, else the default parameters), beside the published "
        "effect and its tolerance, with a verdict per row and a forest plot. Calibration and "
        "validation rows are marked; every row is shown.")
    p.add_argument("--out", type=Path, default=Path("docs/validation.md"), metavar="FILE.md",
                   help="report to write (default docs/validation.md)")
    p.add_argument("--figures", type=Path, default=None, metavar="FOLDER",
                   help="folder for the forest plot and the table (default: figures/validation "
                        "beside the report)")
    p.add_argument("--worlds", type=int, default=20,
                   help="plausible worlds (or replicates) per row (default 20)")
    p.add_argument("--seed", type=int, default=11, help="seed of the draw (default 11)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Write the report and print the tally."""
    from experiments.calibration.validation_report import write_report
    from experiments.storage.provenance import file_has_mark

    options.seed(args.seed)
    options.at_least(args.worlds, 2, "--worlds")
    if args.out.exists() and not file_has_mark(args.out, TITLE.encode("utf-8"), len(TITLE)):
        raise UserError(f"--out {args.out}: exists and is not a report written by plsim "
                        "validate-model; choose another file")
    figures = args.figures or args.out.parent / "figures" / "validation"
    command = f"plsim validate-model --out {args.out} --worlds {args.worlds} --seed {args.seed}"
    table = write_report(args.out, figures, worlds=args.worlds, seed=args.seed, command=command)
    for split in ("calibration", "validation"):
        part = table[table["split"] == split]
        print(f"{split}: {int((part['verdict'] == 'holds').sum())} of {len(part)} rows hold")
    print(f"Wrote {args.out} and {figures / 'forest.png'}")
    return 0
