"""The report's figures, registered by name.

A *figure provider* is a function ``(results, plots) -> list[ReportFigure]`` returning the
figures a results folder's data allow (none when the run did not measure what it draws). It
is registered with :func:`report_figure` under a name and an ``order`` (the position on the
page: lower first). ``govsim report`` draws every registered provider's figures in order.

Adding a figure needs no change to the report: put a module in ``govsim/report/figures/``
with a decorated provider; every module of that package is imported when the report is
built (:func:`providers`). The built-in providers (``figures/builtin.py``) use orders 10–90
in steps of 10, so a new figure can be placed between them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from govsim.report.results import Results


@dataclass(frozen=True)
class ReportFigure:
    """A figure the data allow: its file, heading, caption and how to draw it."""

    file: str
    title: str
    caption: str
    draw: Callable[[], Any]


Provider = Callable[[Results, ModuleType], list[ReportFigure]]


@dataclass(frozen=True)
class ProviderSpec:
    """A registered figure provider: its name, page position and function."""

    name: str
    order: float
    provide: Provider
    per_point: bool = True
    """Draws a line, bar or panel per design point (too many to read, and slow to draw, for
    a sampled design of hundreds of points)."""


REPORT_FIGURES: dict[str, ProviderSpec] = {}
"""Every registered provider by name (see :func:`providers` for the page order)."""


def report_figure(
    name: str, order: float, *, per_point: bool = True
) -> Callable[[Provider], Provider]:
    """Register a figure provider under ``name`` at page position ``order``; ``per_point``
    says whether it draws each design point (see :class:`ProviderSpec`)."""

    def register(func: Provider) -> Provider:
        held = REPORT_FIGURES.get(name)
        if held is not None and held.provide is not func:
            raise ValueError(f"report figure {name!r} is registered twice")
        REPORT_FIGURES[name] = ProviderSpec(name, order, func, per_point)
        return func

    return register


def _import_figure_modules() -> None:
    from govsim.report import figures

    for info in pkgutil.iter_modules(figures.__path__):
        importlib.import_module(f"{figures.__name__}.{info.name}")


def providers() -> list[ProviderSpec]:
    """Every provider (modules in ``govsim/report/figures/`` imported first), in page order."""
    _import_figure_modules()
    return sorted(REPORT_FIGURES.values(), key=lambda p: (p.order, p.name))
