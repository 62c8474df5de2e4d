"""The parameter registry: the one place every model parameter is defined.

Each parameter has a dotted name ``section.key`` (the TOML section and key of a scenario file), a
default, a plausible range (or a list of choices), a unit, a source (or the words "assumption, no
source"), the strength of the evidence behind it and its role in experiments (a *policy* lever the
institution controls, an *uncertainty* about the world, or *structure*). The scenario validator, the
model, ``docs/parameters.md``, the dashboard's evidence cards and the sensitivity-analysis bounds
all read this registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["float", "int", "bool", "choice"]
Role = Literal["policy", "uncertainty", "structure"]
Evidence = Literal["strong", "moderate", "weak", "assumption"]
TakesEffect = Literal["next_week", "next_term", "reset"]
"""When a change made during a run takes effect (see :attr:`Parameter.takes_effect`)."""

TAKES_EFFECT_TEXT: dict[TakesEffect, str] = {
    "next_week": "from the next week",
    "next_term": "from the next term",
    "reset": "only on reset (a new run)",
}

ASSUMPTION = "assumption, no source"
DING_2024 = "Ding, Santos & Borja (2024), IJRISS 8(6), Table {table}"


@dataclass(frozen=True)
class Parameter:
    """One model parameter with its evidence.

    Parameters
    ----------
    name
        Dotted ``section.key`` name, as written in scenario TOML files.
    default
        Value used when a scenario does not set it.
    low, high
        Plausible range (inclusive). Scenario values outside it are rejected; sensitivity analysis
        samples inside it unless an experiment narrows it. ``None`` for bool and choice parameters.
    unit
        Unit of the value ("1" for dimensionless).
    source
        Citation backing the default and range, or "assumption, no source".
    description
        Plain-language meaning, shown in docs and on the dashboard.
    kind
        ``float``, ``int``, ``bool`` or ``choice``.
    choices
        Allowed values of a ``choice`` parameter.
    role
        ``policy`` (a lever), ``uncertainty`` (a fact about the world we do not know well) or
        ``structure`` (size and calendar).
    evidence
        Strength of the evidence behind the default.
    takes_effect
        When a change made during a run (``PersonalizedLearningModel.apply_policy``) acts:
        ``next_week`` (read every week), ``next_term`` (read when the administration allocates at
        a term start) or ``reset`` (it sets who is in the institution or its week-0 state, so it
        needs a new model).
    label
        Plain-language name shown on the dashboard and in reports (derived from the key when not
        given).
    choice_labels
        Plain-language text of each choice of a ``choice`` parameter, as ``(value, text)`` pairs.
    """

    name: str
    default: float | int | bool | str
    low: float | None
    high: float | None
    unit: str
    source: str
    description: str
    kind: Kind = "float"
    choices: tuple[str, ...] = ()
    role: Role = "uncertainty"
    evidence: Evidence = "assumption"
    takes_effect: TakesEffect = "next_week"
    label: str = ""
    choice_labels: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.key.replace("_", " ").capitalize())

    @property
    def section(self) -> str:
        """The scenario TOML section holding this parameter."""
        return self.name.split(".", 1)[0]

    @property
    def key(self) -> str:
        """The key inside its section."""
        return self.name.split(".", 1)[1]

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        word = "an integer" if self.kind == "int" else "a number"
        return f"{word} from {_fmt(self.low)} to {_fmt(self.high)} ({self.unit})"


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:g}"


# --- ISTE factors of the seed study's instrument (Tables 1-3) -------------------------------------

STUDENT_FACTORS: tuple[str, ...] = (
    "creativity_innovation",
    "communication_collaboration",
    "research_information_fluency",
    "critical_thinking_problem_solving",
    "digital_citizenship",
    "technology_operations",
)
TEACHER_FACTORS: tuple[str, ...] = (
    "facilitate_inspire_creativity",
    "design_digital_age_learning",
    "model_digital_age_work",
    "promote_digital_citizenship",
    "professional_growth_leadership",
)
ADMINISTRATOR_FACTORS: tuple[str, ...] = (
    "visionary_leadership",
    "digital_age_learning_culture",
    "excellence_professional_practice",
    "systemic_improvement",
)
GROUP_FACTORS: dict[str, tuple[str, ...]] = {
    "students": STUDENT_FACTORS,
    "teachers": TEACHER_FACTORS,
    "administrators": ADMINISTRATOR_FACTORS,
}

# Published week-0 targets (mean, SD) per factor, Ding et al. (2024) Tables 1-3. The same numbers
# are kept, with the citation, in simulation/data/ding2024_survey_tables.csv, which the calibration
# test reads; a test checks the two agree.
_PUBLISHED: dict[str, dict[str, tuple[float, float]]] = {
    "students": {
        "creativity_innovation": (2.94, 0.69),
        "communication_collaboration": (2.94, 0.72),
        "research_information_fluency": (2.98, 0.71),
        "critical_thinking_problem_solving": (2.95, 0.72),
        "digital_citizenship": (2.94, 0.73),
        "technology_operations": (2.99, 0.75),
    },
    "teachers": {
        "facilitate_inspire_creativity": (2.87, 0.94),
        "design_digital_age_learning": (2.81, 0.91),
        "model_digital_age_work": (2.86, 0.95),
        "promote_digital_citizenship": (2.86, 0.95),
        "professional_growth_leadership": (2.86, 0.92),
    },
    "administrators": {
        "visionary_leadership": (2.84, 0.89),
        "digital_age_learning_culture": (2.86, 0.90),
        "excellence_professional_practice": (2.87, 0.90),
        "systemic_improvement": (2.93, 1.01),
    },
}
_TABLE = {"students": 1, "teachers": 2, "administrators": 3}
# Ranges of the survey targets that the response model can reproduce with the other targets,
# the group sizes and the item noise at their defaults (every corner validates; a test checks).
# Means near the ends of the 1-4 scale need SDs the clipped scale cannot give; a wider spread
# (systemic improvement, SD 1.01) narrows the reachable means.
MEAN_RANGE: dict[str, tuple[float, float]] = {
    "students": (1.45, 3.55), "teachers": (1.6, 3.4), "administrators": (1.6, 3.4),
    "systemic_improvement": (1.7, 3.3),
}
SD_RANGE = (0.3, 1.2)
# Joint constraint (checked by scenario validation, documented per parameter): an SD below what
# the item noise alone gives (about 0.57 at the default survey.item_noise_sd = 0.5) is reachable
# only with a lower item noise; calibration to an institution's survey suggests one.


def _survey_targets() -> list[Parameter]:
    params = []
    for group, factors in _PUBLISHED.items():
        src = DING_2024.format(table=_TABLE[group])
        for factor, (mean, sd) in factors.items():
            label = factor.replace("_", " ")
            params.append(
                Parameter(
                    f"{group}.{factor}_mean", mean, *MEAN_RANGE.get(factor, MEAN_RANGE[group]),
                    "Likert 1-4", src,
                    f"Week-0 survey mean of {group}' '{label}' (the initial state is calibrated so "
                    "the synthetic survey reproduces it).",
                    evidence="moderate", takes_effect="reset",
                    label=f"Week-0 survey mean, {group}: {label}",
                )
            )
            params.append(
                Parameter(
                    f"{group}.{factor}_sd", sd, *SD_RANGE, "Likert 1-4", src,
                    f"Week-0 survey SD of {group}' '{label}' responses (an SD below about "
                    "0.57 needs a survey.item_noise_sd below its default 0.5).",
                    evidence="moderate", takes_effect="reset",
                    label=f"Week-0 survey SD, {group}: {label}",
                )
            )
    return params


P = Parameter
_S: Role = "structure"
_POL: Role = "policy"
_RESET: TakesEffect = "reset"
_TERM: TakesEffect = "next_term"

PARAMETERS: tuple[Parameter, ...] = (
    # --- institution and calendar -----------------------------------------------------------------
    P("institution.n_students", 2000, 100, 1_000_000, "students", ASSUMPTION,
      "Number of students in the institution (at least 100: two classes of the default size, "
      "so at least two teachers answer the survey and their answers have a spread).", "int",
      role=_S, takes_effect=_RESET, label="Number of students"),
    P("institution.n_administrators", 4, 2, 50, "administrators", ASSUMPTION,
      "Number of administrators over the institution (at least 2: a survey of one person has "
      "no spread between respondents to calibrate).", "int", role=_S, takes_effect=_RESET,
      label="Number of administrators"),
    P("institution.classes_per_teacher", 1, 1, 4, "classes", ASSUMPTION,
      "Classes (sections) taught by each teacher.", "int", role=_S, takes_effect=_RESET),
    P("institution.weeks_per_term", 18, 4, 26, "weeks", "Model brief (two 18-week terms a year)",
      "Teaching weeks per term.", "int", role=_S, takes_effect=_RESET),
    P("institution.terms_per_year", 2, 1, 4, "terms", "Model brief (two 18-week terms a year)",
      "Terms per academic year.", "int", role=_S, takes_effect=_RESET),
    P("institution.years", 1, 1, 5, "years", ASSUMPTION,
      "Default horizon of a run.", "int", role=_S, takes_effect=_RESET),
    # --- students ---------------------------------------------------------------------------------
    P("students.aptitude_sd", 0.25, 0.05, 0.5, "log units", ASSUMPTION,
      "Spread (lognormal sigma) of students' learning rate (aptitude).", takes_effect=_RESET),
    P("students.aptitude_prior_correlation", 0.5, 0.0, 0.9, "1", ASSUMPTION,
      "Correlation between aptitude and prior achievement.", takes_effect=_RESET),
    P("students.ses_achievement_correlation", 0.3, 0.0, 0.6, "1",
      "Sirin (2005), Review of Educational Research 75(3): mean SES-achievement r about 0.3",
      "Correlation between family socioeconomic status and prior achievement.",
      evidence="strong", takes_effect=_RESET),
    P("students.home_access_rate", 0.8, 0.2, 1.0, "share of students",
      "Pew Research Center (2018), Teens, technology and the homework gap (assumed level)",
      "Share of students with a suitable device and home broadband at week 0.",
      evidence="weak", takes_effect=_RESET),
    P("students.access_ses_slope", 1.0, 0.0, 3.0, "log-odds per SD of SES",
      "Pew Research Center (2018): home broadband and device gaps follow income",
      "How strongly home access depends on socioeconomic status.", evidence="weak",
      takes_effect=_RESET),
    P("students.engagement_mean", 0.6, 0.3, 0.9, "share (0-1)", ASSUMPTION,
      "Mean engagement at week 0 (share of time actively engaged).", takes_effect=_RESET),
    P("students.engagement_sd", 0.15, 0.05, 0.3, "share (0-1)", ASSUMPTION,
      "Spread of engagement at week 0.", takes_effect=_RESET),
    P("students.self_regulation_mean", 0.5, 0.2, 0.8, "index (0-1)", ASSUMPTION,
      "Mean self-regulation (capacity to plan, monitor and pace one's own learning).",
      takes_effect=_RESET),
    P("students.self_regulation_sd", 0.15, 0.05, 0.3, "index (0-1)", ASSUMPTION,
      "Spread of self-regulation at week 0.", takes_effect=_RESET),
    P("students.self_regulation_prior_correlation", 0.3, 0.0, 0.7, "1",
      "Xu & Jaggars (2014), J. Higher Education 85(5): weaker students are less self-regulated",
      "Correlation between self-regulation and prior achievement.", evidence="weak",
      takes_effect=_RESET),
    P("students.competency_correlation", 0.5, 0.0, 0.9, "1", ASSUMPTION + " (the seed gives none)",
      "Correlation between any two of a student's six ISTE competencies.", takes_effect=_RESET),
    P("students.competency_achievement_correlation", 0.3, 0.0, 0.7, "1", ASSUMPTION,
      "Correlation between the ISTE competencies and prior achievement.", takes_effect=_RESET),
    P("students.interest_topics", 5, 2, 12, "topics", ASSUMPTION,
      "Number of interest areas a course's tasks can be themed on.", "int", takes_effect=_RESET),
    # --- teachers ---------------------------------------------------------------------------------
    P("teachers.factor_correlation", 0.6, 0.0, 0.9, "1", ASSUMPTION + " (the seed gives none)",
      "Correlation between any two of a teacher's five ISTE preparedness factors.",
      takes_effect=_RESET),
    P("teachers.attitude_mean", 0.75, 0.4, 0.95, "index (0-1)",
      "Ding, Santos & Borja (2024): all three groups positive about personalized learning",
      "Mean attitude toward personalized learning at week 0.", evidence="moderate",
      takes_effect=_RESET),
    P("teachers.attitude_sd", 0.1, 0.02, 0.25, "index (0-1)", ASSUMPTION,
      "Spread of teachers' attitude.", takes_effect=_RESET),
    P("teachers.initial_adoption", 0.1, 0.0, 0.5, "share of class time", ASSUMPTION,
      "Share of class time personalized at week 0 when practice components are switched on.",
      takes_effect=_RESET),
    P("teachers.prep_hours_per_week", 8.0, 2.0, 20.0, "hours/week", ASSUMPTION,
      "Teacher hours per week available for planning, marking and feedback beyond teaching."),
    P("teachers.diagnostic_noise_sd", 1.2, 0.5, 2.0, "SD of achievement",
      "Suedkamp, Kaiser & Moeller (2012), J. Educ. Psych. 104(3): teacher judgement accuracy "
      "r = .63, i.e. error SD about 1.2 of true SD",
      "Error of a teacher's read of a student's level, for an average teacher with no analytics.",
      evidence="strong"),
    P("teachers.colleague_ties", 4, 0, 20, "colleagues", ASSUMPTION,
      "Colleagues each teacher exchanges practice with.", "int", takes_effect=_RESET),
    P("teachers.colleague_learning_rate", 0.004, 0.0, 0.02, "1/week", ASSUMPTION,
      "Weekly share of the gap to better-prepared colleagues a teacher closes (scaled by "
      "professional growth)."),
    P("teachers.practice_learning_rate", 0.01, 0.0, 0.04, "Likert units/week", ASSUMPTION,
      "Preparedness gained per week of fully personalized teaching (learning by doing)."),
    P("teachers.adoption_rate", 0.15, 0.02, 0.5, "1/week", ASSUMPTION,
      "Weekly speed at which adoption moves toward the level a teacher's situation supports."),
    P("teachers.max_adoption", 0.7, 0.3, 1.0, "share of class time", ASSUMPTION,
      "Largest share of class time a fully supported teacher personalizes."),
    P("teachers.stress_rate", 0.08, 0.0, 0.3, "1/week", ASSUMPTION,
      "Stress added per week per unit of workload above capacity."),
    P("teachers.stress_recovery", 0.05, 0.0, 0.2, "1/week", ASSUMPTION,
      "Share of stress recovered per week."),
    P("teachers.overtime_tolerance", 0.2, 0.0, 0.6, "share of capacity", ASSUMPTION,
      "Work above the weekly time budget a teacher accepts before cutting personalized work."),
    P("teachers.burnout_threshold", 0.7, 0.4, 0.95, "stress index", ASSUMPTION,
      "Stress level above which a teacher counts as burnt out in the outputs."),
    P("teachers.adoption_bias", -1.5, -3.0, 2.0, "logit", ASSUMPTION,
      "Baseline log-odds of adopting personalized practice, before attitude, preparedness, "
      "leadership, coaching and stress."),
    P("teachers.diagnosis_persistence", 0.8, 0.0, 0.99, "1", ASSUMPTION,
      "Week-to-week persistence of a teacher's misjudgement of a student (AR(1) coefficient)."),
    P("teachers.adoption_attitude_weight", 3.0, 0.0, 6.0, "logit per unit attitude", ASSUMPTION,
      "Push of a positive attitude (above 0.5) on adoption."),
    P("teachers.adoption_preparedness_weight", 3.0, 0.0, 6.0, "logit per unit preparedness",
      ASSUMPTION, "Push of preparedness (normalized 0-1, above 0.5) on adoption."),
    P("teachers.adoption_stress_weight", 4.0, 0.0, 8.0, "logit per unit stress", ASSUMPTION,
      "Pull of stress on adoption."),
    P("teachers.design_diagnosis_weight", 1.0, 0.0, 2.0, "1", ASSUMPTION,
      "How much 'design digital-age learning and assessment' preparedness cuts diagnostic error."),
    P("teachers.attitude_erosion", 0.02, 0.0, 0.1, "1/week", ASSUMPTION,
      "Weekly loss of attitude per unit of stress above the burnout threshold."),
    # --- teacher workload of each practice ----------------------------------------------------
    P("workload.differentiation_hours", 8.0, 2.0, 20.0, "hours/week at full share", ASSUMPTION,
      "Preparation for differentiated small groups if they filled all class time."),
    P("workload.feedback_hours_per_student", 0.3, 0.05, 1.0, "hours/student/week at full share",
      ASSUMPTION, "One-to-one feedback time per student if it filled all class time."),
    P("workload.project_hours", 6.0, 1.0, 15.0, "hours/week at full share", ASSUMPTION,
      "Designing and running collaborative projects if they filled all class time."),
    P("workload.plan_review_hours_per_student", 0.1, 0.0, 0.5,
      "hours/student/week at full share", ASSUMPTION,
      "Reviewing students' self-directed learning plans if they filled all class time."),
    P("workload.platform_hours", 2.0, 0.0, 8.0, "hours/week at full share", ASSUMPTION,
      "Monitoring adaptive-platform practice if it filled all class time."),
    P("workload.interest_matching_hours", 1.0, 0.0, 5.0, "hours/week", ASSUMPTION,
      "Re-theming tasks on students' interests."),
    P("workload.analytics_time_saving", 0.3, 0.0, 0.8, "share", ASSUMPTION,
      "Share of feedback and plan-review time analytics tools save."),
    P("learning.group_size", 4, 2, 8, "students", ASSUMPTION,
      "Size of collaborative-project groups.", "int", takes_effect=_TERM),
    P("learning.differentiation_groups", 4, 2, 8, "groups/class", ASSUMPTION,
      "Ability groups a teacher forms for differentiated instruction.", "int"),
    # --- administrators ---------------------------------------------------------------------------
    P("administrators.factor_correlation", 0.6, 0.0, 0.9, "1",
      ASSUMPTION + " (the seed gives none)",
      "Correlation between any two of an administrator's four ISTE factors.", takes_effect=_RESET),
    P("administrators.budget_per_student", 300.0, 0.0, 100000.0, "currency/student/year",
      ASSUMPTION, "Annual budget for personalization policies, per student.", role=_POL,
      label='Budget per student per year'),
    P("administrators.allocation", "fixed", None, None, "-", ASSUMPTION,
      "Budget allocation: 'fixed' as the scenario sets it, or 'adaptive' (the term-end evaluation "
      "moves money between training, coaching and devices).", "choice", ("fixed", "adaptive"),
      role=_POL, label='How the budget is allocated',
      choice_labels=(("fixed", "Fixed, as set here"),
                     ("adaptive", "Moved each term by what the data show"))),
    P("administrators.evaluation_noise_sd", 0.3, 0.0, 1.0, "SD of outcome signal", ASSUMPTION,
      "Noise in the data administrators read at term end (shrinks with systemic improvement)."),
    P("administrators.reallocation_rate", 0.3, 0.0, 1.0, "share of budget/term", ASSUMPTION,
      "Largest share of the discretionary budget one evaluation moves (scaled by systemic "
      "improvement)."),
    # --- learning ---------------------------------------------------------------------------------
    P("learning.hours_per_week", 6.0, 2.0, 15.0, "hours/week", ASSUMPTION,
      "Scheduled study time per week in the modelled course."),
    P("learning.gain_per_hour", 0.0095, 0.003, 0.03, "SD/hour", ASSUMPTION + " (calibrated: "
      "status quo gains about 0.7 SD of the starting cohort per year on the course test); "
      "evidence fit (plausible_worlds.csv): posterior mean 0.0193, 90% of worlds 0.011-0.029, "
      "weakly identified, default kept",
      "Achievement gained per fully engaged hour at the best difficulty fit, average aptitude."),
    P("learning.optimal_success_rate", 0.85, 0.6, 0.95, "share of tasks",
      "Wilson, Shenhav, Straccia & Cohen (2019), Nature Communications 10:4646",
      "Success rate at which learning per unit time peaks.", evidence="moderate"),
    P("learning.fit_concentration", 6.0, 2.0, 20.0, "1", ASSUMPTION + "; evidence fit "
      "(plausible_worlds.csv): posterior mean 10.8, 90% of worlds 3.3-18.7, not identified",
      "Sharpness of the difficulty-fit curve around its peak (higher: narrower flow zone)."),
    P("learning.difficulty_scale", 0.7, 0.2, 1.5, "SD per logit", ASSUMPTION + "; evidence "
      "fit (plausible_worlds.csv): posterior mean 0.94, 90% of worlds 0.43-1.44",
      "Achievement distance that changes the log-odds of success by one."),
    P("learning.feedback_effect", 0.2, 0.0, 1.0, "multiplier",
      "Hattie & Timperley (2007), Rev. Educ. Research 77(1): feedback among the largest effects; "
      "evidence fit (plausible_worlds.csv): posterior mean 0.49, 90% of worlds 0.08-0.93",
      "Extra learning per hour of one-to-one feedback of perfect quality.", evidence="moderate"),
    P("learning.platform_effect", 0.6, 0.0, 1.2, "multiplier",
      "VanLehn (2011), Educational Psychologist 46(4): step-based tutoring d = 0.76",
      "Extra learning per hour of adaptive-software practice at platform quality 1.",
      evidence="strong"),
    P("learning.peer_tutoring_effect", 0.25, 0.0, 0.8, "multiplier",
      "Cohen, Kulik & Kulik (1982), AERJ 19(2): peer tutoring d about 0.4 for tutees",
      "Extra learning in collaborative groups from explaining and being explained to.",
      evidence="moderate"),
    P("learning.style_matching_effect", 0.0, 0.0, 0.3, "multiplier",
      "Pashler, McDaniel, Rohrer & Bjork (2008), PSPI 9(3): no evidence for style meshing",
      "Extra learning when tasks match a student's 'learning style'. Zero by default; a what-if "
      "switch only.", evidence="strong"),
    P("learning.self_direction_threshold", 0.45, 0.2, 0.8, "self-regulation index",
      "Xu & Jaggars (2014); Bettinger, Fox, Loeb & Taylor (2017), AER 107(9)",
      "Self-regulation below which autonomy (self-directed plans, self-pacing) hurts learning.",
      evidence="moderate"),
    P("learning.whole_class_breadth", 0.0, 0.0, 1.0, "SD of achievement",
      "assumption, no source; off (0) by default: on the calibration rows a band of 0.15-0.6 "
      "SD turns self-pacing's who-gains rows the right way but shrinks every personalization "
      "effect, already too small (docs/validation.md); evidence fit (plausible_worlds.csv): "
      "posterior mean 0.22, 90% of worlds 0.02-0.54",
      "Half-width of the band of difficulty a teacher-led whole-class lesson spans; students "
      "within it work at their level.", evidence="weak"),
    P("learning.autonomy_cost", 0.9, 0.0, 1.0, "share of self-steered time",
      "Bettinger, Fox, Loeb & Taylor (2017), AER 107(9); Xu & Jaggars (2014), J. Higher Educ. "
      "85(5); value chosen on the evidence base's calibration rows only",
      "Share of self-steered time (self-pacing, self-directed plans) lost by a student whose "
      "readiness for autonomy is zero; a student at autonomy_demand loses none.",
      evidence="weak"),
    P("learning.autonomy_demand", 0.8, 0.4, 1.0, "self-regulation index",
      "Xu & Jaggars (2014); Bettinger et al. (2017): the harm of online formats fades only "
      "for the strongest students; value an assumption",
      "Readiness (self-regulation plus prior knowledge) at which steering oneself costs no time.",
      evidence="weak"),
    P("learning.autonomy_knowledge_weight", 2.0, 0.0, 3.0, "SD of self-regulation per SD",
      "Kirschner, Sweller & Clark (2006), Educ. Psychologist 41(2); Kalyuga (2007), Educ. "
      "Psychol. Rev. 19: minimal guidance works for knowledgeable learners, not novices",
      "How much a student's current achievement (SD) adds to readiness for autonomy, in SDs of "
      "self-regulation.", evidence="weak"),
    P("learning.self_choice_error_sd", 1.0, 0.2, 2.0, "SD of achievement", ASSUMPTION,
      "Error with which a student with no self-regulation picks task difficulty for themself."),
    P("learning.platform_error_sd", 1.2, 0.2, 2.0, "SD of achievement", ASSUMPTION,
      "Error of a quality-0 adaptive platform's placement (shrinks linearly to 0.2 at quality 1)."),
    P("learning.self_study_quality", 0.75, 0.4, 1.0, "multiplier",
      "Bettinger, Fox, Loeb & Taylor (2017), AER 107(9): online courses lower grades by about "
      "0.44 SD", "Learning per hour of self-paced work without the teacher's instruction, "
      "relative to teacher-led work.", evidence="moderate"),
    P("learning.hours_noise_sd", 0.15, 0.0, 0.4, "share", ASSUMPTION,
      "Week-to-week noise in each student's effective study time."),
    # --- engagement -------------------------------------------------------------------------------
    P("engagement.adjustment_rate", 0.15, 0.02, 0.5, "1/week", ASSUMPTION,
      "Weekly speed at which engagement moves toward its current target."),
    P("engagement.competence_weight", 1.2, 0.0, 3.0, "logit", "Ryan & Deci (2000), Am. Psych. "
      "55(1): competence need; Csikszentmihalyi flow",
      "Pull of experienced difficulty fit (flow versus boredom or frustration) on engagement.",
      evidence="weak"),
    P("engagement.relatedness_weight", 1.0, 0.0, 3.0, "logit",
      "Ryan & Deci (2000): relatedness need; peer contagion of engagement",
      "Pull of classmates' engagement on a student's engagement.", evidence="weak"),
    P("engagement.teacher_weight", 0.8, 0.0, 2.0, "logit", ASSUMPTION,
      "Pull of the teacher's 'facilitate and inspire creativity' preparedness on engagement."),
    P("engagement.autonomy_weight", 0.8, 0.0, 2.0, "logit", "Ryan & Deci (2000): autonomy need",
      "Pull of choice (self-directed plans, self-pacing), moderated by self-regulation.",
      evidence="weak"),
    P("engagement.interest_weight", 0.8, 0.0, 2.0, "logit",
      "Hidi & Renninger (2006), Educational Psychologist 41(2): interest development",
      "Pull of tasks that match a student's interests.", evidence="weak"),
    P("engagement.noise_sd", 0.02, 0.0, 0.1, "share", ASSUMPTION,
      "Weekly random shock to each student's engagement."),
    P("engagement.self_regulation_weight", 0.4, 0.0, 0.8, "share", ASSUMPTION,
      "Weight of self-regulation (versus affective engagement) in behavioural engagement."),
    # --- growth of the ISTE competencies --------------------------------------------------------
    P("competencies.growth_rate", 0.03, 0.0, 0.1, "Likert units/week", ASSUMPTION,
      "Weekly growth of a student competency under full exposure to the practice that builds it."),
    P("competencies.decay_rate", 0.005, 0.0, 0.05, "1/week", ASSUMPTION,
      "Weekly drift of a competency back toward its starting level without practice."),
    P("competencies.self_regulation_growth", 0.01, 0.0, 0.05, "index/week", ASSUMPTION,
      "Weekly growth of self-regulation under fully supported self-directed plans."),
    # --- pacing policy ----------------------------------------------------------------------------
    P("pacing.mode", "lockstep", None, None, "-", "Model brief; Bloom (1984) for mastery learning",
      "Pacing policy: 'lockstep' (calendar), 'flexible' (bounded spread around the class), "
      "'mastery' (advance at a threshold) or 'self_paced'.", "choice",
      ("lockstep", "flexible", "mastery", "self_paced"), role=_POL, evidence="moderate",
      label='How students move through the course',
      choice_labels=(("lockstep", "Lockstep: everyone follows the calendar"),
                     ("flexible", "Flexible: work a little ahead or behind"),
                     ("mastery", "Mastery: move on when ready"),
                     ("self_paced", "Self-paced: each student sets the pace"))),
    P("pacing.calendar_rate", 0.025, 0.01, 0.06, "SD/week", ASSUMPTION + " (set to the status "
      "quo's average weekly gain); evidence fit (plausible_worlds.csv): posterior mean 0.033, "
      "90% of worlds 0.012-0.055, not identified",
      "Weekly advance of the class's calendar position."),
    P("pacing.flexible_spread", 0.5, 0.0, 2.0, "SD of achievement", ASSUMPTION,
      "Under flexible pacing, how far a student may work ahead of or behind the class.",
      role=_POL, label='How far ahead or behind (flexible pacing)'),
    P("pacing.mastery_threshold", 0.8, 0.5, 1.0, "success rate",
      "Bloom (1984), Educational Researcher 13(6): mastery criteria of 80-90%",
      "Under mastery pacing, the estimated success rate a student needs to advance.", role=_POL,
      evidence="moderate", label='Success rate needed to move on (mastery pacing)'),
    P("pacing.spread_cost_hours", 1.5, 0.0, 5.0, "hours/week per SD", ASSUMPTION,
      "Teacher hours per week per SD of spread in students' curriculum positions."),
    # --- training policy --------------------------------------------------------------------------
    P("training.workshop_hours", 0.0, 0.0, 100.0, "hours/teacher/year",
      "Yoon et al. (2007), REL 2007-033: 5-14 h no effect; about 49 h effective",
      "One-off workshop hours per trained teacher per year (delivered at term starts).",
      role=_POL, evidence="moderate", takes_effect=_TERM, label='Workshop hours per teacher'),
    P("training.coaching_hours", 0.0, 0.0, 80.0, "hours/teacher/year",
      "Kraft, Blazar & Hogan (2018), RER 88(4): coaching +0.49 SD instructional practice",
      "Sustained one-to-one coaching hours per trained teacher per year (spread over weeks).",
      role=_POL, evidence="strong", takes_effect=_TERM, label='Coaching hours per teacher'),
    P("training.coaches_per_teacher", 0.0, 0.0, 0.5, "coaches/teacher", "Kraft et al. (2018): "
      "effects shrink in larger programmes", "Instructional coaches employed per teacher.",
      role=_POL, evidence="moderate", takes_effect=_TERM,
      label='Instructional coaches per teacher'),
    P("training.coach_capacity_hours", 400.0, 100.0, 1000.0, "hours/coach/year", ASSUMPTION,
      "Coaching hours one full-time coach delivers per year.", takes_effect=_TERM),
    P("training.plc_hours", 0.0, 0.0, 60.0, "hours/teacher/year",
      "Lynch, Hill, Gonzalez & Pollard (2019), EEPA 41(3): implementation meetings help",
      "Professional learning community hours per trained teacher per year.", role=_POL,
      evidence="moderate", takes_effect=_TERM, label='Teacher learning-community hours'),
    P("training.coverage", 1.0, 0.0, 1.0, "share of teachers", ASSUMPTION,
      "Share of teachers who receive the training.", role=_POL, takes_effect=_RESET,
      label='Share of teachers trained'),
    P("training.leadership_hours", 0.0, 0.0, 100.0, "hours/administrator/year", ASSUMPTION,
      "Leadership training per administrator per year.", role=_POL, takes_effect=_TERM,
      label='Leadership training per administrator'),
    P("training.gain_per_hour", 0.012, 0.002, 0.04, "Likert units/hour",
      "Calibrated to Kraft et al. (2018): a year of coaching (about 40 h) gives about +0.49 SD",
      "Preparedness gained per hour of training that transfers into practice.",
      evidence="moderate"),
    P("training.workshop_transfer", 0.03, 0.0, 0.3, "1/week", "Yoon et al. (2007); Lynch et al. "
      "(2019)", "Weekly share of workshop know-how that a teacher turns into practice on their "
      "own.", evidence="weak"),
    P("training.supported_transfer", 0.25, 0.05, 0.6, "1/week",
      "Lynch et al. (2019): workshops paired with implementation meetings work better",
      "Weekly share of know-how turned into practice while coaching or a PLC supports it.",
      evidence="weak"),
    P("training.knowledge_decay", 0.08, 0.0, 0.3, "1/week", ASSUMPTION,
      "Weekly share of untransferred training know-how that is forgotten."),
    P("training.coaching_adoption_boost", 0.6, 0.0, 1.5, "logit", "Kraft et al. (2018)",
      "Push of active coaching on a teacher's adoption.", evidence="moderate"),
    # --- resources --------------------------------------------------------------------------------
    P("resources.class_size", 50, 10, 120, "students/class", ASSUMPTION,
      "Students per class (section). Fewer, smaller classes need extra teachers.", "int",
      role=_POL, takes_effect=_RESET, label='Students per class'),
    P("resources.funded_class_size", 50, 10, 120, "students/class", ASSUMPTION,
      "Class size the existing staff covers; smaller classes cost extra teachers.", "int",
      role=_S, takes_effect=_RESET),
    P("resources.device_ratio", 0.0, 0.0, 1.0, "devices/student", ASSUMPTION,
      "Institution-provided devices (with connectivity) per student.", role=_POL,
      takes_effect=_TERM, label='Institution devices per student'),
    P("resources.device_targeting", "universal", None, None, "-", ASSUMPTION,
      "Who receives institution devices: 'universal' (by lot) or 'need_based' (students without "
      "home access first).", "choice", ("universal", "need_based"), role=_POL, takes_effect=_TERM,
      label='Who gets devices first',
      choice_labels=(("universal", "Everyone, by lottery"),
                     ("need_based", "Students without home access first"))),
    P("resources.adaptive_platform", False, None, None, "-", "VanLehn (2011)",
      "An adaptive practice platform is licensed.", "bool", role=_POL, evidence="strong",
      label='Adaptive practice software'),
    P("resources.platform_quality", 0.6, 0.0, 1.0, "index (0-1)", ASSUMPTION,
      "Quality of the adaptive platform (1 = a step-based tutoring system as in VanLehn 2011).",
      role=_POL, label='Quality of the adaptive software'),
    P("resources.analytics_tools", False, None, None, "-",
      "Ding, Santos & Borja (2024): teachers read student data with analytics tools",
      "Learning-analytics dashboards for teachers.", "bool", role=_POL, evidence="weak",
      label='Learning-analytics dashboards for teachers'),
    P("resources.analytics_noise_reduction", 0.4, 0.0, 0.9, "share", ASSUMPTION,
      "Share of a teacher's diagnostic error removed by analytics tools."),
    P("resources.partial_access_share", 0.3, 0.0, 1.0, "share of access", ASSUMPTION,
      "Access of a student with neither home access nor an institution device (labs, phones).",
      takes_effect=_TERM),
    # --- practice components ----------------------------------------------------------------------
    P("practices.interest_matching", False, None, None, "-", "Ding et al. (2024) model; Hidi & "
      "Renninger (2006)", "Tasks themed on students' interests.", "bool", role=_POL,
      evidence="weak", label="Tasks themed on students' interests"),
    P("practices.self_directed_plans", False, None, None, "-", "Ding et al. (2024) model; "
      "Xu & Jaggars (2014)", "Students set their own learning plans.", "bool", role=_POL,
      evidence="weak", label='Students set their own learning plans'),
    P("practices.personalized_feedback", False, None, None, "-", "Hattie & Timperley (2007)",
      "One-to-one formative feedback.", "bool", role=_POL, evidence="moderate",
      label='One-to-one feedback'),
    P("practices.differentiated_instruction", False, None, None, "-", "Ding et al. (2024) model; "
      "Deunk et al. (2018), Educ. Research Review 24", "Small groups taught at their level.",
      "bool", role=_POL, evidence="moderate", label='Small groups taught at their level'),
    P("practices.collaborative_projects", False, None, None, "-", "Cohen, Kulik & Kulik (1982)",
      "Collaborative projects and peer tutoring in small groups.", "bool", role=_POL,
      evidence="moderate", label='Group projects and peer tutoring'),
    P("practices.learning_style_matching", False, None, None, "-", "Pashler et al. (2008)",
      "Tasks matched to 'learning styles' (no effect unless learning.style_matching_effect > 0).",
      "bool", role=_POL, evidence="strong", label="Tasks matched to 'learning styles'"),
    P("practices.tutor_per_student", False, None, None, "-", "VanLehn (2011); Bloom (1984)",
      "Idealized reference: one human tutor per student with perfect diagnosis.", "bool",
      role=_POL, evidence="strong", label='A personal tutor for every student (reference)'),
    # --- leadership and the administrators' levers ------------------------------------------------
    P("leadership.vision_weight", 1.0, 0.0, 3.0, "logit", ASSUMPTION,
      "Push of administrators' visionary leadership on teachers' adoption."),
    P("leadership.training_quality_weight", 1.0, 0.0, 2.0, "multiplier", ASSUMPTION,
      "How strongly 'excellence in professional practice' scales the quality of training.",
      takes_effect=_TERM),
    P("leadership.culture_deployment_floor", 0.5, 0.0, 1.0, "share", ASSUMPTION,
      "Share of bought resources actually deployed under the least digital-age culture.",
      takes_effect=_TERM),
    # --- costs ------------------------------------------------------------------------------------
    P("costs.training_hour", 60.0, 20.0, 200.0, "currency/teacher-hour", ASSUMPTION,
      "Cost of one teacher-hour of workshop or PLC (facilitation and paid time)."),
    P("costs.coach_salary", 60000.0, 20000.0, 150000.0, "currency/coach/year", ASSUMPTION,
      "Annual cost of one instructional coach."),
    P("costs.device", 600.0, 150.0, 2000.0, "currency/device", ASSUMPTION,
      "Purchase cost of one student device with connectivity."),
    P("costs.device_life_years", 3.0, 1.0, 6.0, "years", ASSUMPTION,
      "Years a device is used (its cost is amortized over them)."),
    P("costs.platform_licence", 25.0, 0.0, 200.0, "currency/student/year", ASSUMPTION,
      "Adaptive platform licence per student per year."),
    P("costs.analytics_licence", 10.0, 0.0, 100.0, "currency/student/year", ASSUMPTION,
      "Learning-analytics licence per student per year."),
    P("costs.teacher_salary", 60000.0, 20000.0, 150000.0, "currency/teacher/year", ASSUMPTION,
      "Annual cost of one extra teacher (for smaller classes)."),
    P("costs.leadership_hour", 100.0, 20.0, 400.0, "currency/administrator-hour", ASSUMPTION,
      "Cost of one administrator-hour of leadership training."),
    # --- survey instrument ------------------------------------------------------------------------
    P("survey.item_noise_sd", 0.5, 0.1, 0.6, "Likert units", ASSUMPTION + " (the seed publishes "
      "no item data)", "Item-to-item noise of a respondent's answers around their latent level "
      "(above about 0.65 the published SDs cannot be reproduced)."),
    P("survey.items_per_factor", 5, 1, 20, "items", ASSUMPTION,
      "Items per ISTE factor in the synthetic questionnaire (for sampled responses).", "int"),
    *_survey_targets(),
)

REGISTRY: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.section for p in PARAMETERS))


def defaults() -> dict[str, dict[str, object]]:
    """Default values as nested ``{section: {key: value}}``."""
    out: dict[str, dict[str, object]] = {s: {} for s in SECTIONS}
    for p in PARAMETERS:
        out[p.section][p.key] = p.default
    return out


def get(name: str) -> Parameter:
    """Look up a parameter by dotted name, with a helpful error."""
    try:
        return REGISTRY[name]
    except KeyError:
        import difflib

        near = difflib.get_close_matches(name, REGISTRY, n=1)
        hint = f"; did you mean '{near[0]}'?" if near else ""
        raise KeyError(f"unknown parameter '{name}'{hint}") from None
