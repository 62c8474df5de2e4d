"""The browser dashboard: a what-if explorer and workshop mode on Mesa's SolaraViz.

Modules, one job each:

- ``levers``: which registry parameters appear as levers, with plain-language labels;
- ``values``: checking and parsing a value a user sets or types;
- ``midrun``: applying a policy change to a running model;
- ``session``: one browser session's state (preset, settings, model, timeline) without UI;
- ``figures``: matplotlib figures (live charts, one class, comparison);
- ``exports``: scenario TOML, run CSV and the shareable query string;
- ``compare_job``: running a comparison of the current settings against a baseline;
- ``components/``: Solara components; ``app``: the page (``page``) served by ``plsim dashboard``.
"""
