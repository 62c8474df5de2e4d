"""The one-page brief at the top of a comparison report, for a board that reads one page.

Question, answer, the effect with its interval, equity (the change in the top-bottom quartile gap
and in the access gap, flagged when a policy raises the mean while widening a gap), cost, how
sure the numbers are and what would change the answer. Everything comes from the folder's
``manifest.json`` and ``comparison.json``; the print stylesheet keeps the brief on one A4 page.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from experiments.reporting.caveats import EVIDENCE_ORDER
from experiments.reporting.figures import cost_effect_figure, widens_a_gap
from experiments.reporting.html import Raw, esc, fmt, png_figure, table
from experiments.reporting.labels import parameter_label, scenario_label
from experiments.reporting.money import money
from simulation.parameters import REGISTRY

__all__ = ["brief_question", "clear_gain", "comparison_brief", "equity_flags", "over_worlds"]

GAP_WORDS = {"quartile": "the gap between the top and bottom quartiles",
             "access": "the gap between students with and without home access"}
#: Most policies in the brief's table (the largest effects), so the brief keeps to one page.
MAX_ROWS = 10
#: Up to this many policies, the chart writes their names; beyond, their numbers in the table.
LABELLED_POINTS = 4
GAP_KEYS = {"quartile": "gap_bottom_top_change_sd", "access": "gap_access_change_sd"}


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def own_question(manifest: dict[str, Any], label: str) -> str:
    """A scenario's own question: empty when its file states none (the question is inherited).

    The scenario file named in the manifest decides when it can be read; otherwise a question
    equal to the base's counts as inherited.
    """
    scenarios = manifest.get("scenarios", {})
    base = manifest.get("base")
    record = scenarios.get(label, {})
    question = str(record.get("question") or "").strip()
    source = record.get("source")
    if source:
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            data = None
        if data is not None:
            return question if "question" in data else ""
    if label != base and question == str(scenarios.get(base, {}).get("question") or "").strip():
        return ""
    return question


def brief_question(manifest: dict[str, Any]) -> str:
    """The question the comparison answers, in words.

    One alternative with its own question: that question. Otherwise the question is phrased from
    the comparison itself ("What does <alternative> change against <base>?"), so a scenario that
    inherits its base's question never shows the base's question as its own.
    """
    base = scenario_label(str(manifest.get("base")))
    alts = [str(a) for a in manifest.get("alternatives", [])]
    if len(alts) == 1:
        return own_question(manifest, alts[0]) or (
            f"What does {scenario_label(alts[0])} change against {base}?")
    names = (_join([scenario_label(a) for a in alts]) if len(alts) <= 3
             else f"these {len(alts)} policies")
    return (f"What do {names} each change against {base}, for learning, equity and cost?")


def _span(low: Any, high: Any, digits: int) -> str:
    if low is None or high is None:
        return "no interval"
    return f"{fmt(low, digits, True)} to {fmt(high, digits, True)}"


def _digits(x: Any) -> int:
    return 3 if isinstance(x, float) and abs(x) < 0.1 else 2


def clear_gain(row: dict[str, Any]) -> bool:
    """Whether a row's achievement effect interval lies above zero (the brief's clear gain)."""
    low = row["achievement_effect_sd"].get("ci_low")
    return low is not None and low > 0


def equity_flags(rows: list[dict[str, Any]]) -> list[str]:
    """One sentence per policy that clearly widens a gap: raising the mean at equity's cost, or
    widening a gap without a clear gain (worse: nobody's gain pays for it)."""
    out = []
    for row in rows:
        gaps = widens_a_gap(row)
        if not gaps:
            continue
        e = row["achievement_effect_sd"]
        parts = []
        for gap in gaps:
            key = GAP_KEYS[gap]
            iv = row.get("intervals", {}).get(key, {})
            d = _digits(row.get(key))
            parts.append(f"{GAP_WORDS[gap]} by {fmt(row.get(key), d)} SD "
                         f"(95% interval {_span(iv.get('ci_low'), iv.get('ci_high'), d)})")
        effect = f"{fmt(e['estimate'], _digits(e['estimate']), True)} SD"
        if clear_gain(row):
            lead = f"raises mean achievement ({effect}) but widens "
        else:
            lead = f"does not clearly raise mean achievement ({effect}) and widens "
        out.append(f"{scenario_label(row['scenario'])} {lead}" + _join(parts) + ".")
    return out


def compact_flags(rows: list[dict[str, Any]]) -> str:
    """One sentence naming every policy that clearly widens a gap (for many policies)."""
    items = []
    for row in rows:
        gaps = widens_a_gap(row)
        if not gaps:
            continue
        changes = ", ".join(f"{g} "
                            f"{fmt(row.get(GAP_KEYS[g]), _digits(row.get(GAP_KEYS[g])), True)}"
                            for g in gaps)
        gain = "" if clear_gain(row) else ", no clear gain"
        items.append(f"{scenario_label(row['scenario'])} ({changes}{gain})")
    if not items:
        return ""
    return (f"{len(items)} policies clearly widen a gap (marked 'widens' above; change in SD): "
            + "; ".join(items) + ".")


def _answer(rows: list[dict[str, Any]], base: str, symbol: str | None) -> str:
    gains = [r for r in rows if clear_gain(r)]
    if not gains:
        return (f"No alternative clearly raises achievement against {base}: every effect's 95% "
                "interval includes zero or lies below it.")
    best = max(gains, key=lambda r: r["achievement_effect_sd"]["estimate"])
    e = best["achievement_effect_sd"]
    d = _digits(e["estimate"])
    cost = best.get("cost_difference_per_student") or 0.0
    pp = float(best.get("percentile_points") or 0.0)
    cost_text = (f"for {money(cost, symbol)} more per student per year" if cost > 0 else
                 f"for {money(-cost, symbol)} less per student per year" if cost < 0 else
                 "at the base's cost")
    text = (f"{scenario_label(best['scenario'])} raises achievement most: "
            f"{fmt(e['estimate'], d, True)} SD "
            f"(95% interval {_span(e['ci_low'], e['ci_high'], d)}),"
            f" about {fmt(pp, 0 if abs(pp) >= 1 else 1, True)} percentile points for a median "
            f"student, {cost_text}.")
    if widens_a_gap(best):
        text += " It widens an equity gap (below)."
    paid = [r for r in gains if (r.get("cost_difference_per_student") or 0) > 0
            and r.get("effect_sd_per_1000_per_student") is not None]
    if paid:
        value = max(paid, key=lambda r: r["effect_sd_per_1000_per_student"])
        if value is not best:
            text += (f" {scenario_label(value['scenario'])} buys the most per "
                     f"{money(1000, symbol)}: "
                     f"{fmt(value['effect_sd_per_1000_per_student'], 2, True)} SD"
                     + (", but widens an equity gap." if widens_a_gap(value) else "."))
    return text


def _gap_cell(row: dict[str, Any], gap: str, compact: bool = False) -> Raw:
    key = GAP_KEYS[gap]
    iv = row.get("intervals", {}).get(key, {})
    low, high = iv.get("ci_low"), iv.get("ci_high")
    verdict = ("widens" if low is not None and low > 0 else
               "narrows" if high is not None and high < 0 else "unclear")
    cls = {"widens": "flag", "narrows": "good"}.get(verdict, "muted")
    value = fmt(row.get(key), _digits(row.get(key)), True)
    sep = " " if compact else "<br>"
    return Raw(f'{esc(value)}{sep}<span class="{cls}">{esc(verdict)}</span>')


def _table(rows: list[dict[str, Any]], symbol: str | None, note: str) -> str:
    body = []
    numbered = compact = len(rows) > LABELLED_POINTS
    shown = sorted(rows, key=lambda r: -r["achievement_effect_sd"]["estimate"])[:MAX_ROWS] \
        if len(rows) > MAX_ROWS else rows
    sep = " " if compact else "<br>"
    for r in shown:
        e = r["achievement_effect_sd"]
        d = _digits(e["estimate"])
        per = r.get("effect_sd_per_1000_per_student")
        name = scenario_label(r["scenario"])
        body.append((f"{rows.index(r) + 1}. {name}" if numbered else name,
                     Raw(f"<strong>{esc(fmt(e['estimate'], d, True))}</strong>{sep}"
                         f'<span class="muted">{esc(_span(e["ci_low"], e["ci_high"], d))}'
                         "</span>"),
                     _gap_cell(r, "quartile", compact), _gap_cell(r, "access", compact),
                     money(r.get("cost_difference_per_student"), symbol),
                     "same cost" if per is None else fmt(per, 2, True)))
    return table(["Policy", "Achievement effect, SD (95% interval)",
                  "Gap, top vs bottom quartile", "Gap, home access vs none",
                  "Extra cost per student per year", f"SD per {money(1000, symbol)}"],
                 body, numeric=(1, 4, 5),
                 css_class="brief-table compact" if compact else "brief-table") + (
        f'<p class="muted note">{esc(note)}'
        + (f" The {MAX_ROWS} largest effects of {len(rows)}; every policy is in the effects "
           "section." if len(shown) < len(rows) else "") + "</p>")


def over_worlds(rows: list[dict[str, Any]]) -> bool:
    """Whether the comparison drew plausible worlds (its rows carry the decomposition)."""
    return bool(rows) and "worlds" in rows[0]


def _how_sure(manifest: dict[str, Any], rows: list[dict[str, Any]],
              decision: dict[str, Any] | None = None) -> str:
    reps = manifest.get("replicates")
    if over_worlds(rows):
        info = rows[0]["worlds"]
        text = (f"The intervals come from {reps} paired replicates in {info['worlds']} plausible "
                "world(s) drawn from the calibrated ensemble: they cover both the model's own "
                "randomness and how uncertain its calibrated parameters are.")
        shares = [r["worlds"].get("world_share") for r in rows]
        if all(x is not None for x in shares):
            text += (" Share of each effect's variance due to the worlds: "
                     + _join([f"{scenario_label(r['scenario'])} {x:.0%}"
                              for r, x in zip(rows, shares)]) + ".")
    else:
        text = (f"The intervals come from {reps} paired replicates with fixed parameters: they "
                "measure the model's own randomness, not how uncertain its assumptions are.")
    if decision and decision.get("prob_benefit"):
        text += (" P(benefit), the share of replicate pairs in which a policy beats the base: "
                 + _join([f"{scenario_label(k)} {v:.0%}"
                          for k, v in decision["prob_benefit"].items()]) + ".")
    ordered = sorted(rows, key=lambda r: -r["achievement_effect_sd"]["estimate"])
    overlaps = []
    for a, b in zip(ordered, ordered[1:]):
        ea, eb = a["achievement_effect_sd"], b["achievement_effect_sd"]
        if ea.get("ci_low") is None or eb.get("ci_high") is None or ea["ci_low"] <= eb["ci_high"]:
            overlaps.append(f"{scenario_label(a['scenario'])} and {scenario_label(b['scenario'])}")
    if len(rows) > 1:
        if not overlaps:
            text += " The order of the effects is clear: no two neighbouring intervals overlap."
        elif len(overlaps) <= 2:
            text += f" The intervals of {_join(overlaps)} overlap: their order is not settled."
        else:
            text += (f" {len(overlaps)} pairs of policies next in the order have overlapping "
                     "intervals: their order is not settled.")
    return text


def _what_would_change(manifest: dict[str, Any], rows: list[dict[str, Any]],
                       symbol: str | None) -> list[str]:
    names = dict.fromkeys(d["name"] for diffs in manifest.get("differing_settings", {}).values()
                          for d in diffs if d["name"] in REGISTRY)
    weak = sorted((n for n in names if REGISTRY[n].evidence in ("weak", "assumption")),
                  key=lambda n: (EVIDENCE_ORDER[REGISTRY[n].evidence], n))
    out = []
    if weak:
        shown = [f"{parameter_label(n).lower()} ({REGISTRY[n].evidence})" for n in weak[:2]]
        more = f" and {len(weak) - 2} more levers" if len(weak) > 2 else ""
        out.append("Weak or assumed evidence behind " + _join(shown) + more
                   + ": if these work less well than assumed, the effects shrink.")
    if not over_worlds(rows):
        out.append("The model's uncertain parameters sit at their defaults; a sensitivity "
                   "analysis (plsim sensitivity) shows which could reorder the policies.")
    out.append("Unit prices are assumptions: local prices change the costs, not the effects.")
    flagged = [scenario_label(r["scenario"]) for r in rows if widens_a_gap(r) and clear_gain(r)]
    if flagged:
        who = _join(flagged) if len(flagged) <= 2 else f"the {len(flagged)} policies flagged"
        out.append(f"If equity weighs as much as the mean, {who} may not be worth adopting as "
                   "configured.")
    reps = manifest.get("replicates") or 0
    if reps < 10:
        out.append(f"Only {reps} replicates: 10 or more would narrow the intervals.")
    return out


def comparison_brief(manifest: dict[str, Any], rows: list[dict[str, Any]],
                     symbol: str | None = None, decision: dict[str, Any] | None = None) -> str:
    """The HTML body of the brief of a comparison (``decision``: the folder's decision.json)."""
    base = scenario_label(str(manifest.get("base")))
    flags = equity_flags(rows)
    many = len(rows) > LABELLED_POINTS
    chart = png_figure(cost_effect_figure(rows, str(manifest.get("base")), symbol,
                                          (6.8, 1.75 if many else 2.3), numbered=many),
                       "", alt="Cost and effect of each policy: extra cost per student per year "
                       "against the achievement effect with its 95% interval")
    weeks = manifest.get("weeks")
    parts = [
        f'<p class="question"><strong>Question.</strong> {esc(brief_question(manifest))}</p>',
        f"<p><strong>Answer.</strong> {esc(_answer(rows, base, symbol))}</p>",
        _table(rows, symbol, f"After {weeks} weeks, against the base; SD of the starting "
               "cohort (0.1 SD: about 4 percentile points). A gap widens or narrows only when its "
               "95% interval excludes zero."),
    ]
    if flags:
        text = " ".join(flags) if len(flags) <= 2 else compact_flags(rows)
        parts.append(f'<div class="flag-box"><strong>Equity warning.</strong> {esc(text)}</div>')
    else:
        parts.append("<p><strong>Equity.</strong> No policy clearly widens either gap.</p>")
    parts += [chart,
              f"<p><strong>How sure.</strong> {esc(_how_sure(manifest, rows, decision))}</p>",
              "<p><strong>What would change the answer.</strong></p>",
              "<ul>" + "".join(f"<li>{esc(t)}</li>"
                               for t in _what_would_change(manifest, rows, symbol)) + "</ul>"]
    body = "\n".join(parts)
    return f'<div class="many">{body}</div>' if many else body
