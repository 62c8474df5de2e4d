"""Experiments on top of the model: runs, paired comparisons, sweeps, sensitivity analysis,
their storage (results folders with manifests), figures and reports."""
