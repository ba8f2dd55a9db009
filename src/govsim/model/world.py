"""The world of one replication: SimPy environment, calendar, organisation, streams, log."""

from __future__ import annotations

import simpy

from govsim.calendar import WorkCalendar
from govsim.distributions import make_sampler
from govsim.log import EventLog
from govsim.model.agents import Office
from govsim.model.arrivals import Arrival, generate_arrivals
from govsim.model.documents import upward_document
from govsim.model.ledger import LedgerModel
from govsim.model.rng import Streams
from govsim.org import GO, Organisation
from govsim.scenario.models import Scenario


def build_calendar(sc: Scenario) -> WorkCalendar:
    """The scenario's work calendar over its horizon (raises CalendarDataError on data gaps)."""
    c = sc.calendar
    return WorkCalendar(
        sc.scenario.start,
        sc.scenario.horizon_days,
        kind=c.kind,
        office_hours=[tuple(b) for b in c.office_hours],
        beyond_data=c.beyond_data,
        extra_workdays=c.extra_workdays,
        extra_holidays=c.extra_holidays,
    )


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
        go = sc.general_office
        self.go = Office(self.env, self.cal, GO, go.reviewers)
        share = sc.leader_work.document_share
        self.leaders = {ld: Office(self.env, self.cal, ld, 1, share) for ld in self.org.leaders}
        self._bind_samplers()
        ledger = sc.ledger
        self.ledger = LedgerModel(self, ledger) if ledger is not None and ledger.enabled else None

    def _bind_samplers(self) -> None:
        """One stream and one compiled distribution per random source."""
        sc, wmpd = self.sc, self.cal.working_minutes_per_day

        def bind(name: str, spec):
            sampler, rng = make_sampler(spec, wmpd), self.streams[name]
            return lambda: sampler(rng)

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

    def _feed(self, arrivals: list[Arrival]):
        env = self.env
        for doc in arrivals:
            if doc.time > env.now:
                yield env.timeout(doc.time - env.now)
            env.process(upward_document(self, doc))

    def run(self) -> World:
        """Generate the arrivals and simulate until the horizon."""
        arrivals = generate_arrivals(self.sc, self.cal, self.streams)
        self.env.process(self._feed(arrivals))
        if self.ledger is not None:
            self.ledger.start()
        self.env.run(until=self.cal.horizon_minutes)
        return self


def simulate(sc: Scenario, replication: int = 0, seed: int | None = None) -> World:
    """Build and run one replication of ``sc``."""
    return World(sc, replication, seed).run()
