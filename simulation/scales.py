"""Conversions between state scales."""

from __future__ import annotations

import numpy as np


def factor_level(latent: np.ndarray) -> np.ndarray:
    """A latent ISTE factor as a 0-1 level: 0 at "not at all / not prepared", 1 at "great extent /
    highly prepared" (``clip((latent - 1) / 3, 0, 1)``)."""
    # np.minimum(np.maximum(...)) is np.clip's result (NaN included) without its Python wrapper,
    # a visible share of a small institution's week at several calls a week
    return np.minimum(np.maximum((latent - 1.0) / 3.0, 0.0), 1.0)
