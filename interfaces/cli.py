"""The ``plsim`` command line: one subcommand module each, errors as one clear line.

Every subcommand lives in ``interfaces/commands/<name>.py`` with a ``register(subparsers)``
function that adds its parser and sets ``handler`` (a function taking the parsed arguments and
returning an exit code). Input problems raise :class:`simulation.errors.UserError` (or
``FileExistsError`` for a folder that would be overwritten) and reach the user as
``plsim: error: ...`` with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import difflib
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
    "fit",
    "validate-model",
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
        importlib.import_module(f"interfaces.commands.{name.replace('-', '_')}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``plsim`` console script."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # the subcommand's usage, not the top-level one
        sub = _subcommand_parser(parser, args.command)
        known = [o for a in sub._actions for o in a.option_strings]
        near = difflib.get_close_matches(unknown[0].split("=")[0], known, n=1)
        hint = f"; did you mean {near[0]}?" if near and unknown[0].startswith("-") else ""
        sub.error(f"unrecognized arguments: {' '.join(unknown)}{hint}")
    try:
        return int(args.handler(args) or 0)
    except (UserError, FileExistsError) as exc:
        from interfaces.commands.finish import next_step

        print(f"plsim: error: {exc}{next_step(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("plsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which closed early
        sys.stderr.close()
        return 0
    except OSError as exc:  # a full disk, a read-only or forbidden folder: one line, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"plsim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2


def _subcommand_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]  # type: ignore[no-any-return]
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
