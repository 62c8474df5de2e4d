"""``plsim sensitivity SPEC``: run a Sobol, Morris or eFAST experiment into a results folder.

The run options here are shared with ``plsim sweep`` (grid and Latin-hypercube designs).
"""

from __future__ import annotations

import argparse
import sys
import time

from experiments.design.spec import load_spec
from experiments.methods import names
from experiments.running.runner import run_experiment
from interfaces.commands.finish import finish_command
from simulation.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``sensitivity`` subcommand."""
    p = sub.add_parser(
        "sensitivity", help="run a global sensitivity experiment (Sobol, Morris, eFAST)",
        description="Run the spec's design (every point x replicate) into a results folder that "
        "survives interruption: --resume continues it, --retry-failed re-runs recorded failures. "
        "Analyse it with `plsim analyze DIR`.")
    add_run_arguments(p)
    p.set_defaults(handler=handle, expected="sensitivity", other="sweep")


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``sweep`` and ``sensitivity``."""
    p.add_argument("spec", metavar="SPEC",
                   help="experiment spec TOML (or the name of a bundled spec, e.g. ci_small)")
    p.add_argument("--out", metavar="DIR", help="results folder (default results/<spec name>)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="local worker processes (default: all cores); with --dask local, "
                       "the cluster's workers")
    where.add_argument("--serial", action="store_true", help="run in this process, one by one")
    p.add_argument("--dask", metavar="ADDR",
                   help="run on Dask: 'local' starts a LocalCluster, tcp://HOST:PORT uses a "
                   "running scheduler")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted experiment in --out (the spec must be unchanged)")
    p.add_argument("--retry-failed", action="store_true",
                   help="resume and also re-run runs recorded as failed")
    p.add_argument("--force", action="store_true", help="replace an existing --out folder")
    p.add_argument("--chunk-size", type=int, default=1, metavar="K",
                   help="runs per scheduled task (default 1; results do not depend on it)")
    p.add_argument("--part-runs", type=int, default=64, metavar="K",
                   help="runs per Parquet part written (default 64; also every 10 s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-pilot", action="store_true",
                   help="skip the duration estimate printed after the first runs")


def handle(args: argparse.Namespace) -> int:
    """Run the experiment; exit 0 when every run succeeded, 1 when failures were recorded."""
    spec = load_spec(args.spec)
    expected = names(args.expected)
    if spec.method not in expected:
        raise UserError(
            f"{spec.source}: design.method = {spec.method!r} is run by `plsim {args.other}`, "
            f"not `plsim {args.command}` (which runs {', '.join(expected)} designs)")
    if args.part_runs < 1 or args.chunk_size < 1:
        raise UserError("--part-runs and --chunk-size must be 1 or more")
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be 1 or more, got {args.workers}")
    start = time.monotonic()
    results = run_experiment(
        spec, args.out, workers=args.workers, dask=args.dask, serial=args.serial,
        resume=args.resume, retry_failed=args.retry_failed, force=args.force,
        progress=not args.no_progress, part_runs=args.part_runs,
        pilot=False if args.no_pilot else None, chunk_size=args.chunk_size)
    elapsed = time.monotonic() - start
    s = results.summary()
    session = results.manifest["sessions"][-1]
    rate = session["completed"] / elapsed * 60 if elapsed > 0 else float("nan")
    print(f"{spec.name}: {s['planned']} runs planned: {s['ok']} ok, {s['failed']} failed, "
          f"{s['missing']} missing -> {results.path}")
    print(f"  this session: {session['completed']} runs in {elapsed:.1f} s ({rate:.0f} runs/min, "
          f"{session['executor']}, {session['workers']} worker(s))")
    if session["completed"] and elapsed > 0:
        busy = session["run_cpu_seconds"] / (session["workers"] * elapsed)
        print(f"  model CPU time {session['run_cpu_seconds']:.1f} s "
              f"({session['run_cpu_seconds'] / session['completed']:.3f} s per run); workers "
              f"computing {busy:.0%} of the wall time")
    if s["failed"]:
        print(f"  failures are recorded with their errors; re-run them with: "
              f"{finish_command(results.resume_request(retry=True))}", file=sys.stderr)
        return 1
    print(f"next: plsim analyze {results.path}")
    return 0

