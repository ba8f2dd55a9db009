"""What a check reads and what it reports: the log with its static context
(:class:`LogContext`), the scenario's reading of the text (:class:`RuleParams`) and one breach
(:class:`Violation`).

Some invariants hold "given knobs" (RULES §8.2): the countersign limits and deemed consent
depend on the scenario's reading of the text (:class:`RuleParams`, from the scenario given to
:func:`govsim.checks.check_log`; without one, the text's own numbers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd

from govsim.core.calendar import WorkCalendar
from govsim.core.org import Organisation
from govsim.scenario.models import Scenario, Substitution

EPS = 1e-6
T = TypeVar("T")


@dataclass(frozen=True)
class RuleParams:
    """The scenario's reading of the text where the invariants depend on it ("given knobs").

    Defaults are the text (A59 「3个工作日」) and the RULES defaults (AMB-01 one week = 5
    working days; deemed consent on, also after an extension, AMB-19; the dissent version is
    countersigned again, K37; department matters are redirected, AMB-17). A scenario may also
    end upward documents at the GO's review (``general_office.close_after_review``, a model
    boundary rather than a reading of the text).
    """

    countersign_working_days: int = 3
    complex_limit: str = "5wd"
    deemed_consent: bool = True
    deemed_after_extension: bool = True
    recountersign_dissent: bool = True
    dept_scope_policy: str = "redirect"
    close_after_review: bool = False


def params_from_scenario(sc: Scenario) -> RuleParams:
    """The :class:`RuleParams` a scenario runs under."""
    cs = sc.countersign
    return RuleParams(
        countersign_working_days=cs.working_days,
        complex_limit=cs.complex_limit,
        deemed_consent=cs.deemed_consent,
        deemed_after_extension=cs.deemed_after_extension,
        recountersign_dissent=cs.recountersign_dissent,
        dept_scope_policy=sc.intake.dept_scope_policy,
        close_after_review=sc.general_office.close_after_review,
    )


@dataclass(frozen=True)
class Violation:
    """One breach of an invariant, with the events that show it."""

    invariant: str
    article: str
    case: int | None
    message: str
    events: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = f"case {self.case}: " if self.case is not None else ""
        rows = f" [events {', '.join(map(str, self.events[:5]))}]" if self.events else ""
        return f"{self.invariant} ({self.article}): {where}{self.message}{rows}"


@dataclass(frozen=True)
class LogContext:
    """What a check may read: the log, its case table and the static context.

    ``memo`` holds what several checks derive from the same log (views, shared findings),
    computed once per context (:meth:`cached`)."""

    events: pd.DataFrame
    cases: pd.DataFrame
    org: Organisation
    cal: WorkCalendar
    colour_rule: Any = None  # the scenario's [ledger.colour] (K62); None: the K62 defaults
    sc: Scenario | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def substitution(self) -> Substitution:
        """The scenario's 补位 policy (the default policy when no scenario is given)."""
        return self.sc.substitution if self.sc is not None else Substitution()

    @property
    def params(self) -> RuleParams:
        """The scenario's countersign and intake knobs (the text's defaults without one)."""
        sc = self.sc
        return self.cached(
            "params", lambda: params_from_scenario(sc) if sc is not None else RuleParams()
        )

    def cached(self, key: str, make: Callable[[], T]) -> T:
        """``make()``, computed once per context under ``key``."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]


Check = Callable[[LogContext], list[Violation]]
