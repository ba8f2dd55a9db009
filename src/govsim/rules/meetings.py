"""Meeting rules: cadence, the A49 lead, who sits, chair, quorum, minutes signer (A44–A52).

Pure functions of the regulation (RULES §3.5, §5.2–§5.6; K39, K44–K49; AMB-10, AMB-11,
AMB-26, AMB-40, AMB-45). The model calls them; :mod:`govsim.checks` restates the same rules over
the log (INV-M02, M03, M04, M08), so a wrong function here shows up as a violation.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from govsim.core.calendar import WorkCalendar
from govsim.core.org import Organisation

MEMBER_ROLES = ("mayor", "executive_vice_mayor", "vice_mayor", "secretary_general")


@dataclass(frozen=True)
class MeetingKind:
    """What one of the four meetings of A43 is, as data read by the model, the checks and the
    KPIs, so that no code branches on a meeting's name (RULES §3.5, §5.2–§5.6).

    ``section`` names the kind's table in the scenario's ``[meetings]`` section, and the
    ``*_knob`` fields the names of that table's fields for the stand-in and the quorum base,
    so the model reads a kind's knobs without knowing which kind it is."""

    name: str
    article: str
    member_roles: tuple[str, ...]  # leaders who are members (组成), by role
    observer_roles: tuple[str, ...]  # leaders who attend (列席) without being members
    observer_departments: bool  # the departments' principal heads attend too (A44)
    mayors: bool  # convened and chaired by the mayor (A44–A46); else by the VM in charge (A47)
    stand_in: str  # whom an absent convener may entrust: executive_vice_mayor | sg_or_deputy
    entrust_knob: str  # the field of the kind's table that allows the entrustment
    quorum_knob: str | None  # the field holding the A45 「应到人数」 base; None: no quorum rule
    agenda: str  # a49_cutoff | ready | referred | convener_waiting (how the agenda is drawn)
    agenda_at_opening: bool  # the agenda is drawn at the opening (else when it is planned)
    arrangement: tuple[str, ...]  # the A50 steps before the meeting: go_propose, sg_review, fix
    regular: bool  # held on a calendar (A44, A45) besides any ad-hoc or on-demand meeting
    at_meeting: str  # what may befall a topic besides its decision: defer_or_return | escalate
    minutes_by: str  # mayor (A52 「由市长签发」) | mayor_or_entrusted (K49) | knob (`signer`)
    important_minutes: bool  # important minutes are reviewed by the mayor first (A52)


