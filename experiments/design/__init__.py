"""Experiment specs (TOML) and the designs (points) they describe."""
