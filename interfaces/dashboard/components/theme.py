"""Page styles: the normal view and the projector view (large type, high contrast)."""

from __future__ import annotations

import solara

BASE_CSS = """
.plsim-page { color: #000; background: #fff; padding-bottom: 16px !important; }
.plsim-page .plsim-lever-label { font-weight: 500; }
.plsim-page .plsim-caption { font-size: 0.82em; color: #222; line-height: 1.25; }
.plsim-page .plsim-lever { margin-bottom: 18px !important; }
.plsim-page .plsim-evidence { font-weight: bold; padding: 0 6px; border-radius: 4px;
  border: 1px solid #000; }
.plsim-page .plsim-evidence-strong { background: #00694D; color: #fff; }
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
.plsim-page .plsim-figure { min-width: 7em; }
.plsim-page h1 { font-size: 1.5em; margin: 0; }
.plsim-visually-hidden { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.plsim-page .plsim-slider-row .v-slider + .v-label, .plsim-page .plsim-slider-row .v-label,
.plsim-page .plsim-number .v-label { position: absolute !important; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.plsim-page .plsim-slider-row > * { flex: 1 1 auto; }
.plsim-page .plsim-slider-row .plsim-number { flex: 0 0 6.5em; max-width: 6.5em; }
.plsim-page .plsim-number input { text-align: right; }
.plsim-page .plsim-evidence-negative { background: #000; color: #fff; }
.plsim-page a { color: #0645AD; }
.plsim-page .plsim-effect { font-size: 1.6em; font-weight: bold; }
"""

PROJECTOR_CSS = """
.plsim-projector { --fs: max(20px, 1.46vw); font-size: var(--fs); padding-bottom: 0 !important;
  --plsim-chart-height: max(190px, calc((100vh - 5 * var(--fs) - 222px) / 2));
  --plsim-class-height: max(300px, calc(100vh - 6 * var(--fs) - 230px)); }
.plsim-projector.plsim-with-controls { --fs: max(16px, 1.17vw);
  --plsim-chart-height: max(190px, calc((100vh - 9 * var(--fs) - 222px) / 2)); }
.plsim-projector:has(.v-alert) { --plsim-alerts: calc(2.3 * var(--fs) + 4px); }
.plsim-projector:has(.v-alert ~ .v-alert) { --plsim-alerts: calc(4.6 * var(--fs) + 8px); }
.plsim-projector.plsim-with-controls .plsim-headline { gap: 2px 14px !important; }
.plsim-projector.plsim-with-controls .plsim-figure { min-width: 4em; }
.plsim-projector .v-label, .plsim-projector .v-input, .plsim-projector .v-select__selection,
.plsim-projector .v-list-item__title, .plsim-projector .v-tab, .plsim-projector .v-alert,
.plsim-projector .v-card__title, .plsim-projector .v-expansion-panel-header,
.plsim-projector .v-btn, .plsim-projector p, .plsim-projector li, .plsim-projector td,
.plsim-projector th { font-size: var(--fs) !important; color: #000 !important; }
.plsim-projector .v-btn.primary { color: #fff !important; background-color: #003A80 !important; }
.plsim-projector .v-tab--active { font-weight: bold; text-decoration: underline; }
.plsim-projector .v-tabs-bar { height: calc(2 * var(--fs)) !important; }
.plsim-projector .v-alert { margin-bottom: 4px !important; }
.plsim-projector .v-select.v-text-field { padding-top: calc(0.9 * var(--fs)) !important;
  margin-top: 0 !important; }
.plsim-projector .v-select .v-label { line-height: 1.2 !important; height: auto !important; }
.plsim-projector .v-select__selection { line-height: 1.35 !important; }
.plsim-projector .v-select .v-label--active {
  transform: translateY(calc(-1.05 * var(--fs))) scale(.75) !important; }
.plsim-projector .v-alert.error--text, .plsim-projector .v-alert.error--text * {
  color: #B00020 !important; }
.plsim-projector h1 { font-size: calc(1.7 * var(--fs)); }
.plsim-projector h2 { font-size: calc(1.3 * var(--fs)); margin: 0; }
.plsim-projector h3 { font-size: calc(1.2 * var(--fs)); }
.plsim-projector h4 { font-size: calc(1.05 * var(--fs)); margin: 2px 0; }
.plsim-page .plsim-switches .v-input--selection-controls { margin-top: 0; padding-top: 0; }
.plsim-page .plsim-switches .v-messages { display: none; }
.plsim-projector .col { padding-top: 0 !important; padding-bottom: 0 !important; }
.plsim-projector .row { margin-top: 0 !important; margin-bottom: 0 !important; }
.plsim-projector .v-window { padding-top: 2px; }
.plsim-projector .plsim-caption { font-size: calc(0.9 * var(--fs)) !important; color: #000; }
.plsim-projector .plsim-week { font-size: calc(1.35 * var(--fs)) !important; line-height: 1.15; }
.plsim-projector .plsim-headline .plsim-caption { font-size: calc(0.85 * var(--fs)) !important; }
.plsim-projector .plsim-meter-text { font-size: var(--fs) !important; }
.plsim-projector .plsim-effect { font-size: calc(1.6 * var(--fs)) !important; }
.plsim-projector .plsim-meter { height: 12px; border-width: 2px; }
.plsim-projector .plsim-reference { font-size: calc(0.8 * var(--fs)) !important; margin: 0;
  white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; }
.plsim-projector .plsim-charts > .col { padding-top: 2px; padding-bottom: 2px; }
.plsim-projector .plsim-compare-table td, .plsim-projector .plsim-compare-table th {
  font-size: calc(0.95 * var(--fs)) !important; padding: 2px 6px; }
.plsim-projector .plsim-survey td, .plsim-projector .plsim-survey th {
  font-size: calc(0.9 * var(--fs)) !important; padding: 1px 6px; line-height: 1.2; }
.plsim-projector .plsim-controls-column { max-height: calc(100vh - 5.5 * var(--fs) - 60px);
  overflow-y: auto; }
.plsim-projector .v-slider__thumb { width: 22px; height: 22px; left: -11px; }
.plsim-projector .v-slider__track-container { height: 6px !important; }
"""


@solara.component
def PageStyle(projector: bool) -> None:
    """Inject the page's CSS (and the projector's when on)."""
    solara.Style(BASE_CSS + (PROJECTOR_CSS if projector else ""))
