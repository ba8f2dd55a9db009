"""The event log: the contract between the simulation and everything downstream.

Metrics, invariant checks and exports read only this log (plus the static organisation and
calendar), never the simulation's objects, so a real OA-system log converted to the same
schema can be measured and audited with the same code (DESIGN: Data flow).

Storage is columnar and typed (``array.array``), about 46 bytes per event. Schema of
:meth:`EventLog.to_frame` (one row per event, in the order events happened):

=============  =========  ==================================================================
column         dtype      meaning
=============  =========  ==================================================================
time           float64    simulation clock, minutes since the scenario start's midnight
case           int32      case id (a document); see :meth:`EventLog.cases_frame`
case_type      category   ``request`` (请示), ``report`` (报告), ``absence`` (a leave),
                          ``ledger_item`` (a supervision ledger item, A73),
                          ``ledger_cadence`` (one per department or leader: its 周盘点 / 旬推进 /
                          月调度 sessions, A70), ``meeting`` (one meeting, A44–A52),
                          ``draft`` (代拟文稿, A59), ``normative`` (规范性文件, A21),
                          ``contract`` (A60) or ``go_reports`` (one: the GO's reports on
                          meeting decisions, A53)
activity       category   dotted name from :data:`ACTIVITIES` (RULES §8.1 vocabulary)
actor          category   who acted: ``GO``, a leader id or a unit id
on_behalf      category   the leader an act was done for (补位, A8), else missing
target         category   who the act is addressed to (routed to, transferred to), else missing
outcome        category   e.g. ``pass``/``return`` for reviews, ``on_time``/``late`` for replies
deadline       float64    a deadline set by the act (clock minutes), else NaN
start          float64    for completed work: the clock when work on it began, else NaN
value          float64    for completed work: its effort in working minutes, else NaN
reason         category   a code from :data:`REASONS` qualifying the act, else missing: the
                          defect a submission carries and the GO's return/redirect reason
                          (A55, A56, A63), ``redirected`` on a closure, ``dissent_version``
                          on the second countersign round (A56), the A61 signing class on
                          ``doc.signed`` and ``sign.authorized``
=============  =========  ==================================================================

Acts of a unit are acts of its principal head where the text requires it: ``cs.replied``,
``cs.joint_signed`` (A56, A59 「由主要负责人会签」), ``doc.principal_signed`` (A59 签批单),
``cs.negotiated`` (A56 「主办部门主要负责人要主动协商」). A submission whose ``reason`` is
``unsigned`` was not signed by the sender's principal head (A56).

The case table (:meth:`EventLog.cases_frame`) has one row per case: ``case``, ``case_type``,
``sender``, ``matter`` (department whose portfolio the matter is in), ``major``,
``poor_quality`` (at first submission), ``mayor_only`` (A61(2)–(4) items), ``created``,
and for ledger items ``source`` (``instruction``, ``key_task``, ``audit`` or ``meeting``;
missing for other cases) and ``parent`` (the case the item comes from, e.g. the instruction's
document; −1 if none). For documents (:mod:`govsim.model.documents`,
:mod:`govsim.model.drafts`) also ``channel`` (``go``, or the A55 direct channel it used,
:data:`CHANNELS`), ``complex`` (A59 「特别复杂的事项」), ``lead_limit_wd`` (countersign limit
the lead department set, in working days; 0 = none, A59 「除主办部门另有时限要求外」),
``topic`` (what an outgoing document is, :data:`TOPICS`; ``none`` otherwise),
``meeting_decided`` (decided at a government meeting, A61(6)), ``urgent`` (special or urgent,
A61(7); for upward documents the instruction's urgency) and ``wide_ranging`` (涉及面广,
A61(5)); for outgoing documents ``matter`` is the drafting department.

An ``absence`` case has the absent person as ``sender`` and ``matter``; its events are the
leave and substitution events. A ledger item's ``sender`` is who raised it (the instructing
leader, else the GO) and its ``matter`` the department that owns it; a ``ledger_cadence``
case has the department or leader as both.

Ledger events (RULES §8.1; :mod:`govsim.model.ledger`): ``ledger.registered`` (deadline, value
= work in working minutes), ``ledger.colour`` (outcome = colour, value = progress 0…1, deadline
= the item's), ``cadence.*`` (deadline = close of office of the scheduled day, value = planned
session length in office minutes; for ``cadence.stocktake`` the number of open items).

Which departments a document's matter touches (A56 「凡涉及其他部门职权的」) is logged as one
``doc.involves`` event per department (target) when its case opens.
Meeting events (RULES §5; :mod:`govsim.model.meetings`): a ``meeting`` case holds the meeting's
own events (planned … minutes issued); a topic's events (``topic.*``, ``meeting.decision``) are
on the case of the request it comes from, with ``value`` = the meeting's case where the event
names a meeting (``topic.deferred``, ``topic.on_agenda``, ``topic.returned``,
``topic.escalated``, ``meeting.decision``). ``meeting.planned`` has the meeting's type as
``outcome`` (``executive``, ``plenary``, ``mayor_office``, ``special_topic``) and
``meeting.convene_decided`` the convener as actor. ``meeting.opened`` has the chair as actor
and the members present as ``value`` (a special topic: 1, its chair); the members expected
are the meeting's roster in the organisation (A44–A46), and the absent ones are the actors of
the meeting's ``meeting_leave.requested`` events addressed to the mayor (or the executive VM
acting for the mayor); observers address theirs to the GO. Important special-topic minutes
have ``outcome`` ``important`` on ``minutes.drafted``.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pandas is imported when a frame is made: simulating does not need it
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
    "meeting.convene_decided",  # the convener decides (A44–A47); regular | adhoc | on_demand
    "meeting.entrusted",  # the absent convener entrusts `target` (A45, A47; AMB-26)
    "go.arrangement_proposed",  # the GO proposes the agenda (A50)
    "sg.arrangement_reviewed",  # the SG reviews it (A50 「经市政府秘书长审定」)
    "mayor.agenda_fixed",  # the mayor (or the entrusted exec VM) fixes it (A50 「报市长确定」)
    "meeting_leave.requested",  # absent: a member asks the mayor (or the acting exec VM),
    # an observer the GO (A51); target = whom
    "meeting.postponed",  # GO; outcome no_quorum | no_chair | not_ready (AMB-56)
    "meeting.opened",  # actor = chair; value = members present (expected = the roster, A45)
    "meeting.decision",  # on the topic's case; actor = chair, value = the meeting's case
    "meeting.adjourned",  # actor = chair; start = opening, value = length in office minutes
    "minutes.drafted",  # by the GO (AMB-51)
    "minutes.signed",  # A52 「由市长签发」
    "minutes.issued",  # by the GO (A52 「印发」)
    # -- countersign (A56, A59; RULES §4.3) --------------------------------------------------
    "doc.involves",  # the matter touches the powers of department `target` (A56), at creation
    "cs.requested",  # lead asks co-department `target` to countersign; deadline (A59)
    "cs.cannot_meet",  # co-department tells the lead it cannot reply in time (A59)
    "cs.extension_agreed",  # lead agrees a new reply limit with `target`; deadline (A59)
    "cs.extension_refused",  # lead keeps the limit (ASSUMPTION, RULES §4.3 row 6)
    "cs.replied",  # co-department's principal head countersigns; outcome agree | object (A59)
    "cs.deemed",  # no reply by the deadline: 「视为无不同意见」, at the deadline (A59)
    "cs.replied_late",  # a reply after deeming: logged and ignored (AMB-19)
    "cs.negotiated",  # lead principal head negotiates with `target`; resolved | unresolved (A56)
    "cs.dissent_documented",  # lead lists `target`'s grounds and its own (A56)
    "cs.handling_proposed",  # lead proposes how to handle the disagreement (A56)
    "cs.joint_signed",  # `actor` co-signs a joint submission (联合报, A56)
    "doc.countersigned",  # coordination done; outcome consensus | dissent | joint (A56, A59)
    # -- outgoing documents, signing (A58, A59, A61) -----------------------------------------
    "doc.drafted",  # the competent department finished a draft (代拟文稿, A59)
    "doc.principal_signed",  # its principal head signed the sign-off sheet (签批单, A59)
    "doc.sent_for_review",  # GO sends to leader `target` for co-review (送审, 审签; A59, A61(5))
    "doc.co_review_signed",  # a leader whose portfolio is touched co-reviews (审签, A61(5))
    "sign.authorized",  # `actor` authorises `target` to sign; reason = class (A61(6), (7))
    "doc.sent_for_signature",  # GO sends to signer `target` (送签, A59)
    "doc.signed",  # the signer signs; reason = the A61 signing class
    "doc.issued",  # the GO issues the signed document
    # -- normative documents, contracts, legality review (A20, A21, A60) ---------------------
    "norm.evaluated",  # evaluation and argumentation done (评估论证, A21)
    "norm.consulted",  # the public comment period ended (公开征求意见, A21)
    "legality.submitted",  # sent to the justice bureau `target` for legality review (A21, A60)
    "justice.legality_reviewed",  # the justice bureau's review; outcome pass | fail (A21, A60)
    "meeting.deliberated",  # deliberated and decided at a government meeting (A21, A61(6))
    "norm.registered",  # 统一登记、统一编制登记号; value = registration number (A21)
    "doc.published",  # 统一公布 (A21, A63)
    "norm.filed",  # 备案 (A21, A37)
    "gov.consented",  # a leader consents for the city government to a contract (A60)
    "contract.signed",  # the contract is signed in the government's name (A60)
    # -- the other meetings and the rest of the topic pipeline (A44, A46–A48, A51, A52) -------
    "topic.coordinated",  # the lead department agreed it with the related departments (A48)
    "topic.compliance_reviewed",  # legality and compliance review passed (A48); actor = reviewer
    "topic.returned",  # the meeting returns the topic for rework (RULES §5.1 row 14); value
    "topic.escalated",  # a mayor's office / special-topic meeting sends it up to the executive
    # meeting (A46(二), A47(三), A45(六)); actor = chair, value = the meeting's case
    "go.leave_summary",  # the GO reports observers' leave to the mayor (A51); value = count
    "minutes.reviewed",  # the mayor reviews important special-topic minutes (A52 「审定」)
    "go.implementation_report",  # the GO reports on meeting decisions to the leaders (A53);
    # value = decisions under supervision (open ledger items), else issued since the last
    "meeting.standing_item",  # a standing key matter decided at an executive meeting
    # (A45(七) 安全生产、生态环保); on the meeting's case, actor = chair, target = the department
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
    "fail",  # a failed verification (核查), AMB-16; a failed legality review (A21, A60)
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
    "redirect",  # GO sends a department-scope matter to the competent department (AMB-17)
    "agree",
    "object",
    "resolved",
    "unresolved",
    "consensus",
    "dissent",
    "joint",
    "mayor_office",  # meeting types, continued (A46, A47)
    "special_topic",
    "on_demand",  # a meeting convened when its topics call for it (A46, A47, RULES §5.6)
    "at_meeting",  # a topic the meeting deferred to a later one (RULES §5.1 row 14)
    "important",  # special-topic minutes on an important matter (A52)
)
CASE_TYPES: tuple[str, ...] = (
    "request",
    "report",
    "absence",
    "ledger_item",
    "ledger_cadence",
    "meeting",
    "draft",
    "normative",
    "contract",
    "go_reports",  # the GO's periodic reports on meeting decisions (A53), one case
)
LEDGER_SOURCES: tuple[str, ...] = ("instruction", "key_task", "audit", "meeting")
REASONS: tuple[str, ...] = (
    # submission defects, in the GO's order of checks (A55, A56, A63; RULES R02–R11, R15)
    "non_submitting_body",  # 议事协调机构、临时机构、行业协会、部门内设、管理机构 (A56)
    "skip_level",  # 越级行文 (A55)
    "multi_addressee",  # 多头主送 (A55)
    "dept_scope",  # 凡属市政府部门职责范围内的事项 … 不得报市政府 (A55); 不得申请 … 发文 (A59)
    "informal_form",  # “参阅件”“呈阅件”“请阅件” (A56)
    "unsigned",  # not signed by the sender's principal head (A56)
    "multi_matter",  # 一文一事 (A56)
    "embedded_request",  # 报告性公文不得夹带请示事项 (A56)
    "poor_quality",  # 文稿质量差、无实质性内容 (A63)
    "redundant",  # 法律法规已作出明确规定 / 现行文件仍适用 / 没有新内容 (A63)
    # other qualifiers
    "redirected",  # a case closed by a redirect to the competent department
    "dissent_version",  # second countersign round, on the version listing the dissent (A56)
    # A61 signing classes (RULES §3.3.1, SigningClass)
    "to_province",
    "major_policy",
    "motion_to_npc",
    "gov_rule",
    "personnel",
    "overseas_approval",
    "other_gov",
    "meeting_decided",
    "routine_approval",
    "special_urgent",
    "go_business",
    "go_daily",
)
CHANNELS: tuple[str, ...] = (
    "go",  # through the General Office (A55 「公文一律送市政府办公室」)
    # A55's exceptions, sent directly to a leader (RULES R01, K20)
    "leader_assigned",  # 市政府领导同志直接交办事项
    "classified_direct",  # 确需直接报送的涉密事项
    "major_emergency",  # 重大突发事件
    "foreign_affairs_partial",  # 部分涉外事项
)
TOPICS: tuple[str, ...] = (
    "none",  # upward documents and other cases
    "other",  # other government-name documents (A61(5))
    "to_province",  # requests and reports to the provincial government (A61(1))
    "major_policy",  # major guidelines and policies (A61(1))
    "motion_to_npc",  # motions to the Municipal People's Congress (A61(2))
    "gov_rule",  # government rules (A61(2), A20)
    "personnel",  # appointments and removals (A61(3))
    "overseas_approval",  # heads' trips abroad (A61(4))
    "routine_approval",  # routine approval formalities (A61(6))
    "go_business",  # GO-name documents on business work (A61(8))
    "go_daily",  # GO-name documents on the GO's daily work (A61(8))
    "normative_doc",  # normative documents (规范性文件, A21)
    "contract",  # contracts, agreements, memoranda, letters of intent (A60)
)


class Activity:
    """Integer codes of :data:`ACTIVITIES`, as attributes (``Activity.GO_RECEIVED``)."""


class Outcome:
    """Integer codes of :data:`OUTCOMES` (``Outcome.PASS``)."""


class Reason:
    """Integer codes of :data:`REASONS` (``Reason.MULTI_MATTER``)."""


for _code, _name in enumerate(ACTIVITIES):
    setattr(Activity, _name.replace(".", "_").upper(), _code)
for _code, _name in enumerate(OUTCOMES):
    setattr(Outcome, _name.upper(), _code)
for _code, _name in enumerate(REASONS):
    setattr(Reason, _name.upper(), _code)
REASON_CODE: dict[str, int] = {name: code for code, name in enumerate(REASONS)}
CHANNEL_CODE: dict[str, int] = {name: code for code, name in enumerate(CHANNELS)}
TOPIC_CODE: dict[str, int] = {name: code for code, name in enumerate(TOPICS)}

NONE = -1
"""Code of a missing actor, target or outcome (a missing value in :meth:`EventLog.to_frame`)."""

_BLOCK = 1024  # events (and cases) buffered before they are moved into the typed columns
_NAN = float("nan")


def _row_format(typecodes: str) -> tuple[struct.Struct, np.dtype]:
    """A packed row of the given ``array`` typecodes, and the NumPy dtype that reads it."""
    row = struct.Struct("=" + typecodes)
    dtype = np.dtype([(f"c{j}", "=" + code) for j, code in enumerate(typecodes)])
    if row.size != dtype.itemsize or row.size != sum(array(c).itemsize for c in typecodes):
        raise RuntimeError(f"packed rows of {typecodes!r} do not match the typed arrays")
    return row, dtype


# Event columns: time, case, activity, actor, on_behalf, target, outcome, deadline, start,
# value, reason. Case columns: in the order of a case row (see EventLog.new_case).
_EVENT_ROW, _EVENT_DTYPE = _row_format("dihhhhbdddb")
_CASE_ROW, _CASE_DTYPE = _row_format("bdhhbbbbibbhbbbb")
_pack_event, _pack_case = _EVENT_ROW.pack, _CASE_ROW.pack
_EVENT_BLOCK_BYTES, _CASE_BLOCK_BYTES = _BLOCK * _EVENT_ROW.size, _BLOCK * _CASE_ROW.size


class EventLog:
    """Append-only columnar event log of one replication.

    ``actors`` fixes the actor vocabulary (index = code), normally the organisation's
    :attr:`~govsim.core.org.Organisation.actors`.
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
        self._reason = array("b")
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
            self._reason,
        )
        # Each event is packed into one binary row (a single C call converts all its fields:
        # the simulator's hot path) appended to a buffer, whose columns are moved to the typed
        # columns a block at a time. Cases likewise.
        self._rows = bytearray()
        self._case_type = array("b")
        self._case_sender = array("h")
        self._case_matter = array("h")
        self._case_major = array("b")
        self._case_poor = array("b")
        self._case_mayor_only = array("b")
        self._case_created = array("d")
        self._case_source = array("b")
        self._case_parent = array("i")
        self._case_channel = array("b")
        self._case_complex = array("b")
        self._case_lead_limit = array("h")
        self._case_topic = array("b")
        self._case_meeting = array("b")
        self._case_urgent = array("b")
        self._case_wide = array("b")
        self._case_columns = (  # in the order of a buffered case row (see new_case)
            self._case_type,
            self._case_created,
            self._case_sender,
            self._case_matter,
            self._case_major,
            self._case_poor,
            self._case_mayor_only,
            self._case_source,
            self._case_parent,
            self._case_channel,
            self._case_complex,
            self._case_lead_limit,
            self._case_topic,
            self._case_meeting,
            self._case_urgent,
            self._case_wide,
        )
        self._case_rows = bytearray()
        self._n_cases = 0

    def __len__(self) -> int:
        return len(self._time) + len(self._rows) // _EVENT_ROW.size

    @staticmethod
    def _move(buffer: bytearray, dtype: np.dtype, columns: tuple[array, ...]) -> None:
        """Append the packed rows in ``buffer`` to ``columns``, field by field; empty it."""
        if buffer:
            rows = np.frombuffer(buffer, dtype=dtype)
            for name, column in zip(dtype.names, columns, strict=True):
                column.frombytes(rows[name].tobytes())
            del rows  # release the buffer before resizing it
            buffer.clear()

    def _flush(self) -> None:
        """Move the buffered events into the typed columns."""
        self._move(self._rows, _EVENT_DTYPE, self._columns)

    def _flush_cases(self) -> None:
        """Move the buffered cases into the typed case columns."""
        self._move(self._case_rows, _CASE_DTYPE, self._case_columns)

    @property
    def n_cases(self) -> int:
        """Number of cases created."""
        return self._n_cases

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
        channel: int = 0,
        complex_: bool = False,
        lead_limit_wd: int = 0,
        topic: int = 0,
        meeting_decided: bool = False,
        urgent: bool = False,
        wide_ranging: bool = False,
    ) -> int:
        """Register a case and return its id (``source`` indexes :data:`LEDGER_SOURCES`,
        ``channel`` :data:`CHANNELS`, ``topic`` :data:`TOPICS`; see the module docstring)."""
        rows = self._case_rows
        rows += _pack_case(
            case_type,
            created,
            sender,
            matter,
            major,
            poor,
            mayor_only,
            source,
            parent,
            channel,
            complex_,
            lead_limit_wd,
            topic,
            meeting_decided,
            urgent,
            wide_ranging,
        )
        if len(rows) >= _CASE_BLOCK_BYTES:
            self._flush_cases()
        case = self._n_cases
        self._n_cases = case + 1
        return case

    def add(
        self,
        time: float,
        case: int,
        activity: int,
        actor: int,
        on_behalf: int = NONE,
        target: int = NONE,
        outcome: int = NONE,
        deadline: float = _NAN,
        start: float = _NAN,
        value: float = _NAN,
        reason: int = NONE,
    ) -> None:
        """Append one event (codes as in :data:`ACTIVITIES`, :data:`OUTCOMES`,
        :data:`REASONS` and ``actors``)."""
        rows = self._rows
        rows += _pack_event(
            time,
            case,
            activity,
            actor,
            on_behalf,
            target,
            outcome,
            deadline,
            start,
            value,
            reason,
        )
        if len(rows) >= _EVENT_BLOCK_BYTES:
            self._flush()

    @property
    def nbytes(self) -> int:
        """Bytes of the event columns (the case table excluded), as stored once flushed."""
        self._flush()
        return sum(c.itemsize * len(c) for c in self._columns)

    def _cat(self, codes: array, names: Sequence[str]) -> pd.Categorical:
        import pandas as pd

        return pd.Categorical.from_codes(np.frombuffer(codes, dtype=codes.typecode), names)

    def to_frame(self) -> pd.DataFrame:
        """The events as a DataFrame (schema in the module docstring)."""
        import pandas as pd

        self._flush()
        self._flush_cases()
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
                "reason": self._cat(self._reason, REASONS),
            }
        )

    def cases_frame(self) -> pd.DataFrame:
        """One row per case (schema in the module docstring)."""
        import pandas as pd

        self._flush_cases()
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
                "channel": self._cat(self._case_channel, CHANNELS),
                "complex": self._flag(self._case_complex),
                "lead_limit_wd": np.frombuffer(self._case_lead_limit, dtype=np.int16).copy(),
                "topic": self._cat(self._case_topic, TOPICS),
                "meeting_decided": self._flag(self._case_meeting),
                "urgent": self._flag(self._case_urgent),
                "wide_ranging": self._flag(self._case_wide),
            }
        )

    @staticmethod
    def _flag(codes: array) -> np.ndarray:
        return np.frombuffer(codes, dtype=np.int8).astype(bool)
