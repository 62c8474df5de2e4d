"""What the six live panels show, and the colours of every chart.

Colours are the Okabe-Ito palette: distinguishable for colour-blind viewers and on washed-out
projectors. Both the browser charts (:mod:`.charts`) and the PNG figures (:mod:`.figures`) read
:data:`PANELS`, so the download shows what the screen shows.
"""

from __future__ import annotations

BLACK, ORANGE, SKY, GREEN, BLUE, VERMILION, PURPLE = (
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7")
GREY = "#555555"
OVER = "#C00000"

#: (title, y label, ((column, legend label, colour), ...), y limits or None) per panel;
#: ``budget_used_pct`` is ``100 * budget_used``.
PANELS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...], tuple[float, float] | None],
              ...] = (
    ("Achievement", "SD of the starting cohort", (
        ("achievement_top_quartile", "top quarter at start", BLUE),
        ("achievement_mean", "all students", BLACK),
        ("achievement_bottom_quartile", "bottom quarter at start", VERMILION)), None),
    ("Engagement", "share of time engaged", (
        ("engagement_mean", "overall", BLACK),
        ("engagement_affective", "interest (affective)", ORANGE),
        ("engagement_behavioural", "effort (behavioural)", SKY)), (0.0, 1.0)),
    ("Equity gaps", "difference in SD", (
        ("gap_bottom_top", "top vs bottom quarter", VERMILION),
        ("gap_access", "home access vs none", PURPLE)), None),
    ("Preparedness", "survey scale 1-4", (
        ("teacher_preparedness", "teachers", GREEN),
        ("administrator_preparedness", "administrators", BLUE),
        ("student_competency", "students", ORANGE)), (1.0, 4.0)),
    ("Teachers: adoption and burnout", "share of teachers / class time", (
        ("adoption_mean", "class time personalized", GREEN),
        ("burnout_share", "teachers burnt out", VERMILION)), (0.0, 1.0)),
    ("Budget used", "% of annual budget", (
        ("budget_used_pct", "policy cost this year", BLACK),), None),
)
