"""Cross-reference checks that a single field validator cannot see.

Each problem comes back as ``(location, message)`` where ``location`` is the path of the
offending value in the file, so the loader can name its line.
"""

from __future__ import annotations

from collections import Counter

from govsim.scenario.limits import MAX_EXPECTED_DOCUMENTS
from govsim.scenario.models import Scenario

Location = tuple[str | int, ...]
Problem = tuple[Location, str]

_SINGLE_ROLES = ("mayor", "executive_vice_mayor", "secretary_general")


def cross_check(sc: Scenario) -> list[Problem]:
    """All cross-reference problems of ``sc``, in file order (A6–A9 roles, A8/A57 portfolios)."""
    problems: list[Problem] = []
    problems += _unique_ids(sc)
    problems += _roles(sc)
    problems += _portfolios(sc)
    problems += _substitutes(sc)
    problems += _scheduled(sc)
    problems += _load_and_variants(sc)
    problems += _ledger(sc)
    problems += _leave_and_substitution(sc)
    problems += _other_time(sc)
    problems += _legality(sc)
    problems += _close_after_review(sc)
    problems += _meetings(sc)
    problems += _desks(sc)
    problems += _volume(sc)
    return problems


def _desks(sc: Scenario) -> list[Problem]:
    """``[desks] units`` name units of the scenario."""
    if sc.desks is None:
        return []
    units = {d.id for d in sc.departments}
    return [
        (("desks", "units", unit), f"'{unit}' is not a unit")
        for unit in sc.desks.units
        if unit not in units
    ]


def _volume(sc: Scenario) -> list[Problem]:
    """The documents one replication is expected to simulate stay within what the model can
    hold (case ids, memory, time): the units' weekly rates (A55, A92) times ``load.scale``,
    the largest portfolio and seasonal multipliers, over the horizon — an upper bound."""
    load = sc.load
    per_unit = sum(
        (d.request_per_week if d.request_per_week is not None else load.request_per_dept_per_week)
        + (d.report_per_week if d.report_per_week is not None else load.report_per_dept_per_week)
        for d in sc.departments
    )
    peak = max(load.portfolio_scale.values(), default=1.0) * max(load.seasonality or [1.0])
    expected = per_unit * load.scale * max(peak, 1.0) * sc.scenario.horizon_days / 7
    if expected <= MAX_EXPECTED_DOCUMENTS:
        return []
    return [
        (
            ("load", "scale"),
            f"about {expected:.3g} documents expected in one replication, more than the "
            f"{MAX_EXPECTED_DOCUMENTS:,} a simulation can hold; lower the rates or the horizon",
        )
    ]


def _meetings(sc: Scenario) -> list[Problem]:
    """The executive meeting's standing items name departments (A45(七), A53), and its timing
    knobs agree with the A49 lead (K39, K40, K44):

    * the GO proposes the agenda after the A49 cut-off, so ``arrangement_working_days`` is at
      most ``lead_working_days`` — else topics on time would miss an agenda already drawn;
    * an ad-hoc meeting called for urgent topics (K40) comes ``adhoc_lead_working_days``
      after the call; if that is shorter than the A49 lead, the topics that call it are late
      for it unless urgent topics are special cases (``urgent_special``, AMB-12).
    """
    m = sc.meetings
    if m is None or not m.enabled:
        return []
    ex, t = m.executive, m.topics
    out: list[Problem] = []
    departments = {d.id for d in sc.departments if d.kind == "department"}
    for i, owner in enumerate(ex.standing_item_owners):
        if owner not in departments:
            where = ("meetings", "executive", "standing_item_owners", i)
            out.append((where, f"'{owner}' is not a department"))
    if ex.standing_item_every > 0 and not ex.standing_item_owners:
        out.append(
            (
                ("meetings", "executive", "standing_item_every"),
                "needs meetings.executive.standing_item_owners: the departments that carry out "
                "the standing items' decisions (A53)",
            )
        )
    if ex.arrangement_working_days > t.lead_working_days:
        out.append(
            (
                ("meetings", "executive", "arrangement_working_days"),
                f"must be at most meetings.topics.lead_working_days ({t.lead_working_days}): "
                "the GO proposes the agenda after the A49 cut-off",
            )
        )
    adhoc = ex.adhoc_urgent_topics > 0 or ex.adhoc_max_wait_working_days > 0
    if adhoc and not t.urgent_special and ex.adhoc_lead_working_days < t.lead_working_days:
        out.append(
            (
                ("meetings", "topics", "urgent_special"),
                "must be true when ad-hoc meetings are called for urgent topics sooner than "
                f"the A49 lead ({ex.adhoc_lead_working_days} < {t.lead_working_days} working "
                "days): otherwise the topics that call the meeting are late for it",
            )
        )
    return out


