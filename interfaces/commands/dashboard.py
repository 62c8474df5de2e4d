"""``plsim dashboard``: serve the what-if explorer and workshop mode in a browser."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys
import warnings

from experiments.reporting.money import ENV_VAR
from simulation.errors import UserError

#: Worker processes comparisons share by default (see interfaces.dashboard.compare_job).
WORKERS = 2

APP = "interfaces.dashboard.app"
LOOPBACK_NAMES = ("localhost",)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` subcommand."""
    p = sub.add_parser(
        "dashboard", help="open the what-if explorer and workshop mode in a browser",
        description="Start the dashboard server, then open the printed address in a browser. "
        "It listens on this computer only (127.0.0.1) unless --host says otherwise.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only); any "
                   "other address also needs --allow-remote")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow a --host other computers can reach (e.g. 0.0.0.0): anyone on "
                   "that network can then open the dashboard, without a password, join "
                   "its workshop rooms and run simulations on this computer; workshop team "
                   "mode needs it so groups can join from their own devices; use it only on a "
                   "trusted network")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any free)")
    p.add_argument("--currency", metavar="SYMBOL", default=None,
                   help=f"currency symbol for money on the page (default ${ENV_VAR} or $)")
    p.add_argument("--compare-workers", type=int, default=None, metavar="N",
                   help="most worker processes all comparisons together may use at once "
                   f"(default {WORKERS}, at most the number of CPUs); extra comparisons wait")
    p.set_defaults(handler=handle)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this computer."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def solara_arguments(host: str, port: int) -> list[str]:
    """Arguments of ``solara run`` for the dashboard (production mode, no browser, offline)."""
    return ["run", APP, "--host", host, "--port", str(port), "--production", "--no-open",
            "--no-check-version", "--log-level", "warning"]


def handle(args: argparse.Namespace) -> int:
    """Run the Solara server until interrupted."""
    if not 0 <= args.port <= 65535:
        raise UserError(f"--port must be from 0 to 65535, got {args.port}")
    if not is_loopback(args.host) and not args.allow_remote:
        raise UserError(
            f"--host {args.host} would let other computers open the dashboard and run "
            "simulations on this one, with no password; add --allow-remote to do that on a "
            "trusted network, or leave --host out to listen on this computer only")
    if args.compare_workers is not None and args.compare_workers < 1:
        raise UserError(f"--compare-workers must be at least 1, got {args.compare_workers}")
    if args.currency is not None and not 0 < len(args.currency.strip()) <= 5:
        raise UserError(f"--currency must be a short symbol such as $ or EUR, got "
                        f"{args.currency!r}")
    if not is_loopback(args.host):
        print(f"plsim dashboard: warning: listening on {args.host}: other computers on the "
              "network can open the dashboard and run simulations on this one",
              file=sys.stderr)
    if args.currency is not None:
        os.environ[ENV_VAR] = args.currency.strip()
    if args.compare_workers is not None:
        os.environ["PLSIM_COMPARE_WORKERS"] = str(args.compare_workers)
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    os.environ["PLSIM_DASHBOARD_ADDRESS"] = f"http://{shown_host}:{args.port}/"
    # No usage statistics leave the machine; the front-end assets come from the
    # solara-assets package, not a CDN. Solara's corner banner covered a chart's legend in
    # the projector view: Solara is credited on the Export and share tab instead.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    # Solara's rules-of-hooks lint flags Mesa's own SolaraViz code (mesa 3.3.1): not ours.
    warnings.filterwarnings("ignore", message=".*found despite early return",
                            category=UserWarning)
    from solara.__main__ import cli

    print(f"plsim dashboard: starting on http://{args.host}:{args.port or '<free port>'}/ "
          "(Ctrl-C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        cli.main(args=solara_arguments(args.host, args.port), prog_name="solara",
                 standalone_mode=False)
    return 0
