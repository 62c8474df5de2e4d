"""Accessibility fixes the page's frameworks leave to the application.

Solara's page template has no ``lang`` and disables zooming; Vuetify 2's selects put a
focusable input inside an element with ``role="button"`` (axe-core: *nested-interactive*,
serious). A small script, mounted once with the page, sets the language, allows zooming, and
moves each select's popup semantics onto its input (a ``combobox`` that owns the list), as
the ARIA 1.2 combobox pattern has it, whenever Vuetify draws or redraws a select.
"""

from __future__ import annotations

import solara

SCRIPT = """
<template><span style="display: none"></span></template>
<script>
module.exports = {
  mounted() {
    const set = (el, name, value) => {
      if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
    };
    const drop = (el, name) => {
      if (el.hasAttribute(name)) { el.removeAttribute(name); }
    };
    const fix = () => {
      set(document.documentElement, 'lang', 'en');
      const meta = document.querySelector('meta[name="viewport"]');
      if (meta) { set(meta, 'content', 'width=device-width, initial-scale=1'); }
      document.querySelectorAll('.v-select .v-input__slot').forEach(slot => {
        const input = slot.querySelector('input');
        if (!input) { return; }
        set(input, 'role', 'combobox');
        set(input, 'aria-haspopup', 'listbox');
        const expanded = slot.getAttribute('aria-expanded');
        if (expanded !== null) { set(input, 'aria-expanded', expanded); }
        if (!input.hasAttribute('aria-expanded')) { set(input, 'aria-expanded', 'false'); }
        const owns = slot.getAttribute('aria-owns');
        if (owns) { set(input, 'aria-controls', owns); }
        drop(slot, 'role');
        drop(slot, 'aria-owns');
        drop(slot, 'aria-haspopup');
        drop(slot, 'aria-expanded');
      });
    };
    fix();
    this.observer = new MutationObserver(() => fix());
    this.observer.observe(document.body, {childList: true, subtree: true, attributes: true,
                                          attributeFilter: ['aria-expanded', 'role']});
  },
  beforeDestroy() {
    if (this.observer) { this.observer.disconnect(); }
  },
};
</script>
"""


@solara.component
def AccessibilityFixes() -> None:
    """Mount the script once per page."""
    solara.v.VuetifyTemplate(template=SCRIPT)
