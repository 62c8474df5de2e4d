"""Property-based fuzzing of every input a user hands plsim: scenario files, spec files, survey
CSVs and command lines.

The property: each input either works or is refused with a
:class:`~simulation.errors.UserError` (on the command line: one ``plsim: error:`` line and exit
code 2, or argparse's usage and exit code 2), never another exception and never a hang. The
budget is fixed and the examples derandomized, so CI is reproducible; a failure prints the
minimal example (hypothesis shrinks it).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.calibration.survey_file import read_survey
from experiments.design.spec import load_spec
from interfaces.cli import main
from simulation.errors import UserError
from simulation.parameters import GROUP_FACTORS, REGISTRY, SECTIONS
from simulation.scenario import bundled_names, load_scenario

#: Seconds one example may take before it counts as a hang.
HANG_SECONDS = 30

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
                print_blob=False)


@contextlib.contextmanager
def _no_hang(seconds: int = HANG_SECONDS) -> Iterator[None]:
    """Fail (instead of blocking CI) when the body runs longer than ``seconds``."""

    def alarm(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _works_or_user_error(call: Callable[[], Any]) -> None:
    with _no_hang():
        try:
            call()
        except UserError as exc:
            assert str(exc).strip(), "a UserError without a message"


# --- TOML text built from plausible and hostile pieces ----------------------------------------
def _toml_value(value: Any) -> str:
    """``value`` written as TOML (strings as JSON strings: valid TOML basic strings)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}"
                               for k, v in value.items()) + "}"
    raise TypeError(type(value))


SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, 0.5, 3.5, 1e300, -1, 20, 2000, 10**9]),
    st.text(max_size=20),
    st.sampled_from(["lockstep", "mastery", "self_paced", "0.7", "true", "", "universal"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
REGISTRY_NAMES = sorted(REGISTRY)
EXTENDS = st.one_of(
    st.sampled_from(bundled_names()),
    st.sampled_from(["/dev/zero", "/dev/null", "/", ".", "..", "../../etc/passwd", "",
                     "no_such_scenario", "scenario.toml", "/proc/self/status"]),
    st.text(max_size=30),
)


@st.composite
def scenario_texts(draw: st.DrawFn) -> str:
    """A scenario file: meta keys, known and unknown sections and keys, any values."""
    lines = []
    if draw(st.booleans()):
        lines.append(f"extends = {_toml_value(draw(EXTENDS))}")
    for meta in ("name", "description", "question"):
        if draw(st.integers(0, 3)) == 0:
            lines.append(f"{meta} = {_toml_value(draw(VALUES))}")
    names = draw(st.lists(st.one_of(st.sampled_from(REGISTRY_NAMES),
                                    st.text(min_size=1, max_size=12)), max_size=6))
    by_section: dict[str, list[str]] = {}
    for name in names:
        section, _, key = name.partition(".")
        by_section.setdefault(section if key else draw(st.sampled_from(SECTIONS)), []).append(
            key or name)
    for section, keys in by_section.items():
        lines.append(f"[{json.dumps(section)}]")
        for key in dict.fromkeys(keys):
            value = REGISTRY[f"{section}.{key}"].default if f"{section}.{key}" in REGISTRY \
                and draw(st.booleans()) else draw(VALUES)
            lines.append(f"{json.dumps(key)} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _write(data: str | bytes, name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return path


@FUZZ
@given(text=scenario_texts())
def test_any_scenario_file_loads_or_is_refused_with_a_user_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(text, "scenario.toml", Path(folder))
        _works_or_user_error(lambda: load_scenario(path))


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode),
                      st.binary(max_size=50).map(lambda b: b"\xef\xbb\xbf" + b)))
def test_any_bytes_as_a_scenario_or_spec_file_give_at_most_a_user_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(data, "any.toml", Path(folder))
        _works_or_user_error(lambda: load_scenario(path))
        _works_or_user_error(lambda: load_spec(path))


# --- experiment specs ---------------------------------------------------------------------------
FACTOR = st.fixed_dictionaries({"name": st.one_of(st.sampled_from(REGISTRY_NAMES),
                                                  st.just("*.creativity_innovation_*"),
                                                  st.text(max_size=10))},
                               optional={"low": VALUES, "high": VALUES, "levels": VALUES,
                                         "spread": VALUES, "role": VALUES, "group": VALUES})
