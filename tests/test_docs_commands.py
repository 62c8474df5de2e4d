"""Every command shown in the documentation runs, so the docs cannot rot.

What is run, per Markdown file (``README.md`` and ``docs/*.md``), in order, in a fresh working
folder that holds a copy of ``docs/templates/``:

- every line of a fenced ``sh``/``bash`` block that starts with ``plsim`` or ``make``;
- a fenced ``toml`` block whose first line is a comment naming a ``.toml`` path
  (``# scenarios/name.toml``) is written to that path first, as the text tells the reader to do;
  other ``toml`` blocks that look like scenarios are validated with ``load_scenario``;
- a fenced block tagged ``text output`` lists lines that must appear (spaces collapsed) in the
  printed output of the command just before it.

Arguments naming files of the project (``experiments/specs/...``) are read from the project.
To keep the suite fast, commands are shrunk in a fixed, documented way (docs/researchers.md,
"The commands in these docs are tested"): ``plsim compare`` runs 2 replicates of 4 weeks,
``plsim run`` 4 weeks, ``plsim sensitivity``/``sweep`` a copy of the spec with the smallest design
of its method, 2 replicates, 4 weeks, 100 students and its first two outputs; ``plsim dashboard``
is parsed here and started for real (then stopped) by the slow test below. ``make`` targets are
checked to exist with ``make -n`` (a dry run: nothing is rebuilt). Guides in ``SLOW_DOCS`` run
with the slow tests only.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import tomli_w

from interfaces.cli import build_parser, main
from simulation.scenario import load_scenario
from tests.conftest import ROOT, SHOTS

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^([ \t]*)```([^\n`]*)\n(.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
SMALL_DESIGN = {"sobol": 4, "lhs": 4, "morris": 2, "grid": 2}
SHRUNK = ("compare", "run", "sensitivity", "sweep")


@dataclass
class Step:
    """One thing a doc asks the reader to do."""

    kind: str  # "command", "file", "scenario", "output"
    text: str
    argv: list[str] = field(default_factory=list)


def doc_steps(path: Path) -> list[Step]:
    """Commands, files to save, scenarios to check and expected output, in document order."""
    steps = []
    for m in FENCE.finditer(path.read_text(encoding="utf-8")):
        info = m.group(2).strip().split()
        body = textwrap.dedent(m.group(3))
        lang = info[0] if info else ""
        if lang in ("sh", "bash", "console"):
            for line in body.replace("\\\n", " ").splitlines():
                line = line.strip().removeprefix("$ ")
                argv = shlex.split(line, comments=True)
                if argv and argv[0] in ("plsim", "make"):
                    steps.append(Step("command", line, argv))
        elif lang == "toml":
            first = body.lstrip().splitlines()[0] if body.strip() else ""
            target = re.fullmatch(r"#\s*(\S+\.toml)\s*", first)
            if target:
                steps.append(Step("file", body, [target.group(1)]))
            elif re.search(r"^(extends|description)\s*=", body, re.MULTILINE):
                steps.append(Step("scenario", body))
        elif lang == "text" and "output" in info[1:]:
            steps.append(Step("output", body))
    return steps


def documented() -> list[tuple[Path, list[Step]]]:
    return [(p, steps) for p in DOCS if (steps := doc_steps(p))]


#: Docs run only with the slow tests: the researchers' guide repeats the README's experiment
#: commands (which run in the fast suite) on more specs.
SLOW_DOCS = frozenset({"researchers.md"})


def documented_params() -> list:
    return [pytest.param(p, steps, id=p.name,
                         marks=[pytest.mark.slow] if p.name in SLOW_DOCS else [])
            for p, steps in documented()]


def _set_option(argv: list[str], name: str, value: str) -> list[str]:
    if name in argv:
        k = argv.index(name)
        return [*argv[:k + 1], value, *argv[k + 2:]]
    return [*argv, name, value]


def _drop_option(argv: list[str], name: str) -> list[str]:
    if name not in argv:
        return argv
    k = argv.index(name)
    return [*argv[:k], *argv[k + 2:]]


def small_spec(spec: str, workdir: Path) -> str:
    """A copy of an experiment spec with the smallest design of its method."""
    from experiments.design.spec import SPECS_DIR

    source = Path(spec) if Path(spec).exists() else ROOT / spec
    if not source.exists():
        source = SPECS_DIR / f"{spec}.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    design = data.setdefault("design", {})
    method = design.get("method", "sobol")
    if method == "efast":
        design["m"] = 1
        design["n"] = 5
    else:
        design["n"] = SMALL_DESIGN[method]
    data["replicates"] = 2
    data["weeks"] = 4
    data.setdefault("overrides", {})["institution.n_students"] = 100
    outputs = data.get("outputs", {})
    if "weeks" in outputs:
        outputs["weeks"] = [0, 4]
    for key in ("scalars", "timeseries"):
        if outputs.get(key):
            outputs[key] = outputs[key][:2]
    scenario = data.get("scenario", "")
    if scenario.endswith(".toml") and (source.parent / scenario).exists():
        data["scenario"] = str((source.parent / scenario).resolve())
    out = workdir / "_small_specs" / source.name
    out.parent.mkdir(exist_ok=True)
    out.write_text(tomli_w.dumps(data), encoding="utf-8")
    return str(out)


def shrink(argv: list[str], workdir: Path) -> list[str]:
    """The documented, fast version of a ``plsim`` command (see the module docstring)."""
    args = list(argv[1:])
    for k, a in enumerate(args):
        is_output = k > 0 and args[k - 1] == "--out"
        if (not is_output and Path(a).suffix in (".toml", ".csv") and not Path(a).exists()
                and (ROOT / a).exists()):
            args[k] = str(ROOT / a)
    command = args[0]
    if command == "compare":
        args = _drop_option(_set_option(args, "--replicates", "2"), "--years")
        args = _set_option(args, "--weeks", "4")
    elif command == "run":
        args = _set_option(_drop_option(args, "--years"), "--weeks", "4")
    elif command in ("sensitivity", "sweep"):
        args[1] = small_spec(args[1], workdir)
        if "--workers" not in args and "--serial" not in args:
            args.append("--serial")
        args = [*args, "--no-progress"] if "--no-progress" not in args else args
    return args


def normalized(text: str) -> str:
    return " ".join(text.split())


@dataclass
class DocRun:
    """What running one doc did: the commands run (as shrunk) and its working folder."""

    commands: list[str]
    workdir: Path


def run_steps(path: Path, steps: list[Step], workdir: Path) -> DocRun:
    """Run a doc's steps in ``workdir`` (a fresh folder with a copy of the templates)."""
    shutil.copytree(ROOT / "docs" / "templates", workdir / "docs" / "templates")
    ran, last_output = [], ""
    with contextlib.chdir(workdir):
        for step in steps:
            where = f"{path.name}: {step.text.strip()[:120]}"
            if step.kind == "file":
                target = workdir / step.argv[0]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(step.text, encoding="utf-8")
                load_scenario(target)
            elif step.kind == "scenario":
                probe = workdir / "_doc_scenario.toml"
                probe.write_text(step.text, encoding="utf-8")
                load_scenario(probe)
            elif step.kind == "output":
                for line in filter(str.strip, step.text.splitlines()):
                    assert normalized(line) in normalized(last_output), (where, line)
            elif step.argv[0] == "make":
                for target in step.argv[1:]:
                    dry = subprocess.run(["make", "-n", "-C", str(ROOT), target],
                                         capture_output=True, text=True, timeout=60)
                    assert dry.returncode == 0, (where, dry.stderr)
            elif step.argv[1] == "dashboard":
                args = build_parser().parse_args(step.argv[1:])
                assert callable(args.handler), where
            else:
                argv = shrink(step.argv, workdir)
                out, err = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = main(argv)
                assert code == 0, (where, argv, err.getvalue()[-2000:])
                last_output = out.getvalue()
                ran.append(" ".join(argv))
    return DocRun(ran, workdir)


