"""Week-0 calibration: latent levels whose synthetic survey reproduces published means and SDs.

For one factor of one group, the latent levels are ``clip(m + s * z, 0.5, 4.5)`` where ``z`` are the
respondents' standardized scores (drawn with the factor correlations, replaced by rank-preserving
normal scores, then centred and scaled to mean 0 and SD 1 exactly). ``m`` and ``s`` are solved on
the realized ``z`` so that the exact survey statistics of that very population equal the targets;
small groups (four administrators) hit the targets as well as large ones."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import least_squares
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
    ranks = np.argsort(np.argsort(z, axis=0), axis=0)
    return ndtri((ranks + 0.5) / n)


def standardize(z: np.ndarray) -> np.ndarray:
    """Centre and scale columns to mean 0 and SD 1 exactly (a single respondent gets 0)."""
    z = z - z.mean(axis=0)
    sd = z.std(axis=0)
    return np.divide(z, sd, out=np.zeros_like(z), where=sd > 0)


def canonical_scores(n: int) -> np.ndarray:
    """The standardized normal scores of a group of ``n`` (sorted)."""
    return standardize(ndtri((np.arange(n) + 0.5) / n)[:, None])[:, 0]


@lru_cache(maxsize=4096)
def _solve(n: int, target_mean: float, target_sd: float,
           item_noise_sd: float) -> tuple[float, float, float, float]:
    lo, hi = LATENT_RANGE
    z = canonical_scores(n)

    def residual(x: np.ndarray) -> np.ndarray:
        latent = np.clip(x[0] + x[1] * z, lo, hi)
        mean, sd = factor_statistics(latent, item_noise_sd)
        return np.array([mean - target_mean, sd - target_sd])

    spread0 = np.sqrt(max(target_sd**2 - 1 / 12 - item_noise_sd**2, 0.04))
    result = least_squares(
        residual, x0=[target_mean, spread0], bounds=([lo, 0.0], [hi, 3.0]), xtol=1e-10,
        ftol=1e-12, gtol=1e-12,
    )
    err = residual(result.x)
    return float(result.x[0]), float(result.x[1]), float(err[0]), float(err[1])


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
