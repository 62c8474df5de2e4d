"""``plsim sweep SPEC``: run a grid or Latin-hypercube experiment into a results folder."""

from __future__ import annotations

import argparse

from interfaces.commands.sensitivity import add_run_arguments, handle


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sweep`` subcommand."""
    p = sub.add_parser(
        "sweep", help="run a parameter sweep (grid or Latin hypercube) with replicates",
        description="Run the spec's grid or Latin-hypercube design into a results folder that "
        "survives interruption (--resume, --retry-failed). Summarize it with `plsim analyze DIR`.")
    add_run_arguments(p)
    p.set_defaults(handler=handle, expected="sweep", other="sensitivity")
