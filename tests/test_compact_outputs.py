"""What a run computes and writes is only what its callers need, and compact on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from experiments.storage.run_folder import write_snapshots
from simulation import api, load_scenario


def _scenario():
    return load_scenario("ding_full_model", {"institution.n_students": 400})


def test_snapshot_files_store_float32_small_ints_and_zstd_and_read_back_in_pandas(
        tmp_path: Path) -> None:
    result = api.run(_scenario(), seed=4, weeks=18)
    frame = result.student_snapshots
    path = tmp_path / "students.parquet"
    write_snapshots(frame, path)
    back = pd.read_parquet(path)
    assert list(back.columns) == list(frame.columns)
    assert len(back) == len(frame)
    assert back["achievement"].dtype == np.float32
    assert back["prior_quartile"].dtype == np.int8
    assert back["week"].dtype == np.int8  # weeks 0 and 18
    assert back["has_device"].dtype == bool
    for column in frame.columns:
        expected = frame[column].to_numpy()
        if expected.dtype.kind == "f":
            expected = expected.astype(np.float32)
        assert np.array_equal(back[column].to_numpy(), expected), column
    meta = pq.ParquetFile(path).metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_an_empty_snapshot_table_is_still_written(tmp_path: Path) -> None:
    write_snapshots(pd.DataFrame(), tmp_path / "none.parquet")
    assert pd.read_parquet(tmp_path / "none.parquet").empty


def test_a_run_without_surveys_has_the_same_outputs_and_no_survey() -> None:
    with_survey = api.run(_scenario(), seed=5, weeks=6, snapshots=False)
    without = api.run(_scenario(), seed=5, weeks=6, snapshots=False, survey=False)
    assert without.survey.empty
    assert not with_survey.survey.empty
    pd.testing.assert_frame_equal(with_survey.timeseries, without.timeseries)