def _close_after_review(sc: Scenario) -> list[Problem]:
    """With ``general_office.close_after_review`` upward documents end at the GO's review, so
    what only a leader's handling of them produces cannot happen: instructions (批示, A57) and
    the A55 direct channels to a leader, which skip the GO's review."""
    if not sc.general_office.close_after_review:
        return []
    why = "cannot happen when general_office.close_after_review ends documents at the GO's review"
    out: list[Problem] = []
    for name in ("p_request", "p_report"):
        if getattr(sc.instructions, name) > 0:
            out.append((("instructions", name), f"must be 0: instructions (批示, A57) {why}"))
    for name, share in sc.intake.direct_channels.model_dump().items():
        if share > 0:
            out.append(
                (
                    ("intake", "direct_channels", name),
                    "must be 0: a direct channel to a leader (A55) skips the GO's review, "
                    "where general_office.close_after_review ends every document",
                )
            )
    for i, arrival in enumerate(sc.load.scheduled):
        if arrival.instruction:
            out.append(
                (("load", "scheduled", i, "instruction"), f"must not be true: an instruction {why}")
            )
    return out


def _legality(sc: Scenario) -> list[Problem]:
    """The justice bureau (A20, A21, A60) is a department, and exists when work needs it."""
    lg = sc.legality
    units = {d.id: d.kind for d in sc.departments}
    if lg.justice_bureau is None:
        if lg.normative_per_week > 0 or lg.contract_per_week > 0:
            return [
                (
                    ("legality",),
                    "justice_bureau must name the justice bureau's department when normative "
                    "documents or contracts arrive (A21, A60)",
                )
            ]
        return []
    if units.get(lg.justice_bureau) != "department":
        return [(("legality", "justice_bureau"), f"'{lg.justice_bureau}' is not a department")]
    return []


