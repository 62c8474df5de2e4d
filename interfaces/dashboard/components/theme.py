"""Page styles: the normal view and the projector view (large type, high contrast)."""

from __future__ import annotations

import solara

BASE_CSS = """
.plsim-page { color: #000; background: #fff; padding-bottom: 56px !important; }
.plsim-page .plsim-lever-label { font-weight: 500; }
.plsim-page .plsim-caption { font-size: 0.82em; color: #333; line-height: 1.25; }
.plsim-page .plsim-lever { margin-bottom: 18px !important; }
.plsim-page .plsim-evidence { font-weight: bold; padding: 0 6px; border-radius: 4px;
  border: 1px solid #000; }
.plsim-page .plsim-evidence-strong { background: #009E73; color: #fff; }
.plsim-page .plsim-evidence-moderate { background: #56B4E9; color: #000; }
.plsim-page .plsim-evidence-weak { background: #F0E442; color: #000; }
.plsim-page .plsim-evidence-assumption { background: #fff; color: #000; }
.plsim-page table.plsim-table { border-collapse: collapse; width: 100%; }
.plsim-page table.plsim-table th, .plsim-page table.plsim-table td {
  border-bottom: 1px solid #999; padding: 3px 8px; text-align: left; }
.plsim-page table.plsim-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.plsim-page .plsim-meter { height: 28px; border: 2px solid #000; border-radius: 4px;
  background: #eee; position: relative; overflow: hidden; }
.plsim-page .plsim-meter-fill { height: 100%; background: #009E73; }
.plsim-page .plsim-meter-over .plsim-meter-fill { background: #C00000; }
.plsim-page .plsim-meter-text { font-weight: bold; }
.plsim-page .plsim-meter-over .plsim-meter-text { color: #C00000; }
.plsim-page .plsim-week { font-size: 1.3em; font-weight: bold; }
.plsim-page .plsim-effect { font-size: 1.6em; font-weight: bold; }
"""

PROJECTOR_CSS = """
.plsim-projector { font-size: 22px; }
.plsim-projector .v-label, .plsim-projector .v-input, .plsim-projector .v-select__selection,
.plsim-projector .v-list-item__title, .plsim-projector .v-tab, .plsim-projector .v-alert,
.plsim-projector .v-card__title, .plsim-projector .v-expansion-panel-header,
.plsim-projector .v-btn, .plsim-projector p, .plsim-projector li, .plsim-projector td,
.plsim-projector th { font-size: 22px !important; color: #000 !important; }
.plsim-projector .v-btn.primary { color: #fff !important; background-color: #003A80 !important; }
.plsim-projector .v-tab--active { font-weight: bold; text-decoration: underline; }
.plsim-projector h1 { font-size: 40px; } .plsim-projector h2 { font-size: 32px; }
.plsim-projector h3 { font-size: 28px; }
.plsim-projector .plsim-caption { font-size: 20px !important; color: #000; }
.plsim-projector .plsim-week { font-size: 34px !important; }
.plsim-projector .plsim-meter-text { font-size: 28px !important; }
.plsim-projector .plsim-effect { font-size: 40px !important; }
.plsim-projector .plsim-meter { height: 40px; border-width: 3px; }
.plsim-projector .v-slider__thumb { width: 22px; height: 22px; left: -11px; }
.plsim-projector .v-slider__track-container { height: 6px !important; }
"""


@solara.component
def PageStyle(projector: bool) -> None:
    """Inject the page's CSS (and the projector's when on)."""
    solara.Style(BASE_CSS + (PROJECTOR_CSS if projector else ""))