MEETING_KINDS: dict[str, MeetingKind] = {
    k.name: k
    for k in (
        MeetingKind(
            name="plenary",
            article="A44",
            member_roles=MEMBER_ROLES,
            observer_roles=("deputy_secretary_general",),  # ASSUMPTION: always extended
            observer_departments=True,  # 「市政府组成部门的主要负责人」; ASSUMPTION: departments
            mayors=True,
            stand_in="executive_vice_mayor",  # only under the AMB-26 knob
            entrust_knob="entrust_when_mayor_away",
            quorum_knob=None,
            agenda="ready",  # A44(二): A48 topics ready now, no A49 cut-off
            agenda_at_opening=False,
            arrangement=("go_propose", "fix"),  # procedure not stated (AMB-24, ASSUMPTION)
            regular=True,
            at_meeting="defer_or_return",
            minutes_by="mayor",
            important_minutes=False,
        ),
        MeetingKind(
            name="executive",
            article="A45",
            member_roles=MEMBER_ROLES,  # 「由市长、副市长、市政府秘书长组成」
            observer_roles=("deputy_secretary_general",),  # 「市政府副秘书长列席」
            observer_departments=False,
            mayors=True,
            stand_in="executive_vice_mayor",  # 「可委托负责常务工作的副市长召集和主持」
            entrust_knob="entrust_when_mayor_away",
            quorum_knob="quorum_base",  # 「出席人数须超过应到人数的二分之一」
            agenda="a49_cutoff",  # A49 「应于会前5个工作日报送」, capacity K43
            agenda_at_opening=False,
            arrangement=("go_propose", "sg_review", "fix"),  # A50
            regular=True,
            at_meeting="defer_or_return",
            minutes_by="mayor_or_entrusted",  # the entrusted VM may sign under K49
            important_minutes=False,
        ),
        MeetingKind(
            name="mayor_office",
            article="A46",
            member_roles=("mayor", "executive_vice_mayor", "vice_mayor"),  # 「由市长、副市长组成」
            observer_roles=("secretary_general", "deputy_secretary_general"),
            observer_departments=False,
            mayors=True,
            stand_in="executive_vice_mayor",
            entrust_knob="entrust_when_mayor_away",
            quorum_knob=None,
            agenda="referred",  # the topics waiting when it is convened (RULES §5.6)
            agenda_at_opening=False,
            arrangement=("go_propose", "fix"),  # AMB-24, ASSUMPTION
            regular=False,
            at_meeting="escalate",  # A46(二): 「提请市政府常务会议研究」
            minutes_by="mayor",
            important_minutes=False,
        ),
        MeetingKind(
            name="special_topic",
            article="A47",
            member_roles=(),  # its chair and the departments concerned sit
            observer_roles=(),  # A51 does not cover it
            observer_departments=False,
            mayors=False,  # 「由市长、副市长…召集」: the leader who took the matter
            stand_in="sg_or_deputy",  # 「委托市政府秘书长、副秘书长等有关负责同志」
            entrust_knob="entrust_when_away",
            quorum_knob=None,
            agenda="convener_waiting",  # the convener's topics waiting on the day
            agenda_at_opening=True,
            arrangement=(),
            regular=False,
            at_meeting="escalate",  # A47(三)
            minutes_by="knob",  # A52 「由市长或分管有关工作的副市长签发」 (K49 signer)
            important_minutes=True,  # A52 「重要的…须经市长审定后印发」
        ),
    )
}
"""The four meetings of A43 「全体会议、常务会议、市长办公会议和专题会议」, in the order of
A44–A47."""
KINDS = tuple(MEETING_KINDS)
MAYORS_MEETINGS = tuple(k for k, spec in MEETING_KINDS.items() if spec.mayors)
"""The meetings the mayor convenes (A44, A45, A46 「由市长召集和主持」), whose minutes the mayor
signs (A52) and for which leaders ask the mayor for leave (A51)."""


def executive_members(org: Organisation) -> tuple[str, ...]:
    """A45 「市政府常务会议由市长、副市长、市政府秘书长组成」: the roster, in scenario order.

    Deputy secretaries-general attend (列席) but are not members (INV-M12, AMB-11)."""
    return members(org, "executive")


def members(org: Organisation, kind: str) -> tuple[str, ...]:
    """The leaders who are members of a ``kind`` meeting, in scenario order (RULES §3.5).

    Plenary (A44) and executive (A45): mayor, vice mayors, secretary-general. Mayor's office
    (A46 「由市长、副市长组成」): mayor and vice mayors. Special topic (A47): none — its chair
    and the departments concerned sit (the model adds the chair)."""
    roles = MEETING_KINDS[kind].member_roles
    return tuple(ld for ld, role in org.leader_roles.items() if role in roles)


def observers(org: Organisation, kind: str) -> tuple[str, ...]:
    """Who attends a ``kind`` meeting without being a member, and asks the GO for leave, which
    reports it to the mayor (A51 「市政府全体会议其他与会人员或市政府常务会议、市长办公会议列席
    人员请假，由市政府办公室汇总后向市长报告」): deputy secretaries-general at the executive
    meeting (A45 「市政府副秘书长列席」) and the plenary (A44's extended session, ASSUMPTION:
    always), the secretary-general and deputies at the mayor's office meeting (A46); at the
    plenary also the principal heads of the constituent departments (A44 「市政府组成部门的主要
    负责人」; ASSUMPTION: the units of kind ``department``), named by their unit. None at a
    special topic (A51 does not cover it)."""
    spec = MEETING_KINDS[kind]
    leaders = tuple(ld for ld, role in org.leader_roles.items() if role in spec.observer_roles)
    return leaders + (org.departments if spec.observer_departments else ())


