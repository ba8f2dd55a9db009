"""The event log: the contract between the simulation and everything downstream.

Metrics, invariant checks and exports read only this log (plus the static organisation and
calendar), never the simulation's objects, so a real OA-system log converted to the same
schema can be measured and audited with the same code (DESIGN: Data flow).

Storage is columnar and typed (``array.array``), about 45 bytes per event. Schema of
:meth:`EventLog.to_frame` (one row per event, in the order events happened):

=============  =========  ==================================================================
column         dtype      meaning
=============  =========  ==================================================================
time           float64    simulation clock, minutes since the scenario start's midnight
case           int32      case id (a document); see :meth:`EventLog.cases_frame`
case_type      category   ``request`` (请示), ``report`` (报告), ``absence`` (a leave),
                          ``ledger_item`` (a supervision ledger item, A73) or
                          ``ledger_cadence`` (one per department or leader: its 周盘点 / 旬推进 /
                          月调度 sessions, A70) or ``meeting`` (one meeting, A44–A52)
activity       category   dotted name from :data:`ACTIVITIES` (RULES §8.1 vocabulary)
actor          category   who acted: ``GO``, a leader id or a unit id
on_behalf      category   the leader an act was done for (补位, A8), else missing
target         category   who the act is addressed to (routed to, transferred to), else missing
outcome        category   e.g. ``pass``/``return`` for reviews, ``on_time``/``late`` for replies
deadline       float64    a deadline set by the act (clock minutes), else NaN
start          float64    for completed work: the clock when work on it began, else NaN
value          float64    for completed work: its effort in working minutes, else NaN
=============  =========  ==================================================================

The case table (:meth:`EventLog.cases_frame`) has one row per case: ``case``, ``case_type``,
``sender``, ``matter`` (department whose portfolio the matter is in), ``major``,
``poor_quality`` (at first submission), ``mayor_only`` (A61(2)–(4) items), ``created``,
and for ledger items ``source`` (``instruction``, ``key_task``, ``audit`` or ``meeting``;
missing for other cases) and ``parent`` (the case the item comes from, e.g. the instruction's
document; −1 if none). An ``absence`` case has the absent person as ``sender`` and
``matter``; its events are the leave and substitution events. A ledger item's ``sender`` is
who raised it (the instructing leader, else the GO) and its ``matter`` the department that
owns it; a ``ledger_cadence`` case has the department or leader as both.

Ledger events (RULES §8.1; :mod:`govsim.model.ledger`): ``ledger.registered`` (deadline, value
= work in working minutes), ``ledger.colour`` (outcome = colour, value = progress 0…1, deadline
= the item's), ``cadence.*`` (deadline = close of office of the scheduled day, value = planned
session length in office minutes; for ``cadence.stocktake`` the number of open items).

Meeting events (RULES §5; :mod:`govsim.model.meetings`): a ``meeting`` case holds the meeting's
own events (planned … minutes issued); a topic's events (``topic.*``, ``meeting.decision``) are
on the case of the request it comes from, with ``value`` = the meeting's case where the event
names a meeting (``topic.deferred``, ``topic.on_agenda``, ``meeting.decision``).
``meeting.opened`` has the chair as actor and the members present as ``value``; the members
expected are the roster of the organisation (mayor, vice mayors, secretary-general, A45),
and the absent ones are the actors of the meeting's ``meeting_leave.requested`` events.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
import pandas as pd

ACTIVITIES: tuple[str, ...] = (
    "doc.submitted",  # the sender submits (or resubmits) to the city government, A55/A56
    "go.received",  # the GO registers the document: the single entry point, A55
    "go.reviewed",  # GO review done; outcome pass | return (A57, A63)
    "doc.withdrawn",  # the sender gives up after repeated returns
    "doc.routed",  # GO routes to the leader in charge or the mayor, A57; target = leader
    "leader.approved",  # a leader decides a request with opinion, name and date, A57
    "leader.circle_read",  # a leader reads a report (圈阅, 「已阅知」), A57
    "leader.instructed",  # the decision carries a 批示 needing action, A57
    "go.transferred",  # the GO transfers the instruction; target = department, A57
    "dept.replied",  # formal report replying to the instruction; outcome on_time | late, A57
    "instruction.overdue",  # the reply deadline passed with no reply (breach recorded), A57
    "doc.closed",  # the case ends
    "doc.rerouted",  # a waiting item moves to another handler when its handler goes away, A8
    "leave.requested",  # a head asks for leave ≥ 3 days ahead; outcome on_time | late, A80
    "leave.reported",  # a VM or the SG reports an absence to the mayor beforehand, A80
    "leave.filed",  # … and files it with the Party committee (市委报备), A80
    "leave.approved",  # the approver grants it (AMB-03, AMB-04)
    "absence.start",  # the person leaves; outcome = reason, deadline = planned end
    "absence.end",  # back at the planned end (销假)
    "absence.recall",  # emergency recall (中断行程返岗), A80; target = the person
    "absence.on_post",  # back after a recall; value = return latency in hours, A80
    "substitution.start",  # 补位 active for on_behalf (A6, A8)
    "substitution.end",
    # Supervision ledger (A70, A73, A74; RULES §7.3–§7.6):
    "ledger.registered",  # 立项 by the GO; target = owner department, deadline, value = work
    "ledger.assigned",  # 交办 by the GO to the department (GO work)
    "ledger.undertaken",  # 承办: the department takes it up (again after a failed 核查)
    "ledger.feedback",  # 反馈: the department reports the work done; value = work done
    "ledger.verified",  # 核查 by the GO; outcome pass | fail (AMB-16)
    "ledger.closed",  # 销号 by the GO; outcome on_time | late
    "ledger.colour",  # colour at a weekly stocktake; outcome blue | yellow | red (A70)
    "ledger.pushed",  # a yellow/red item reviewed at a dekad push; outcome = its colour
    "cadence.stocktake",  # 周盘点 of a department (A70, K07)
    "cadence.dekad_push",  # 旬推进 convened by the leader in charge (A70, K06, AMB-15)
    "cadence.monthly_dispatch",  # 月调度 convened by the mayor (A70)
    "outcome.supervise",  # 督办 of a red item at the monthly dispatch (A74)
    "outcome.admonish",  # 约谈 of the owner of an item red at successive dispatches (A74)
    "outcome.criticise",  # 通报批评 of the owner of an item closed very late (A74)
    # Meetings (A44–A53; RULES §5, §8.1). Topic events are on the request's case; value =
    # the meeting's case where a topic event names a meeting.
    "topic.referred",  # the mayor refers a major request to the executive meeting (A7, A27)
    "topic.researched",  # the lead department has researched the topic (A48)
    "topic.vm_confirmed",  # the VM in charge confirms the topic (A48 「报送分管副市长确定」)
    "topic.mayor_agreed",  # the mayor agrees (A48 「并报市长同意」)
    "topic.submitted",  # materials reach the GO (A49 运转); outcome special if A49's exception
    "topic.signed_off",  # the VM in charge signs the materials off (A49 「报分管副市长签批」)
    "topic.deferred",  # left off a meeting's agenda; outcome late | overflow | not_ready
    "topic.on_agenda",  # on the agenda the mayor fixed (A50); value = the meeting's case
    "meeting.planned",  # GO; outcome = meeting type, deadline = planned opening
    "meeting.convene_decided",  # the mayor decides to convene (A45); outcome regular | adhoc
    "meeting.entrusted",  # the mayor entrusts the executive VM to chair (A45); target = VM
    "go.arrangement_proposed",  # the GO proposes the agenda (A50)
    "sg.arrangement_reviewed",  # the SG reviews it (A50 「经市政府秘书长审定」)
    "mayor.agenda_fixed",  # the mayor fixes it (A50 「报市长确定」)
    "meeting_leave.requested",  # an absent member asks the mayor for leave (A51); target mayor
    "meeting.postponed",  # GO; outcome no_quorum | no_chair | not_ready (AMB-56)
    "meeting.opened",  # actor = chair; value = members present (expected = the roster, A45)
    "meeting.decision",  # on the topic's case; actor = chair, value = the meeting's case
    "meeting.adjourned",  # actor = chair; start = opening, value = length in office minutes
    "minutes.drafted",  # by the GO (AMB-51)
    "minutes.signed",  # A52 「由市长签发」
    "minutes.issued",  # by the GO (A52 「印发」)
)
OUTCOMES: tuple[str, ...] = (
    "pass",
    "return",
    "on_time",
    "late",
    "out_of_city",
    "visit",
    "vacation",
    "study",
    "family_visit",
    "medical",
    "fail",  # a failed verification (核查), AMB-16
    "blue",  # 蓝黄红, A70
    "yellow",
    "red",
    "executive",  # meeting types (A44–A47)
    "plenary",
    "regular",  # a meeting on the cadence (A45 「原则上每月召开1次」, K39)
    "adhoc",  # convened at any time (A45 「可以随时召开」, K40)
    "special",  # A49 「除特殊情况外」: a late topic admitted (AMB-12)
    "overflow",  # a topic left off a full agenda (K43)
    "not_ready",  # a topic not signed off in time, or an agenda fixed too late
    "no_quorum",  # A45 「出席人数须超过应到人数的二分之一」 not met
    "no_chair",  # nobody may chair (A45, AMB-26)
)
CASE_TYPES: tuple[str, ...] = (
    "request",
    "report",
    "absence",
    "ledger_item",
    "ledger_cadence",
    "meeting",
)
LEDGER_SOURCES: tuple[str, ...] = ("instruction", "key_task", "audit", "meeting")


class Activity:
    """Integer codes of :data:`ACTIVITIES`, as attributes (``Activity.GO_RECEIVED``)."""


class Outcome:
    """Integer codes of :data:`OUTCOMES` (``Outcome.PASS``)."""


for _code, _name in enumerate(ACTIVITIES):
    setattr(Activity, _name.replace(".", "_").upper(), _code)
for _code, _name in enumerate(OUTCOMES):
    setattr(Outcome, _name.upper(), _code)

NONE = -1
"""Code of a missing actor, target or outcome (a missing value in :meth:`EventLog.to_frame`)."""

_BLOCK = 1024  # events buffered as tuples before they are moved into the typed columns


class EventLog:
    """Append-only columnar event log of one replication.

    ``actors`` fixes the actor vocabulary (index = code), normally the organisation's
    :attr:`~govsim.org.Organisation.actors`.
    """

    def __init__(self, actors: Sequence[str]) -> None:
        self.actors = tuple(actors)
        self._time = array("d")
        self._case = array("i")
        self._activity = array("h")
        self._actor = array("h")
        self._on_behalf = array("h")
        self._target = array("h")
        self._outcome = array("b")
        self._deadline = array("d")
        self._start = array("d")
        self._value = array("d")
        self._columns = (
            self._time,
            self._case,
            self._activity,
            self._actor,
            self._on_behalf,
            self._target,
            self._outcome,
            self._deadline,
            self._start,
            self._value,
        )
        # Events are appended as tuples to a short row buffer (one list append per event, the
        # simulator's hot path) and moved to the typed columns a block at a time.
        self._rows: list[tuple] = []
        self._case_type = array("b")
        self._case_sender = array("h")
        self._case_matter = array("h")
        self._case_major = array("b")
        self._case_poor = array("b")
        self._case_mayor_only = array("b")
        self._case_created = array("d")
        self._case_source = array("b")
        self._case_parent = array("i")

    def __len__(self) -> int:
        return len(self._time) + len(self._rows)

    def _flush(self) -> None:
        """Move the buffered rows into the typed columns."""
        rows = self._rows
        if rows:
            for column, values in zip(self._columns, zip(*rows, strict=True), strict=True):
                column.fromlist(list(values))
            rows.clear()

    @property
    def n_cases(self) -> int:
        """Number of cases created."""
        return len(self._case_type)

    def new_case(
        self,
        case_type: int,
        created: float,
        sender: int,
        matter: int,
        major: bool,
        poor: bool,
        mayor_only: bool = False,
        *,
        source: int = NONE,
        parent: int = -1,
    ) -> int:
        """Register a case and return its id (``source`` indexes :data:`LEDGER_SOURCES`)."""
        self._case_mayor_only.append(mayor_only)
        self._case_source.append(source)
        self._case_parent.append(parent)
        self._case_type.append(case_type)
        self._case_created.append(created)
        self._case_sender.append(sender)
        self._case_matter.append(matter)
        self._case_major.append(major)
        self._case_poor.append(poor)
        return len(self._case_type) - 1

    def add(
        self,
        time: float,
        case: int,
        activity: int,
        actor: int,
        on_behalf: int = NONE,
        target: int = NONE,
        outcome: int = NONE,
        deadline: float = np.nan,
        start: float = np.nan,
        value: float = np.nan,
    ) -> None:
        """Append one event (codes as in :data:`ACTIVITIES`, :data:`OUTCOMES`, ``actors``)."""
        rows = self._rows
        rows.append(
            (time, case, activity, actor, on_behalf, target, outcome, deadline, start, value)
        )
        if len(rows) >= _BLOCK:
            self._flush()

    @property
    def nbytes(self) -> int:
        """Bytes of the event columns (the case table excluded), as stored once flushed."""
        self._flush()
        return sum(c.itemsize * len(c) for c in self._columns)

    def _cat(self, codes: array, names: Sequence[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(np.frombuffer(codes, dtype=codes.typecode), names)

    def to_frame(self) -> pd.DataFrame:
        """The events as a DataFrame (schema in the module docstring)."""
        self._flush()
        case = np.frombuffer(self._case, dtype=np.int32)
        case_type_codes = np.frombuffer(self._case_type, dtype=np.int8)
        actor_names = list(self.actors)
        return pd.DataFrame(
            {
                "time": np.frombuffer(self._time, dtype=np.float64).copy(),
                "case": case.copy(),
                "case_type": pd.Categorical.from_codes(case_type_codes[case], CASE_TYPES),
                "activity": self._cat(self._activity, ACTIVITIES),
                "actor": self._cat(self._actor, actor_names),
                "on_behalf": self._cat(self._on_behalf, actor_names),
                "target": self._cat(self._target, actor_names),
                "outcome": self._cat(self._outcome, OUTCOMES),
                "deadline": np.frombuffer(self._deadline, dtype=np.float64).copy(),
                "start": np.frombuffer(self._start, dtype=np.float64).copy(),
                "value": np.frombuffer(self._value, dtype=np.float64).copy(),
            }
        )

    def cases_frame(self) -> pd.DataFrame:
        """One row per case (schema in the module docstring)."""
        actor_names = list(self.actors)
        return pd.DataFrame(
            {
                "case": np.arange(self.n_cases, dtype=np.int32),
                "case_type": self._cat(self._case_type, CASE_TYPES),
                "sender": self._cat(self._case_sender, actor_names),
                "matter": self._cat(self._case_matter, actor_names),
                "major": np.frombuffer(self._case_major, dtype=np.int8).astype(bool),
                "poor_quality": np.frombuffer(self._case_poor, dtype=np.int8).astype(bool),
                "mayor_only": np.frombuffer(self._case_mayor_only, dtype=np.int8).astype(bool),
                "created": np.frombuffer(self._case_created, dtype=np.float64).copy(),
                "source": self._cat(self._case_source, LEDGER_SOURCES),
                "parent": np.frombuffer(self._case_parent, dtype=np.int32).copy(),
            }
        )
