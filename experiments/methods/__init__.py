"""Design and sensitivity methods, one module each, dispatched from one table.

:data:`METHODS` maps a spec's ``design.method`` to its :class:`~experiments.methods.base.
DesignMethod`. Adding a method is one module with a ``DesignMethod`` subclass and one entry here
(or :func:`register` from code); specs, design sampling, analysis, reports and the command line
find it through the table.
"""

from __future__ import annotations

from experiments.methods.base import DesignMethod
from experiments.methods.efast import EFast
from experiments.methods.grid import Grid
from experiments.methods.lhs import LatinHypercube
from experiments.methods.morris import Morris
from experiments.methods.sobol import Sobol

__all__ = ["METHODS", "DesignMethod", "method", "names", "register"]

#: Every method by its ``design.method`` name.
METHODS: dict[str, DesignMethod] = {
    m.name: m for m in (Grid(), LatinHypercube(), Sobol(), Morris(), EFast())
}


def register(new: DesignMethod) -> DesignMethod:
    """Add (or replace) a method in :data:`METHODS`; returns it."""
    METHODS[new.name] = new
    return new


def method(name: str) -> DesignMethod:
    """The method called ``name`` (a ``KeyError`` naming the known ones otherwise)."""
    try:
        return METHODS[name]
    except KeyError:
        raise KeyError(f"unknown design method {name!r} (known: {', '.join(METHODS)})") from None


def names(kind: str | None = None) -> tuple[str, ...]:
    """Method names, all or those of one kind (``"sensitivity"``, ``"sweep"``)."""
    return tuple(n for n, m in METHODS.items() if kind is None or m.kind == kind)
