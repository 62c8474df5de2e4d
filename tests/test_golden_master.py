"""Recorded outputs stay bit-identical: the proof that a refactor changed no result.

When a change is meant to move results, regenerate with ``python -m tests.golden.record`` in a
commit of its own and state the largest difference it prints.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.golden.record import DATA, all_tables

RECORDED = sorted(p.stem for p in DATA.glob("*.parquet"))


def test_golden_master_is_recorded() -> None:
    assert len(RECORDED) > 100, "run `python -m tests.golden.record` to record the golden master"


@pytest.fixture(scope="module")
def computed() -> dict[str, pd.DataFrame]:
    return dict(all_tables())


def test_golden_master_covers_the_same_tables(computed: dict[str, pd.DataFrame]) -> None:
    assert sorted(computed) == RECORDED


@pytest.mark.parametrize("name", RECORDED)
def test_outputs_are_bit_identical_to_the_golden_master(
        name: str, computed: dict[str, pd.DataFrame]) -> None:
    recorded = pd.read_parquet(DATA / f"{name}.parquet")
    pd.testing.assert_frame_equal(computed[name], recorded, check_exact=True,
                                  check_dtype=True)
