"""What the meeting processes share: the replication's meeting state, the samplers and
the working-day helpers (A44–A53; see :mod:`govsim.model.meetings`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govsim.core.distributions import Distribution, bound_sampler
from govsim.log import CASE_TYPES, OUTCOMES
from govsim.rules.meetings import KINDS
from govsim.rules.substitution import ItemNeeds
from govsim.scenario.meeting_models import Meetings

if TYPE_CHECKING:
    from govsim.model.world import World

MEETING_CASE = CASE_TYPES.index("meeting")
REPORTS_CASE = CASE_TYPES.index("go_reports")
LEAVE_NEEDS = ItemNeeds(decision=True, mayor_only=False, kind="convening")
CONVENING = ItemNeeds(decision=True, mayor_only=False, kind="convening")
"""Deciding to convene and entrusting a stand-in: the acting leader's while the convener is
away (A6 「主持市政府全面工作」, A8; K59 ``scope.convening``)."""
"""A51 leave is within the acting executive VM's scope while the mayor is away (K60)."""
DAY = 1440.0
KIND_CODE = {kind: OUTCOMES.index(kind) for kind in KINDS}


@dataclass(eq=False)
class Topic:
    """A topic waiting for a meeting (the log is what the outside sees)."""

    case: int  # the request's case
    matter: str  # the lead department (主办部门)
    urgent: bool
    special: bool  # A49 「特殊情况」 (AMB-12)
    received: float  # materials at the GO (A48 topics) or referral (on-demand meetings)
    ready: bool = False  # signed off by the VM in charge (A49)
    decided: Any = None  # for a document that goes on after the decision: its event (A61(6))


class MeetingsState:
    """The state and helpers shared by the topic pipeline and the meetings."""

    def __init__(self, w: World, cfg: Meetings) -> None:
        self.w, self.cfg = w, cfg
        self.pending: list[Topic] = []  # A48 topics at the GO, on no agenda yet, by receipt
        self.office_pending: list[Topic] = []  # topics for the mayor's office meeting (A46)
        self.special_pending: dict[str, list[Topic]] = {}  # by convener (A47)
        self.special_planned: set[str] = set()  # conveners with a special-topic meeting planned
        self.upcoming: list[dt.date] = []  # executive meetings planned, agenda not drawn yet
        self.executive_days: set[dt.date] = set()  # every executive meeting day planned
        self.executive_opened: set[dt.date] = set()  # days an executive meeting opened
        self._office_round = 0  # the mayor's office meeting round a wait timer belongs to
        self.issued = 0  # decisions whose minutes are issued, to date (A53 reports)
        wmpd = w.cal.working_minutes_per_day

        def bind(name: str, spec: Distribution) -> Callable[[], float]:
            return bound_sampler(spec, wmpd, w.streams[f"meetings.{name}"])

        t, ag, mi = cfg.topics, cfg.agenda, cfg.minutes
        self.sample_research = bind("research", t.research)
        self.sample_coordinate = bind("coordinate", t.coordinate)
        self.sample_compliance = bind("compliance_review", t.compliance_review)
        self.sample_rework = bind("rework", t.rework)
        self.sample_confirm = bind("confirm", t.confirm)
        self.sample_agree = bind("agree", t.agree)
        self.sample_sign_off = bind("sign_off", t.sign_off)
        self.sample_propose = bind("propose", ag.propose)
        self.sample_review = bind("review", ag.review)
        self.sample_fix = bind("fix", ag.fix)
        self.sample_draft = bind("draft", mi.draft)
        self.sample_sign = bind("sign", mi.sign)
        self.sample_minutes_review = bind("minutes_review", cfg.special_topic.review)
        self.sample_report = bind("report", cfg.report)
        self._refer = w.streams["meetings.refer"]
        self._take = w.streams["meetings.mayor_office"]
        self._convene = w.streams["meetings.special_topic"]
        self._special = w.streams["meetings.special"]
        self._outcome = w.streams["meetings.outcome"]
        self._important = w.streams["meetings.important"]
        # what varies by kind is the kind's data (MeetingKind), read through these tables
        self._draw = {
            "a49_cutoff": self._agenda_cutoff,
            "ready": self._agenda_ready,
            "referred": self._agenda_referred,
            "convener_waiting": self._agenda_convener_waiting,
        }
        self._arrange = {
            "go_propose": self._arrange_propose,
            "sg_review": self._arrange_review,
            "fix": self._arrange_fix,
        }
        self._befall = {"defer_or_return": self._defer_or_return, "escalate": self._escalate}

    def _wait_working_days(self, n: int) -> Generator[Any, Any, bool]:
        """Wait until the office opening ``n`` working days from today; False (at once) if
        that falls after the horizon."""
        day = self._day_after(n)
        if day is None:
            return False
        yield self.w.env.timeout(self.w.cal.office_open(day) - self.w.env.now)
        return True

    def _day_after(self, working_days: int) -> dt.date | None:
        """The day ``working_days`` working days from today, if it opens before the horizon."""
        return self._working_day_after(self.w.cal.date_of(self.w.env.now), working_days)

    def _working_day_after(self, day: dt.date, n: int) -> dt.date | None:
        """The ``n``-th working day after ``day`` (AMB-45), or None if it does not open before
        the horizon."""
        cal = self.w.cal
        try:
            later = cal.add_working_days_date(day, n)
        except ValueError:
            return None
        return later if cal.office_open(later) < cal.horizon_minutes else None