def stand_in(org: Organisation, kind: str, away: Callable[[str], object]) -> str | None:
    """Whom the absent convener of a ``kind`` meeting may entrust (RULES §5.3): the executive
    vice mayor for the mayor's meetings (A45, AMB-26, AMB-40), the secretary-general or a
    deputy on post for a special topic (A47); whether the scenario allows it is the kind's
    ``entrust_knob``."""
    if MEETING_KINDS[kind].stand_in == "sg_or_deputy":
        return special_topic_delegate(org, away)
    return org.executive_vice_mayor


def chair_now(convener: str, delegate: str | None, away: Callable[[str], object]) -> str | None:
    """RULES §5.3: the convener chairs while on post; otherwise the leader they entrusted, if
    any and on post; otherwise nobody (postpone, AMB-56)."""
    if away(convener) is None:
        return convener
    if delegate is not None and away(delegate) is None:
        return delegate
    return None


def special_topic_delegate(org: Organisation, away: Callable[[str], object]) -> str | None:
    """A47 「委托市政府秘书长、副秘书长等有关负责同志召集和主持」: the secretary-general if on
    post, else the first deputy secretary-general on post, else None."""
    sg = org.secretary_general
    if away(sg) is None:
        return sg
    for ld, role in org.leader_roles.items():
        if role == "deputy_secretary_general" and away(ld) is None:
            return ld
    return None


def plenary_days(cal: WorkCalendar, months: list[int], day_of_month: int) -> list[dt.date]:
    """Plenary days in the calendar (A44 「一般每年召开1—2次」): in each listed month of each
    year, the first working day on or after ``day_of_month``."""
    end = cal.start + dt.timedelta(days=cal.days)
    out: list[dt.date] = []
    for year in range(cal.start.year, end.year + 1):
        for month in sorted(set(months)):
            nominal = dt.date(year, month, day_of_month)
            if nominal < cal.start:
                continue
            day = _on_or_after_working(cal, nominal)
            if day is not None:
                out.append(day)
    return out


def _on_or_after_working(cal: WorkCalendar, d: dt.date) -> dt.date | None:
    end = cal.start + dt.timedelta(days=cal.days)
    while d < end:
        if cal.is_working_day(d):
            return d
        d += dt.timedelta(days=1)
    return None


def _within_month(cal: WorkCalendar, d: dt.date, shift: str) -> dt.date | None:
    """The working day nearest ``d`` inside ``d``'s month, looking ``shift`` (``earlier`` or
    ``later``) first, then the other way; None if the month has none in the calendar."""
    step = -1 if shift == "earlier" else 1
    for direction in (step, -step):
        x = d
        while x.month == d.month:
            if cal.start <= x < cal.start + dt.timedelta(days=cal.days) and cal.is_working_day(x):
                return x
            x += dt.timedelta(days=direction)
    return None


