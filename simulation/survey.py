"""The synthetic survey: the seed study's instrument applied to the model's latent states.

Every ISTE factor of every agent is a latent level on the questionnaire's 1-4 continuum (state range
0.5-4.5). A respondent answers each item of that factor with their latent level plus item noise
(normal, SD ``survey.item_noise_sd``), rounded to the nearest Likert point and clipped to 1..4
(an ordered-probit response model with cut points 1.5, 2.5, 3.5).

The instrument reports what the seed's Tables 1-3 report: per factor the weighted mean (the mean of
all item responses) and SD of responses, and the interpretation band of the mean; the overall row is
the mean of the factor means and of the factor SDs, as in the paper. By default it uses the exact
response distribution of every agent (no respondent or item sampling error); ``sample_responses``
draws item-level answers instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from simulation.parameters import GROUP_FACTORS

CUTS = np.array([1.5, 2.5, 3.5])
POINTS = np.array([1.0, 2.0, 3.0, 4.0])
LATENT_RANGE = (0.5, 4.5)

BAND_LABELS: dict[str, tuple[str, str, str, str]] = {
    # labels for means in [3.50, 4.00], [2.50, 3.49], [1.50, 2.49], [1.00, 1.49]
    "students": ("Great Extent", "Somewhat", "Very Little", "Not at All"),
    "teachers": ("Highly Prepared", "Moderately Prepared", "Slightly Prepared", "Not Prepared"),
    "administrators": (
        "Highly Prepared", "Moderately Prepared", "Slightly Prepared", "Not Prepared",
    ),
}

FACTOR_TITLES: dict[str, str] = {
    "creativity_innovation": "Creativity and Innovation",
    "communication_collaboration": "Communication and Collaboration",
    "research_information_fluency": "Research and Information Fluency",
    "critical_thinking_problem_solving": "Critical Thinking and Problem-Solving",
    "digital_citizenship": "Digital Citizenship",
    "technology_operations": "Technology Operations (capability)",
    "facilitate_inspire_creativity": "Facilitate and Inspire Student Learning Creativity",
    "design_digital_age_learning":
        "Design and Develop Digital-Age Learning Experiences and Assessments",
    "model_digital_age_work": "Model Digital-Age Work and Learning",
    "promote_digital_citizenship": "Promote and Model Digital Citizenship and Responsibility",
    "professional_growth_leadership": "Engage in Professional Growth and Leadership",
    "visionary_leadership": "Visionary Leadership",
    "digital_age_learning_culture": "Digital-Age Learning Culture",
    "excellence_professional_practice": "Excellence in Professional Practice",
    "systemic_improvement": "Systematic Improvement",
    "overall": "OVERALL",
}


def interpret(group: str, mean: float) -> str:
    """The paper's interpretation band for a weighted mean (rounded to two decimals)."""
    m = round(float(mean), 2)
    labels = BAND_LABELS[group]
    if m >= 3.5:
        return labels[0]
    if m >= 2.5:
        return labels[1]
    if m >= 1.5:
        return labels[2]
    return labels[3]


def response_probabilities(latent: np.ndarray, item_noise_sd: float) -> np.ndarray:
    """Probability of answering 1, 2, 3, 4 for each latent level; shape ``latent.shape + (4,)``."""
    cdf = ndtr((CUTS - np.asarray(latent)[..., None]) / item_noise_sd)
    out = np.empty(cdf.shape[:-1] + (4,))
    out[..., 0] = cdf[..., 0]
    out[..., 1] = cdf[..., 1] - cdf[..., 0]
    out[..., 2] = cdf[..., 2] - cdf[..., 1]
    out[..., 3] = 1.0 - cdf[..., 2]
    return out


def factor_statistics(latent: np.ndarray, item_noise_sd: float) -> tuple[float, float]:
    """Weighted mean and SD of all item responses of one factor over a group of respondents."""
    p = response_probabilities(latent, item_noise_sd).mean(axis=0)
    # Explicit sums in a fixed order, not ``p @ POINTS``: a BLAS dot product's rounding depends on
    # the kernel OpenBLAS picks for the CPU (and on OPENBLAS_CORETYPE), so results would too.
    mean = float(p[0] * POINTS[0] + p[1] * POINTS[1] + p[2] * POINTS[2] + p[3] * POINTS[3])
    second = float(p[0] * POINTS[0] ** 2 + p[1] * POINTS[1] ** 2 + p[2] * POINTS[2] ** 2
                   + p[3] * POINTS[3] ** 2)
    var = second - mean**2
    return mean, float(np.sqrt(max(var, 0.0)))


def survey_table(
    latent_by_group: dict[str, np.ndarray], item_noise_sd: float, week: int | None = None
) -> pd.DataFrame:
    """Tables 1-3 of the seed study, computed from latent levels.

    Parameters
    ----------
    latent_by_group
        ``{"students": (n, 6), "teachers": (m, 5), "administrators": (a, 4)}`` latent levels.
    item_noise_sd
        Item noise of the response model.
    week
        Added as a column when given.

    Returns
    -------
    DataFrame with columns ``group, factor_id, factor, mean, sd, interpretation`` (and ``week``),
    one row per factor plus an ``overall`` row per group.
    """
    rows = []
    for group, factors in GROUP_FACTORS.items():
        latent = latent_by_group[group]
        means, sds = [], []
        for j, factor in enumerate(factors):
            mean, sd = factor_statistics(latent[:, j], item_noise_sd)
            means.append(mean)
            sds.append(sd)
            rows.append((group, factor, FACTOR_TITLES[factor], mean, sd, interpret(group, mean)))
        overall = float(np.mean(means))
        rows.append((group, "overall", "OVERALL", overall, float(np.mean(sds)),
                     interpret(group, overall)))
    table = pd.DataFrame(rows, columns=["group", "factor_id", "factor", "mean", "sd",
                                        "interpretation"])
    if week is not None:
        table.insert(0, "week", week)
    return table


def sample_responses(
    latent: np.ndarray, items: int, item_noise_sd: float, rng: np.random.Generator
) -> np.ndarray:
    """Draw item-level Likert answers (1-4), shape ``(respondents, items)`` for one factor."""
    noisy = latent[:, None] + rng.normal(0.0, item_noise_sd, size=(latent.shape[0], items))
    return np.clip(np.rint(noisy), 1, 4).astype(np.int8)
