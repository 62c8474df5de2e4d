"""Experiments on top of the model: single runs, paired comparisons, sweeps and sensitivity analysis,
their storage (results folders with manifests), figures and reports."""
