"""Helpers shared by the components: guarded actions, refresh, escaped HTML tables."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

import solara
from mesa.visualization.utils import force_update

from interfaces.dashboard.session import Session

log = logging.getLogger("plsim.dashboard")


def act(session: Session, action: Callable[[], Any]) -> Any:
    """Run a UI action; an unexpected error becomes the page's message, never a crash.

    Problems a person can fix are already turned into ``session.message`` by the session;
    this catches the rest (a bug), logs the traceback and keeps the page alive. The page is
    refreshed through Mesa's SolaraViz update counter either way.
    """
    try:
        return action()
    except Exception as exc:  # the page must survive any single action
        log.exception("dashboard action failed")
        session.message = f"Something went wrong ({type(exc).__name__}: {exc}). " \
                          "The previous state is kept."
        return None
    finally:
        force_update()


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
               numeric: Sequence[int] = (), test_id: str = "") -> str:
    """An HTML table with every cell escaped; columns in ``numeric`` right-aligned."""
    tid = f' data-testid="{html.escape(test_id)}"' if test_id else ""
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="num">{html.escape(str(c))}</td>' if i in numeric
            else f"<td>{html.escape(str(c))}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows)
    return f'<table class="plsim-table"{tid}><thead><tr>{head}</tr></thead>' \
           f"<tbody>{body}</tbody></table>"


def heading(text: str, level: int = 3) -> None:
    """A heading (plain text, escaped by the browser; no Markdown, so no math assets)."""
    solara.v.Html(tag=f"h{level}", children=[text])


def labelled(label: str, text: str) -> None:
    """``label: text`` with the label in bold."""
    solara.v.Html(tag="p", style_="margin-bottom: 6px", children=[
        solara.v.Html(tag="b", children=[f"{label}: "]), text])