DESIGN = st.fixed_dictionaries(
    {"method": st.one_of(st.sampled_from(["sobol", "morris", "fast", "lhs", "grid"]), VALUES)},
    optional={"n": st.one_of(st.integers(-2, 64), VALUES), "levels": VALUES, "m": VALUES,
              "second_order": VALUES, "seed": VALUES})


@st.composite
def spec_texts(draw: st.DrawFn) -> str:
    """A spec file: top-level fields, [overrides], [design], [[factors]], [outputs]."""
    top = draw(st.fixed_dictionaries({}, optional={
        "name": st.one_of(st.sampled_from(["ok", "", "../up", "/abs", "a/b"]), VALUES),
        "scenario": st.one_of(EXTENDS, VALUES), "replicates": VALUES, "weeks": VALUES,
        "root_seed": VALUES, "invalid_points": VALUES, "description": VALUES}))
    lines = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in top.items()]
    if draw(st.booleans()):
        overrides = draw(st.dictionaries(st.sampled_from(REGISTRY_NAMES), VALUES, max_size=3))
        lines.append("[overrides]")
        lines += [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in overrides.items()]
    if draw(st.integers(0, 5)) > 0:
        lines.append("[design]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in draw(DESIGN).items()]
    for factor in draw(st.lists(FACTOR, max_size=3)):
        lines.append("[[factors]]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in factor.items()]
    if draw(st.booleans()):
        lines.append("[outputs]")
        lines.append(f"scalars = {_toml_value(draw(VALUES))}")
    return "\n".join(lines) + "\n"


@FUZZ
@given(text=spec_texts())
def test_any_spec_file_loads_or_is_refused_with_a_user_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(text, "spec.toml", Path(folder))
        _works_or_user_error(lambda: load_spec(path))


# --- survey CSVs --------------------------------------------------------------------------------
FACTORS = sorted({f for fs in GROUP_FACTORS.values() for f in fs})
CELLS = st.one_of(st.sampled_from(["", "1", "2", "3", "4", "0", "5", "2.5", "nan", "inf", "-1",
                                   "students", "teachers", "administrators", "overall", " 3 "]),
                  st.sampled_from(FACTORS), st.text(max_size=6),
                  st.floats(allow_nan=True).map(str), st.integers(-5, 5000).map(str))
HEADER = st.lists(st.one_of(
    st.sampled_from(["group", "factor_id", "mean", "sd", "n", "respondent_id", "factor",
                     "interpretation", "age"]),
    st.sampled_from(FACTORS).flatmap(lambda f: st.integers(0, 4).map(lambda k: f"{f}_{k}")),
    st.text(max_size=8)), min_size=0, max_size=8)


@st.composite
def survey_csvs(draw: st.DrawFn) -> str:
    header = draw(HEADER)
    sep = draw(st.sampled_from([",", ";", "\t"]))
    width = st.integers(max(len(header) - 1, 0), len(header) + 1)
    rows = draw(st.lists(width.flatmap(lambda w: st.lists(CELLS, min_size=w, max_size=w)),
                         max_size=8))
    return "\n".join(sep.join(r) for r in [header, *rows]) + draw(st.sampled_from(["", "\n"]))


@FUZZ
@given(text=st.one_of(survey_csvs(), st.text(max_size=100)),
       bom=st.booleans())
def test_any_survey_csv_reads_or_is_refused_with_a_user_error(text: str, bom: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _write(("\ufeff" if bom else "") + text, "survey.csv", Path(folder))
        _works_or_user_error(lambda: read_survey(path))


# --- command lines ------------------------------------------------------------------------------
#: A scenario small and short enough that a run or a comparison takes well under a second.
TINY_SCENARIO = ('extends = "baseline_guangdong_2024"\n[institution]\nn_students = 100\n'
                 "weeks_per_term = 4\nterms_per_year = 1\n[resources]\nclass_size = 50\n")
NUMBERS = st.one_of(st.sampled_from(["0", "1", "2", "-1", "nan", "inf", "1e300", "1000000000",
                                     "2.5", "", "x", str(2**64), "0x10", "1_0"]),
                    st.integers(-3, 5).map(str))


@st.composite
def command_lines(draw: st.DrawFn, folder: Path, command: str) -> list[str]:
    """argv for a real subcommand with real (and mistyped) options and hostile values."""
    scenario = draw(st.sampled_from([str(folder / "tiny.toml"), "no_such_scenario", "/dev/zero",
                                     str(folder), str(folder / "bad.toml"), ""]))
    out = ["--out", str(folder / "out" / str(draw(st.integers(0, 3))))]
    options: dict[str, list[list[str]]] = {
        "validate": [[scenario]],
        "survey": [[scenario], ["--week", draw(NUMBERS)], ["--seed", draw(NUMBERS)],
                   ["--format", draw(st.sampled_from(["table", "csv", "json", "xml"]))]],
        "run": [[scenario], ["--weeks", draw(st.sampled_from(["1", "2", "0", "-1", "1e9",
                                                              "1000000000", "x"]))],
                ["--seed", draw(NUMBERS)], out, ["--force"]],
        "compare": [[scenario, scenario], ["--weeks", draw(st.sampled_from(["1", "0", "x"]))],
                    ["--years", draw(NUMBERS)], ["--replicates", draw(st.sampled_from(
                        ["1", "0", "-2", "x"]))], ["--seed", draw(NUMBERS)], out,
                    ["--workers", draw(st.sampled_from(["1", "0", "-1"]))],
                    ["--format", draw(st.sampled_from(["table", "json", "csv"]))]],
        "calibrate": [["--survey", draw(st.sampled_from([str(folder / "bad.csv"), "/dev/zero",
                                                         "missing.csv", str(folder)]))],
                      ["--out", str(folder / "cal.toml")], ["--item-noise", draw(NUMBERS)],
                      ["--students", draw(NUMBERS)], ["--seed", draw(NUMBERS)]],
        "report": [[draw(st.sampled_from([str(folder), "missing", "/dev/null"]))]],
        "analyze": [[draw(st.sampled_from([str(folder), "missing", "/dev/null"]))]],
        "sensitivity": [[draw(st.sampled_from([str(folder / "bad.toml"), "/dev/zero",
                                               "no_such_spec", str(folder)]))], ["--serial"]],
        "sweep": [[draw(st.sampled_from([str(folder / "bad.toml"), "/dev/zero"]))]],
        "scenarios": [[]],
        "nonsense": [[]],
    }
    parts = options[command]
    chosen = [parts[0]] + [p for p in parts[1:] if draw(st.booleans())]
    argv = [command] + [a for part in chosen for a in part]
    if draw(st.integers(0, 5)) == 0:  # a mistyped or stray argument
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(
            ["--wekes", "--sed", "-x", "--", "extra", "--force=1", "--help"])))
    return argv


@pytest.fixture(scope="module")
def cli_folder() -> Iterator[Path]:
    """A folder with a tiny scenario, a bad scenario and a bad survey, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="plsim-fuzz-cli-") as name:
        folder = Path(name)
        (folder / "tiny.toml").write_text(TINY_SCENARIO, encoding="utf-8")
        (folder / "bad.toml").write_text('[pacing]\nmode = "warp"\n', encoding="utf-8")
        (folder / "bad.csv").write_text(
            "group,factor_id,mean,sd\nstudents,creativity_innovation,9,1\n", encoding="utf-8")
        yield folder


COMMANDS = ["validate", "survey", "run", "compare", "calibrate", "report", "analyze",
            "sensitivity", "sweep", "scenarios", "nonsense"]


@pytest.mark.parametrize("command", COMMANDS)
@settings(FUZZ, max_examples=20)
@given(data=st.data())
def test_any_command_line_succeeds_or_exits_2_with_a_clear_message(
        command: str, cli_folder: Path, data: st.DataObject) -> None:
    argv = data.draw(command_lines(cli_folder, command), label="argv")
    err, out = io.StringIO(), io.StringIO()
    with _no_hang(), contextlib.chdir(cli_folder), contextlib.redirect_stderr(err), \
            contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage and exit 2, or --help and exit 0
            code = exc.code if isinstance(exc.code, int) else 2
    message = err.getvalue()
    assert "Traceback" not in message, message
    assert code in (0, 1, 2), (code, message)
    if code == 2:
        last = message.strip().splitlines()[-1] if message.strip() else ""
        assert last.startswith("plsim") and ": error: " in last, message
