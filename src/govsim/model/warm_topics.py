"""Warm start: meeting topics open at the cut (A45, A48, A49; A46, A47 on demand).

A request the mayor referred to a meeting (A7, A27) is a *topic*: a request case with
``topic.*`` rows. At the cut it is somewhere on the A48–A49 pipeline — researched,
coordinated, compliance reviewed, confirmed by the vice mayor in charge, agreed by the mayor,
submitted to the GO, signed off — or waiting at the GO for the next executive meeting whose
A49 cut-off it meets, or for the mayor's office or special-topic meeting it was taken to
(A46, A47). :func:`topic_state` reads where, from the rows after its last (re)start (a
referral, a meeting's return for rework or escalation, RULES §5.1 row 14); the carried topic
re-enters through the pipeline's own code (:meth:`TopicPipeline.resume
<govsim.model.meetings.topics.TopicPipeline.resume>`) and is decided at a meeting after the
cut like any topic, which closes the request.

A topic on the agenda of a meeting not yet held at the cut goes back to the GO's queue (the
meeting itself, a case of its own, is not carried); a topic decided whose minutes were not
issued at the cut is closed at the re-entry. When the warm run's scenario has no
``[meetings]`` section a topic is not carried, counted as "meeting topic: no [meetings] in
the scenario". Drafts deliberated at a meeting (A61(6)) use :func:`topic_state` too
(:mod:`govsim.model.warm_outgoing`).
ASSUMPTION (as for every carried case): a pipeline step in progress at the cut restarts with
a fresh effort; a topic's time at the GO keeps its source time (before the cut), so the first
meeting after the cut whose A49 cut-off falls before the new calendar takes it only if special.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from govsim.core.org import GO
from govsim.log import Activity as A
from govsim.model.arrivals import Arrival
from govsim.model.documents import new_upward_case
from govsim.model.ledger import register_meeting_decision
from govsim.model.meetings.state import Topic
from govsim.model.warm_snapshot import CarriedCase, Snapshot, _base, _with, starts

if TYPE_CHECKING:
    from govsim.model.world import World

PIPELINE = (
    "topic.researched",
    "topic.coordinated",
    "topic.compliance_reviewed",
    "topic.vm_confirmed",
    "topic.mayor_agreed",
    "topic.submitted",
    "topic.signed_off",
)
"""The A48–A49 steps in order; a topic carried with ``done`` of them behind it."""
RESTARTS = ("topic.referred", "topic.returned", "topic.escalated")
"""What (re)starts a topic's pipeline: a referral (A7, A27), a meeting's return for rework
(RULES §5.1 row 14) or escalation to the executive meeting (A46(二), A47(三))."""
DECIDED = ("meeting.decision", "meeting.deliberated")
NO_MEETINGS = "meeting topic: no [meetings] in the scenario"


@dataclass(frozen=True)
class TopicState:
    """Where a topic was at the cut."""

    venue: str  # executive | mayor_office | special_topic (A45–A47)
    done: int  # A48–A49 steps behind it since its last (re)start (:data:`PIPELINE`)
    special: bool  # A49 「特殊情况」: flagged at submission (AMB-12)
    received: float  # when its materials reached the GO (or its referral), new clock
    convener: str | None  # who took it to a special-topic meeting (A47)
    decided: bool  # decided at a meeting whose minutes were not issued at the cut


@dataclass(frozen=True)
class CarriedTopic:
    """A request on its way to a meeting at the cut."""

    doc: CarriedCase  # the request's attributes (stage "topic")
    topic: TopicState
    kind: str = "topic"
    stage: str = "topic"

    def not_carried_in(self, sc: Any) -> str | None:
        """Why the warm run cannot carry it (no meetings to decide it), or None."""
        return NO_MEETINGS if sc.meetings is None else None


def topic_state(rows: pd.DataFrame, offset: float) -> TopicState:
    """Where the topic of a case was at the cut, from its rows up to the cut."""
    acts = rows["activity"].astype(str).tolist()
    starts_at = [i for i, a in enumerate(acts) if a in RESTARTS]
    first = starts_at[-1] + 1 if starts_at else 0
    after = rows.iloc[first:]
    venue, convener, received = "executive", None, float(rows["time"].iloc[-1])
    if starts_at and acts[first - 1] == "topic.referred":
        venue = str(rows["outcome"].iloc[first - 1])
        convener = str(rows["actor"].iloc[first - 1])
        received = float(rows["time"].iloc[first - 1])
    done = sum(1 for a in PIPELINE if a in set(after["activity"].astype(str)))
    submitted = after.loc[after["activity"] == "topic.submitted"]
    if len(submitted):
        received = float(submitted["time"].iloc[-1])
    special = bool(len(submitted)) and str(submitted["outcome"].iloc[-1]) == "special"
    decided = bool(after["activity"].isin(DECIDED).any())
    return TopicState(venue, done, special, received - offset, convener, decided)


def classify_topic(
    rows: pd.DataFrame, attrs: pd.Series, at: float, offset: float
) -> CarriedTopic | str:
    """A request with ``topic.*`` rows: carried as a topic at its pipeline step."""
    doc = _with(_base(attrs, at), stage="topic")
    return CarriedTopic(doc, topic_state(rows, offset))


@starts(CarriedTopic)
def _start_topics(w: World, carried: list[CarriedTopic], snap: Snapshot) -> None:
    """Each carried topic re-enters the run at the cut through the pipeline's own code."""
    for c in carried:
        w.env.process(_reenter(w, c, snap.reentry))


def _reenter(w: World, c: CarriedTopic, at: float) -> Generator[Any, Any, None]:
    """The request's case opens again at ``at``; its topic continues (or closes, decided)."""
    if at > 0:
        yield w.env.timeout(at)
    d, code = c.doc, w.org.code
    doc = Arrival(w.env.now, d.kind, d.sender, d.matter, d.major, d.poor_quality, False,
                  d.urgent, d.mayor_only, None, d.channel, None)  # fmt: skip
    case = new_upward_case(w, doc, d.complex_, d.lead_limit_wd, carried=True)
    w.log.add(w.env.now, case, A.CASE_CARRIED, code[GO], target=code[GO], value=0.0)
    tp = c.topic
    if tp.decided or w.meetings is None:
        w.log.add(w.env.now, case, A.DOC_CLOSED, code[GO])
        if tp.decided and w.ledger is not None:
            # decided, its minutes not yet issued at the cut: they are taken as issued at the
            # re-entry, and the decision becomes a ledger item then (A53; ASSUMPTION)
            register_meeting_decision(w, d.matter, parent=case)
        return
    topic = Topic(case, d.matter, d.urgent, tp.special, tp.received, ready=tp.venue != "executive")
    yield from w.meetings.resume(topic, tp.venue, tp.done, tp.convener)
