"""The event log's schema as data: one specification per activity, the columns, the vocabularies.

Every fact about what the simulation logs lives here once: who may do an act, whether it names
a target or sets a deadline, which outcomes it may carry, what its ``value`` means and which
article it follows (the table of ``docs/event-log.md``). The writer
(:mod:`govsim.log.eventlog`) takes its vocabularies from this module, in this order, so
activity and outcome codes are those of the tables below; the reader (:mod:`govsim.log.read`)
validates a log from disk against it; the exports and the documentation (``docs/event-log.md``)
take descriptions from it; invariants and metrics take the named groups (:data:`LEADER_ACTS`,
:data:`TERMINAL_ACTS`, …) rather than keeping tuples of their own. ``tests/test_log_schema.py``
checks every row the model logs on generated runs against these specifications, and every
activity-like string in the code against :data:`ACTIVITIES`.

The facts were read off the model (each ``log.add`` in :mod:`govsim.model`) and confirmed on
one simulated year of each shipped scenario. Importing this module loads no third-party
package (DESIGN: simulating does not need pandas).
"""

from __future__ import annotations

from dataclasses import dataclass

from govsim.log.vocabulary import (
    CASE_ATTRIBUTES,
    CASE_COLUMN_SPECS,
    CASE_COLUMNS,
    CASE_TYPES,
    CASE_VOCABULARIES,
    CHANNELS,
    COLOURS,
    DEFECTS,
    DESK_JOB_KINDS,
    DOCUMENT_CASE_TYPES,
    ENGAGEMENT_KINDS,
    EVENT_COLUMN_SPECS,
    EVENT_COLUMNS,
    LEADER_KINDS,
    LEAVE_REASONS,
    LEDGER_SOURCES,
    MEETING_KINDS,
    OUTCOMES,
    OUTGOING_CASE_TYPES,
    REASONS,
    REQUIRED_CASE_COLUMNS,
    REQUIRED_EVENT_COLUMNS,
    ROLES,
    SIGNING_CLASSES,
    TOPICS,
    UNIT_KINDS,
    UPWARD_CASE_TYPES,
    Column,
    Role,
)

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_SPECS",
    "CASE_ATTRIBUTES",
    "CASE_COLUMNS",
    "CASE_COLUMN_SPECS",
    "CASE_TYPES",
    "CASE_VOCABULARIES",
    "CHANNELS",
    "COLOURS",
    "DEFECTS",
    "DESK_JOB_KINDS",
    "DOCUMENT_CASE_TYPES",
    "EVENT_COLUMNS",
    "EVENT_COLUMN_SPECS",
    "LEAVE_REASONS",
    "LEDGER_SOURCES",
    "MEETING_KINDS",
    "OUTCOMES",
    "OUTGOING_CASE_TYPES",
    "REASONS",
    "REQUIRED_CASE_COLUMNS",
    "REQUIRED_EVENT_COLUMNS",
    "ROLES",
    "SIGNING_CLASSES",
    "SPEC",
    "TOPICS",
    "UPWARD_CASE_TYPES",
    "ActivitySpec",
    "Column",
    "Role",
    "activities",
]

# -- activities ---------------------------------------------------------------------------------

PERSON_ROLES: frozenset[str] = frozenset(
    ("leader", "mayor", "mayor_or_stand_in", "chair", "principal_head", "person")
)
"""Actor roles that are people (a leader, a unit's principal head), not an office: their acts
are done on post (A6, A8, A80) unless an activity says otherwise (``in_person``)."""


