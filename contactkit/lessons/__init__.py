"""What the notebooks use: set-up, display tables, sample data, scripted races, exercises, and
lesson 11's own contacts in a persistent store (``yours``).

A notebook imports from ``contactkit`` (the library and its public subpackages) and from here,
nothing deeper. Besides its own modules this package hands the notebooks the few internals a
lesson looks at on purpose: :func:`render` (a condition as DynamoDB sees it) and
:class:`FaultInjector` (the failures the embedded engine never produces). ``interleave`` here is
the function; its module is ``contactkit.lessons.interleave``::

    from contactkit.lessons import FaultInjector, interleave, lesson, show, store_add
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from ..dynamo.expressions import render
from ..engine.faults import FaultInjector
from . import antipatterns, capstone, exercises, lesson, samples, show, yours
from .antipatterns import seed_check_then_write, seed_read_modify_write
from .interleave import Step, interleave, store_add, store_update
from .lesson import Lesson

if TYPE_CHECKING:
    from . import course

# course is the command line of `make notebooks` and `make html` (python -m ...course): importing
# it here would make runpy warn that the module was imported before it ran.
_LAZY_MODULES = frozenset({"course"})

__all__ = [
    "FaultInjector",
    "Lesson",
    "Step",
    "antipatterns",
    "capstone",
    "course",
    "exercises",
    "interleave",
    "lesson",
    "render",
    "samples",
    "seed_check_then_write",
    "seed_read_modify_write",
    "show",
    "store_add",
    "store_update",
    "yours",
]


def __getattr__(name: str) -> ModuleType:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