_RUNS: dict[Path, DocRun] = {}


@pytest.fixture(scope="module")
def run_doc(tmp_path_factory):
    """Run a doc once per test session module (later tests reuse the result)."""

    def _run(path: Path) -> DocRun:
        if path not in _RUNS:
            _RUNS[path] = run_steps(path, doc_steps(path), tmp_path_factory.mktemp(path.stem))
        return _RUNS[path]

    return _run


@pytest.mark.parametrize("path,steps", documented_params())
def test_every_documented_command_runs(path, steps, run_doc) -> None:
    ran = run_doc(path).commands
    commands = [s for s in steps if s.kind == "command"]
    assert commands, f"{path.name} has steps but no command"
    assert len(ran) == sum(1 for s in commands if s.argv[0] == "plsim"
                           and s.argv[1] != "dashboard")


def test_the_calibration_walkthrough_ends_in_a_report_with_figures(run_doc) -> None:
    workdir = run_doc(ROOT / "docs" / "calibrate-your-institution.md").workdir
    html = (workdir / "results" / "my_university" / "coaching.html").read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') >= 5
    assert "my_university_coaching" in html and "Would sustained coaching pay off" in html
    assert "respondent_id" not in html and "R001" not in html
    scenario = (workdir / "scenarios" / "my_university.toml").read_text(encoding="utf-8")
    assert "R001" not in scenario and "creativity_innovation_1" not in scenario


