"""The week-0 population: students in classes, teachers, administrators, calibrated to the survey.

Draw order is fixed (students, then teachers, then administrators) so one seed gives one
population whatever the policies.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit, logit

from simulation.calibration import correlated_normals, normal_scores, solve_latent, standardize
from simulation.parameters import GROUP_FACTORS
from simulation.params import Params
from simulation.state import AdministratorState, ClassState, StudentState, TeacherState


def calibrated_factors(
    rng: np.random.Generator, params: Params, group: str, n: int, correlation: float,
    anchor: np.ndarray | None = None, anchor_correlation: float = 0.0,
) -> np.ndarray:
    """Latent ISTE factor levels ``(n, k)`` of a group, calibrated to its survey targets.

    Parameters
    ----------
    anchor, anchor_correlation
        Optional standardized variable (students' prior achievement) the factors correlate with.
    """
    factors = GROUP_FACTORS[group]
    z = correlated_normals(rng, n, len(factors), correlation)
    if anchor is not None:
        z = anchor_correlation * anchor[:, None] + np.sqrt(1 - anchor_correlation**2) * z
    z = standardize(normal_scores(z))
    noise = params.survey.item_noise_sd
    latent = np.empty((n, len(factors)))
    for j, factor in enumerate(factors):
        mean, sd = params.survey_target(group, factor)
        latent[:, j] = solve_latent(z[:, j], mean, sd, noise, label=f"{group}.{factor}")
    return latent


def class_sizes(n_students: int, n_classes: int) -> np.ndarray:
    """Students per class, as equal as possible."""
    base, extra = divmod(n_students, n_classes)
    return np.array([base + 1] * extra + [base] * (n_classes - extra), dtype=np.int64)


def _bounded(rng: np.random.Generator, mean: float, sd: float, n: int,
             z: np.ndarray | None = None) -> np.ndarray:
    z = rng.standard_normal(n) if z is None else z
    return np.clip(mean + sd * z, 0.02, 0.98)


def build_students(
    rng: np.random.Generator, params: Params, n_classes: int
) -> tuple[StudentState, np.ndarray]:
    """Students stored class by class; returns the state and each class's size."""
    st = params.students
    n = params.institution.n_students
    sizes = class_sizes(n, n_classes)
    class_id = np.repeat(np.arange(n_classes, dtype=np.int32), sizes)

    achievement = standardize(rng.standard_normal((n, 1)))[:, 0]

    def correlated(rho: float) -> np.ndarray:
        return rho * achievement + np.sqrt(1 - rho**2) * rng.standard_normal(n)

    ses = correlated(st.ses_achievement_correlation)
    sigma = st.aptitude_sd
    aptitude = np.exp(sigma * correlated(st.aptitude_prior_correlation) - sigma**2 / 2)
    self_regulation = _bounded(rng, st.self_regulation_mean, st.self_regulation_sd, n,
                               correlated(st.self_regulation_prior_correlation))
    engagement = _bounded(rng, st.engagement_mean, st.engagement_sd, n)

    rate, slope = st.home_access_rate, st.access_ses_slope
    if rate >= 1.0:
        home_access = np.ones(n, dtype=bool)
    else:
        intercept = brentq(lambda b: expit(b + slope * ses).mean() - rate, -30, 30)
        home_access = rng.random(n) < expit(intercept + slope * ses)

    competencies = calibrated_factors(
        rng, params, "students", n, st.competency_correlation,
        anchor=achievement, anchor_correlation=st.competency_achievement_correlation,
    )
    quartile = np.searchsorted(np.quantile(achievement, [0.25, 0.5, 0.75]), achievement,
                               side="right").astype(np.int8)
    class_mean = np.bincount(class_id, weights=achievement) / sizes
    state = StudentState(
        class_id=class_id,
        achievement=achievement.copy(),
        prior_achievement=achievement,
        prior_quartile=quartile,
        aptitude=aptitude,
        ses=ses,
        engagement_affective=engagement.copy(),
        engagement_behavioural=np.clip(
            params.engagement.self_regulation_weight * self_regulation
            + (1 - params.engagement.self_regulation_weight) * engagement, 0, 1),
        engagement_base=np.zeros(n),
        self_regulation=self_regulation,
        home_access=home_access,
        has_device=np.zeros(n, dtype=bool),
        access=np.where(home_access, 1.0, params.resources.partial_access_share),
        interest=rng.integers(0, st.interest_topics, n).astype(np.int8),
        style=rng.integers(0, 3, n).astype(np.int8),
        position=class_mean[class_id],
        competencies=competencies,
        competencies_start=competencies.copy(),
        diagnosis_error=rng.standard_normal(n),
        group_id=np.zeros(n, dtype=np.int32),
        success=np.zeros(n),
        fit=np.zeros(n),
        gain=np.zeros(n),
    )
    return state, sizes


def build_teachers(rng: np.random.Generator, params: Params, m: int) -> TeacherState:
    """Teachers calibrated to Table 2, with attitudes, colleague ties and training coverage."""
    te, tr = params.teachers, params.training
    preparedness = calibrated_factors(rng, params, "teachers", m, te.factor_correlation)
    attitude = _bounded(rng, te.attitude_mean, te.attitude_sd, m)
    k = min(te.colleague_ties, m - 1)
    ties = (np.arange(m)[:, None] + rng.integers(1, max(m, 2), size=(m, k))) % m
    order = rng.permutation(m)
    trained = np.zeros(m, dtype=bool)
    trained[order[: int(round(tr.coverage * m))]] = True
    return TeacherState(
        preparedness=preparedness,
        attitude=attitude,
        adoption=np.zeros(m),
        stress=np.zeros(m),
        workload_ratio=np.zeros(m),
        know_how=np.zeros(m),
        trained=trained,
        coached=trained & (tr.coaching_hours > 0),
        ties=ties.astype(np.int32),
        diagnostic_noise=np.full(m, te.diagnostic_noise_sd),
    )


def build_administrators(rng: np.random.Generator, params: Params, a: int) -> AdministratorState:
    """Administrators calibrated to Table 3."""
    factors = calibrated_factors(rng, params, "administrators", a,
                                 params.administrators.factor_correlation)
    return AdministratorState(factors=factors)


def build_classes(sizes: np.ndarray, classes_per_teacher: int,
                  students: StudentState) -> ClassState:
    """Class table: teacher, size, first row and the lockstep calendar position."""
    n_classes = sizes.shape[0]
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    mean = np.bincount(students.class_id, weights=students.achievement) / sizes
    return ClassState(
        teacher=(np.arange(n_classes) // classes_per_teacher).astype(np.int32),
        size=sizes,
        start=start,
        calendar_position=mean,
    )


def logit_clip(p: np.ndarray) -> np.ndarray:
    """Log-odds of a probability kept away from 0 and 1."""
    return logit(np.clip(p, 0.01, 0.99))
