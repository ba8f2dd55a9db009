"""Document arrivals: Poisson processes in working time, plus scheduled arrivals.

Each unit raises 请示 and 报告 at a weekly rate (``load.*_per_dept_per_week`` or its own
``request_per_week``/``report_per_week``), spread over the working days of its week, times
``load.scale`` and the month's seasonality multiplier. Arrivals are generated in working
minutes and placed on the calendar, so documents arrive only while offices are open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from govsim.core.calendar import WorkCalendar
from govsim.model.countersign import CountersignPlan, PlanDrawer
from govsim.model.rng import Streams
from govsim.rules.intake import applicable_defects
from govsim.scenario.models import Scenario

WORKING_DAYS_PER_WEEK = 5


class Arrival(NamedTuple):
    """A document arriving at the city government (immutable)."""

    time: float
    kind: str  # "request" | "report"
    sender: str
    matter: str
    major: bool
    poor_quality: bool
    instruction: bool
    urgent: bool
    mayor_only: bool = False  # A61(3)–(4): only the mayor may sign
    defect: str | None = None  # problem of the first submission besides quality (A55, A56)
    channel: str = "go"  # "go", or the A55 direct channel it is sent by
    cs: CountersignPlan | None = None  # the countersign it needs first (A56, A59)


# The fields every source sets (up to ``mayor_only``), and the defaults of the others, in
# order (defect, channel, cs).
_HEAD_FIELDS = Arrival._fields[:9]
_TAIL_DEFAULTS = tuple(Arrival._field_defaults[f] for f in Arrival._fields[9:])


def unit_rates(sc: Scenario, kind: str) -> dict[str, float]:
    """Weekly rate of ``kind`` documents per unit, before ``load.scale`` and seasonality.

    A unit's own rate, else the default per-department rate, times the ``portfolio_scale`` of
    the leader in charge of it (counties and dispatched zones are in no portfolio).
    """
    default = (
        sc.load.request_per_dept_per_week if kind == "request" else sc.load.report_per_dept_per_week
    )
    owner = {dept: ld.id for ld in sc.leaders for dept in ld.portfolio}
    out = {}
    for d in sc.departments:
        own = d.request_per_week if kind == "request" else d.report_per_week
        factor = sc.load.portfolio_scale.get(owner.get(d.id, ""), 1.0)
        out[d.id] = (default if own is None else own) * factor
    return out


def generate_arrivals(sc: Scenario, cal: WorkCalendar, streams: Streams) -> list[Arrival]:
    """All arrivals of one replication, in time order (scheduled ones included)."""
    return list(iter_arrivals(sc, cal, streams))


def iter_arrivals(sc: Scenario, cal: WorkCalendar, streams: Streams) -> Iterator[Arrival]:
    """All arrivals of one replication, in time order (scheduled ones included), each built
    when it is taken (so that a simulation never holds them all; the list of
    :func:`generate_arrivals` is the same).

    The vectorised draws happen now; the per-arrival draws of :func:`annotate` happen as the
    arrivals are taken, in the same order, from streams used by nothing else — so they are
    the same numbers whenever they are drawn.
    """
    departments = [d.id for d in sc.departments if d.kind == "department"]
    kinds = {d.id: d.kind for d in sc.departments}
    # The first nine fields of every arrival, column by column: requests, reports, scheduled.
    columns: list[list[Any]] = [[] for _ in range(len(_HEAD_FIELDS))]
    for kind in ("request", "report"):
        times, senders = _poisson(sc, cal, streams, kind)
        attrs = streams[f"attributes/{kind}"]
        n = len(times)
        matter_draw = streams[f"matter/{kind}"].integers(0, len(departments), size=n)
        major = attrs.random(n) < (sc.load.p_major if kind == "request" else 0.0)
        poor = attrs.random(n) < sc.load.p_poor_quality
        p_instr = sc.instructions.p_request if kind == "request" else sc.instructions.p_report
        instruction = attrs.random(n) < p_instr
        urgent = attrs.random(n) < sc.instructions.p_urgent
        p_mayor_only = sc.load.p_mayor_only if kind == "request" else 0.0
        mayor_only = streams[f"mayor_only/{kind}"].random(n) < p_mayor_only
        matters = [
            sender if kinds[sender] == "department" else departments[draw]
            for sender, draw in zip(senders, matter_draw.tolist(), strict=True)
        ]
        # Plain Python values (``tolist``) equal ``float(times[i])``, ``bool(major[i])`` …
        values = (
            times.tolist(),
            [kind] * n,
            senders,
            matters,
            major.tolist(),
            poor.tolist(),
            instruction.tolist(),
            urgent.tolist(),
            mayor_only.tolist(),
        )
        for column, part in zip(columns, values, strict=True):
            column += part
    for a in _scheduled(sc, cal, streams, departments, kinds):
        for column, value in zip(columns, a[: len(_HEAD_FIELDS)], strict=True):
            column.append(value)
    # Time order; equal times keep the order above (a stable sort, as ``list.sort``).
    order = np.argsort(np.asarray(columns[0], dtype=float), kind="stable")
    if np.any(order[1:] < order[:-1]):
        columns = [np.array(c, dtype=object)[order].tolist() for c in columns]
    # Each row becomes an Arrival in C (``tuple.__new__``), its last fields the defaults.
    n = len(columns[0])
    rows = zip(*columns, *(repeat(d, n) for d in _TAIL_DEFAULTS), strict=True)
    arrivals = map(tuple.__new__, repeat(Arrival, n), rows)
    return annotate(sc, arrivals, streams, kinds, departments, cal.working_minutes_per_day)


def annotate(
    sc: Scenario,
    arrivals: Iterable[Arrival],
    streams: Streams,
    kinds: dict[str, str],
    departments: list[str],
    working_minutes_per_day: float,
) -> Iterator[Arrival]:
    """Add to each arrival its channel (A55), first-submission defect (A55, A56) and the
    countersign it needs (A56, A59), each from its own stream, as the arrivals are taken;
    unchanged when all are off."""
    it, cs = sc.intake, sc.countersign
    channels = it.direct_channels.model_dump()
    p_defect = {
        "non_submitting_body": it.p_non_submitting_body,
        "skip_level": it.p_skip_level,
        "multi_addressee": it.p_multi_addressee,
        "dept_scope": it.p_dept_scope,
        "informal_form": it.p_informal_form,
        "unsigned": it.p_unsigned,
        "multi_matter": it.p_multi_matter,
        "embedded_request": it.p_embedded_request,
    }
    use_channels = any(v > 0 for v in channels.values())
    use_defects = any(v > 0 for v in p_defect.values())
    use_cs = cs.p_cross_dept_request > 0
    if not (use_channels or use_defects or use_cs):
        return iter(arrivals)
    u_channel, u_defect = streams["intake/channel"], streams["intake/defect"]
    drawer = PlanDrawer(cs, streams.__getitem__, working_minutes_per_day)
    defect_shares = _defect_shares(p_defect)

    def annotated() -> Iterator[Arrival]:
        for a in arrivals:
            channel = "go"
            if use_channels:
                channel = _pick(channels, float(u_channel.random())) or "go"
            defect = None
            if use_defects:
                u = float(u_defect.random())
                if channel == "go":
                    defect = _pick(defect_shares(a.kind, kinds[a.sender]), u)
            plan = None
            if use_cs and a.kind == "request" and kinds[a.sender] == "department":
                plan = drawer.draw(cs.p_cross_dept_request, a.sender, departments)
            if channel == "go" and defect is None and plan is None:
                yield a
                continue
            # ASSUMPTION: what goes on a direct channel is compliant and is not quality-reviewed.
            poor = a.poor_quality and channel == "go"
            yield a._replace(channel=channel, defect=defect, cs=plan, poor_quality=poor)

    return annotated()


def _defect_shares(p_defect: dict[str, float]) -> Callable[[str, str], dict[str, float]]:
    """``(kind, kind of sender) ->`` the defects such a document can carry and their
    probabilities, in the order the GO checks them (A55, A56); worked out once per pair."""
    shares: dict[tuple[str, str], dict[str, float]] = {}

    def of(kind: str, sender_kind: str) -> dict[str, float]:
        found = shares.get((kind, sender_kind))
        if found is None:
            options = applicable_defects(kind, sender_kind)
            found = shares[kind, sender_kind] = {k: p_defect[k] for k in options}
        return found

    return of


def _pick(shares: dict[str, float], u: float) -> str | None:
    """The category whose cumulative share first exceeds ``u`` (None: none of them)."""
    acc = 0.0
    for name, p in shares.items():
        acc += p
        if u < acc:
            return name
    return None


def poisson_working_times(
    rng: np.random.Generator, cal: WorkCalendar, per_week: float, seasonality: list[float] | None
) -> np.ndarray:
    """Arrival clocks of a Poisson process of ``per_week`` events per week of working time.

    Generated in working minutes (5 working days a week) and placed on the calendar, so
    arrivals fall only in office hours; thinned by the month's ``seasonality`` multiplier
    (relative to the largest one).
    """
    if per_week <= 0:
        return np.empty(0)
    season = np.array(seasonality or [1.0] * 12)
    peak = float(season.max())
    if peak <= 0:
        return np.empty(0)
    work_total = cal.work_elapsed(cal.horizon_minutes)
    per_work_minute = per_week / (WORKING_DAYS_PER_WEEK * cal.working_minutes_per_day)
    n = rng.poisson(per_work_minute * peak * work_total)
    work = np.sort(rng.uniform(0.0, work_total, size=n))
    times = cal.clock_at_work_array(work)
    if seasonality is not None:
        months = np.array([cal.date_of(t).month for t in times], dtype=int)
        keep = rng.random(n) < season[months - 1] / peak
        times = times[keep]
    return times


def stream_times(
    sc: Scenario, cal: WorkCalendar, rng: np.random.Generator, per_week: float
) -> np.ndarray:
    """Arrival clocks of one stream of ``per_week`` events a week at load 1.0: the one way
    every exogenous stream (documents, drafts, normative documents, contracts, ledger key
    tasks and audit findings) arrives, so ``load.scale`` and the monthly ``seasonality``
    apply to each alike (DESIGN: every arrival stream through one helper)."""
    return poisson_working_times(rng, cal, per_week * sc.load.scale, sc.load.seasonality)


def _poisson(
    sc: Scenario, cal: WorkCalendar, streams: Streams, kind: str
) -> tuple[np.ndarray, list[str]]:
    if not sc.load.poisson:
        return np.empty(0), []
    rates = unit_rates(sc, kind)
    units = list(rates)
    weekly = np.array([rates[u] for u in units])
    total = float(weekly.sum())
    times = stream_times(sc, cal, streams[f"arrivals/{kind}"], total)
    if not len(times):
        return np.empty(0), []
    picks = streams[f"senders/{kind}"].choice(len(units), size=len(times), p=weekly / total)
    return times, [units[i] for i in picks]


def _scheduled(
    sc: Scenario, cal: WorkCalendar, streams: Streams, departments: list[str], kinds: dict[str, str]
) -> list[Arrival]:
    rng = streams["attributes/scheduled"]
    out = []
    for s in sc.load.scheduled:

        def draw(fixed: bool | None, p: float) -> bool:
            u = rng.random()  # always drawn, so one fixed flag does not shift the others
            return fixed if fixed is not None else bool(u < p)

        matter = s.matter or (
            s.sender
            if kinds[s.sender] == "department"
            else departments[int(rng.integers(len(departments)))]
        )
        p_instr = sc.instructions.p_request if s.kind == "request" else sc.instructions.p_report
        out.append(
            Arrival(
                cal.clock_of(s.at),
                s.kind,
                s.sender,
                matter,
                draw(s.major, sc.load.p_major if s.kind == "request" else 0.0),
                draw(s.poor_quality, sc.load.p_poor_quality),
                draw(s.instruction, p_instr),
                draw(s.urgent, sc.instructions.p_urgent),
                s.mayor_only and s.kind == "request",
            )
        )
    return out
