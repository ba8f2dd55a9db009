"""The supervision ledger (督查工作台帐) from the log: its streams, shares and efforts (A53,
A57, A69–A74).

Where the log holds ledger items (``ledger_item`` cases with their ``source``):

* ``ledger.key_tasks.per_week``, ``ledger.audit.per_week`` — the key tasks arriving during
  the year (those of the base's ``batch_dates`` left out: a batch is registered at the
  opening of its day) and the audit findings (A69(五), A70) are Poisson streams through the
  model's one arrival helper, so each count over ``load.scale · Σ season[m] · weeks[m]`` is
  the rate (exact Poisson interval);
* ``ledger.instructions.p_supervise`` — items from instructions among the 批示 issued
  (``leader.instructed``, A57, A69(六)); ``ledger.p_verify_fail`` — failed 核查 among all
  (A73, AMB-16); exact binomial intervals;
* efforts: 交办 and 核查 (``value`` of ``ledger.assigned``, ``ledger.verified``; the GO's
  working time), the delay from 交办 to 承办 (working time from ``ledger.assigned`` to the
  first ``ledger.undertaken``, censored at the log's end), and the work each source's items
  need (``value`` of ``ledger.registered``, drawn when the item is registered).

The deadlines (triangular in the base: no likelihood among the fitted families), the
colour rule, the rhythm and its effects, the share of a department's time and the desks'
effort factor (承办's pace, which the sittings' efforts mix with the queue) stay the base's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from govsim.fit.estimate import LogView, Sample
from govsim.fit.intervals import Estimate, garwood
from govsim.fit.outgoing import exposure

__all__ = ["LEDGER_EFFORTS", "LEDGER_SHARES", "ledger_rates"]

LEDGER = "ledger"
"""Scenario keys are built from their section's name: a literal ``ledger.…`` or
``legality.…`` reads like an activity to the schema's check of names in the code."""

SECTIONS = {"instruction": "instructions", "key_task": "key_tasks", "audit": "audit"}
"""Ledger sources (the ``source`` column) → their section of ``[ledger]``."""


def _items(view: LogView, source: str) -> pd.DataFrame:
    cases = view.cases
    items = cases.loc[cases["case_type"].astype(str) == "ledger_item"]
    return items.loc[items["source"].astype(str) == source]


def _supervised(view: LogView) -> tuple[int, int]:
    """Instructions put on the ledger when issued, among the 批示 issued (A57, A69(六))."""
    issued = int((view.events["activity"] == "leader.instructed").sum())
    return min(len(_items(view, "instruction")), issued), issued


def _verify_fail(view: LogView) -> tuple[int, int]:
    """Failed 核查 among all (A73, AMB-16)."""
    ev = view.events
    outcomes = ev.loc[ev["activity"] == "ledger.verified", "outcome"].astype(str)
    return int((outcomes == "fail").sum()), len(outcomes)


LEDGER_SHARES: dict[str, Callable[[LogView], tuple[int, int]]] = {
    "ledger.instructions.p_supervise": _supervised,
    f"{LEDGER}.p_verify_fail": _verify_fail,
}
"""Ledger shares (Clopper–Pearson), fitted only when the log has ledger items."""


def _value(activity: str) -> Callable[[LogView], Sample]:
    def sample(view: LogView) -> Sample:
        values = view.events.loc[view.events["activity"] == activity, "value"]
        values = values.to_numpy(dtype=float)
        return values[np.isfinite(values)], np.empty(0)

    return sample


def _accept(view: LogView) -> Sample:
    """承办's delay: working time from 交办 to the first 承办 (A73); censored at the end."""
    ev = view.events
    assigned = ev.loc[ev["activity"] == "ledger.assigned"].drop_duplicates("case")
    taken = ev.loc[ev["activity"] == "ledger.undertaken"].drop_duplicates("case")
    at = taken.set_index("case")["time"].reindex(assigned["case"]).to_numpy(dtype=float)
    start = view.work(assigned["time"].to_numpy())
    done = np.isfinite(at)
    observed = view.work(at[done]) - start[done]
    return observed, view.work(np.full((~done).sum(), view.end)) - start[~done]


def _work(source: str) -> Callable[[LogView], Sample]:
    """The work an item of ``source`` needs (``value`` of ``ledger.registered``)."""

    def sample(view: LogView) -> Sample:
        ev = view.events
        rows = ev.loc[ev["activity"] == "ledger.registered"]
        rows = rows.loc[rows["case"].isin(_items(view, source)["case"])]
        values = rows["value"].to_numpy(dtype=float)
        return values[np.isfinite(values)], np.empty(0)

    return sample


LEDGER_EFFORTS: dict[str, Callable[[LogView], Sample]] = {
    f"{LEDGER}.assign": _value("ledger.assigned"),
    f"{LEDGER}.verify": _value("ledger.verified"),
    f"{LEDGER}.accept": _accept,
    **{f"ledger.{section}.work": _work(source) for source, section in SECTIONS.items()},
}
"""Ledger efforts, fitted only when the log has ledger items."""


def _stream_count(view: LogView, source: str) -> int:
    """Items of ``source`` that arrived as a stream (a key-task batch's items left out)."""
    created = _items(view, source)["created"].to_numpy(dtype=float)
    if source == "key_task" and view.scenario.ledger is not None:
        cal, dates = view.cal, view.scenario.ledger.key_tasks.batch_dates
        batches = [cal.next_open(cal.clock_of(d)) for d in dates]
        created = created[~np.isin(created, batches)]
    return len(created)


def ledger_rates(
    view: LogView, season: np.ndarray | None, confidence: float = 0.95
) -> list[Estimate]:
    """``ledger.key_tasks.per_week`` and ``ledger.audit.per_week`` (module text)."""
    out = []
    for source in ("key_task", "audit"):
        n = _stream_count(view, source)
        weeks = exposure(view, season, 0.0)
        if weeks <= 0:
            continue
        low, high = garwood(np.array([n]), confidence)
        key = f"ledger.{SECTIONS[source]}.per_week"
        out.append(
            Estimate(key, n / weeks, float(low[0]) / weeks, float(high[0]) / weeks, n, "Garwood")
        )
    return out