def _load_and_variants(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    leader_ids = {ld.id for ld in sc.leaders}
    for leader in sc.load.portfolio_scale:
        if leader not in leader_ids:
            out.append((("load", "portfolio_scale", leader), f"'{leader}' is not a leader"))
    seen = {"baseline"}
    for i, variant in enumerate(sc.variants):
        if variant.name in seen:
            why = "reserved for the baseline" if variant.name == "baseline" else "duplicate"
            out.append((("variants", i, "name"), f"variant name '{variant.name}' is {why}"))
        seen.add(variant.name)
    return out


def _unique_ids(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, str] = {}
    for i, leader in enumerate(sc.leaders):
        if leader.id in seen:
            out.append((("leaders", i, "id"), f"duplicate id '{leader.id}' ({seen[leader.id]})"))
        seen.setdefault(leader.id, "already a leader")
    for i, dept in enumerate(sc.departments):
        if dept.id in seen or dept.id == "GO":
            why = seen.get(dept.id, "reserved for the General Office")
            out.append((("departments", i, "id"), f"duplicate id '{dept.id}' ({why})"))
        seen.setdefault(dept.id, "already a department")
    return out


def _roles(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    counts = Counter(leader.role for leader in sc.leaders)
    for role in _SINGLE_ROLES:
        if counts[role] != 1:
            where = next(
                (("leaders", i, "role") for i, ld in enumerate(sc.leaders) if ld.role == role),
                ("leaders",),
            )
            out.append((where, f"there must be exactly one {role}, found {counts[role]} (A6, A9)"))
    return out


def _portfolios(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    dept_ids = {d.id for d in sc.departments}
    owner: dict[str, str] = {}
    for i, leader in enumerate(sc.leaders):
        for j, dept in enumerate(leader.portfolio):
            loc = ("leaders", i, "portfolio", j)
            if dept not in dept_ids:
                out.append((loc, f"'{dept}' is not a department"))
            elif dept in owner:
                out.append((loc, f"'{dept}' is already in the portfolio of '{owner[dept]}'"))
            else:
                owner[dept] = leader.id
    for i, dept in enumerate(sc.departments):
        if dept.kind == "department" and dept.id not in owner:
            out.append(
                (("departments", i, "id"), f"department '{dept.id}' is in no leader's portfolio")
            )
    if not any(d.kind == "department" for d in sc.departments):
        out.append((("departments",), 'at least one unit must have kind = "department"'))
    return out


def _substitutes(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    leader_ids = {ld.id for ld in sc.leaders}
    for i, leader in enumerate(sc.leaders):
        if leader.substitute is None:
            continue
        loc = ("leaders", i, "substitute")
        if leader.substitute == leader.id:
            out.append((loc, "a leader cannot substitute for themself (A8)"))
        elif leader.substitute not in leader_ids:
            out.append((loc, f"'{leader.substitute}' is not a leader"))
    return out


def _scheduled(sc: Scenario) -> list[Problem]:
    out: list[Problem] = []
    units = {d.id: d for d in sc.departments}
    first_day = sc.scenario.start
    for i, arrival in enumerate(sc.load.scheduled):
        if arrival.sender not in units:
            out.append((("load", "scheduled", i, "sender"), f"'{arrival.sender}' is not a unit"))
        if arrival.matter is not None and (
            arrival.matter not in units or units[arrival.matter].kind != "department"
        ):
            out.append(
                (("load", "scheduled", i, "matter"), f"'{arrival.matter}' is not a department")
            )
        days = (arrival.at.date() - first_day).days
        if arrival.at.tzinfo is not None:
            out.append(
                (("load", "scheduled", i, "at"), "must be a local time without a UTC offset")
            )
        elif not 0 <= days < sc.scenario.horizon_days:
            out.append((("load", "scheduled", i, "at"), "falls outside the simulated horizon"))
    return out


def _ledger(sc: Scenario) -> list[Problem]:
    """Key-task batches fall inside the horizon (A70)."""
    out: list[Problem] = []
    if sc.ledger is None:
        return out
    first = sc.scenario.start
    for i, day in enumerate(sc.ledger.key_tasks.batch_dates):
        if not 0 <= (day - first).days < sc.scenario.horizon_days:
            out.append(
                (("ledger", "key_tasks", "batch_dates", i), "falls outside the simulated horizon")
            )
    return out


def _other_time(sc: Scenario) -> list[Problem]:
    """Leaders' blocks (K28) name leaders."""
    ot, leaders = sc.other_time, {ld.id for ld in sc.leaders}
    if ot is None:
        return []
    out: list[Problem] = [
        (("other_time", "leaders", i, "who"), f"'{o.who}' is not a leader")
        for i, o in enumerate(ot.leaders)
        if o.who not in leaders
    ]
    out += [
        (("other_time", "fixed", i, "who"), f"'{fx.who}' is not a leader")
        for i, fx in enumerate(ot.fixed)
        if fx.who not in leaders
    ]
    return out


def _leave_and_substitution(sc: Scenario) -> list[Problem]:
    """Fixed absences name a leader or a unit; chains name leaders; the mayor's stand-in is
    the executive vice mayor (A6)."""
    out: list[Problem] = []
    leaders = {ld.id: ld for ld in sc.leaders}
    units = {d.id for d in sc.departments}
    if sc.leave is not None:
        for i, fx in enumerate(sc.leave.fixed):
            if fx.who not in leaders and fx.who not in units:
                out.append(
                    (("leave", "fixed", i, "who"), f"'{fx.who}' is neither a leader nor a unit")
                )
            # one absence at a time: a person's dated absences do not overlap
            for j, other in enumerate(sc.leave.fixed[:i]):
                if other.who == fx.who and fx.start <= other.end and other.start <= fx.end:
                    out.append(
                        (
                            ("leave", "fixed", i, "start"),
                            f"overlaps leave.fixed[{j}] of '{fx.who}': one absence at a time",
                        )
                    )
    for owner, chain in sc.substitution.chains.items():
        if owner not in leaders:
            out.append((("substitution", "chains", owner), f"'{owner}' is not a leader"))
        for j, who in enumerate(chain):
            if who not in leaders:
                out.append((("substitution", "chains", owner, j), f"'{who}' is not a leader"))
    mayors = [i for i, ld in enumerate(sc.leaders) if ld.role == "mayor"]
    evms = [ld.id for ld in sc.leaders if ld.role == "executive_vice_mayor"]
    for i in mayors if len(mayors) == 1 and len(evms) == 1 else []:  # else _roles reports it
        ld = sc.leaders[i]
        if ld.substitute is not None and ld.substitute != evms[0]:
            out.append(
                (
                    ("leaders", i, "substitute"),
                    "the mayor's work passes to the executive vice mayor (A6), not to "
                    f"'{ld.substitute}'",
                )
            )
    return out
