"""The ``plsim`` command line: one subcommand module each, errors as one clear line.

Every subcommand lives in ``interfaces/commands/<name>.py`` with a ``register(subparsers)``
function that adds its parser and sets ``handler`` (a function taking the parsed arguments and
returning an exit code). Input problems raise :class:`simulation.errors.UserError` (or
``FileExistsError`` for a folder that would be overwritten) and reach the user as
``plsim: error: ...`` with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from simulation.errors import UserError

COMMANDS: tuple[str, ...] = (
    "scenarios",
    "validate",
    "run",
    "survey",
    "compare",
    "calibrate",
    "report",
    "export",
    "dashboard",
    "sweep",
    "sensitivity",
    "analyze",
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="plsim",
        description="Simulate personalized-learning policies in a university or school "
        "(students, teachers, administrators) and compare them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"interfaces.commands.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``plsim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (UserError, FileExistsError) as exc:
        print(f"plsim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("plsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which closed early
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
