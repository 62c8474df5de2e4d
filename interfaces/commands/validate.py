"""``plsim validate FILE``: check a scenario file."""

from __future__ import annotations

import argparse

from simulation.scenario import load_scenario


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``validate`` subcommand."""
    p = sub.add_parser("validate", help="check a scenario file (or bundled name)")
    p.add_argument("scenario", metavar="FILE", help="scenario TOML path or bundled name")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Load the scenario; report warnings; errors propagate as UserError."""
    scenario = load_scenario(args.scenario)
    chain = f" (extends {' -> '.join(scenario.chain)})" if scenario.chain else ""
    print(f"{scenario.source}: valid scenario '{scenario.name}'{chain}")
    for warning in scenario.warnings:
        print(f"warning: {warning}")
    return 0
