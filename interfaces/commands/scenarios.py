"""``plsim scenarios``: list the bundled scenarios."""

from __future__ import annotations

import argparse

from simulation.scenario import bundled_scenarios


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``scenarios`` subcommand."""
    p = sub.add_parser("scenarios", help="list bundled scenarios with one-line descriptions")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print one line per bundled scenario."""
    rows = bundled_scenarios()
    width = max(len(name) for name, _ in rows)
    for name, description in rows:
        print(f"{name:<{width}}  {description}")
    return 0
