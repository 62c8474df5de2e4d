"""How amounts of money are written for people: one currency symbol the user can set.

The registry's unit prices are generic assumptions ("currency units"); pages for people print them
with a symbol chosen by the user: ``--currency`` on the commands that draw or report, or the
``PLSIM_CURRENCY`` environment variable, default ``$``. Exports keep plain numbers.
"""

from __future__ import annotations

import math
import os

DEFAULT_SYMBOL = "$"
ENV_VAR = "PLSIM_CURRENCY"


def currency_symbol(symbol: str | None = None) -> str:
    """The symbol to print: ``symbol`` if given, else ``$PLSIM_CURRENCY``, else ``$``."""
    chosen = symbol if symbol is not None else os.environ.get(ENV_VAR, DEFAULT_SYMBOL)
    return chosen.strip() or DEFAULT_SYMBOL


def money(value: float | None, symbol: str | None = None, digits: int = 0) -> str:
    """``value`` with thousands separators (``$1,250``, ``-$40``, ``CHF 1,250``; ``n/a`` if
    absent)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    sign = "-" if value < 0 else ""
    chosen = currency_symbol(symbol)
    gap = " " if chosen[-1].isalpha() else ""  # "CHF 1,250", "$1,250"
    return f"{sign}{chosen}{gap}{abs(value):,.{digits}f}"
