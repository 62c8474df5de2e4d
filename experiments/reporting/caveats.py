"""Caveats of a report: the evidence behind the levers involved and the model's limitations.

The evidence comes from the parameter registry (strength, source, description); the limitations
from the section of ``docs/ODD.md`` whose heading mentions limitations (or "what the model is
not"), so the report says what the model description says, no more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from experiments.reporting.html import Raw, esc, markdown_blocks, table
from experiments.reporting.labels import parameter_description, parameter_label
from simulation.parameters import REGISTRY

__all__ = ["ODD_PATH", "evidence_table", "odd_limitations"]

ODD_PATH = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
EVIDENCE_ORDER = {"assumption": 0, "weak": 1, "moderate": 2, "strong": 3}
EVIDENCE_MEANING = {
    "strong": "meta-analyses or several consistent studies",
    "moderate": "one good study or consistent weaker ones",
    "weak": "indirect or contested evidence",
    "assumption": "no source: a modelling assumption",
}
ROLE_WORDS = {"policy": "policy lever", "uncertainty": "uncertain assumption",
              "structure": "institution"}
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_LIMITS = re.compile(r"limitation|what the model is not", re.IGNORECASE)


def evidence_table(names: Iterable[str]) -> str:
    """The registry's evidence for each parameter, weakest first (unknown names are skipped)."""
    params = [REGISTRY[n] for n in dict.fromkeys(names) if n in REGISTRY]
    if not params:
        return "<p>No model parameter differs, so no lever's evidence is involved.</p>"
    params.sort(key=lambda p: (EVIDENCE_ORDER[p.evidence], p.name))
    rows = [(Raw(f'<span title="{esc(p.name)}">{esc(parameter_label(p.name))}</span>'),
             Raw(f'<span class="evidence-{esc(p.evidence)}">{esc(p.evidence)}</span>'),
             ROLE_WORDS.get(p.role, p.role), p.source, parameter_description(p.name))
            for p in params]
    legend = "; ".join(f"{k}: {v}" for k, v in EVIDENCE_MEANING.items())
    return (table(["Setting", "Evidence", "Kind", "Source", "Meaning"], rows)
            + f'<p class="muted">Evidence strength as recorded in the parameter registry '
              f"({esc(legend)}). Results that hinge on weak or assumed parameters are what-ifs, "
              "not forecasts.</p>")


def odd_limitations(path: Path = ODD_PATH) -> str | None:
    """The Markdown of the ODD's limitations section, or ``None`` when there is none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    start = level = None
    for k, line in enumerate(lines):
        m = _HEADING.match(line)
        if not m:
            continue
        if start is None and _LIMITS.search(m.group(2)):
            start, level = k + 1, len(m.group(1))
        elif start is not None and level is not None and len(m.group(1)) <= level:
            return "\n".join(lines[start:k]).strip() or None
    if start is None:
        return None
    return "\n".join(lines[start:]).strip() or None


def limitations_html(path: Path = ODD_PATH) -> str:
    """The limitations as HTML, or a note saying where they should have come from."""
    text = odd_limitations(path)
    if text is None:
        return (f"<p class=\"warn\">The model description ({esc(path.name)}) has no limitations "
                "section to quote here; read the model's documentation before relying on these "
                "numbers.</p>")
    return (f'<p class="muted">From the model description ({esc(path.name)}), section on what '
            f"the model is not:</p>\n{markdown_blocks(text)}")
