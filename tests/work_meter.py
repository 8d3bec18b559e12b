"""Count the work a step does, without a clock: array elements and Python calls.

A :class:`Counted` array is an ndarray subclass that adds the size of every
array derived from it (ufunc results, indexing, copies, numpy functions that
take it) to a global count; :func:`measure` also counts the Python function
calls and generator steps a step makes (``sys.setprofile``), and its
``tracemalloc`` peak. A step whose cost is quadratic in its data, such as a
loop that builds a masked array per item, shows it in these counts whatever
the load of the machine.

>>> import numpy as np
>>> a = counted(np.arange(10))
>>> with measure() as w:
...     for i in range(3):
...         _ = a[a > i]
>>> w.elements  # three masks of 10, three selections of 9, 8 and 7
54
"""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from contextlib import contextmanager

import numpy as np

__all__ = ["Counted", "Work", "counted", "counted_fields", "measure"]

_count = [0]


class Counted(np.ndarray):
    """An ndarray whose derived arrays are counted (their sizes added up)."""

    def __array_finalize__(self, obj) -> None:
        if obj is not None:
            _count[0] += self.size

    def __array_function__(self, func, types, args, kwargs):
        return _wrap(super().__array_function__(func, types, args, kwargs))


def _wrap(value):
    if type(value) is np.ndarray:
        return value.view(Counted)
    if isinstance(value, tuple):
        return type(value)(_wrap(v) for v in value) if not hasattr(value, "_fields") \
            else type(value)(*(_wrap(v) for v in value))
    return value


def counted(a: np.ndarray) -> Counted:
    """A view of ``a`` whose derived arrays are counted (the view itself is not)."""
    before = _count[0]
    out = np.asarray(a).view(Counted)
    _count[0] = before
    return out


def counted_fields(obj):
    """A copy of a dataclass with every ndarray field a :class:`Counted` view."""
    changes = {f.name: counted(getattr(obj, f.name)) for f in dataclasses.fields(obj)
               if isinstance(getattr(obj, f.name), np.ndarray)}
    return dataclasses.replace(obj, **changes)


@dataclasses.dataclass
class Work:
    elements: int = 0
    calls: int = 0
    peak_bytes: int = 0

    @property
    def total(self) -> int:
        """Array elements plus Python calls: the operation count."""
        return self.elements + self.calls


@contextmanager
def measure():
    """Count the work of the ``with`` block into the :class:`Work` it yields."""
    work = Work()
    calls = [0]

    def profile(frame, event, arg) -> None:
        if event in ("call", "c_call"):
            calls[0] += 1

    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base_mem = tracemalloc.get_traced_memory()[0]
    before = _count[0]
    old = sys.getprofile()
    sys.setprofile(profile)
    try:
        yield work
    finally:
        sys.setprofile(old)
        work.elements = _count[0] - before
        work.calls = calls[0]
        work.peak_bytes = tracemalloc.get_traced_memory()[1] - base_mem
        if started:
            tracemalloc.stop()
