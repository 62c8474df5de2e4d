"""Seeds of an experiment: one root entropy, from which every run and every sample is derived.

Run (design point ``i``, replicate ``r``) always gets ``SeedSequence(root, spawn_key=(i, r))``, so
its random numbers depend on nothing but the root and its place in the design: not on the executor,
the number of workers, chunking, completion order or retries. Design sampling and bootstrap
resampling draw from their own streams (one-element spawn keys, which never collide with the
two-element run keys).
"""

from __future__ import annotations

import zlib

from numpy.random import SeedSequence

__all__ = ["derived_seed", "new_root_seed", "run_seed"]


def run_seed(root: int, point: int, replicate: int) -> SeedSequence:
    """The seed sequence of run (``point``, ``replicate``) of an experiment with root ``root``."""
    return SeedSequence(root, spawn_key=(int(point), int(replicate)))


def derived_seed(root: int, purpose: str) -> int:
    """A nonzero 32-bit integer seed for a named purpose (``"design"``, ``"bootstrap"``).

    Nonzero because ``SALib.analyze.sobol`` ignores a seed of 0 (it tests ``if seed:``).
    The purpose is hashed with CRC-32, never with ``hash()`` (which ``PYTHONHASHSEED`` changes).
    """
    key = zlib.crc32(purpose.encode("utf-8"))
    value = int(SeedSequence(root, spawn_key=(key,)).generate_state(1, dtype="uint32")[0])
    return value or 1


def new_root_seed() -> int:
    """Fresh entropy for an experiment whose spec sets no ``root_seed`` (kept in its manifest)."""
    return int(SeedSequence().entropy)