def executive_meeting_days(
    cal: WorkCalendar, cadence: str, weekday: int, week: int = -1, shift: str | None = None
) -> list[dt.date]:
    """The regular executive meeting days in the calendar (A45 「原则上每月召开1次」; K39).

    ``monthly`` (K39 default): the ``week``-th ``weekday`` of each month (``-1``: the last)
    if it is a working day, otherwise the next working day (e.g. the last Thursday of January
    2025, 01-30, a Spring Festival holiday → Wednesday 2025-02-05). ``fortnightly``: every
    second ``weekday`` from the first one on or after the calendar's start, each moved to the
    next working day the same way.

    With ``shift`` (monthly only), a day that is not a working day moves inside its own month
    instead — ``earlier`` or ``later`` first — so that every month has its meeting (A45
    「原则上每月召开1次」): the last Thursday of January 2025, 01-30, in the Spring Festival
    holiday (01-28 … 02-04), moves to Monday 01-27 (``earlier``) rather than into February.
    """
    end = cal.start + dt.timedelta(days=cal.days)
    nominal: list[dt.date] = []
    if cadence == "monthly":
        year, month = cal.start.year, cal.start.month
        while dt.date(year, month, 1) < end:
            if week == -1:
                last = dt.date(year, month, _calendar.monthrange(year, month)[1])
                nominal.append(last - dt.timedelta(days=(last.weekday() - weekday) % 7))
            else:
                first = dt.date(year, month, 1)
                offset = (weekday - first.weekday()) % 7 + 7 * (week - 1)
                nominal.append(first + dt.timedelta(days=offset))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    elif cadence == "fortnightly":
        d = cal.start + dt.timedelta(days=(weekday - cal.start.weekday()) % 7)
        while d < end:
            nominal.append(d)
            d += dt.timedelta(days=14)
    else:
        raise ValueError(f"unknown cadence {cadence!r}")
    out: list[dt.date] = []
    for d in nominal:
        if d < cal.start:
            continue
        if shift in ("earlier", "later") and cadence == "monthly":
            day = _within_month(cal, d, shift)
        else:
            day = _on_or_after_working(cal, d)
        if day is not None and (not out or day > out[-1]):
            out.append(day)
    return out


def submission_cutoff(cal: WorkCalendar, meeting_day: dt.date, lead_working_days: int) -> float:
    """Latest clock at which a topic's materials may reach the GO for a meeting on
    ``meeting_day`` (A49 「除特殊情况外，应于会前5个工作日报送」, K44).

    AMB-45: the meeting day is not counted; the materials are on time if received by the close
    of office on the ``lead_working_days``-th working day before it."""
    return cal.office_close(cal.sub_working_days(meeting_day, lead_working_days))


def eligible(received: float, special: bool, cutoff: float) -> bool:
    """A49: a topic may go on the agenda if received by the cut-off, or as a special case."""
    return special or received <= cutoff


def resolve_chair(org: Organisation, away: Callable[[str], object], entrusted: bool) -> str | None:
    """Who chairs an executive meeting now (RULES §5.3), or None: postpone (AMB-56).

    A45: the mayor chairs; 「市长不能出席会议时，可委托负责常务工作的副市长召集和主持」 — the
    executive vice mayor only with an explicit entrustment (AMB-40, K48) and only if on post.
    """
    return chair_now(org.mayor, org.executive_vice_mayor if entrusted else None, away)


def expected_members(roster: tuple[str, ...], on_leave: set[str], base: str) -> int:
    """「应到人数」 (A45; K46, AMB-11): the roster, or the roster minus members on leave."""
    if base == "roster_minus_leave":
        return sum(1 for m in roster if m not in on_leave)
    return len(roster)


def has_quorum(present: int, expected: int) -> bool:
    """A45 「出席人数须超过应到人数的二分之一」: strictly more than half (RULES §5.5)."""
    return 2 * present > expected


def minutes_signer(
    org: Organisation,
    chair: str,
    exec_vm_may_sign: bool,
    kind: str = "executive",
    convener: str | None = None,
    special_signer: str = "convener",
) -> str:
    """A52 「市政府全体会议、常务会议、市长办公会议的纪要，由市长签发。市政府专题会议纪要由市长
    或分管有关工作的副市长签发」 (RULES §5.4).

    The mayor signs the mayor's meetings' minutes even when the executive VM chaired by
    entrustment (AMB-10), unless the K49 knob lets that VM sign an executive meeting's. A
    special topic's are signed by the leader in charge who convened it (``special_signer =
    "convener"``) or by the mayor."""
    signs = MEETING_KINDS[kind].minutes_by
    if signs == "knob":
        return convener if special_signer == "convener" and convener else org.mayor
    if signs == "mayor_or_entrusted" and exec_vm_may_sign and chair == org.executive_vice_mayor:
        return chair
    return org.mayor
