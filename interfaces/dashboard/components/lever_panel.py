"""The controls: preset, seed and every lever, grouped, with its evidence at a glance."""

from __future__ import annotations

import solara

from interfaces.dashboard.components.common import act
from interfaces.dashboard.evidence import finding
from interfaces.dashboard.levers import GROUPS, TYPED, WHEN_TEXT, Lever, in_group
from interfaces.dashboard.session import Session
from interfaces.dashboard.wording import currency_symbol, unit_text, value_text
from simulation.scenario import bundled_scenarios


def _bound(x: float | None) -> str:
    return "-" if x is None else f"{x:,.6g}"


def caption(lever: Lever, value: object, pending: bool) -> str:
    """Current value (numbers), default, range and when a change takes effect, in one line."""
    p = lever.param
    parts = []
    if p.kind in ("int", "float"):
        parts.append(f"now {value_text(lever, value)}")
        parts.append(f"default {value_text(lever, p.default)}")
        parts.append(f"range {_bound(p.low)} to {_bound(p.high)}")
    else:
        parts.append(f"default {lever.short(p.default)}")
    if pending:
        parts.append("not applied yet")
    parts.append(f"changes apply {WHEN_TEXT[lever.when]}")
    return " \u00b7 ".join(parts)


def lever_class(name: str) -> str:
    """CSS class marking a lever's control (e.g. ``plsim-lever-training-coaching_hours``)."""
    return "plsim-lever-" + name.replace(".", "-")


def badge_class(lever: Lever) -> str:
    """Colour class of a lever's badge: strength, or ``negative`` when it finds no help."""
    if "not help" in finding(lever):
        return "plsim-evidence-negative"
    return f"plsim-evidence-{lever.param.evidence}"


@solara.component
def EvidenceBadge(lever: Lever) -> None:
    """What the evidence says, e.g. ``evidence: strong that it does not help``, coloured."""
    solara.Text(finding(lever), classes=["plsim-evidence", badge_class(lever)])


@solara.component
def TypedNumber(session: Session, lever: Lever, value: float) -> None:
    """A number typed by a person; a bad entry shows a message and changes nothing."""
    text, set_text = solara.use_state(f"{value:g}", key=f"{lever.name}-{value}")
    error, set_error = solara.use_state("")

    def on_text(new: str) -> None:
        set_text(new)
        ok = act(session, lambda: session.set_text(lever.name, new))
        set_error("" if ok else (session.message or "not accepted"))

    unit = currency_symbol() if lever.param.unit.startswith("currency") else unit_text(lever)
    solara.InputText(f"{lever.label} ({unit})" if unit else lever.label, value=text,
                     on_value=on_text, continuous_update=False, error=error or False)


@solara.component
def NumberBox(session: Session, lever: Lever, value: float) -> None:
    """The number beside a slider, typed; its label is read out, not shown."""
    shown = f"{value:,.0f}" if lever.param.kind == "int" else f"{value:.4g}"
    text, set_text = solara.use_state(shown, key=f"{lever.name}-{shown}")

    def on_text(new: str) -> None:
        set_text(new)
        act(session, lambda: session.set_text(lever.name, new))

    solara.InputText(f"{lever.label}: type a number", value=text, on_value=on_text,
                     continuous_update=False, classes=["plsim-number"])


@solara.component
def LeverControl(session: Session, lever: Lever, value: object, pending: bool) -> None:
    """The right control for a lever's kind, with its caption and evidence badge.

    ``value`` and ``pending`` are props so the control re-renders exactly when they change.
    """
    p = lever.param

    def on_value(new: object) -> None:
        act(session, lambda: session.set(lever.name, new))

    with solara.Column(classes=["plsim-lever", lever_class(lever.name)], gap="0px"):
        if lever.name in TYPED:
            TypedNumber(session, lever, float(value))  # type: ignore[arg-type]
        elif p.kind == "bool":
            solara.Switch(label=lever.label, value=bool(value), on_value=on_value)
        elif p.kind == "choice":
            solara.Select(lever.label, values=[lever.choice_label(c) for c in p.choices],
                          value=lever.choice_label(str(value)),
                          on_value=lambda text: on_value(lever.choice_value(text)))
        else:
            unit = unit_text(lever)
            solara.Text(f"{lever.label} ({unit})" if unit else lever.label,
                        classes=["plsim-lever-label"])
            with solara.Row(gap="8px", style={"align-items": "center"},
                            classes=["plsim-slider-row"]):
                if p.kind == "int":
                    solara.SliderInt(lever.label, value=int(value), min=int(p.low),
                                     max=int(p.high), on_value=on_value)
                else:
                    solara.SliderFloat(lever.label, value=float(value), min=float(p.low),
                                       max=float(p.high), step=lever.step(),
                                       on_value=on_value)
                NumberBox(session, lever, float(value))  # type: ignore[arg-type]
        with solara.Row(gap="6px", style={"align-items": "baseline", "flex-wrap": "wrap"}):
            EvidenceBadge(lever)
            solara.Text(caption(lever, value, pending), classes=["plsim-caption"])


@solara.component
def PresetPicker(session: Session, name: str) -> None:
    """Choose a bundled scenario (``name``: the current one); shows its description."""
    presets = dict(bundled_scenarios())
    solara.Select("Preset (a scenario from the library)", values=list(presets),
                  value=name,
                  on_value=lambda name: act(session, lambda: session.choose_preset(name)),
                  classes=["plsim-preset"])
    solara.Text(session.preset.description, classes=["plsim-caption"])
    if session.preset.question:
        solara.Text(f"Question: {session.preset.question}", classes=["plsim-caption"])


@solara.component
def SeedInput(session: Session, seed: int) -> None:
    """The random seed (``seed``: the current one), typed; applies at Reset (or at week 0)."""
    text, set_text = solara.use_state(str(seed), key=str(seed))

    def on_text(new: str) -> None:
        set_text(new)
        act(session, lambda: session.set_seed_text(new))

    solara.InputText("Random seed (applies at Reset)", value=text, on_value=on_text,
                     continuous_update=False)


@solara.component
def LeverPanel(session: Session, state: tuple = ()) -> None:
    """Preset, seed and the lever groups.

    ``state`` summarizes the settings: the panel re-renders only when it changes, not at
    every step.
    """
    PresetPicker(session, session.preset.name)
    for group in GROUPS:
        with solara.Card(group, margin=0, style={"margin-bottom": "10px"}):
            for lever in in_group(group):
                value = session.settings[lever.name]
                LeverControl(session, lever, value, session.applied.get(lever.name) != value)
    SeedInput(session, session.seed)
