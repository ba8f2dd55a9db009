"""One replication's log, indexed once and shared by every KPI family and series reporter.

The families read many small slices of one large frame (one activity or a few). Filtering
the whole frame for each slice, and recomputing the same derived tables (a leader's visits,
the ledger's items) in several families, cost more than the KPIs themselves; the view groups
the rows by activity once and keeps each derived table the first family builds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from govsim.core.calendar import WorkCalendar

T = TypeVar("T")
Where = Literal["all", "kept", "after"]
"""Which rows of an activity: all of them; those of documents *created* at or after the
warm-up (``kept``); those logged at or after the warm-up (``after``)."""


@dataclass(frozen=True)
class Setting:
    """The static context the KPIs need besides the log (organisation and experiment)."""

    leaders: tuple[str, ...] = ()
    go_reviewers: int = 1
    warmup_days: int = 0
    leader_roles: dict[str, str] = field(default_factory=dict)
    units: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    scoring: object | None = None

    @classmethod
    def of(cls, sc: Any, org: Any) -> Setting:
        """The setting of a scenario's replication (``org``: its :class:`Organisation`)."""
        return cls(
            leaders=tuple(org.leaders),
            go_reviewers=sc.general_office.reviewers,
            warmup_days=sc.scenario.warmup_days,
            leader_roles=dict(org.leader_roles),
            units=tuple(org.units),
            departments=tuple(org.departments),
            scoring=sc.ledger.scoring if getattr(sc, "ledger", None) is not None else None,
        )


class LogView:
    """The events (and cases) of one replication with shared, computed-once slices."""

    def __init__(
        self,
        events: pd.DataFrame,
        cases: pd.DataFrame | None = None,
        cal: WorkCalendar | None = None,
        setting: Setting | None = None,
    ) -> None:
        self.events = events
        self.cases = cases
        self.cal = cal
        self.setting = setting or Setting()
        self.warm = self.setting.warmup_days * 1440.0
        self._memo: dict[object, object] = {}
        acts = events["activity"]
        cat = acts.cat if isinstance(acts.dtype, pd.CategoricalDtype) else pd.Categorical(acts)
        codes = np.asarray(cat.codes, dtype=np.int64)
        self._code = {name: i for i, name in enumerate(cat.categories)}
        self._order = np.argsort(codes, kind="stable")
        self._bounds = np.searchsorted(codes[self._order], np.arange(len(self._code) + 1))

    @property
    def horizon(self) -> float:
        """The horizon in clock minutes."""
        return self._calendar().horizon_minutes

    def _calendar(self) -> WorkCalendar:
        if self.cal is None:
            raise ValueError("this KPI needs the work calendar")
        return self.cal

    def shared(self, key: object, build: Callable[[], T]) -> T:
        """The table ``build()`` makes, built once per log (``key`` names it)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]  # type: ignore[return-value]

    def positions(self, acts: str | Sequence[str], where: Where = "all") -> np.ndarray:
        """Row positions of the activities ``acts`` (in log order), filtered by ``where``."""
        names = (acts,) if isinstance(acts, str) else tuple(acts)
        return self.shared(("positions", names, where), lambda: self._positions(names, where))

    def _positions(self, names: tuple[str, ...], where: Where) -> np.ndarray:
        parts = []
        for name in names:
            code = self._code.get(name)
            if code is not None:
                parts.append(self._order[self._bounds[code] : self._bounds[code + 1]])
        pos = np.sort(np.concatenate(parts)) if len(parts) > 1 else (parts or [np.empty(0, int)])[0]
        if where == "after":
            pos = pos[self.column("time")[pos] >= self.warm]
        elif where == "kept":
            pos = pos[np.isin(self.column("case")[pos], self.kept_cases)]
        return pos

    def rows(self, acts: str | Sequence[str], where: Where = "all") -> pd.DataFrame:
        """The events of the activities ``acts`` — the same frame as filtering the whole log."""
        names = (acts,) if isinstance(acts, str) else tuple(acts)
        return self.shared(
            ("rows", names, where), lambda: self.events.take(self.positions(names, where))
        )

    def count(self, acts: str | Sequence[str], where: Where = "all") -> int:
        """How many events of the activities ``acts`` there are."""
        return len(self.positions(acts, where))

    def column(self, name: str) -> np.ndarray:
        """A numeric column of the whole log as a NumPy array."""
        return self.shared(("column", name), lambda: self.events[name].to_numpy())

    @property
    def kept_cases(self) -> np.ndarray:
        """Ids of the cases created at or after the warm-up (the KPIs' population)."""

        def build() -> np.ndarray:
            if self.cases is None:
                raise ValueError("this KPI needs the cases frame")
            return self.cases.loc[self.cases["created"] >= self.warm, "case"].to_numpy()

        return self.shared("kept_cases", build)
