"""Evidence cards: each lever's meaning, default, range, source and strength of evidence."""

from __future__ import annotations

import solara

from interfaces.dashboard.components.common import heading, labelled
from interfaces.dashboard.components.lever_panel import EvidenceBadge
from interfaces.dashboard.evidence import explanation
from interfaces.dashboard.levers import GROUPS, WHEN_TEXT, Lever, in_group
from interfaces.dashboard.wording import money, plain, unit_text, value_text


def card_lines(lever: Lever) -> list[tuple[str, str]]:
    """(heading, text) lines of a lever's card, all read from the registry."""
    p = lever.param
    if p.kind in ("int", "float") and p.unit.startswith("currency"):
        allowed = f"{money(p.low)} to {money(p.high)} per student per year"
    elif p.kind in ("int", "float"):
        allowed = f"{p.low:,.4g} to {p.high:,.4g} {unit_text(lever)}".strip()
    elif p.kind == "choice":
        allowed = "; ".join(lever.choice_label(c) for c in p.choices)
    else:
        allowed = "on or off"
    return [
        ("What it is", plain(p.description)),
        ("Default", value_text(lever, p.default)),
        ("Allowed", allowed),
        ("Source", p.source),
        ("What the evidence says", explanation(lever)),
        ("During a run", f"a change applies {WHEN_TEXT[lever.when]}"),
    ]


@solara.component
def EvidenceCard(lever: Lever) -> None:
    """One lever's card."""
    with solara.Card(lever.label, margin=0, style={"margin-bottom": "10px"}):
        EvidenceBadge(lever)
        for label, text in card_lines(lever):
            labelled(label, text)


@solara.component
def EvidenceCards() -> None:
    """All levers' cards, by group."""
    solara.Text("What is known about each lever, from the model's parameter registry.",
                classes=["plsim-caption"])
    for group in GROUPS:
        heading(group)
        with solara.ColumnsResponsive(12, large=6):
            for lever in in_group(group):
                EvidenceCard(lever)
