"""Paired comparisons of scenarios with common random numbers."""