@dataclass(frozen=True)
class ActivitySpec:
    """What one activity of the log is and which fields it carries.

    ``target``/``deadline``/``value``/``on_behalf`` describe the field, or are None when the
    activity never carries it; ``needs_target``/``needs_deadline`` say it always does.
    ``outcomes`` are the outcomes allowed (empty: none), ``needs_outcome`` that one is always
    given; ``reasons`` the reason codes allowed; ``start`` that completed work logs when it
    began; ``ends_case`` that the act ends its case (INV-E01); ``working_day_deadline`` that
    its deadline is counted in working days (AMB-45). ``actor_qualifier`` and
    ``target_qualifier`` name the links in an OCEL export. ``in_person`` says whether the
    act is the actor's own, done on post (A6, A8, A80: an absent leader does not act; A56: a
    principal head signs in person); None derives it from the actor's role
    (:data:`PERSON_ROLES`), so a new activity done by a person is covered unless it says
    otherwise (:attr:`personal`).
    """

    name: str
    family: str
    actor: str
    description: str
    articles: tuple[str, ...] = ()
    target: str | None = None
    needs_target: bool = False
    deadline: str | None = None
    needs_deadline: bool = False
    outcomes: tuple[str, ...] = ()
    needs_outcome: bool = False
    value: str | None = None
    start: bool = False
    on_behalf: bool = False
    reasons: tuple[str, ...] = ()
    ends_case: bool = False
    working_day_deadline: bool = False
    actor_qualifier: str | None = None
    target_qualifier: str | None = None
    in_person: bool | None = None

    def __post_init__(self) -> None:
        if self.actor not in ROLES:
            raise ValueError(f"{self.name}: unknown actor role {self.actor!r}")
        if self.family not in FAMILIES:
            raise ValueError(f"{self.name}: unknown family {self.family!r}")
        if self.needs_target and self.target is None:
            raise ValueError(f"{self.name}: needs a target but describes none")
        if self.needs_deadline and self.deadline is None:
            raise ValueError(f"{self.name}: needs a deadline but describes none")
        if self.working_day_deadline and not self.needs_deadline:
            raise ValueError(f"{self.name}: a working-day deadline it does not always set")
        if self.needs_outcome and not self.outcomes:
            raise ValueError(f"{self.name}: needs an outcome but allows none")

    @property
    def personal(self) -> bool:
        """True if the actor does this in person, so never while away (A6, A8, A80)."""
        return self.actor in PERSON_ROLES if self.in_person is None else self.in_person

    @property
    def prefix(self) -> str:
        """The part of the name before the first dot (``doc``, ``cs``, ``meeting`` …)."""
        return self.name.split(".", 1)[0]


FAMILIES: dict[str, str] = {
    "intake": "submission to the General Office and its review (A55–A57, A63)",
    "documents": "routing, decision and instructions of upward documents (A57, A8)",
    "leave": "leave, absence, recall and substitution (A6, A8, A80)",
    "ledger": "the supervision ledger and its rhythm (A69–A74)",
    "meetings": "government meetings and their topics (A44–A53)",
    "countersign": "countersigning between departments (A56, A59)",
    "signing": "drafting, co-review, signing and issue of outgoing documents (A58, A59, A61)",
    "legality": "normative documents, contracts and legality review (A20, A21, A60)",
    "desks": "the work of each unit's desk: staff, jobs queued and done (A56, A57, A59, A63)",
}
"""Activity families, in the order of the table."""

EFFORT = "effort in working minutes (work began at start)"
MEETING_CASE = "the meeting's case"
SESSION = "planned session length in office minutes"
CS_ROUND = ("dissent_version",)

_S = ActivitySpec
_DOC = "documents"
_ML = "meetings"
_CS = "countersign"
_SG = "signing"
_LG = "legality"
_LD = "ledger"
_LV = "leave"
_IN = "intake"
_DK = "desks"

