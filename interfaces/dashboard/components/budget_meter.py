"""The budget meter: the current settings' annual cost against the budget, red when over."""

from __future__ import annotations

import solara

from interfaces.dashboard.session import Session

LABELS = {"training": "workshops and learning communities", "coaching": "coaches",
          "leadership": "leadership training", "devices": "devices", "platform": "platform",
          "analytics": "analytics", "extra_teachers": "extra teachers", "tutors": "tutors"}


def meter_state(planned: float, budget: float) -> tuple[float, bool]:
    """``(share of the budget used, over budget?)``; any spending on a zero budget is over."""
    if budget <= 0:
        return (0.0 if planned <= 0 else float("inf")), planned > 0
    return planned / budget, planned > budget + 1e-9


@solara.component
def BudgetMeter(session: Session, version: int = 0) -> None:
    """Planned annual spending per student against the budget, with what it is spent on.

    ``version`` changes whenever the session does, so the meter re-renders.
    """
    costs = session.planned_costs()
    planned, budget = costs["total_per_student"], session.budget()
    share, over = meter_state(planned, budget)
    width = 100.0 if share == float("inf") else min(share, 1.0) * 100.0
    percent = "over" if share == float("inf") else f"{share:.0%}"
    status = "OVER BUDGET" if over else "within budget"
    parts = ", ".join(f"{LABELS.get(k, k)} {v:,.0f}" for k, v in costs.items()
                      if k != "total_per_student" and v > 0) or "nothing yet"
    spent = session.model.spending_per_student
    solara.HTML(tag="div", classes=["plsim-meter-box"] + (["plsim-meter-over"] if over else []),
                unsafe_innerHTML=(
                    f'<div class="plsim-meter-text" data-testid="budget-text" '
                    f'data-over="{str(over).lower()}">Budget: {planned:,.0f} of '
                    f"{budget:,.0f} per student per year ({percent}) \u2014 {status}</div>"
                    f'<div class="plsim-meter" data-testid="budget-meter">'
                    f'<div class="plsim-meter-fill" style="width:{width:.1f}%"></div></div>'))
    solara.Text(f"Spent on: {parts}. Spent so far in this run: {spent:,.0f} per student.",
                classes=["plsim-caption"])
