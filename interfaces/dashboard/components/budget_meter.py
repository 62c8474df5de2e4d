"""The budget meter: what the chosen settings cost a year against the budget, red when over.

One sentence, in plain words, from the same numbers as the "Policies in use cost" headline
figure: when the settings set on the levers differ from the ones the run uses (a refused or
not-yet-applied change), the meter says both, so "82% of budget" beside "494% of budget"
never appears without saying which is which.
"""

from __future__ import annotations

import html

import solara

from interfaces.dashboard.session import Session
from interfaces.dashboard.wording import money, spending_parts


def meter_state(planned: float, budget: float) -> tuple[float, bool]:
    """``(share of the budget used, over budget?)``; any spending on a zero budget is over."""
    if budget <= 0:
        return (0.0 if planned <= 0 else float("inf")), planned > 0
    return planned / budget, planned > budget + 1e-9


def _share(share: float) -> str:
    return "all" if share == float("inf") else f"{share:.0%}"


def budget_sentence(planned: float, in_use: float, budget: float) -> str:
    """The meter's text: the settings' cost against the budget, and the run's if different."""
    share, over = meter_state(planned, budget)
    if over:
        text = (f"Over budget: your settings cost {money(planned)} per student a year, "
                f"{money(planned - budget)} more than the budget of {money(budget)}")
    else:
        text = (f"Your settings cost {money(planned)} per student a year: {_share(share)} of "
                f"the budget of {money(budget)}, {money(budget - planned)} left")
    if abs(in_use - planned) > 0.5:
        used, _ = meter_state(in_use, budget)
        text += (f". The run still uses the earlier settings: {money(in_use)} "
                 f"({_share(used)} of the budget)")
    return text + "."


@solara.component
def BudgetMeter(session: Session, version: int = 0, projector: bool = False) -> None:
    """Planned annual spending per student against the budget, with what it is spent on.

    ``version`` changes whenever the session does, so the meter re-renders.
    """
    costs = session.planned_costs()
    planned, budget = costs["total_per_student"], session.budget()
    in_use = session.running_costs()["total_per_student"]
    share, over = meter_state(planned, budget)
    width = 100.0 if share == float("inf") else min(share, 1.0) * 100.0
    parts = spending_parts(costs) or "nothing yet"
    spent = session.model.spending_per_student
    solara.HTML(tag="div", classes=["plsim-meter-box"] + (["plsim-meter-over"] if over else []),
                unsafe_innerHTML=(
                    f'<div class="plsim-meter-text" data-testid="budget-text" '
                    f'data-over="{str(over).lower()}">'
                    f"{html.escape(budget_sentence(planned, in_use, budget))}</div>"
                    f'<div class="plsim-meter" data-testid="budget-meter" role="meter" '
                    f'aria-label="share of the budget your settings use" '
                    f'aria-valuemin="0" aria-valuemax="100" '
                    f'aria-valuenow="{min(width, 100.0):.0f}">'
                    f'<div class="plsim-meter-fill" style="width:{width:.1f}%"></div></div>'))
    if not projector:
        solara.Text(f"Spent on: {parts}. Spent so far in this run: {money(spent)} per student.",
                    classes=["plsim-caption"])
