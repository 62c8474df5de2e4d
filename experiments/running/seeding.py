"""Seeds of an experiment: one root entropy, from which every run and every sample is derived.

Two schemes, one for each kind of experiment the run engine executes:

- ``design`` (sweeps and sensitivity designs): run (design point ``i``, replicate ``r``) gets
  ``SeedSequence(root, spawn_key=(i, r))``: every point has its own streams.
- ``paired`` (comparisons, common random numbers): replicate ``r`` of every arm gets
  ``SeedSequence(root, spawn_key=(r,))``: the same students, teachers and noise in every arm
  wherever the scenarios do not change them, so paired differences cancel the shared noise.

Either way a run's random numbers depend on nothing but the root and its place in the design: not
on the executor, the number of workers, chunking, completion order or retries. Design sampling and
bootstrap resampling draw from their own streams (``derived_seed``: integer seeds for SALib and
numpy, never handed to a model run).
"""

from __future__ import annotations

import zlib

from numpy.random import SeedSequence

__all__ = ["DESIGN", "PAIRED", "SCHEMES", "derived_seed", "new_root_seed", "paired_seed",
           "run_seed", "scheme_text", "task_seed"]

DESIGN = "design"
PAIRED = "paired"
#: How each scheme seeds a run, as manifests state it.
SCHEMES: dict[str, str] = {
    DESIGN: "run (point i, replicate r) uses numpy.random.SeedSequence(root_seed, "
            "spawn_key=(i, r)); run_id = i * replicates + r",
    PAIRED: "replicate r of every scenario: numpy.random.SeedSequence(seed, spawn_key=(r,)) "
            "(common random numbers)",
}


def run_seed(root: int, point: int, replicate: int) -> SeedSequence:
    """The seed sequence of run (``point``, ``replicate``) of an experiment with root ``root``."""
    return SeedSequence(root, spawn_key=(int(point), int(replicate)))


def paired_seed(root: int, replicate: int) -> SeedSequence:
    """The stream of replicate ``replicate``, shared by every arm of a paired comparison."""
    return SeedSequence(root, spawn_key=(int(replicate),))


def task_seed(scheme: str, root: int, point: int, replicate: int) -> SeedSequence:
    """The seed sequence of run (``point``, ``replicate``) under ``scheme``."""
    if scheme == PAIRED:
        return paired_seed(root, replicate)
    if scheme == DESIGN:
        return run_seed(root, point, replicate)
    raise ValueError(f"unknown seeding scheme {scheme!r} (known: {', '.join(SCHEMES)})")


def scheme_text(scheme: str) -> str:
    """How ``scheme`` seeds runs, in words (for a manifest)."""
    return SCHEMES[scheme]


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
    entropy = SeedSequence().entropy
    assert isinstance(entropy, int)  # a fresh SeedSequence draws one integer from the OS
    return entropy
