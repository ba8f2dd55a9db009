"""KPI families and series reporters, registered by name (Mesa-style reporters).

A *family* turns one replication's log into a few KPI columns; a *series* reporter turns it
into a frame written to a results file (``backlog.parquet`` …). Each declares, as data, when
it applies to a scenario (e.g. the ledger family only with a ``[ledger]`` section, A70), so
the runner iterates the registry instead of branching on the scenario's sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from govsim.kpis.view import LogView

Applies = Callable[[Any], bool]
FamilyFn = Callable[["LogView"], dict[str, float]]
SeriesFn = Callable[["LogView"], pd.DataFrame]


def always(sc: Any) -> bool:
    """Applies to every scenario."""
    return True


def section(name: str) -> Applies:
    """Applies when the scenario has the optional section ``[name]`` (``ledger``, ``meetings``)."""

    def has_section(sc: Any) -> bool:
        return getattr(sc, name, None) is not None

    has_section.__name__ = f"has_{name}"
    return has_section


@dataclass(frozen=True)
class Family:
    """A KPI family: ``rank`` orders its columns in the KPI row (lower first)."""

    name: str
    rank: int
    applies: Applies
    compute: FamilyFn


@dataclass(frozen=True)
class Series:
    """A series reporter and the results file it feeds (``<name>.parquet``)."""

    name: str
    file: str
    applies: Applies
    compute: SeriesFn


FAMILIES: dict[str, Family] = {}
SERIES: dict[str, Series] = {}


def kpi_family(
    name: str, *, rank: int, applies: Applies = always
) -> Callable[[FamilyFn], FamilyFn]:
    """Register the decorated ``fn(view) -> {column: value}`` as the KPI family ``name``."""

    def register(fn: FamilyFn) -> FamilyFn:
        if name in FAMILIES:
            raise ValueError(f"KPI family {name!r} is registered twice")
        FAMILIES[name] = Family(name, rank, applies, fn)
        return fn

    return register


def series(name: str, *, applies: Applies = always) -> Callable[[SeriesFn], SeriesFn]:
    """Register the decorated ``fn(view) -> frame`` as the series ``name`` (``name.parquet``)."""

    def register(fn: SeriesFn) -> SeriesFn:
        if name in SERIES:
            raise ValueError(f"series {name!r} is registered twice")
        SERIES[name] = Series(name, f"{name}.parquet", applies, fn)
        return fn

    return register


def families_for(sc: Any) -> list[Family]:
    """The families that apply to ``sc``, in column order."""
    return sorted((f for f in FAMILIES.values() if f.applies(sc)), key=lambda f: f.rank)


def series_for(sc: Any) -> list[Series]:
    """The series reporters that apply to ``sc``, in registration order."""
    return [s for s in SERIES.values() if s.applies(sc)]


def core_families() -> list[Family]:
    """The families every scenario reports (documents, GO, leaders, leave …), in column order."""
    return sorted((f for f in FAMILIES.values() if f.applies is always), key=lambda f: f.rank)
