"""Building blocks of the HTML report: escaping, number formatting, tables, figures, the page.

Every piece of text goes through :func:`esc`; figures are embedded as base64 PNG ``data:`` URIs,
so a report is one self-contained file that opens offline in any browser.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Raw", "Section", "esc", "figure", "fmt", "interval", "markdown_blocks", "page",
           "png_figure", "table"]


class Raw(str):
    """HTML built from already escaped pieces; :func:`table` inserts it as is."""


@dataclass(frozen=True)
class Section:
    """One section of the report: an anchor id, a heading and its HTML body."""

    key: str
    title: str
    body: str


def esc(value: Any) -> str:
    """HTML-escaped text of any value (quotes included)."""
    return html.escape(str(value), quote=True)


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and not math.isfinite(x))


def fmt(x: Any, digits: int = 2, signed: bool = False, percent: bool = False) -> str:
    """A number for the report (``n/a`` for missing or non-finite values)."""
    if _missing(x):
        return "n/a"
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if percent:
        text = f"{x:+.{digits}%}" if signed else f"{x:.{digits}%}"
    elif isinstance(x, int) and not signed:
        return f"{x:,}"
    else:
        text = f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"
    if not any(c in "123456789" for c in text):  # rounds to zero: no "-0.00" or "+0.00"
        text = text.lstrip("+-")
    return text


def when(iso: Any) -> str:
    """An ISO timestamp as people write it (``1 Dec 2026, 20:56 UTC``); the text itself if it
    does not parse."""
    from datetime import UTC, datetime

    try:
        stamp = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC)
    return f"{stamp.day} {stamp:%b %Y, %H:%M}" + (" UTC" if stamp.tzinfo else "")


def interval(estimate: Any, low: Any, high: Any, digits: int = 2, signed: bool = True) -> str:
    """``estimate [low, high]`` (or the estimate alone when the interval is missing)."""
    text = fmt(estimate, digits, signed)
    if _missing(low) or _missing(high):
        return text if _missing(estimate) else f"{text} (no interval)"
    return f"{text} [{fmt(low, digits, signed)}, {fmt(high, digits, signed)}]"


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], numeric: Sequence[int] = (),
          caption: str | None = None, css_class: str = "") -> str:
    """An HTML table; cells are escaped; ``numeric`` columns are right-aligned."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    out = [f"<table{cls}>"]
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    num = ' class="num"'
    out.append("<thead><tr>" + "".join(
        f"<th{num if k in numeric else ''}>{esc(h)}</th>" for k, h in enumerate(header))
        + "</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = []
        for k, cell in enumerate(row):
            attr = ' class="num"' if k in numeric else ""
            text = cell if isinstance(cell, Raw) else esc(cell)
            cells.append(f"<td{attr}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def display_width(png: bytes, default_dpi: float = 150.0) -> int | None:
    """CSS width (px at 96 per inch) of a PNG drawn at its recorded DPI (``pHYs`` chunk).

    Keeps a one-panel figure from being blown up to the page width: figures appear at the size
    they were drawn for, shrunk (never enlarged) to fit.
    """
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        return None
    width = struct.unpack(">I", png[16:20])[0]
    dpi = default_dpi
    at = png.find(b"pHYs", 0, 4096)
    if at > 0 and len(png) >= at + 13:
        per_unit, _, unit = struct.unpack(">IIB", png[at + 4:at + 13])
        if unit == 1 and per_unit > 0:
            dpi = per_unit * 0.0254
    return round(width / dpi * 96)


def figure(png: Path | bytes, caption: str, alt: str | None = None) -> str:
    """A ``<figure>`` with the PNG embedded as a data URI, at the size it was drawn for."""
    data = png.read_bytes() if isinstance(png, Path) else png
    encoded = base64.b64encode(data).decode("ascii")
    width = display_width(data)
    size = f' style="width: {width}px"' if width else ""
    text = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return (f'<figure><img src="data:image/png;base64,{encoded}" alt="{esc(alt or caption)}"'
            f"{size}>{text}</figure>")


def png_figure(fig: Figure, caption: str, alt: str | None = None) -> str:
    """A matplotlib figure drawn in memory (150 dpi PNG) and embedded like :func:`figure`."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150)
    return figure(buffer.getvalue(), caption, alt)


def paragraph(text: str) -> str:
    """An escaped paragraph."""
    return f"<p>{esc(text)}</p>"


def bullets(items: Sequence[str]) -> str:
    """An escaped bullet list."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


_INLINE = re.compile(r"\*\*(.+?)\*\*|`(.+?)`|\*(.+?)\*")


def inline_markdown(text: str) -> str:
    """Escape text, keeping ``**bold**``, ``*italic*`` and ```code``` from Markdown."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(esc(text[pos:m.start()]))
        bold, code, italic = m.groups()
        if bold is not None:
            out.append(f"<strong>{esc(bold)}</strong>")
        elif code is not None:
            out.append(f"<code>{esc(code)}</code>")
        else:
            out.append(f"<em>{esc(italic)}</em>")
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def markdown_blocks(text: str) -> str:
    """A small Markdown subset (paragraphs, ``-`` bullets, sub-headings) as escaped HTML."""
    html_parts: list[str] = []
    items: list[str] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            html_parts.append(f"<p>{inline_markdown(' '.join(para))}</p>")
            para.clear()
        if items:
            html_parts.append("<ul>" + "".join(f"<li>{inline_markdown(i)}</li>" for i in items)
                              + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            html_parts.append(f"<h4>{inline_markdown(line.lstrip('#').strip())}</h4>")
        elif line.startswith(("- ", "* ")):
            if para:
                flush()
            items.append(line[2:])
        elif items and raw.startswith((" ", "\t")):
            items[-1] += " " + line
        else:
            if items:
                flush()
            para.append(line)
    flush()
    return "\n".join(html_parts)


CSS = """
:root { --ink: #1d2430; --muted: #5b6576; --line: #d9dee7; --accent: #1b6ca8;
        --bg: #ffffff; --panel: #f5f7fa; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
       "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
header { background: #17324d; color: #fff; padding: 28px 40px 22px; }
header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; }
header p { margin: 2px 0; color: #d5e2ef; }
nav { position: sticky; top: 0; background: #fff; border-bottom: 1px solid var(--line);
      padding: 8px 40px; font-size: 13px; z-index: 2; display: flex; flex-wrap: wrap;
      gap: 4px 16px; }
nav a { color: var(--accent); text-decoration: none; white-space: nowrap; }
main { max-width: 1100px; padding: 8px 40px 48px; }
section { border-bottom: 1px solid var(--line); padding: 10px 0 18px; }
h2 { font-size: 20px; margin: 18px 0 8px; color: #17324d; }
h3 { font-size: 16px; margin: 16px 0 6px; }
h4 { font-size: 14px; margin: 12px 0 4px; }
p { margin: 6px 0 10px; max-width: 75ch; }
.lead { font-size: 16px; }
.muted, figcaption, caption { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13.5px; }
caption { text-align: left; padding-bottom: 4px; caption-side: top; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left;
         vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
table.repro td { white-space: pre-line; word-break: break-word; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 12px 0 20px; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 14px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
        padding: 10px 14px; min-width: 230px; flex: 1 1 230px; }
.card .name { font-weight: 600; }
.card .big { font-size: 22px; font-weight: 650; color: var(--accent); }
.warn { color: var(--warn); }
details { margin: 4px 0 14px; }
summary { cursor: pointer; color: var(--accent); font-size: 13.5px; }
pre { background: var(--panel); border: 1px solid var(--line); padding: 10px; overflow-x: auto;
      font-size: 12.5px; white-space: pre-wrap; word-break: break-word; }
code { font-size: 90%; }
.evidence-strong { color: #1e7b34; font-weight: 600; }
.evidence-moderate { color: #1b6ca8; font-weight: 600; }
.evidence-weak { color: #8a5a00; font-weight: 600; }
.evidence-assumption { color: #a12b2b; font-weight: 600; }
.flag { color: #a12b2b; font-weight: 600; }
.good { color: #1e7b34; font-weight: 600; }
.flag-box { border-left: 4px solid #c0392b; background: #fbeeee; padding: 8px 12px;
            margin: 8px 0 12px; max-width: 75ch; }
section.brief { border: 2px solid #17324d; border-radius: 6px; padding: 4px 18px 10px;
                margin-top: 14px; }
section.brief h2 { margin-top: 10px; }
section.brief p, section.brief li { max-width: none; }
section.brief ul { margin: 4px 0 6px; padding-left: 22px; }
section.brief li { margin: 2px 0; }
section.brief figure { margin: 6px 0 8px; }
p.note { margin-top: -10px; }
p.question { font-size: 16px; }
table { max-width: 100%; }
th, td { overflow-wrap: break-word; }
th { overflow-wrap: normal; }
table.brief-table td:first-child { font-weight: 600; }
table.brief-table.compact td { padding-top: 2px; padding-bottom: 2px; }
table.brief-table.compact { font-size: 12px; }
table.brief-table.compact span { font-size: inherit; }
table.brief-table.compact td:first-child { width: 32%; }
table.brief-table.compact th { min-width: 6.5em; }
table.brief-table.compact td:nth-child(n+2) { white-space: nowrap; }
table.wide td, table.wide th { font-size: 12.5px; padding: 4px 6px; }
@page { size: A4; margin: 12mm 13mm 14mm; }
@media print {
  body { font-size: 9.5pt; line-height: 1.35; }
  nav { display: none; }
  header { background: #fff; color: #000; padding: 0 0 4px; border-bottom: 2px solid #17324d; }
  header h1 { font-size: 13pt; margin-bottom: 2px; }
  header p { color: #333; display: inline; margin-right: 12px; font-size: 8.5pt; }
  main { max-width: none; padding: 0; }
  section { border-bottom: none; padding: 4px 0 8px; }
  section.brief { break-after: page; border: none; padding: 0; margin: 0; }
  section.brief h2 { margin: 8px 0 4px; }
  p.question { font-size: 11pt; }
  p, li { max-width: none; orphans: 3; widows: 3; }
  h2, h3, h4, caption { break-after: avoid; }
  figure, tr, .flag-box, .card { break-inside: avoid; }
  figure img { border: none; }
  table { font-size: 9pt; }
  th, td { padding: 3px 6px; }
  td.num { white-space: normal; }
  table.brief-table.compact { font-size: 8pt; }
  .many { font-size: 9pt; }
  .many p.question { font-size: 10pt; }
  table.brief-table.compact th { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
  details > summary { display: none; }
}
"""


#: Marks the pages plsim writes, so ``--force`` replaces only those.
GENERATOR = "plsim"


def page(title: str, subtitle: Sequence[str], sections: Sequence[Section]) -> str:
    """The complete HTML document (inline CSS, no scripts, no external resources)."""
    nav = "".join(f'<a href="#{esc(s.key)}">{esc(s.title)}</a>' for s in sections)
    body = "\n".join(
        f'<section id="{esc(s.key)}" class="{esc(s.key)}"><h2>{esc(s.title)}</h2>\n{s.body}\n'
        "</section>"
        for s in sections)
    lines = "".join(f"<p>{esc(line)}</p>" for line in subtitle)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<meta name=\"generator\" content=\"{GENERATOR}\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(title)}</h1>{lines}</header>\n<nav>{nav}</nav>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
