"""Errors a user can fix (bad scenario, impossible calibration target, bad spec).

Interfaces print their message as one line and exit non-zero; they never show a traceback for them.
"""


class UserError(ValueError):
    """An input problem; the message names the file, the field, the value and what is allowed."""
