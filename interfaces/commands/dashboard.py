"""``plsim dashboard``: serve the what-if explorer and workshop mode in a browser."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import sys
import warnings

from simulation.errors import UserError

APP = "interfaces.dashboard.app"
LOOPBACK_NAMES = ("localhost",)


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` subcommand."""
    p = sub.add_parser(
        "dashboard", help="open the what-if explorer and workshop mode in a browser",
        description="Start the dashboard server, then open the printed address in a browser. "
        "It listens on this computer only (127.0.0.1) unless --host says otherwise.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only; "
                   "0.0.0.0 lets anyone on the network connect)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any free)")
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
    if not is_loopback(args.host):
        print(f"plsim dashboard: warning: listening on {args.host}: other computers on the "
              "network can open the dashboard and run simulations on this one",
              file=sys.stderr)
    # No usage statistics leave the machine; the front-end assets come from the
    # solara-assets package, not a CDN.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
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