# fmt: off
ACTIVITY_SPECS: tuple[ActivitySpec, ...] = (
    _S("doc.submitted", _IN, "unit", "the sender submits (or resubmits) to the city government",
       ("A55", "A56"), target="the GO, or the leader of an A55 direct channel", needs_target=True,
       reasons=DEFECTS, actor_qualifier="submitted by", target_qualifier="addressed to",
       in_person=True),
    _S("go.received", _IN, "go", "the GO registers the document: the single entry point",
       ("A55",), actor_qualifier="received by"),
    _S("go.reviewed", _IN, "go", "GO review done; on return the sender, on redirect the "
       "competent department is the target", ("A57", "A63", "AMB-17"),
       target="the sender returned to, or the department redirected to",
       outcomes=("pass", "return", "redirect"), needs_outcome=True, value=EFFORT, start=True,
       reasons=DEFECTS, actor_qualifier="reviewed by", target_qualifier="returned to"),
    _S("doc.withdrawn", _IN, "unit", "the sender gives up after repeated returns", (),
       ends_case=True, actor_qualifier="withdrawn by"),
    _S("doc.routed", _DOC, "go", "GO routes to the leader in charge or the mayor", ("A57",),
       target="the leader", needs_target=True, on_behalf=True, actor_qualifier="routed by",
       target_qualifier="routed to"),
    _S("leader.approved", _DOC, "leader", "a leader decides a request with opinion, name and "
       "date", ("A57",), value=EFFORT, start=True, on_behalf=True, actor_qualifier="approved by"),
    _S("leader.circle_read", _DOC, "leader", "a leader reads a report (圈阅, 「已阅知」)",
       ("A57",), value=EFFORT, start=True, on_behalf=True, actor_qualifier="read by"),
    _S("leader.instructed", _DOC, "leader", "the decision carries a 批示 needing action",
       ("A57",), on_behalf=True, actor_qualifier="instructed by"),
    _S("go.transferred", _DOC, "go", "the GO transfers the instruction to the department",
       ("A57",), target="the department", needs_target=True, deadline="the reply limit",
       needs_deadline=True, working_day_deadline=True, value=EFFORT, start=True,
       actor_qualifier="transferred by", target_qualifier="transferred to"),
    _S("dept.replied", _DOC, "department", "formal report replying to the instruction", ("A57",),
       target="the GO", needs_target=True, deadline="the reply limit", needs_deadline=True,
       working_day_deadline=True, outcomes=("on_time", "late"), needs_outcome=True,
       actor_qualifier="replied by", target_qualifier="replied to", in_person=True),
    _S("instruction.overdue", _DOC, "go", "the reply deadline passed with no reply (breach "
       "recorded)", ("A57",), target="the department", needs_target=True,
       deadline="the reply limit", needs_deadline=True, working_day_deadline=True,
       actor_qualifier="recorded by", target_qualifier="overdue at"),
    _S("doc.closed", _DOC, "go", "the case ends", (), target="the department redirected to",
       reasons=("redirected",), ends_case=True, actor_qualifier="closed by"),
    _S("doc.rerouted", _DOC, "go", "a waiting item moves to another handler when its handler "
       "goes away", ("A8",), target="the new handler", needs_target=True, on_behalf=True),
    _S("leave.requested", _LV, "unit", "a head asks for leave ≥ 3 days ahead", ("A80",),
       target="the approver", needs_target=True, outcomes=("on_time", "late"),
       needs_outcome=True, value="notice in days"),
    _S("leave.reported", _LV, "leader", "a VM or the SG reports an absence to the mayor "
       "beforehand", ("A80",), target="the mayor", needs_target=True, value="notice in days",
       in_person=False),
    _S("leave.filed", _LV, "leader", "… and files it with the Party committee (市委报备)",
       ("A80",), in_person=False),
    _S("leave.approved", _LV, "leader", "the approver grants it", ("AMB-03", "AMB-04"),
       target="the person on leave", needs_target=True, on_behalf=True),
    _S("absence.start", _LV, "person", "the person leaves", ("A80",), deadline="planned end",
       needs_deadline=True, outcomes=LEAVE_REASONS, needs_outcome=True, in_person=False),
    _S("absence.end", _LV, "person", "back at the planned end (销假)", ("A80",), in_person=False),
    # A recall is a call to someone away, who must stay reachable (A80); the caller may be
    # away too (the mayor, the executive VM and the SG all out at once), so it is not an act
    # on post — the model still prefers a caller who is there.
    _S("absence.recall", _LV, "leader", "emergency recall (中断行程返岗)", ("A80",),
       target="the person", needs_target=True, on_behalf=True, in_person=False),
    _S("absence.on_post", _LV, "person", "back after a recall", ("A80",),
       value="return latency in hours", in_person=False),
    _S("leader.engaged", _LV, "leader", "a block of office time away from the desk while on "
       "duty: research, a reception, an external meeting, an event; no document work "
       "meanwhile, no 补位", ("A41", "A89", "A90"), value="office minutes in the block",
       start=True, reasons=ENGAGEMENT_KINDS, in_person=False, actor_qualifier="engaged"),
    _S("substitution.start", _LV, "go", "补位 active for on_behalf", ("A6", "A8"),
       on_behalf=True),
    _S("substitution.end", _LV, "go", "补位 ends for on_behalf", ("A6", "A8"), on_behalf=True),
    _S("ledger.registered", _LD, "go", "立项 by the GO", ("A73",),
       target="the owner department", needs_target=True, deadline="the item's deadline",
       needs_deadline=True, value="work in working minutes"),
    _S("ledger.assigned", _LD, "go", "交办 by the GO to the department", ("A73",),
       target="the owner department", needs_target=True, value=EFFORT, start=True),
    _S("ledger.undertaken", _LD, "department", "承办: the department takes it up (again after "
       "a failed 核查)", ("A73",)),
    _S("ledger.feedback", _LD, "department", "反馈: the department reports the work done",
       ("A73",), target="the GO", needs_target=True, value="work done in working minutes"),
    _S("ledger.verified", _LD, "go", "核查 by the GO", ("A73", "AMB-16"),
       target="the owner department", needs_target=True, outcomes=("pass", "fail"),
       needs_outcome=True, value=EFFORT, start=True),
    _S("ledger.closed", _LD, "go", "销号 by the GO", ("A70", "A73"),
       target="the owner department", needs_target=True, deadline="the item's deadline",
       needs_deadline=True, outcomes=("on_time", "late"), needs_outcome=True, ends_case=True),
    _S("ledger.colour", _LD, "department", "colour at a weekly stocktake", ("A70",),
       deadline="the item's deadline", needs_deadline=True, outcomes=COLOURS,
       needs_outcome=True, value="progress 0…1"),
    _S("ledger.pushed", _LD, "leader", "a yellow/red item reviewed at a dekad push", ("A70",),
       target="the owner department", needs_target=True, outcomes=("yellow", "red"),
       needs_outcome=True, start=True, on_behalf=True),
    _S("cadence.stocktake", _LD, "department", "周盘点 of a department", ("A70", "K07"),
       value="open items"),
    _S("cadence.dekad_push", _LD, "leader", "旬推进 convened by the leader in charge",
       ("A70", "K06", "AMB-15"), deadline="close of office of the day", needs_deadline=True,
       value=SESSION, on_behalf=True),
    _S("cadence.monthly_dispatch", _LD, "mayor_or_stand_in", "月调度 convened by the mayor",
       ("A70",), deadline="close of office of the day", needs_deadline=True, value=SESSION,
       on_behalf=True),
    _S("outcome.supervise", _LD, "mayor_or_stand_in", "督办 of a red item at the monthly "
       "dispatch", ("A74",), target="the owner department", needs_target=True, on_behalf=True),
    _S("outcome.admonish", _LD, "mayor_or_stand_in", "约谈 of the owner of an item red at "
       "successive dispatches", ("A74",), target="the owner department", needs_target=True,
       on_behalf=True),
    _S("outcome.criticise", _LD, "go", "通报批评 of the owner of an item closed very late",
       ("A74",), target="the owner department", needs_target=True),
    _S("topic.referred", _ML, "leader", "the mayor (or the leader in charge) refers a request "
       "to a meeting", ("A7", "A27"), outcomes=MEETING_KINDS[:1] + MEETING_KINDS[2:],
       needs_outcome=True, value=EFFORT, start=True, on_behalf=True),
    _S("topic.researched", _ML, "department", "the lead department has researched the topic",
       ("A48",)),
    _S("topic.vm_confirmed", _ML, "leader", "the VM in charge confirms the topic",
       ("A48",), value=EFFORT, start=True, on_behalf=True),
    _S("topic.mayor_agreed", _ML, "mayor_or_stand_in", "the mayor agrees", ("A48",), value=EFFORT,
       start=True, on_behalf=True),
    _S("topic.submitted", _ML, "department", "materials reach the GO (运转); outcome special "
       "if A49's exception", ("A49", "AMB-12"), target="the GO", needs_target=True,
       outcomes=("special",)),
    _S("topic.signed_off", _ML, "leader", "the VM in charge signs the materials off",
       ("A49",), value=EFFORT, start=True, on_behalf=True),
    _S("topic.deferred", _ML, "go", "left off a meeting's agenda", ("A49", "K43"),
       outcomes=("late", "overflow", "not_ready", "at_meeting"), needs_outcome=True,
       value=MEETING_CASE),
    _S("topic.on_agenda", _ML, "go", "on the agenda the mayor fixed", ("A50",),
       value=MEETING_CASE),
    _S("meeting.planned", _ML, "go", "the GO plans a meeting", ("A44", "A45", "A46", "A47"),
       deadline="planned opening", needs_deadline=True, outcomes=MEETING_KINDS,
       needs_outcome=True),
    _S("meeting.convene_decided", _ML, "leader", "the convener decides to convene",
       ("A44", "A45", "A46", "A47"), outcomes=("regular", "adhoc", "on_demand"),
       needs_outcome=True, on_behalf=True),
    _S("meeting.entrusted", _ML, "leader", "the absent convener entrusts a stand-in",
       ("A45", "A47", "AMB-26"), target="the stand-in", needs_target=True,
       on_behalf=True),
    _S("go.arrangement_proposed", _ML, "go", "the GO proposes the agenda", ("A50",),
       value=EFFORT, start=True),
    _S("sg.arrangement_reviewed", _ML, "leader", "the SG reviews it (「经市政府秘书长审定」)",
       ("A50",), value=EFFORT, start=True),
    _S("mayor.agenda_fixed", _ML, "mayor_or_stand_in", "the mayor (or the entrusted executive "
       "VM) fixes it (「报市长确定」)", ("A50",), value=EFFORT, start=True),
    _S("meeting_leave.requested", _ML, "person", "an absent member asks the mayor (or the "
       "acting executive VM), an observer the GO; the mayor asks nobody", ("A51",),
       target="whom leave is asked of", in_person=False),
    _S("meeting.postponed", _ML, "go", "the GO postpones the meeting", ("A45", "AMB-56"),
       outcomes=("no_quorum", "no_chair", "not_ready"), needs_outcome=True),
    _S("meeting.opened", _ML, "chair", "the meeting opens (expected = the roster)", ("A45",),
       value="members present"),
    _S("meeting.decision", _ML, "chair", "decided, on the topic's case",
       ("A44", "A45", "A46", "A47"), value=MEETING_CASE),
    _S("meeting.adjourned", _ML, "chair", "the meeting ends", ("A45",),
       value="length in office minutes (start = the opening)", start=True),
    _S("minutes.drafted", _ML, "go", "minutes drafted by the GO", ("A52", "AMB-51"),
       outcomes=("important",), value=EFFORT, start=True),
    _S("minutes.signed", _ML, "leader", "minutes signed (「由市长签发」)", ("A52",),
       value=EFFORT, start=True),
    _S("minutes.issued", _ML, "go", "minutes issued by the GO (「印发」)", ("A52",)),
    _S("doc.involves", _CS, "department", "the matter touches the powers of a department, at "
       "creation", ("A56",), target="the department touched", needs_target=True),
    _S("cs.requested", _CS, "department", "the lead asks a co-department to countersign",
       ("A59",), target="the co-department", needs_target=True, deadline="its reply limit",
       needs_deadline=True, working_day_deadline=True, reasons=CS_ROUND),
    _S("cs.cannot_meet", _CS, "department", "the co-department tells the lead it cannot reply "
       "in time", ("A59",), target="the lead", needs_target=True, reasons=CS_ROUND),
    _S("cs.extension_agreed", _CS, "department", "the lead agrees a new reply limit",
       ("A59",), target="the co-department", needs_target=True, deadline="the new limit",
       needs_deadline=True, working_day_deadline=True, reasons=CS_ROUND),
    _S("cs.extension_refused", _CS, "department", "the lead keeps the limit (ASSUMPTION: A59 "
       "does not say who may refuse an extension)", ("A59",), target="the co-department",
       needs_target=True, reasons=CS_ROUND),
    _S("cs.replied", _CS, "principal_head", "the co-department's principal head countersigns",
       ("A59",), target="the lead", needs_target=True, outcomes=("agree", "object"),
       needs_outcome=True, reasons=CS_ROUND),
    _S("cs.deemed", _CS, "department", "no reply by the deadline: 「视为无不同意见」, at the "
       "deadline", ("A59",), target="the co-department", needs_target=True,
       deadline="the reply limit", needs_deadline=True, working_day_deadline=True,
       reasons=CS_ROUND),
    _S("cs.replied_late", _CS, "principal_head", "a reply after deeming: logged and ignored",
       ("AMB-19",), target="the lead", needs_target=True, outcomes=("agree", "object"),
       needs_outcome=True, reasons=CS_ROUND),
    _S("cs.negotiated", _CS, "principal_head", "the lead's principal head negotiates with the "
       "objector", ("A56",), target="the objecting department", needs_target=True,
       outcomes=("resolved", "unresolved"), needs_outcome=True),
    _S("cs.dissent_documented", _CS, "department", "the lead lists the objector's grounds and "
       "its own", ("A56",), target="the objecting department", needs_target=True),
    _S("cs.handling_proposed", _CS, "department", "the lead proposes how to handle the "
       "disagreement", ("A56",)),
    _S("cs.joint_signed", _CS, "principal_head", "a co-department co-signs a joint submission "
       "(联合报)", ("A56",), target="the lead", needs_target=True),
    _S("doc.countersigned", _CS, "department", "coordination done", ("A56", "A59"),
       outcomes=("consensus", "dissent", "joint"), needs_outcome=True),
    _S("doc.drafted", _SG, "drafter", "the competent department finished a draft (代拟文稿)",
       ("A59",)),
    _S("doc.principal_signed", _SG, "principal_head", "its principal head signed the sign-off "
       "sheet (签批单)", ("A59",)),
    _S("doc.sent_for_review", _SG, "go", "the GO sends to a leader for co-review (送审, 审签)",
       ("A59", "A61(5)"), target="the leader", needs_target=True, on_behalf=True),
    _S("doc.co_review_signed", _SG, "leader", "a leader whose portfolio is touched co-reviews "
       "(审签)", ("A61(5)",), value=EFFORT, start=True, on_behalf=True),
    _S("sign.authorized", _SG, "leader", "a leader authorises the signer", ("A61(6)", "A61(7)"),
       target="the signer", needs_target=True, reasons=SIGNING_CLASSES),
    _S("doc.sent_for_signature", _SG, "go", "the GO sends to the signer (送签)", ("A59",),
       target="the signer", needs_target=True, on_behalf=True),
    _S("doc.signed", _SG, "leader", "the signer signs; reason = the A61 signing class",
       ("A61",), value=EFFORT, start=True, on_behalf=True, reasons=SIGNING_CLASSES),
    _S("doc.issued", _SG, "go", "the GO issues the signed document", ("A59", "A63")),
    _S("norm.evaluated", _LG, "department", "evaluation and argumentation done (评估论证)",
       ("A21",)),
    _S("norm.consulted", _LG, "department", "the public comment period ended (公开征求意见)",
       ("A21",)),
    _S("legality.submitted", _LG, "department", "sent to the justice bureau for legality "
       "review", ("A21", "A60"), target="the justice bureau", needs_target=True),
    _S("justice.legality_reviewed", _LG, "justice_bureau", "the justice bureau's review",
       ("A21", "A60"), target="the drafting department", needs_target=True,
       outcomes=("pass", "fail"), needs_outcome=True, value=EFFORT, start=True),
    _S("meeting.deliberated", _LG, "leader", "deliberated and decided at a government meeting",
       ("A21", "A61(6)"), outcomes=("pass",), needs_outcome=True),
    _S("norm.registered", _LG, "justice_bureau", "统一登记、统一编制登记号", ("A21",),
       value="registration number"),
    _S("doc.published", _LG, "go", "统一公布", ("A21", "A63")),
    _S("norm.filed", _LG, "go", "备案", ("A21", "A37")),
    _S("gov.consented", _LG, "leader", "a leader consents for the city government to a "
       "contract", ("A60",), value=EFFORT, start=True, on_behalf=True),
    _S("contract.signed", _LG, "department", "the contract is signed in the government's "
       "name", ("A60",)),
    _S("topic.coordinated", _ML, "department", "the lead department agreed it with the related "
       "departments", ("A48",)),
    _S("topic.compliance_reviewed", _ML, "department", "legality and compliance review passed "
       "(the justice bureau, else the lead's legal office)", ("A48",)),
    _S("topic.returned", _ML, "chair", "the meeting returns the topic for rework (an "
       "ASSUMPTION: the text does not say what a meeting does with an unready topic)", (),
       value=MEETING_CASE),
    _S("topic.escalated", _ML, "chair", "a mayor's office or special-topic meeting sends it up "
       "to the executive meeting", ("A45(六)", "A46(二)", "A47(三)"), value=MEETING_CASE),
    _S("go.leave_summary", _ML, "go", "the GO reports observers' leave to the mayor",
       ("A51",), target="the mayor (or the acting executive VM)", needs_target=True,
       value="observers on leave"),
    _S("minutes.reviewed", _ML, "mayor", "the mayor reviews important special-topic minutes "
       "(「审定」)", ("A52",), value=EFFORT, start=True),
    _S("go.implementation_report", _ML, "go", "the GO reports on meeting decisions to the "
       "leaders", ("A53",), value="decisions under supervision (open ledger items), else "
       "issued since the last report", start=True),
    _S("meeting.standing_item", _ML, "chair", "a standing key matter decided at an executive "
       "meeting (安全生产、生态环保), on the meeting's case", ("A45(七)",),
       target="the department", needs_target=True),
    _S("desk.staffed", _DK, "unit", "the unit's desk and its staff, logged on the case of "
       "its first job", (), value="staff of the desk", actor_qualifier="staffed by"),
    _S("desk.job_queued", _DK, "unit", "a job joins the unit's desk (its kind is the reason)",
       ("A57", "A59", "A63"), deadline="the job's deadline, if it has one",
       reasons=DESK_JOB_KINDS, actor_qualifier="queued at"),
    _S("desk.job_done", _DK, "unit", "a staff member finished a job, working in office hours "
       "from start", ("A57", "A59", "A63"), deadline="the job's deadline, if it has one",
       value=EFFORT, start=True, reasons=DESK_JOB_KINDS, actor_qualifier="done by"),
    _S("case.carried", _DOC, "go", "a warm start: a case open at the cut of an earlier log "
       "re-enters the run where it was; one row per deadline it carries (a co-department's "
       "countersign, in the first round or on the dissent version, a department's reply), the "
       "first of the case at its re-entry; outcome object: an objection answered before the "
       "cut, still to negotiate; extended: a limit extended before the cut; also a ledger "
       "item (A70–A74) and an absence under way (A80)",
       ("A56", "A57", "A59", "A70", "A80"), target="who holds it: the co-department or "
       "department owing an answer, the leader, or the sender", deadline="a limit set before "
       "the cut, on the new clock (an absence: its planned end)", outcomes=("object",
       "extended"), reasons=CS_ROUND,
       value="the GO's returns before the cut (A63); a ledger item: the working minutes from "
       "its 立项 to the run's minute 0", actor_qualifier="carried by",
       target_qualifier="held by"),
)
# fmt: on
"""One specification per activity, in code order (the activity code is the position)."""

