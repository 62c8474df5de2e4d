"""Calibrating a baseline scenario to an institution's own survey results."""
