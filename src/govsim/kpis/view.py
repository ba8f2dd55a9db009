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


class Rows:
    """Some rows of the log (in log order), each column taken as a NumPy array on demand."""

    def __init__(self, view: LogView, pos: np.ndarray) -> None:
        self.view = view
        self.pos = pos

    def __len__(self) -> int:
        return len(self.pos)

    def __getitem__(self, name: str) -> np.ndarray:
        """A column's values (categorical columns: their names, NaN where missing)."""
        if isinstance(self.view.events[name].dtype, pd.CategoricalDtype):
            codes, names = self.view.codes(name)
            return names_at(codes[self.pos], names)
        return self.view.column(name)[self.pos]

    def equals(self, name: str, value: str) -> np.ndarray:
        """Whether a categorical column holds ``value``, row by row (False where missing)."""
        return self.view.codes(name)[0][self.pos] == self.view.code(name, value)

    def select(self, mask: np.ndarray) -> Rows:
        """The rows where ``mask`` holds."""
        return Rows(self.view, self.pos[mask])


def _codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    cat = col.cat if isinstance(col.dtype, pd.CategoricalDtype) else pd.Categorical(col)
    return np.asarray(cat.codes, dtype=np.int64), np.asarray(cat.categories, dtype=object)


def split_codes(codes: np.ndarray, names: np.ndarray) -> dict[str, np.ndarray]:
    """The positions of each name's rows (in order), for the names that occur."""
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {
        str(names[i]): order[bounds[i] : bounds[i + 1]]
        for i in range(len(names))
        if bounds[i + 1] > bounds[i]
    }


def names_at(codes: np.ndarray, names: np.ndarray) -> np.ndarray:
    """The names of ``codes`` as an object array (NaN where the code is -1)."""
    if not len(names):
        return np.full(len(codes), np.nan, dtype=object)
    return np.where(codes >= 0, np.asarray(names, dtype=object)[np.maximum(codes, 0)], np.nan)


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
        self._cases = cases
        self._cal = cal
        self.setting = setting or Setting()
        self.warm = self.setting.warmup_days * 1440.0
        self._memo: dict[object, object] = {}
        self._by_activity = split_codes(*self.codes("activity"))

    @property
    def cal(self) -> WorkCalendar:
        """The work calendar (raises if the view was built without one)."""
        if self._cal is None:
            raise ValueError("this KPI needs the work calendar")
        return self._cal

    @property
    def cases(self) -> pd.DataFrame:
        """The cases frame (raises if the view was built without one)."""
        if self._cases is None:
            raise ValueError("this KPI needs the cases frame")
        return self._cases

    @property
    def horizon(self) -> float:
        """The horizon in clock minutes."""
        return self.cal.horizon_minutes

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
        parts = [self._by_activity[name] for name in names if name in self._by_activity]
        pos = np.sort(np.concatenate(parts)) if len(parts) > 1 else (parts or [np.empty(0, int)])[0]
        if where == "after":
            pos = pos[self.column("time")[pos] >= self.warm]
        elif where == "kept":
            pos = pos[np.isin(self.column("case")[pos], self.kept_cases)]
        return pos

    def at(self, acts: str | Sequence[str], where: Where = "all") -> Rows:
        """The events of the activities ``acts``, their columns as NumPy arrays on demand —
        the rows that filtering the whole log would give, in the same order."""
        return Rows(self, self.positions(acts, where))

    def count(self, acts: str | Sequence[str], where: Where = "all") -> int:
        """How many events of the activities ``acts`` there are."""
        return len(self.positions(acts, where))

    def column(self, name: str) -> np.ndarray:
        """A numeric column of the whole log as a NumPy array."""
        return self.shared(("column", name), lambda: self.events[name].to_numpy())

    def codes(self, name: str, frame: str = "events") -> tuple[np.ndarray, np.ndarray]:
        """A categorical column's codes (-1 where missing) and its categories (an object
        array), for comparing and grouping integers instead of strings."""
        return self.shared(("codes", frame, name), lambda: _codes(getattr(self, frame)[name]))

    def code(self, name: str, value: str, frame: str = "events") -> int:
        """The code of ``value`` in a categorical column (-2, matching no row, if absent)."""
        found = np.flatnonzero(self.codes(name, frame)[1] == value)
        return int(found[0]) if len(found) else -2

    @property
    def kept_mask(self) -> np.ndarray:
        """Per case row: created at or after the warm-up and not carried across a warm
        start's cut (the KPIs count what happens after the cut)."""

        def build() -> np.ndarray:
            kept = self.cases["created"].to_numpy() >= self.warm
            if "carried" in self.cases.columns:
                kept &= ~self.cases["carried"].to_numpy(dtype=bool)
            return kept

        return self.shared("kept_mask", build)

    @property
    def kept_cases(self) -> np.ndarray:
        """Ids of the cases of the KPIs' population (:attr:`kept_mask`)."""

        def build() -> np.ndarray:
            return self.cases["case"].to_numpy()[self.kept_mask]

        return self.shared("kept_cases", build)
