"""``plsim scenarios``: list the bundled scenarios with the question each one asks."""

from __future__ import annotations

import argparse
import textwrap

from simulation.scenario import BUNDLED_DIR, bundled_scenarios, read_toml


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``scenarios`` subcommand."""
    p = sub.add_parser("scenarios",
                       help="list bundled scenarios with their descriptions and questions")
    p.set_defaults(handler=handle)


def own_question(name: str) -> tuple[str, str]:
    """The question a bundled scenario file states itself, and the scenario it extends."""
    data = read_toml(BUNDLED_DIR / f"{name}.toml")
    return str(data.get("question", "")).strip(), str(data.get("extends", "")).strip()


def handle(args: argparse.Namespace) -> int:
    """Print each bundled scenario: name and description, then its question indented."""
    rows = bundled_scenarios()
    width = max(len(name) for name, _ in rows)
    for name, description in rows:
        print(f"{name:<{width}}  {description}")
        question, parent = own_question(name)
        if not question:
            question = (f"(no question of its own: what does it change against {parent}?)"
                        if parent else "(no question stated)")
        for line in textwrap.wrap(f"Q: {question}", max(60, 100 - width)):
            print(f"{'':<{width}}  {line}")
    return 0
