"""The faster kernel paths give the results of the plain formulas they replace."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit, ndtri

from simulation import PersonalizedLearningModel, load_scenario
from simulation.calibration import normal_scores
from simulation.dynamics.tasks import differentiation_groups, success_and_fit
from simulation.scales import factor_level


def test_softplus_success_and_fit_equal_the_logaddexp_form_within_rounding() -> None:
    gap = np.random.default_rng(0).normal(0.0, 2.0, 50_000)
    opt, scale, k = 0.85, 0.5, 8.0
    x = logit(opt) - gap / scale
    a, b = k * opt, k * (1.0 - opt)
    const = a * np.log(opt) + b * np.log(1.0 - opt)
    fit = np.exp(-(a * np.logaddexp(0.0, -x) + b * np.logaddexp(0.0, x) + const))
    success, new_fit = success_and_fit(gap, opt, scale, k)
    np.testing.assert_allclose(success, expit(x), rtol=1e-13, atol=0)
    np.testing.assert_allclose(new_fit, fit, rtol=1e-12, atol=0)
    assert new_fit.max() <= 1.0 + 1e-12  # the fit peaks at 1 at the optimal success rate


def test_within_class_sort_gives_the_groups_of_the_global_sort() -> None:
    scenario = load_scenario("ding_full_model", {"institution.n_students": 3_000})
    model = PersonalizedLearningModel(scenario=scenario, seed=8, snapshots=False)
    model.run_weeks(2)
    state = model.state
    fast = differentiation_groups(model.params, state)  # the global sort, written out:
    c = state.classes
    assert (c.size == c.size[0]).all()  # equal classes: the within-class path
    s, g = state.students, model.params.learning.differentiation_groups
    key = s.class_id + (0.5 + np.arctan(state.this_week.estimate) / np.pi)
    order = np.argsort(key)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0]) - c.start[s.class_id[order]]
    expected = s.class_id.astype(np.int64) * g + np.minimum(rank * g // c.size[s.class_id], g - 1)
    np.testing.assert_array_equal(fast, expected)


def test_normal_scores_equal_double_argsort_ranks() -> None:
    z = np.random.default_rng(1).normal(size=(997, 6))
    expected = ndtri((np.argsort(np.argsort(z, axis=0), axis=0) + 0.5) / z.shape[0])
    np.testing.assert_array_equal(normal_scores(z), expected)


def test_factor_level_equals_clip_including_nan() -> None:
    latent = np.random.default_rng(2).normal(2.5, 1.5, (500, 5))
    latent[0, 0] = np.nan
    np.testing.assert_array_equal(factor_level(latent), np.clip((latent - 1.0) / 3.0, 0.0, 1.0))
