"""The workshop board as a picture: every group's effect with its interval, one colour each.

Drawn with matplotlib (:class:`matplotlib.figure.Figure`, no pyplot state) so that the page,
which shows it as an image, and the PNG download are the same figure. Sized for a projector:
large type, thick lines, each group labelled in its own colour beside its interval.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from matplotlib.figure import Figure

from interfaces.dashboard.figures import to_png
from interfaces.dashboard.workshop_rooms import BoardRow

#: Okabe-Ito colours (distinguishable with colour blindness), then darker companions.
GROUP_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                 "#000000", "#8C6D00", "#5D3A9B", "#A6192E", "#1B5E20", "#555555")


def group_colour(position: int) -> str:
    """The colour of the group that joined ``position``-th (from 0)."""
    return GROUP_COLOURS[position % len(GROUP_COLOURS)]


def board_figure(rows: Sequence[BoardRow], colours: Sequence[str], round_number: int,
                 weeks: int, replicates: int) -> Figure:
    """Effects on achievement (SD) with 95% intervals, one row and colour per group."""
    n = max(len(rows), 1)
    fig = Figure(figsize=(14.0, 1.5 + 0.62 * n), dpi=80, layout="constrained")
    ax = fig.subplots()
    values: list[float] = [0.0]
    for i, (row, colour) in enumerate(zip(rows, colours)):
        y = n - 1 - i
        if row.effect_low is not None and row.effect_high is not None:
            ax.plot([row.effect_low, row.effect_high], [y, y], color=colour, linewidth=9,
                    solid_capstyle="butt", alpha=0.85)
            values += [row.effect_low, row.effect_high]
        ax.scatter([row.effect], [y], s=260, color="white", edgecolor=colour, linewidth=4,
                   zorder=3)
        values.append(row.effect)
    bound = max(abs(v) for v in values) * 1.25 or 0.01
    ax.set_xlim(-bound, bound)
    ax.axvline(0.0, color="#555555", linewidth=2)
    ax.set_yticks(range(n), [r.group for r in rows][::-1] if rows else [""], fontsize=20)
    for tick, colour in zip(ax.get_yticklabels()[::-1], colours):
        tick.set_color(colour)
        tick.set_fontweight("bold")
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_title(f"Round {round_number}: effect on achievement (dot) with its 95% interval "
                 "(bar)", fontsize=20, fontweight="bold", loc="left")
    ax.set_xlabel(f"change against the status quo, in SD of the starting cohort "
                  f"({weeks} weeks, {replicates} paired replicates)", fontsize=17)
    ax.tick_params(axis="x", labelsize=17)
    ax.grid(True, axis="x", color="#DDDDDD")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return fig


def board_png(rows: Sequence[BoardRow], colours: Sequence[str], round_number: int, weeks: int,
              replicates: int) -> bytes:
    """:func:`board_figure` as PNG bytes."""
    return to_png(board_figure(rows, colours, round_number, weeks, replicates))


def data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` address for an ``<img>``."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
