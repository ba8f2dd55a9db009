"""The world of one replication: SimPy environment, calendar, organisation, streams, log."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterable
from typing import Any

import simpy

from govsim.core.calendar import build_calendar
from govsim.core.distributions import bound_sampler
from govsim.core.org import GO, Organisation
from govsim.core.runtime import collector_paused
from govsim.log import CASE_TYPES, NONE, EventLog
from govsim.model.agents import Office
from govsim.model.arrivals import iter_arrivals
from govsim.model.availability import Absence, Availability, draw_absences, leave_process
from govsim.model.desks import build_desks
from govsim.model.documents import upward_document
from govsim.model.drafts import outgoing_document
from govsim.model.ledger import LedgerModel
from govsim.model.meetings import MeetingsModel
from govsim.model.other_time import (
    DeskTime,
    draw_engagements,
    engagement_process,
    regular_meetings,
)
from govsim.model.outgoing_arrivals import generate_outgoing
from govsim.model.rng import Streams
from govsim.rules.substitution import (
    ItemNeeds,
    acts_while_away,
    handler_for,
    triggers_substitution,
)
from govsim.scenario.models import Scenario


class World:
    """Everything one replication needs; :meth:`run` simulates to the horizon."""

    def __init__(self, sc: Scenario, replication: int = 0, seed: int | None = None) -> None:
        self.sc = sc
        self.replication = replication
        self.seed = sc.experiment.seed if seed is None else seed
        self.cal = build_calendar(sc)
        self.org = Organisation.from_scenario(sc)
        self.streams = Streams(self.seed, replication)
        self.env = simpy.Environment()
        self.log = EventLog(self.org.actors)
        carried: list[Absence] = []
        if sc.initial_state is not None:  # absences ongoing at a warm start's cut (A80)
            from govsim.model.warm_ledger import carried_absences  # reads a log (pandas)

            carried = carried_absences(sc, self.org)
        absences = (
            draw_absences(sc.leave, self.org, self.cal, self.streams, carried)
            if sc.leave
            else carried
        )
        self.availability = Availability(absences, self.cal) if absences else None
        go = sc.general_office
        self.go = Office(self.env, self.cal, GO, go.reviewers)
        # Leaders' blocks away from the desk while on duty (K28): no document work meanwhile.
        ot = sc.other_time
        # Regular meetings are fixed first: no block over a leader's (K39, A44, A45).
        fixed = regular_meetings(sc.meetings, self.org, self.cal) if ot else {}
        self.engagements = (
            draw_engagements(ot, self.org, self.cal, self.streams, absences, fixed) if ot else []
        )
        desk_time = DeskTime(self.engagements) if self.engagements else None
        share = sc.leader_work.document_share
        self.leaders = {
            ld: Office(self.env, self.cal, ld, 1, share, self.availability, desk_time)
            for ld in self.org.leaders
        }
        lg = sc.legality
        # The justice bureau reviews legality with limited staff (A20, A21, A60; K29).
        self.justice = (
            Office(self.env, self.cal, lg.justice_bureau, lg.reviewers)
            if lg.justice_bureau is not None
            else None
        )
        self.registrations = itertools.count(1)  # 统一编制登记号 (A21)
        # Each unit's desk (A56, A57, A59, A63); none without [desks].
        self.desks = build_desks(
            self.env, self.cal, self.log, sc.desks, self.org.unit_kinds, self.org.code
        )
        self._bind_samplers()
        ledger = sc.ledger
        self.ledger = LedgerModel(self, ledger) if ledger is not None and ledger.enabled else None
        mt = sc.meetings
        self.meetings = MeetingsModel(self, mt) if mt is not None and mt.enabled else None

    def _bind_samplers(self) -> None:
        """One stream and one compiled distribution per random source."""
        sc, wmpd = self.sc, self.cal.working_minutes_per_day

        def bind(name: str, spec):
            return bound_sampler(spec, wmpd, self.streams[name])

        self.sample_go_review = bind("go.review", sc.general_office.review)
        self.sample_transfer = bind("go.transfer", sc.general_office.transfer)
        self.sample_revise = bind("dept.revise", sc.general_office.revise)
        self.sample_approve = bind("leader.approve", sc.leader_work.approve)
        self.sample_read = bind("leader.read", sc.leader_work.read)
        self.sample_reply = bind("dept.reply", sc.instructions.reply)
        urgent = sc.instructions.urgent_reply or sc.instructions.reply
        self.sample_urgent_reply = bind("dept.urgent_reply", urgent)
        quality = self.streams["quality/revision"]
        p_still = sc.load.p_poor_after_revision
        self.draw_still_poor = lambda: bool(quality.random() < p_still)
        self.sample_co_review = bind("leader.co_review", sc.leader_work.co_review)
        self.sample_sign = bind("leader.sign", sc.leader_work.sign)
        cs = sc.countersign
        self.sample_cs_negotiation = bind("countersign.negotiation", cs.negotiation)
        self.sample_cs_dissent = bind("countersign.dissent", cs.dissent_drafting)
        self.sample_cs_round2 = bind("countersign.round2", cs.response)
        drafting = sc.desks.submission_drafting if sc.desks is not None else None
        self.sample_submission = bind("dept.submission", drafting) if drafting else None
        dr = sc.drafts
        self.sample_drafting = bind("draft.drafting", dr.drafting)
        self.sample_vetting = bind("go.vetting", dr.vetting)
        self.sample_draft_revise = bind("draft.revise", dr.revise)
        draft_quality = self.streams["quality/draft_revision"]
        self.draw_draft_still_poor = lambda: bool(draft_quality.random() < dr.p_poor_after_revision)
        lg = sc.legality
        self.sample_evaluation = bind("norm.evaluation", lg.evaluation)
        self.sample_legality_review = bind("justice.review", lg.review)
        self.sample_legality_revise = bind("justice.revise", lg.revise)
        verdicts = self.streams["justice.pass"]
        self.draw_legality_pass = lambda: bool(verdicts.random() < lg.p_pass)

    def signer_load(self, leader: str) -> int:
        """How busy a leader who may sign is (items held), an absent one last — for choosing
        between permitted signers (A61(1), A61(5) wide-ranging)."""
        return self.leaders[leader].inbox + (1_000_000 if self.away(leader) else 0)

    # -- availability and substitution (A6, A8, A56, A80) --------------------------------

    ABSENCE_CASE = CASE_TYPES.index("absence")
    ENGAGEMENT_CASE = CASE_TYPES.index("engagement")

    def away(self, person: str) -> str | None:
        """Why ``person`` is absent now, or None if on post."""
        if self.availability is None:
            return None
        absence = self.availability.absence_at(person, self.env.now)
        return None if absence is None else absence.reason

    def handler(self, owner: str, needs: ItemNeeds) -> str:
        """Who handles an item owned by ``owner`` now: the owner, or the leader the 补位
        policy names while the owner is away (the owner again if the item must wait)."""
        if self.availability is None:
            return owner
        who = handler_for(
            owner,
            needs,
            self.org,
            self.sc.substitution,
            self.away,
            lambda leader: self.leaders[leader].inbox,
        )
        return owner if who is None else who

    def can_act(self, person: str) -> bool:
        """True if ``person`` may act now: on post, or away with remote acts allowed (K61;
        A6, A8, A80: by default an absent person does not act)."""
        return self.away(person) is None or acts_while_away(self.sc.substitution)

    def actor_for(self, owner: str, needs: ItemNeeds) -> str | None:
        """Who does an act of ``owner``'s now: the owner if they may act, else the leader the
        补位 policy hands this kind of act to (A6, A8; K59); None if nobody may yet."""
        if self.can_act(owner):
            return owner
        who = self.handler(owner, needs)
        return who if who != owner else None

    def when_can_act(self, owner: str, needs: ItemNeeds) -> Generator[Any, Any, str]:
        """Wait until someone may do an act of ``owner``'s (:meth:`actor_for`): at once if
        the owner is on post or a substitute takes it, else when the owner is back (at the
        next office opening)."""
        while True:
            who = self.actor_for(owner, needs)
            if who is not None:
                return who
            assert self.availability is not None
            # back on post, at the next office opening (an absence ends at a close of office)
            back = self.cal.next_open(self.availability.next_present(owner, self.env.now))
            yield self.env.timeout(back - self.env.now)

    def wait_for_head(self, unit: str):
        """Wait until ``unit``'s principal head is on post (they sign, A56)."""
        if self.availability is not None:
            back = self.availability.next_present(unit, self.env.now)
            if back > self.env.now:
                yield self.env.timeout(back - self.env.now)

    def head_back(self, unit: str, t: float) -> float:
        """The first moment at or after ``t`` when ``unit``'s principal head is on post."""
        return t if self.availability is None else self.availability.next_present(unit, t)

    def substitution_active(self, absence: Absence) -> bool:
        """True when the absence of a leader activates 补位 under the policy (A6, A8)."""
        return (
            absence.person in self.leaders
            and self.sc.substitution.policy != "none"
            and triggers_substitution(self.sc.substitution, absence.reason)
        )

    def absence_started(self, absence: Absence) -> None:
        """Wake the items waiting for an absent leader (they may move, ``move_queued``)."""
        office = self.leaders.get(absence.person)
        if office is not None:
            office.signal_absence()

    def recaller(self, absence: Absence) -> tuple[str, int]:
        """Who recalls, and for whom (``on_behalf``): the mayor, or the executive VM presiding
        in the mayor's absence (A6; AMB-32), else the secretary-general (A9)."""
        org = self.org
        if absence.person != org.mayor and self.can_act(org.mayor):
            return org.mayor, NONE
        for stand_in in (org.executive_vice_mayor, org.secretary_general):
            # the executive VM presiding (A6), else the SG for the government's daily work (A9)
            if stand_in is not None and self.away(stand_in) is None and absence.person != stand_in:
                return stand_in, self.org.code[org.mayor]
        return org.mayor, NONE  # nobody on post: the mayor from afar (A80 reachability)

    def _feed(
        self, arrivals: Iterable[Any], lifecycle: Callable[[World, Any], Generator[Any, Any, None]]
    ):
        env = self.env
        for doc in arrivals:
            t, now = doc.time, env.now
            if t > now:
                yield env.timeout(t - now)
            env.process(lifecycle(self, doc))

    def run(self) -> World:
        """Generate the arrivals and simulate until the horizon."""
        arrivals = iter_arrivals(self.sc, self.cal, self.streams)
        self.env.process(self._feed(arrivals, upward_document))
        outgoing = generate_outgoing(self.sc, self.cal, self.streams)
        if outgoing:
            self.env.process(self._feed(outgoing, outgoing_document))
        if self.ledger is not None:
            self.ledger.start()
        if self.meetings is not None:
            self.meetings.start()
        if self.engagements:
            self.env.process(engagement_process(self, self.engagements))
        if self.sc.initial_state is not None:
            from govsim.model.warm import start_carried  # a warm start reads a log (pandas)

            start_carried(self)
        for absence in self.availability.absences if self.availability else ():
            self.env.process(leave_process(self, absence))
        with collector_paused():
            self.env.run(until=self.cal.horizon_minutes)
        return self


def simulate(sc: Scenario, replication: int = 0, seed: int | None = None) -> World:
    """Build and run one replication of ``sc``."""
    return World(sc, replication, seed).run()
