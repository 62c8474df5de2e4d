"""Week-0 calibration: latent levels whose synthetic survey reproduces published means and SDs.

For one factor of one group, the latent levels are ``clip(m + s * z, 0.5, 4.5)`` where ``z`` are the
respondents' standardized scores (drawn with the factor correlations, replaced by rank-preserving
normal scores, then centred and scaled to mean 0 and SD 1 exactly). ``m`` and ``s`` are solved on
the realized ``z`` so that the exact survey statistics of that very population equal the targets;
small groups (four administrators) hit the targets as well as large ones."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import ndtri

from simulation.errors import UserError
from simulation.survey import LATENT_RANGE, factor_statistics


class CalibrationError(UserError):
    """Published survey statistics that the response model cannot reproduce."""


def normal_scores(z: np.ndarray) -> np.ndarray:
    """Replace each column by rank-preserving normal scores ``Phi^-1((rank + 0.5) / n)``.

    Keeps who is above whom (and so the correlations, approximately) but makes every group, even
    four administrators, an evenly spread sample of the normal distribution.
    """
    n = z.shape[0]
    order = np.argsort(z, axis=0)
    # the ranks are the inverse permutation of the order: one scatter instead of a second sort
    # (what ``argsort(argsort(z))`` gives, exactly; half the construction time at 1 M students)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(n)[:, None], axis=0)
    return ndtri((ranks + 0.5) / n)


def standardize(z: np.ndarray) -> np.ndarray:
    """Centre and scale columns to mean 0 and SD 1 exactly (a single respondent gets 0)."""
    z = z - z.mean(axis=0)
    sd = z.std(axis=0)
    return np.divide(z, sd, out=np.zeros_like(z), where=sd > 0)


def canonical_scores(n: int) -> np.ndarray:
    """The standardized normal scores of a group of ``n`` (sorted)."""
    return standardize(ndtri((np.arange(n) + 0.5) / n)[:, None])[:, 0]


#: Bounds of the location ``m`` and spread ``s`` searched.
SPREAD_MAX = 3.0


@lru_cache(maxsize=4096)
def _solve(n: int, target_mean: float, target_sd: float,
           item_noise_sd: float) -> tuple[float, float, float, float]:
    """Location, spread and the remaining errors of mean and SD, by bounded Levenberg-Marquardt.

    Written with scalar arithmetic, without BLAS or LAPACK (which ``scipy.optimize`` uses): their
    rounding depends on the CPU kernel OpenBLAS picks, and with it the calibrated population.
    """
    lo, hi = LATENT_RANGE
    z = canonical_scores(n)

    def residual(m: float, s: float) -> tuple[float, float]:
        mean, sd = factor_statistics(np.clip(m + s * z, lo, hi), item_noise_sd)
        return mean - target_mean, sd - target_sd

    def inside(m: float, s: float) -> tuple[float, float]:
        return min(max(m, lo), hi), min(max(s, 0.0), SPREAD_MAX)

    spread0 = math.sqrt(max(target_sd**2 - 1 / 12 - item_noise_sd**2, 0.04))
    m, s = inside(target_mean, spread0)
    r = residual(m, s)
    cost = r[0] ** 2 + r[1] ** 2
    damping = 1e-3
    for _ in range(200):
        if cost < 1e-26:
            break
        # forward-difference Jacobian, stepping inward at the bounds
        hm = 1e-7 if m + 1e-7 <= hi else -1e-7
        hs = 1e-7 if s + 1e-7 <= SPREAD_MAX else -1e-7
        rm, rs = residual(m + hm, s), residual(m, s + hs)
        j00, j10 = (rm[0] - r[0]) / hm, (rm[1] - r[1]) / hm
        j01, j11 = (rs[0] - r[0]) / hs, (rs[1] - r[1]) / hs
        g0, g1 = j00 * r[0] + j10 * r[1], j01 * r[0] + j11 * r[1]
        # a variable at a bound that the descent direction pushes outward stays there
        if (m <= lo and g0 > 0) or (m >= hi and g0 < 0):
            j00 = j10 = g0 = 0.0
        if (s <= 0.0 and g1 > 0) or (s >= SPREAD_MAX and g1 < 0):
            j01 = j11 = g1 = 0.0
        if g0 == 0.0 and g1 == 0.0:
            break
        # normal equations (J'J + damping * I) step = -J'r, solved explicitly (2 x 2)
        a, b, d = j00 * j00 + j10 * j10, j00 * j01 + j10 * j11, j01 * j01 + j11 * j11
        improved = False
        while damping < 1e12:
            lam = damping * max(a, d, 1e-12)
            det = (a + lam) * (d + lam) - b * b
            step_m = (-(d + lam) * g0 + b * g1) / det
            step_s = (b * g0 - (a + lam) * g1) / det
            m_new, s_new = inside(m + step_m, s + step_s)
            r_new = residual(m_new, s_new)
            cost_new = r_new[0] ** 2 + r_new[1] ** 2
            if cost_new < cost:
                # stop once a step no longer gains (relative to the cost) or moves
                improved = (cost - cost_new > 1e-10 * cost
                            and abs(m_new - m) + abs(s_new - s) > 1e-14)
                m, s, r, cost = m_new, s_new, r_new, cost_new
                damping = max(damping / 3, 1e-12)
                break
            damping *= 4
        if not improved:
            break
    return float(m), float(s), float(r[0]), float(r[1])


def location_spread(
    n: int, target_mean: float, target_sd: float, item_noise_sd: float, label: str = "factor"
) -> tuple[float, float]:
    """Location ``m`` and spread ``s`` so a group of ``n`` normal scores hits the targets.

    The survey statistics do not depend on who holds which score, so the answer depends only on
    the group size and the targets; it is cached per process.

    Raises
    ------
    CalibrationError
        When no location and spread reproduce the target (e.g. an SD below what item noise alone
        gives), with the closest reachable values.
    """
    m, s, err_mean, err_sd = _solve(int(n), float(target_mean), float(target_sd),
                                    float(item_noise_sd))
    if max(abs(err_mean), abs(err_sd)) > 5e-3:
        raise CalibrationError(
            f"{label}: cannot reproduce survey mean {target_mean:.2f} and SD {target_sd:.2f} "
            f"with {n} respondents (closest reachable: mean {target_mean + err_mean:.2f}, SD "
            f"{target_sd + err_sd:.2f}); with item noise SD {item_noise_sd:g} the smallest "
            "reachable SD near this mean is about "
            f"{factor_statistics(np.full(2, target_mean), item_noise_sd)[1]:.2f}: lower "
            "survey.item_noise_sd or check the SD"
        )
    return m, s


def solve_latent(
    scores: np.ndarray, target_mean: float, target_sd: float, item_noise_sd: float,
    label: str = "factor",
) -> np.ndarray:
    """Latent levels for standardized normal scores matching a target survey mean and SD.

    ``scores`` must be a permutation of ``canonical_scores(len(scores))`` (as
    ``standardize(normal_scores(z))`` gives).
    """
    m, s = location_spread(scores.shape[0], float(target_mean), float(target_sd),
                           float(item_noise_sd), label)
    return np.clip(m + s * scores, *LATENT_RANGE)


def correlated_normals(
    rng: np.random.Generator, n: int, k: int, correlation: float
) -> np.ndarray:
    """``(n, k)`` standard normals with equal pairwise correlation (one common factor)."""
    common = rng.standard_normal((n, 1))
    unique = rng.standard_normal((n, k))
    return np.sqrt(correlation) * common + np.sqrt(1.0 - correlation) * unique
