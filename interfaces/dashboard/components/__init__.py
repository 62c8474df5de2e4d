"""Solara components of the dashboard, one panel per module."""