def test_docs_are_found_and_hold_the_calibrate_compare_report_chain() -> None:
    names = {p.name for p, _ in documented()}
    assert {"README.md", "calibrate-your-institution.md"} <= names
    steps = doc_steps(ROOT / "docs" / "calibrate-your-institution.md")
    order = [s.argv[1] for s in steps if s.kind == "command"]
    assert order.index("calibrate") < order.index("compare") < order.index("report")


def test_shrinking_keeps_the_command_and_only_cuts_its_size(tmp_path) -> None:
    argv = shlex.split("plsim compare a b --replicates 10 --years 2 --out x")
    assert shrink(argv, tmp_path) == ["compare", "a", "b", "--replicates", "2", "--out", "x",
                                      "--weeks", "4"]
    spec = shrink(["plsim", "sensitivity", "experiments/specs/policy_sobol.toml"], tmp_path)[1]
    data = tomllib.loads(Path(spec).read_text(encoding="utf-8"))
    assert (data["design"]["n"], data["replicates"], data["weeks"]) == (4, 2, 4)
    assert data["name"] == "policy_sobol"
    assert data["outputs"]["scalars"] == ["achievement_mean", "gap_bottom_top"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_documented_dashboard_command_serves_the_page(tmp_path) -> None:
    commands = [s.argv for _, steps in documented() for s in steps
                if s.kind == "command" and s.argv[:2] == ["plsim", "dashboard"]]
    assert commands
    argv = _set_option(commands[0][1:], "--port", str(_free_port()))
    port = argv[argv.index("--port") + 1]
    proc = subprocess.Popen([sys.executable, "-m", "interfaces.cli", *argv], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline, status = time.monotonic() + 120, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(1)
        assert status == 200, proc.stdout.read().decode() if proc.poll() is not None else status
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.browser
def test_the_walkthrough_report_opens_in_chromium_with_its_figures(run_doc, chromium) -> None:
    workdir = run_doc(ROOT / "docs" / "calibrate-your-institution.md").workdir
    report = workdir / "results" / "my_university" / "coaching.html"
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(report.resolve().as_uri())
        page.wait_for_load_state("load")
        loaded = page.eval_on_selector_all(
            "img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)")
        assert len(loaded) >= 5 and all(loaded)
        assert "My university" in page.title()  # scenario names in words, not identifiers
        page.screenshot(path=str(SHOTS / "report_my_university.png"), full_page=True)
    finally:
        page.close()
