"""The reproducibility block of a report: command, seeds, code and package versions.

Everything comes from the folder's ``manifest.json`` (``environment`` holds the code commit, the
package versions, Python, platform and the command line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from experiments.reporting.html import esc, table
from simulation.scenario import BUNDLED_DIR

__all__ = ["reproducibility_html"]


def _seed_rows(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if manifest.get("kind") == "comparison":
        rows += [("seed", str(manifest.get("seed"))),
                 ("replicates", str(manifest.get("replicates"))),
                 ("weeks", str(manifest.get("weeks"))),
                 ("random streams", str(manifest.get("random_streams", "n/a")))]
    else:
        rows += [("root seed", str(manifest.get("root_seed"))),
                 ("design seed", str(manifest.get("design_seed"))),
                 ("design", f"{manifest.get('method')}: {manifest.get('n_points')} points x "
                            f"{manifest.get('replicates')} replicates = "
                            f"{manifest.get('n_runs')} runs of {manifest.get('weeks')} weeks"),
                 ("random streams", str(manifest.get("seeding", "n/a"))),
                 ("spec fingerprint", str(manifest.get("fingerprint", "n/a")))]
    return rows


def _external_scenarios(manifest: dict[str, Any]) -> list[str]:
    """Scenario files outside the bundled library (needed again to re-run)."""
    records = list(manifest.get("scenarios", {}).values())
    if "base_scenario" in manifest:
        records.append(manifest["base_scenario"])
    out = []
    for rec in records:
        source = rec.get("source")
        if source and Path(source).resolve().parent != BUNDLED_DIR.resolve():
            out.append(str(source))
    return out


def equivalent_command(manifest: dict[str, Any], folder: Path) -> str | None:
    """The ``plsim`` command that reproduces a folder written from Python (``None`` if unknown)."""
    if manifest.get("kind") == "comparison":
        scenarios = manifest.get("scenarios", {})
        names = [manifest.get("base"), *manifest.get("alternatives", [])]
        args = []
        for label in names:
            rec = scenarios.get(label, {})
            source = rec.get("source")
            bundled = source and Path(source).resolve().parent == BUNDLED_DIR.resolve()
            args.append(rec.get("name", label) if bundled or not source else source)
        return (f"plsim compare {' '.join(args)} --replicates {manifest.get('replicates')} "
                f"--weeks {manifest.get('weeks')} --seed {manifest.get('seed')} --out {folder}")
    spec = manifest.get("spec_source")
    if not spec:
        return None
    command = str(manifest.get("kind") or "sensitivity")  # the spec kind: sweep or sensitivity
    return f"plsim {command} {spec} --out {folder}"


def reproducibility_html(manifest: dict[str, Any], folder: Path) -> str:
    """Command, seeds, code and package versions, and the steps to re-run."""
    env = manifest.get("environment", {})
    code = env.get("code", {})
    commands = [env.get("command")] + [s.get("command") for s in manifest.get("sessions", [])]
    commands = [c for c in dict.fromkeys(commands) if c]
    cli = [c for c in commands if c.startswith("plsim ")]
    if not cli:
        equivalent = equivalent_command(manifest, folder)
        cli = [f"{equivalent}   # equivalent of the Python call that wrote the folder"] \
            if equivalent else []
    commit = code.get("commit") or "unknown"
    shown = [c if c.startswith("plsim ") else f"{c} (run from Python)" for c in commands]
    rows = [("command" + ("s" if len(commands) > 1 else ""), "\n".join(shown) or "n/a"),
            *_seed_rows(manifest),
            ("code commit", commit + (" (with uncommitted changes: the exact code is not "
                                      "recoverable from the commit)" if code.get("dirty") else "")),
            ("plsim version", str(code.get("version"))),
            ("Python", str(env.get("python"))), ("platform", str(env.get("platform"))),
            ("CPU", str((env.get("cpu") or {}).get("model"))),
            ("BLAS", "; ".join(f"{b.get('internal_api') or b.get('name')} {b.get('version')} "
                               f"{b.get('architecture') or ''} threads {b.get('num_threads')}"
                               for b in env.get("blas", [])) or "n/a"),
            ("thread settings", " ".join(f"{k}={v}" for k, v in env.get("threads", {}).items())
             or "none"),
            ("created", str(env.get("created")))]
    packages = env.get("packages", {})
    steps = [f"git checkout {commit}", "make venv"]
    steps += cli or ["(the results were produced from Python, not the command line: see the "
                     "manifest for the settings)"]
    steps.append(f"plsim report {folder}")
    external = _external_scenarios(manifest)
    out = [table(["item", "value"], rows, css_class="repro"),
           f"<details><summary>Package versions ({len(packages)})</summary>",
           table(["package", "version"], [(k, str(v)) for k, v in packages.items()]),
           "</details>",
           "<h3>To re-run</h3>",
           f"<pre>{esc(chr(10).join(steps))}</pre>",
           '<p class="muted">The same seeds give the same numbers on the same code and package '
           "versions. Every scenario's resolved values are stored in manifest.json, so a changed "
           "scenario file shows up as a difference there.</p>"]
    if external:
        out.append("<p>Scenario files outside the bundled library, needed to re-run: "
                   + ", ".join(f"<code>{esc(p)}</code>" for p in external) + ".</p>")
    spec = folder / "spec.toml"
    if spec.exists():
        out += ["<h3>Experiment spec (spec.toml)</h3>",
                f"<pre>{esc(spec.read_text(encoding='utf-8'))}</pre>"]
    return "\n".join(out)
