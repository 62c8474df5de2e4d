"""The browser dashboard: a what-if explorer and workshop mode built on Mesa's SolaraViz pieces.

Modules, one job each:

- ``levers``: which registry parameters appear as levers, with plain-language labels;
- ``values``: checking and parsing a value a person sets or types;
- ``session``: one browser session's state (preset, settings, model, timeline), no UI;
- ``classview``: the students of one class, from the model's arrays;
- ``panels``: what the live panels show, and the colours;
- ``charts``: ECharts options drawn by the browser; ``figures``: the same as PNG (matplotlib);
- ``exports``: scenario TOML and run CSV; ``urlstate``: the link that reproduces the settings;
- ``compare_job``: comparing the current settings with a baseline over paired replicates;
- ``components/``: Solara components, one panel each; ``app``: the page served by
  ``plsim dashboard``.
"""
