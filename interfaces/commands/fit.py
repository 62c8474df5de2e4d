"""``plsim fit``: calibrate the screened parameters to the evidence base (ABC-SMC, resumable)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from interfaces.commands import options
from simulation.errors import UserError

#: Parameters the shipped fit calibrates (the top of the Morris screening; see docs/validation.md).
DEFAULT_PARAMETERS = (
    "learning.gain_per_hour", "learning.difficulty_scale", "pacing.calendar_rate",
    "learning.whole_class_breadth", "learning.fit_concentration", "learning.feedback_effect",
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``fit`` subcommand."""
    p = sub.add_parser(
        "fit", help="calibrate uncertain parameters to the evidence base (ABC-SMC)",
        description="Fit the screened uncertain parameters to the calibration rows of "
        "experiments/calibration/evidence/findings.csv with ABC-SMC (pyabc), keeping the "
        "history in an SQLite file so an interrupted fit resumes, and write the last population "
        "as plausible worlds (CSV with weights, plus a JSON manifest). Validation rows are never "
        "used. Needs the 'fit' extra (pip install -e '.[fit]').")
    p.add_argument("--db", type=Path, default=Path("results/fit/abc.db"), metavar="FILE.db",
                   help="SQLite history (default results/fit/abc.db); resumed when it exists")
    p.add_argument("--out", type=Path, default=None, metavar="FILE.csv",
                   help="plausible worlds to write (default simulation/data/plausible_worlds.csv)")
    p.add_argument("--population", type=int, default=200, help="particles per population")
    p.add_argument("--generations", type=int, default=3, help="populations in all (default 3)")
    p.add_argument("--parameters", default=",".join(DEFAULT_PARAMETERS), metavar="A,B,...",
                   help="registry names to fit (default: the screened six)")
    p.add_argument("--workers", type=int, default=2, help="local processes (default 2)")
    p.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="a Dask scheduler address, or 'local' for a LocalCluster")
    p.add_argument("--max-minutes", type=float, default=15.0,
                   help="wall-time limit of this call (default 15)")
    p.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    p.add_argument("--fresh", action="store_true",
                   help="start a new history instead of resuming the one in --db")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run or resume the fit, print each population's progress, write the ensemble."""
    try:
        import pyabc  # noqa: F401
    except ImportError:
        raise UserError("plsim fit needs pyabc: pip install -e '.[fit]'") from None
    from experiments.calibration.fit import ENSEMBLE, FitSettings, fit, write_ensemble
    from simulation import parameters

    options.seed(args.seed)
    for option in ("population", "generations", "workers"):
        options.at_least(getattr(args, option), 1, f"--{option}")
    names = tuple(n.strip() for n in args.parameters.split(",") if n.strip())
    for name in names:
        try:
            p = parameters.get(name)
        except KeyError:
            raise UserError(f"--parameters: '{name}' is not a registry parameter") from None
        if p.low is None or p.high is None:
            raise UserError(f"--parameters: '{name}' has no numeric range to fit")
    if args.db.suffix != ".db":
        raise UserError(f"--db {args.db}: the history file must end in .db")
    out_path = args.out or ENSEMBLE
    _check_own_files(args.db, out_path, args.fresh)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("ABC").setLevel(logging.INFO)  # pyabc logs each population: progress
    settings = FitSettings(parameters=names, population=args.population,
                           generations=args.generations, seed=args.seed, workers=args.workers,
                           dask=args.dask, max_minutes=args.max_minutes)
    history = fit(settings, args.db, resume=not args.fresh)
    command = ("plsim fit " + " ".join(sys.argv[2:])).strip() if sys.argv[1:2] == ["fit"] \
        else "plsim fit"
    out = write_ensemble(history, settings, out_path, command=command)
    print(f"Wrote {out} and {out.with_suffix('.json')} ({history.max_t + 1} population(s)).")
    return 0


def _check_own_files(db: Path, out: Path, fresh: bool) -> None:
    """Refuse to replace files plsim fit did not write (users' files are kept)."""
    import json

    from experiments.calibration.fit import is_fit_history

    if db.exists() and not is_fit_history(db):
        raise UserError(f"--db {db}: exists and is not a fit history written by plsim fit; "
                        "choose another file")
    del fresh  # a fit history may be restarted with --fresh; anything else was refused above
    if out.exists():
        manifest = out.with_suffix(".json")
        try:
            ours = json.loads(manifest.read_text(encoding="utf-8")).get("method") == "ABC-SMC"
        except (OSError, ValueError, AttributeError):
            ours = False
        if not ours:
            raise UserError(f"--out {out}: exists and was not written by plsim fit (no "
                            f"manifest {manifest.name}); choose another file")
