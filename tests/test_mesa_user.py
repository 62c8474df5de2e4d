"""The model as a Mesa user drives it: ``run_model()`` and ``mesa.batch_run`` stop at the
scenario's horizon, and batch runs get a different, recorded seed per iteration."""

from __future__ import annotations

import mesa
import pandas as pd

from simulation import PersonalizedLearningModel

#: A tiny institution with a four-week year: horizon = 4 weeks x 1 term x 1 year.
TINY = {"institution__n_students": 100, "resources__class_size": 50,
        "institution__weeks_per_term": 4, "institution__terms_per_year": 1,
        "institution__years": 1}


def test_run_model_returns_at_the_scenarios_horizon() -> None:
    model = PersonalizedLearningModel(seed=4, **TINY)
    assert model.running and model.horizon == 4
    model.run_model()
    assert not model.running
    assert model.week == 4 and model.steps == 4
    assert len(model.timeseries()) == 5  # week 0 and four weeks
    model.release()


def test_the_horizon_is_years_times_weeks_per_year() -> None:
    model = PersonalizedLearningModel(seed=4, **{**TINY, "institution__years": 2,
                                                 "institution__terms_per_year": 2})
    assert model.horizon == 16
    model.run_model()
    assert model.week == 16
    model.release()


def test_batch_run_without_seeds_gives_each_iteration_its_own_recorded_seed() -> None:
    rows = pd.DataFrame(mesa.batch_run(
        PersonalizedLearningModel, parameters=TINY, iterations=3, max_steps=1000,
        number_processes=1, display_progress=False))
    assert len(rows) == 3  # one final row per iteration
    # Stopped at the horizon (4 weeks), not after 1,000: Mesa 3.3.1 labels the last row
    # ``model.steps - 1`` and reads that index of the collected series (week 0 is index 0).
    assert rows["Step"].tolist() == [3, 3, 3]
    assert rows["seed"].nunique() == 3
    assert rows["achievement_mean"].nunique() == 3  # the iterations really differ
    # the recorded seed reproduces its iteration
    first = rows.iloc[0]
    again = PersonalizedLearningModel(seed=int(first["seed"]), **TINY)
    again.run_model()
    assert again.timeseries()["achievement_mean"].iloc[3] == first["achievement_mean"]
    again.release()


def test_batch_run_with_given_seeds_is_reproducible() -> None:
    def once() -> pd.DataFrame:
        return pd.DataFrame(mesa.batch_run(
            PersonalizedLearningModel, parameters={**TINY, "seed": [11, 12]}, iterations=1,
            max_steps=1000, number_processes=1, display_progress=False))

    a, b = once(), once()
    assert a["seed"].tolist() == [11, 12]
    pd.testing.assert_frame_equal(a, b)
    assert a["achievement_mean"].nunique() == 2


def test_the_seed_column_stays_out_of_the_timeseries_but_is_in_the_datacollector() -> None:
    model = PersonalizedLearningModel(seed=9, **TINY)
    model.step()
    assert "seed" not in model.timeseries().columns
    assert model.datacollector.get_model_vars_dataframe()["seed"].tolist() == [9, 9]
    model.release()


def test_a_run_without_a_seed_records_the_seed_it_drew_and_that_seed_repeats_it() -> None:
    from simulation import api

    overrides = {k.replace("__", "."): v for k, v in TINY.items()}
    first = api.run("baseline_guangdong_2024", seed=None, overrides=overrides)
    assert isinstance(first.seed, int)
    again = api.run("baseline_guangdong_2024", seed=first.seed, overrides=overrides)
    pd.testing.assert_frame_equal(first.timeseries, again.timeseries)
