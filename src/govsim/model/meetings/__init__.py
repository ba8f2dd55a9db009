"""The government's meetings and their topics, as SimPy processes (A43–A53).

A43 「市政府实行全体会议、常务会议、市长办公会议和专题会议制度」: the plenary (A44), the executive
meeting (A45), the mayor's office meeting (A46) and special-topic meetings (A47).

A topic's life on the way to a plenary or executive meeting reads next to RULES §5.1
(:meth:`MeetingsModel._prepare`)::

    referred            the mayor (or the acting executive VM, A6) refers a major request  A7, A27
    researched          the lead department researches it (working time)                 A48
    coordinated         … agrees it with the related departments (working time)          A48
    compliance_reviewed legality and compliance review (justice bureau, ASSUMPTION)       A48
    vm_confirmed        the vice mayor in charge confirms it (their queue)               A48
    mayor_agreed        the mayor agrees (the mayor's queue)                             A48
    submitted           the materials reach the GO; special cases flagged (K45, AMB-12)  A49
    signed_off          the vice mayor in charge signs the materials off (AMB-41, K52)   A49
    → waits at the GO for the next executive meeting whose A49 cut-off it meets, or a plenary

The mayor may instead take a major request to a mayor's office meeting (A46(三)), and the
leader in charge may take a request countersigned with dissent to a special-topic meeting
(A47(二), RULES §4.4); both are convened on demand (RULES §5.6) and send what they cannot
settle up to the executive meeting through the A48 pipeline (A46(二), A47(三), A45(六)).

A meeting's life reads next to RULES §5.2 (:meth:`MeetingsModel.meeting`)::

    planned, convene_decided   by the convener: the mayor (A44–A46) or a VM (A47)
    agenda                     executive: received by the cut-off (or special), up to K43;
                               plenary: ready topics up to its capacity; on demand: the waiting
    go.arrangement_proposed → sg.arrangement_reviewed → mayor.agenda_fixed      A50 (executive)
    go.arrangement_proposed → mayor.agenda_fixed        plenary, mayor's office (AMB-24)
    meeting_leave.requested    absent members ask the mayor; observers the GO   A51
    go.leave_summary           the GO reports observers' leave to the mayor     A51
    entrusted                  the absent convener entrusts a stand-in          A45, A47 (AMB-26)
    opened | postponed         chair (§5.3) and quorum (executive, §5.5); else the next working
                               day (AMB-56)
    decision | deferred | returned | escalated, per topic                       §5.1 row 14
    adjourned
    minutes drafted (GO) → reviewed by the mayor if important (special topic) → signed → issued
    each decision closes its request and becomes a ledger item when the ledger is on   A53

**Meetings take the leaders' time.** Leaders' work goes through their :class:`Office` queues
(one worker each). Every step a leader takes in this module — confirming, agreeing, signing
off, reviewing and fixing the agenda, signing minutes — is a job in that queue, urgent ones
(the arrangement, the minutes, attending) ahead of waiting documents; it pauses while the
leader is away. Attending is a job of the meeting's length in every present leader's queue
(members, leader observers, a special topic's chair), so a meeting delays the leader's
documents by its length. The meeting itself runs on the clock from its opening; a leader busy
with a document when it opens does that job after the document (an approximation: the
leader's total time is right, its placement may be late).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import Any

from govsim.core.org import GO
from govsim.log import Activity as A
from govsim.log import Outcome as O
from govsim.model.agents import NORMAL
from govsim.model.meetings.sitting import Sittings
from govsim.model.meetings.state import REPORTS_CASE, Topic
from govsim.model.meetings.topics import TopicPipeline
from govsim.rules.meetings import executive_meeting_days, plenary_days

__all__ = ["MeetingsModel", "Topic"]


class MeetingsModel(TopicPipeline, Sittings):
    """Topics and the four meetings of one replication."""

    def start(self) -> None:
        """Plan every regular executive meeting (K39) and plenary (A44) of the horizon."""
        cal, ex, pl = self.w.cal, self.cfg.executive, self.cfg.plenary
        regular = [
            (day, "executive", ex.arrangement_working_days)
            for day in executive_meeting_days(
                cal, ex.cadence, ex.weekday, ex.week_of_month, ex.holiday_shift
            )
        ]
        regular += [
            (day, "plenary", pl.arrangement_working_days)
            for day in plenary_days(cal, pl.months, pl.day_of_month)
        ]
        every, owners = ex.standing_item_every, ex.standing_item_owners
        n_regular = n_standing = 0
        for day, kind, ahead in sorted(regular):
            standing = None
            if kind == "executive":
                # A45(七) 「定期研究安全生产、生态环保等重点事项」: every n-th regular meeting
                n_regular += 1
                if every and n_regular % every == 0:
                    standing = owners[n_standing % len(owners)]
                    n_standing += 1
            try:
                plan_at = cal.office_open(cal.sub_working_days(day, ahead))
            except ValueError:
                # the arrangement falls before the simulated period (a warm start's first days,
                # or a start just before a meeting): it is made at the first office opening,
                # so the meeting is held on its day (ASSUMPTION: its steps are taken again)
                plan_at = cal.next_open(0.0)
            if plan_at < cal.horizon_minutes:
                if kind == "executive":
                    self.upcoming.append(day)
                    self.executive_days.add(day)
                self.w.env.process(
                    self.meeting(kind, day, O.REGULAR, plan_at, standing_owner=standing)
                )
        if self.cfg.implementation_report == "monthly":
            self.w.env.process(self._reports())

    def _reports(self) -> Generator[Any, Any, None]:
        """A53 「并定期将会议决定事项的落实情况向市政府领导同志报告」: on the first working day of
        each month (K53, AMB-42) the GO prepares (its queue) and sends the leaders a report,
        once a decision has been issued. ``value``: the decisions still being implemented
        (open ledger items of source meeting) with the ledger, else those issued since the
        last report."""
        w, env, cal, log = self.w, self.w.env, self.w.cal, self.w.log
        go = w.org.code[GO]
        case, reported = None, 0
        year, month = cal.start.year, cal.start.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            first = dt.date(year, month, 1)
            try:
                day = first if cal.is_working_day(first) else cal.add_working_days_date(first, 1)
            except ValueError:
                return
            t = cal.office_open(day)
            if t >= cal.horizon_minutes:
                return
            if t < env.now:
                continue  # the last report took the GO past this month's day: none this month
            yield env.timeout(t - env.now)
            if self.issued == 0:
                continue
            s, _ = yield from w.go.work(NORMAL, self.sample_report())
            if w.ledger is not None:
                value = sum(1 for item in w.ledger.open.values() if item.source == "meeting")
            else:
                value = self.issued - reported
            reported = self.issued
            if case is None:
                case = log.new_case(REPORTS_CASE, env.now, go, go, False, False)
            log.add(env.now, case, A.GO_IMPLEMENTATION_REPORT, go, start=s, value=value)
