"""A link that reproduces the current settings: the query string of the dashboard's address.

``?preset=ding_full_model&seed=3&training.coaching_hours=40`` sets the preset, the seed and any
lever that differs from the preset. Reading a query never touches the file system: the preset
must be a bundled scenario's name and each lever goes through the same checks as typed input.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from interfaces.dashboard import values as checks
from interfaces.dashboard.levers import BY_NAME, LEVERS
from interfaces.dashboard.session import BASELINE, Session
from interfaces.dashboard.wording import allowed_text
from simulation.scenario import bundled_names

MAX_QUERY = 4000


@dataclass
class LinkSettings:
    """What a query string asks for, and what could not be used."""

    preset: str = BASELINE
    seed: int = 1
    overrides: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def query_string(session: Session) -> str:
    """``preset=...&seed=...&<lever>=<value>...`` for the current settings."""
    pairs = [("preset", session.preset.name), ("seed", str(session.seed))]
    pairs += [(lv.name, _text(session.settings[lv.name])) for lv in LEVERS
              if session.settings[lv.name] != session.preset.get(lv.name)]
    return urlencode(pairs)


def parse_query(search: str | None) -> LinkSettings:
    """Read a query string; unknown names and bad values are listed in ``problems``."""
    out = LinkSettings()
    if not search:
        return out
    if len(search) > MAX_QUERY:
        out.problems.append("the link is too long and was ignored")
        return out
    for name, raw in parse_qsl(search.lstrip("?"), keep_blank_values=True):
        if name == "preset":
            if raw in bundled_names():
                out.preset = raw
            else:
                out.problems.append(f"unknown preset {raw!r} in the link")
        elif name == "seed":
            seed, error = checks.parse_seed(raw)
            if error:
                out.problems.append(error)
            else:
                out.seed = int(seed)  # type: ignore[arg-type]
        elif name in BY_NAME:
            lever = BY_NAME[name]
            value, error = checks.parse(lever.param, raw, lever.label,
                                        allowed=allowed_text(lever))
            if error:
                out.problems.append(error)
            else:
                out.overrides[name] = value
        else:
            out.problems.append(f"{name!r} in the link is not a setting of this dashboard")
    return out


def session_from_query(search: str | None) -> Session:
    """A new session with the link's settings; problems are shown as the session's message."""
    link = parse_query(search)
    session = Session(link.preset, link.seed, link.overrides)
    if link.problems:
        problems = "; ".join(link.problems)
        session.message = f"{problems}. {session.message}" if session.message else problems
    return session


#: Set by ``plsim dashboard`` to the address it serves, for links made outside a browser.
ADDRESS_VAR = "PLSIM_DASHBOARD_ADDRESS"


def share_url(query: str, headers: Mapping[str, Sequence[str]] | None = None,
              fallback: str | None = None) -> str:
    """The absolute link to these settings, as the person's browser reached the dashboard.

    ``headers`` are the page request's headers (``host``, and ``x-forwarded-proto`` or
    ``x-forwarded-host`` behind a proxy); without them the address ``plsim dashboard`` serves
    (``fallback``, default ``$PLSIM_DASHBOARD_ADDRESS``, else ``http://127.0.0.1:8765/``).
    """
    def first(name: str) -> str | None:
        values = (headers or {}).get(name) or []
        return str(values[0]).split(",")[0].strip() if values else None

    host = first("x-forwarded-host") or first("host")
    if host:
        base = f"{first('x-forwarded-proto') or 'http'}://{host}/"
    else:
        base = fallback or os.environ.get(ADDRESS_VAR) or "http://127.0.0.1:8765/"
    if not base.endswith("/"):
        base += "/"
    return f"{base}?{query}" if query else base
