"""The board of one round: chart of effects, table of numbers and each group's rationale."""

from __future__ import annotations

import html

import solara

from interfaces.dashboard.team_board import board_png, data_uri, group_colour
from interfaces.dashboard.workshop_rooms import P_BENEFIT_TEXT, BoardRow, Round, WorkshopRoom

BOARD_CSS = """
.plsim-team { font-size: 18px; }
.plsim-team h1 { font-size: 1.6em; margin: 0 0 4px 0; }
.plsim-team h2 { font-size: 1.35em; margin: 8px 0 4px 0; }
.plsim-team .plsim-room-code { font-family: monospace; font-size: 1.5em; font-weight: bold;
  letter-spacing: 0.12em; background: #FFF3B0; padding: 0 8px; border: 2px solid #000; }
.plsim-team table.plsim-board { border-collapse: collapse; width: 100%; font-size: 1.2em; }
.plsim-team table.plsim-board td[data-field=group] { white-space: nowrap; font-weight: bold; }
.plsim-team table.plsim-board th { text-align: left; border-bottom: 3px solid #000;
  padding: 4px 8px; vertical-align: bottom; }
.plsim-team table.plsim-board td { border-bottom: 1px solid #888; padding: 4px 8px;
  vertical-align: top; }
.plsim-team table.plsim-board td.num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; font-weight: bold; }
.plsim-team table.plsim-board td.why { font-style: italic; font-size: 0.9em; }
.plsim-team .plsim-swatch { display: inline-block; width: 0.9em; height: 0.9em;
  border: 1px solid #000; margin-right: 6px; vertical-align: middle; }
.plsim-team img.plsim-board-chart { width: 100%; max-width: 1400px; height: auto;
  display: block; }
.plsim-team .plsim-status { font-size: 1.2em; font-weight: bold; }
.plsim-team .plsim-caption { font-size: 0.85em; color: #222; }
.plsim-team .v-btn { font-size: 1em !important; }
"""

HEADER = ("Group", "Effect on achievement", "95% interval", "Gap top vs bottom quarter",
          "Gap by home access", "Cost per student a year", "P(benefit)", "Why (their words)")


def board_table(rows: list[BoardRow], colours: list[str], round_number: int) -> str:
    """The board's numbers as an HTML table (every cell escaped, every value marked)."""
    body = []
    for row, colour in zip(rows, colours):
        shown = row.shown()
        cells = [f'<td data-field="group"><span class="plsim-swatch" '
                 f'style="background:{colour}"></span>{html.escape(row.group)}</td>']
        for key in ("effect", "interval", "gap_bottom_top", "gap_access", "cost",
                    "p_benefit"):
            cells.append(f'<td class="num" data-field="{key}">{html.escape(shown[key])}</td>')
        cells.append(f'<td class="why" data-field="rationale">{html.escape(row.rationale)}</td>')
        body.append(f'<tr data-testid="board-row" data-round="{round_number}" '
                    f'data-group="{html.escape(row.group)}">{"".join(cells)}</tr>')
    tips = {"P(benefit)": P_BENEFIT_TEXT,
            "95% interval": "95% interval of the mean paired difference over replicates",
            "Gap top vs bottom quarter": "change in the gap; negative: the gap narrows",
            "Gap by home access": "change in the gap; negative: the gap narrows"}
    head = "".join(f'<th title="{html.escape(tips[h])}">{html.escape(h)}</th>' if h in tips
                   else f"<th>{html.escape(h)}</th>" for h in HEADER)
    return (f'<table class="plsim-board" data-testid="board-{round_number}"><thead><tr>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table>')


def colours_of(room: WorkshopRoom, rows: list[BoardRow]) -> list[str]:
    """Each row's group colour, fixed by the order groups joined (the same every round)."""
    order = [g.name for g in room.groups.values()]
    return [group_colour(order.index(r.group) if r.group in order else i)
            for i, r in enumerate(rows)]


@solara.component
def TeamBoard(room: WorkshopRoom, rnd: Round, preview: bool = False) -> None:
    """Chart and table of a round that has run (``preview``: not revealed to groups yet)."""
    rows = list(rnd.board)
    colours = colours_of(room, rows)
    s = room.settings
    png = solara.use_memo(lambda: board_png(rows, colours, rnd.number, s.weeks, s.replicates),
                          [rnd.number, len(rows), rnd.seconds])
    title = f"Round {rnd.number} board" + (" (only you see it until you reveal it)"
                                           if preview else "")
    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(title),
                attributes={"data-testid": f"board-title-{rnd.number}"})
    solara.HTML(tag="div", unsafe_innerHTML=(
        f'<img class="plsim-board-chart" data-testid="board-chart-{rnd.number}" '
        f'src="{data_uri(png)}" alt="Round {rnd.number}: effect on achievement of each '
        f'group\'s policy with its 95% interval">'))
    solara.HTML(tag="div", unsafe_innerHTML=board_table(rows, colours, rnd.number))
    solara.Text(f"Each policy minus the status quo ({s.preset}), over {s.weeks} weeks, "
                f"{s.replicates} paired replicates with the same seeds for every group. Gaps: "
                "a negative change means the gap narrows. " + P_BENEFIT_TEXT,
                classes=["plsim-caption"])
