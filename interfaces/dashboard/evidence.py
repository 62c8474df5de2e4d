"""What the evidence behind each lever says, in words a room reads correctly.

The registry gives the *strength* of the evidence; a strength alone reads as an endorsement
("learning styles: evidence strong"), so every badge also says what that evidence finds. The
findings summarize each lever's registry source (see its evidence card).
"""

from __future__ import annotations

from interfaces.dashboard.levers import Lever

#: What the cited research finds, completing "evidence: <strength> that it ...".
FINDINGS: dict[str, str] = {
    "pacing.mode": "depends on who the students are",
    "pacing.mastery_threshold": "works at 80-90%",
    "training.workshop_hours": "helps only when long (about 49 hours, not 5-14)",
    "training.coaching_hours": "helps",
    "training.coaches_per_teacher": "helps less in larger programmes",
    "training.plc_hours": "helps",
    "resources.adaptive_platform": "helps",
    "resources.analytics_tools": "helps",
    "practices.differentiated_instruction": "helps",
    "practices.personalized_feedback": "helps",
    "practices.collaborative_projects": "helps",
    "practices.self_directed_plans": "helps the self-regulated, not the weakest",
    "practices.interest_matching": "helps",
    "practices.learning_style_matching": "does not help",
    "practices.tutor_per_student": "helps a lot (a reference, not a policy)",
}

STRENGTH_TEXT = {
    "strong": "several rigorous studies or meta-analyses",
    "moderate": "some studies, or strong evidence about a related practice",
    "weak": "few or indirect studies",
    "assumption": "no source: a modelling assumption to question",
}


def finding(lever: Lever) -> str:
    """``evidence: strong that it does not help``; an assumption says it is one."""
    strength = lever.param.evidence
    if strength == "assumption" or lever.name not in FINDINGS:
        return "no evidence: a modelling assumption"
    return f"evidence: {strength} that it {FINDINGS[lever.name]}"


def explanation(lever: Lever) -> str:
    """The evidence line of a lever's card: the finding and what the strength means."""
    return f"{finding(lever)} ({STRENGTH_TEXT[lever.param.evidence]})"
