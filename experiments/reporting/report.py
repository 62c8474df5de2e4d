"""One self-contained HTML report of a results folder (``plsim report DIR``).

Every report opens with a one-page brief (:mod:`experiments.reporting.brief` for comparisons) that
the print stylesheet keeps on one A4 page. A comparison folder (``plsim compare``) then gives: the
question, the scenarios and what differs, effects with 95% intervals, equity, teachers, cost and
cost-effectiveness, the survey before and after, caveats and a reproducibility block. An
experiment folder (``plsim sensitivity`` or ``plsim sweep``, analysed or not) gives: the question,
what varies, the outcomes across the design, the sensitivity ranking with its intervals and noise,
caveats and the reproducibility block.

Figures are embedded (base64 PNG) and all text is escaped: the file opens offline in any browser
and can be attached to a paper or sent by e-mail. People read labels, not identifiers
(:mod:`experiments.reporting.labels`), and money with the chosen currency symbol
(:mod:`experiments.reporting.money`). ``pdf=True`` also prints it to PDF with WeasyPrint (the
optional ``pdf`` extra).

Example
-------
>>> from experiments.reporting.report import write_report
>>> write_report("results/demo/compare")          # -> results/demo/compare/report.html
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from experiments.reporting.html import GENERATOR, page
from experiments.reporting.money import currency_symbol
from experiments.storage.provenance import (
    check_replaceable_file,
    file_has_mark,
    folder_manifest,
    write_file_atomically,
)
from simulation.errors import UserError

__all__ = ["build_report", "folder_kind", "write_pdf", "write_report"]

REPORT_NAME = "report.html"


def folder_kind(folder: Path) -> str:
    """``comparison`` or ``experiment``, from the folder's manifest.

    Raises
    ------
    UserError
        When the folder does not exist or holds no readable manifest of a known kind.
    """
    manifest_path = folder / "manifest.json"
    if not folder.is_dir():
        raise UserError(f"{folder}: no such results folder")
    if not manifest_path.exists():
        raise UserError(f"{folder}: not a results folder (no manifest.json); give the folder "
                        "written by plsim compare, plsim sensitivity or plsim sweep")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"{manifest_path}: cannot read it ({exc})") from None
    if manifest.get("kind") == "comparison":
        return "comparison"
    if str(manifest.get("format", "")).startswith("plsim-experiment/"):
        return "experiment"
    raise UserError(f"{folder}: a '{manifest.get('kind', 'unknown')}' folder; plsim report "
                    "covers comparison folders (plsim compare) and experiment folders (plsim "
                    "sensitivity, plsim sweep)")


def build_report(folder: str | Path, currency: str | None = None) -> str:
    """The HTML text of the report of a comparison or experiment folder.

    ``currency`` is the symbol money is written with (default ``$PLSIM_CURRENCY``, else ``$``).
    """
    folder = Path(folder)
    symbol = currency_symbol(currency)
    if folder_kind(folder) == "comparison":
        from experiments.reporting.comparison_sections import comparison_sections

        title, subtitle, sections = comparison_sections(folder, symbol)
    else:
        from experiments.reporting.sensitivity_sections import sensitivity_sections

        title, subtitle, sections = sensitivity_sections(folder, symbol)
    return page(title, [*subtitle, f"Results folder: {folder.resolve().name}"], sections)


def write_report(folder: str | Path, out: str | Path | None = None, force: bool = False,
                 currency: str | None = None, pdf: bool = False) -> list[Path]:
    """Write the report (default ``DIR/report.html``, and ``report.pdf`` beside it with ``pdf``).

    Refuses to replace an existing file unless ``force``. Returns the files written.

    Raises
    ------
    FileExistsError
        When a report file exists and ``force`` is false.
    UserError
        For a folder that is not a results folder, an ``out`` that is not ``.html``, or ``pdf``
        without the optional PDF renderer installed.
    """
    folder = Path(folder)
    path = Path(out) if out is not None else folder / REPORT_NAME
    if path.suffix.lower() not in (".html", ".htm"):
        raise UserError(f"--out {path}: the report is HTML; give a file name ending in .html "
                        "(--pdf writes the PDF beside it)")
    targets = [path, path.with_suffix(".pdf")] if pdf else [path]
    for target in targets:
        check_replaceable_file(target, force, _written_by_plsim, "a report plsim wrote")
    if pdf:
        _pdf_renderer()  # fail before the work when the renderer is missing
    text = build_report(folder, currency)
    write_file_atomically(path, text.encode("utf-8"))
    if pdf:
        write_pdf(text, targets[1])
    return targets


def _written_by_plsim(path: Path) -> bool:
    """Whether ``path`` is a report plsim wrote: an HTML file whose head carries plsim's
    generator mark (or the default report of a results folder), or the PDF beside such a file."""
    if path.suffix.lower() == ".pdf":
        html = path.with_suffix(".html")
        return html.suffix != path.suffix and _written_by_plsim(html)
    if path.name == REPORT_NAME and path.is_file() and folder_manifest(path.parent) is not None:
        return True
    return file_has_mark(path, f'<meta name="generator" content="{GENERATOR}">'.encode(), 4096)


def _pdf_renderer() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: the pango libraries are missing
        raise UserError("--pdf needs the optional PDF renderer WeasyPrint and the pango "
                        "libraries: pip install 'plsim[pdf]' (Debian: apt-get install "
                        f"libpango-1.0-0 libpangoft2-1.0-0) ({exc})") from None
    return weasyprint


def write_pdf(html_text: str, path: str | Path) -> Path:
    """Print the report's HTML to an A4 PDF with WeasyPrint (the report's print stylesheet)."""
    weasyprint = _pdf_renderer()
    path = Path(path)
    data = weasyprint.HTML(string=html_text).write_pdf()
    write_file_atomically(path, data)
    return path