SPEC: dict[str, ActivitySpec] = {s.name: s for s in ACTIVITY_SPECS}
"""Specifications by activity name."""

ACTIVITIES: tuple[str, ...] = tuple(SPEC)
"""The activity vocabulary, in code order."""

ACTIVITY_PREFIXES: frozenset[str] = frozenset(s.prefix for s in ACTIVITY_SPECS)
"""First parts of activity names (``doc``, ``go``, ``cs`` …)."""


def activities(**where: object) -> tuple[str, ...]:
    """Activities whose specification has every given field value, in code order
    (``activities(family="ledger")``, ``activities(actor="go")``)."""
    return tuple(
        s.name for s in ACTIVITY_SPECS if all(getattr(s, k) == v for k, v in where.items())
    )


def _acted_by(*kinds: str) -> tuple[str, ...]:
    """Activities whose actor role admits only the given actor kinds."""
    return tuple(s.name for s in ACTIVITY_SPECS if set(ROLES[s.actor].kinds) <= set(kinds))


# -- named groups -------------------------------------------------------------------------------

GO_ACTS: tuple[str, ...] = _acted_by("GO")
"""Acts only the General Office does (INV-E03)."""
LEADER_ACTS: tuple[str, ...] = _acted_by(*LEADER_KINDS)
"""Acts only a leader does (INV-E03; A6–A9)."""
UNIT_ACTS: tuple[str, ...] = _acted_by(*UNIT_KINDS)
"""Acts only a unit (or its principal head) does (INV-E03)."""
UPWARD_LEADER_ACTS: tuple[str, ...] = activities(family="documents", actor="leader")
"""A leader's decision on an upward document: approved, read, instructed (A57)."""
DECISION_ACTS: tuple[str, ...] = tuple(
    s.name
    for s in ACTIVITY_SPECS
    if s.actor == "leader" and s.on_behalf and s.value == EFFORT and s.family != "meetings"
)
"""Document work a leader does in person or for an absent leader (补位, A6, A8): approving,
reading, co-reviewing (A61(5)), signing (A61) and consenting to a contract (A60)."""
HANDOVER_ACTS: tuple[str, ...] = tuple(
    a for a in GO_ACTS if SPEC[a].on_behalf and SPEC[a].needs_target
)
"""The GO hands a document to a leader (or the leader's stand-in), who then works on it
(A57, A59, A8)."""
IN_PERSON_ACTS: tuple[str, ...] = tuple(s.name for s in ACTIVITY_SPECS if s.personal)
"""Acts a person does on post, never while away unless remote acts are allowed (A6, A8, A80;
K61): every activity whose actor is a person, less the leave bookkeeping the text expects
from someone away (A51, A80 「外出期间，必须保持通讯联络畅通」)."""
ON_BEHALF_ACTS: tuple[str, ...] = activities(on_behalf=True)
"""Acts that may be done for another leader (补位, A6, A8)."""
SUBSTITUTE_WORK: tuple[str, ...] = tuple(
    s.name for s in ACTIVITY_SPECS if s.on_behalf and s.value in (EFFORT, SESSION)
)
"""Work a leader may do for another, with its length in ``value``: documents, signatures,
topic steps (A48, A49), the ledger's pushes and dispatches (A70) — the substitutes' hours."""
TERMINAL_ACTS: tuple[str, ...] = activities(ends_case=True)
"""Acts ending a case: at most once, nothing of the case follows (INV-E01)."""
DEADLINE_ACTS: tuple[str, ...] = activities(needs_deadline=True)
"""Acts that always set a deadline."""
WORKING_DAY_DEADLINE_ACTS: tuple[str, ...] = activities(working_day_deadline=True)
"""Acts whose deadline is counted in working days and so falls at a close of office (AMB-45,
INV-E04)."""
ENGAGED_ACTS: tuple[str, ...] = ("leader.engaged",)
"""A leader's block away from the desk while on duty (K28): ``start`` to the event's time."""
LEADER_WORK_ACTS: tuple[str, ...] = tuple(
    s.name for s in ACTIVITY_SPECS if s.start and s.value == EFFORT and s.actor in PERSON_ROLES
)
"""A leader's own work at the desk, ``start`` to the event's time (A57, A59, A61; A48, A52)."""
WORK_ACTS: tuple[str, ...] = activities(value=EFFORT)
"""Completed work: ``start`` is when it began and ``value`` its effort (office minutes)."""
MEETING_CASE_ACTS: tuple[str, ...] = activities(value=MEETING_CASE)
"""Topic events naming a meeting: ``value`` is the meeting's case."""
COUNTERSIGN_ACTS: tuple[str, ...] = activities(family="countersign")
"""Countersigning between departments (A56, A59)."""
LEDGER_STEPS: tuple[str, ...] = (
    "ledger.registered",
    "ledger.assigned",
    "ledger.undertaken",
    "ledger.feedback",
    "ledger.verified",
    "ledger.closed",
)
"""立项 → 交办 → 承办 → 反馈 → 核查 → 销号 (A73), in that order."""
LEDGER_MARKS: tuple[str, ...] = tuple(
    s.name
    for s in ACTIVITY_SPECS
    if s.family == "ledger" and s.prefix in ("ledger", "outcome") and s.name not in LEDGER_STEPS
)
"""What the rhythm marks on a ledger item: colour, push, 督办, 约谈, 通报批评 (A70, A74)."""
OUTCOME_ACTS: dict[str, tuple[str, ...]] = {s.name: s.outcomes for s in ACTIVITY_SPECS}
"""Allowed outcomes per activity (empty: none)."""
