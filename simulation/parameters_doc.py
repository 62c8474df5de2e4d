"""Generate ``docs/parameters.md`` from the registry (``python -m simulation.parameters_doc``).

``--check`` exits 1 when the file on disk differs from what the registry generates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from simulation.parameters import PARAMETERS, SECTIONS, TAKES_EFFECT_TEXT, Parameter

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "parameters.md"

SECTION_TITLES = {
    "institution": "Institution and calendar",
    "students": "Students (initial state and week-0 survey targets, Table 1)",
    "teachers": "Teachers (initial state, behaviour; week-0 survey targets, Table 2)",
    "administrators": "Administrators (budget, evaluation; week-0 survey targets, Table 3)",
    "learning": "Learning",
    "engagement": "Engagement",
    "competencies": "Growth of student competencies",
    "pacing": "Pacing policy",
    "training": "Training policy",
    "resources": "Resources policy",
    "practices": "Practice components",
    "leadership": "Leadership",
    "costs": "Unit costs",
    "survey": "Survey instrument",
    "workload": "Teacher workload of each practice",
}


def _num(x: float | int | bool | str | None) -> str:
    assert isinstance(x, int | float), x
    return f"{int(x):d}" if float(x).is_integer() else f"{x:g}"


def _value(p: Parameter) -> str:
    if p.kind == "bool":
        return "true" if p.default else "false"
    if p.kind == "choice":
        return f'"{p.default}"'
    return _num(p.default)


def _range(p: Parameter) -> str:
    if p.kind == "bool":
        return "true / false"
    if p.kind == "choice":
        return " / ".join(p.choices)
    return f"{_num(p.low)} – {_num(p.high)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """The Markdown page for the current registry."""
    lines = [
        "# Parameters",
        "",
        "Generated from `simulation/parameters.py` by `make docs` (`python -m "
        "simulation.parameters_doc`); a test fails when this page is stale. Every scenario key is "
        "`section.key` below. *Role*: **policy** levers an institution controls, **uncertainty** "
        "about the world, **structure** (size, calendar). *Evidence*: strength of the source "
        "behind the default. *Takes effect*: when a change made during a run acts (from the "
        "next week, from the next term start, or only on reset, in a new run). Sensitivity "
        "analysis samples the range unless an experiment narrows it.",
        "",
        "Every value inside its range validates with the other parameters at their defaults. "
        "Some combinations are refused by scenario validation (joint constraints, which designs "
        "must respect): the policies' cost must fit `administrators.budget_per_student`; "
        "`training.coaching_hours` > 0 needs `training.coaches_per_teacher` > 0; every survey "
        "target must be reachable with its group's size and `survey.item_noise_sd` (a survey SD "
        "below about 0.57 needs an item noise below the default 0.5; means near the ends of the "
        "scale need smaller SDs).",
        "",
        f"{len(PARAMETERS)} parameters.",
    ]
    for section in SECTIONS:
        lines += ["", f"## {SECTION_TITLES.get(section, section)} (`[{section}]`)", "",
                  "| parameter | label | default | range | unit | role | evidence | takes effect "
                  "| source | meaning |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for p in PARAMETERS:
            if p.section != section:
                continue
            lines.append(
                f"| `{p.name}` | {_cell(p.label)} | {_value(p)} | {_range(p)} | {_cell(p.unit)} "
                f"| {p.role} | {p.evidence} | {TAKES_EFFECT_TEXT[p.takes_effect]} "
                f"| {_cell(p.source)} | {_cell(p.description)} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the page, or with ``--check`` report whether it is stale."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if docs/parameters.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is stale: run `make docs`", file=sys.stderr)
            return 1
        print(f"{DOC_PATH} is up to date")
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOC_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {DOC_PATH} ({len(PARAMETERS)} parameters)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
