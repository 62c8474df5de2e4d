"""Downloads: the current settings as a scenario TOML file and the run's data as CSV."""

from __future__ import annotations

import tomli_w

from interfaces.dashboard.session import Session


def scenario_toml(session: Session) -> str:
    """The current settings as a scenario file that ``plsim validate`` accepts.

    The file extends the preset and sets only what differs from it. Policy changes made
    during the run are listed as comments: a scenario holds one set of settings, so it
    reproduces the run from week 0 with the *current* settings.

    Raises
    ------
    simulation.errors.UserError
        If the current settings are refused (e.g. over budget).
    """
    scenario = session.candidate()
    body = scenario.to_toml_dict(only_changed_from=session.preset)
    body["description"] = scenario.description or session.preset.description
    head = [
        "# Exported from the plsim dashboard.",
        f"# Preset: {session.preset.name}; seed used in the dashboard: {session.seed}.",
        "# Validate with: plsim validate <this file>",
    ]
    if session.timeline:
        head.append("# Policy changes made during the dashboard run (not replayed by this file):")
        head += [f"#   after week {e.week}: {e.text()}" for e in session.timeline]
    return "\n".join(head) + "\n" + tomli_w.dumps(body)


def run_csv(session: Session) -> str:
    """The run's weekly series with the scenario, seed and policy changes as columns."""
    ts = session.series.copy()
    changes = {e.week: e.text() for e in session.timeline}
    ts.insert(0, "seed", session.model_seed)
    ts.insert(0, "preset", session.preset.name)
    ts["policy_change_after_week"] = [changes.get(int(w), "") for w in ts["week"]]
    return ts.to_csv(index=False, float_format="%.6g")
