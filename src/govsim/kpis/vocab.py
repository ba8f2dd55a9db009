"""Every case type and activity name the KPIs read, in one place.

The KPI modules name activities only through these tuples, so a renamed activity or a new
document type is one edit here. The four meeting kinds come from :mod:`govsim.rules.meetings`
(A43).
"""

from __future__ import annotations

from govsim.log.schema import DECISION_ACTS, ENGAGED_ACTS, HANDOVER_ACTS, SUBSTITUTE_WORK
from govsim.log.vocabulary import COLOURS, DEFECTS, DOCUMENT_CASE_TYPES
from govsim.rules.meetings import KINDS

CASE_TYPES = DOCUMENT_CASE_TYPES  # from the log's schema
"""The document case types with per-type counts and cycle times (A55–A63)."""

CLOSED = "doc.closed"
WITHDRAWN = "doc.withdrawn"
REDIRECTED = "redirected"
"""The ``doc.closed`` reason of a document sent to the competent department (A55)."""

GO_RECEIVED = "go.received"
GO_REVIEWED = "go.reviewed"
LEADER_INSTRUCTED = "leader.instructed"
GO_TRANSFERRED = "go.transferred"
DEPT_REPLIED = "dept.replied"
INSTRUCTION_OVERDUE = "instruction.overdue"
GO_WORK = (GO_REVIEWED, GO_TRANSFERRED)
"""The GO's timed work: reviews of submissions and transfers of instructions (A55, A57)."""
GO_HOLDS = ((GO_RECEIVED, GO_REVIEWED), (LEADER_INSTRUCTED, GO_TRANSFERRED))
"""When the GO holds a work item: a submission, then an instruction to transfer (A55, A57)."""

RETURN_REASONS = DEFECTS  # from the log's schema
"""Reasons the GO returns a submission for (A55, A56, A59, A63), one KPI column each."""

LEADER_ACTS = DECISION_ACTS  # from the log's schema
SUB_WORK = SUBSTITUTE_WORK  # every kind of work done for another (A6, A8), from the schema
"""A leader's timed acts on a document: they end the leader's hold and count as work."""
ROUTING = HANDOVER_ACTS  # from the log's schema
"""The moves that put a document into a leader's hands."""

CS_REQUESTED = "cs.requested"
CS_DEEMED = "cs.deemed"
CS_REPLIED = "cs.replied"
CS_REPLIED_LATE = "cs.replied_late"
CS_CANNOT_MEET = "cs.cannot_meet"
CS_EXTENDED = "cs.extension_agreed"
CS_NEGOTIATED = "cs.negotiated"
COUNTERSIGNED = "doc.countersigned"
INVOLVES = "doc.involves"

SENT_FOR_SIGNATURE = "doc.sent_for_signature"
SIGNED = "doc.signed"
CO_REVIEW_SIGNED = "doc.co_review_signed"
SIGN_AUTHORIZED = "sign.authorized"

LEGALITY_SUBMITTED = "legality.submitted"
LEGALITY_REVIEWED = "justice.legality_reviewed"

ABSENCE_START = "absence.start"
ABSENCE_ENDS = ("absence.end", "absence.on_post")
ABSENCE_ON_POST = "absence.on_post"
ABSENCE_RECALL = "absence.recall"
LEAVE_REQUESTED = "leave.requested"
ROLES = ("mayor", "executive_vice_mayor", "vice_mayor", "secretary_general", "department_head")
"""The roles absence days are averaged over (A6, A8, A80)."""

LEDGER_ITEM = "ledger_item"
LEDGER_REGISTERED = "ledger.registered"
CASE_CARRIED = "case.carried"  # a warm start: the case re-enters, registered before the cut
LEDGER_CLOSED = "ledger.closed"
LEDGER_VERIFIED = "ledger.verified"
LEDGER_COLOUR = "ledger.colour"
LEDGER_COLOURS = COLOURS  # from the log's schema
LEDGER_SOURCES = ("instruction", "key_task", "audit", "meeting")
DEKAD_PUSH = "cadence.dekad_push"
MONTHLY_DISPATCH = "cadence.monthly_dispatch"
LEDGER_COUNTS = (
    ("cadence.stocktake", "stocktakes"),
    (DEKAD_PUSH, "dekad_pushes"),
    (MONTHLY_DISPATCH, "monthly_dispatches"),
    ("outcome.supervise", "supervise"),
    ("outcome.admonish", "admonish"),
    ("outcome.criticise", "criticise"),
)
"""Ledger rhythm and A74 outcome activities counted after the warm-up, with their KPI names."""
LEDGER_MARKS = ("supervise", "admonish", "criticise")
"""The A74 outcomes (督办, 约谈, 通报批评), logged as ``outcome.<name>``."""

MEETING_KINDS = KINDS
"""The four meetings of A43 (govsim.rules.meetings)."""
MEETING_PLANNED = "meeting.planned"
MEETING_DECISION = "meeting.decision"
MEETING_POSTPONED = "meeting.postponed"
MEETING_CONVENE = "meeting.convene_decided"
MEETING_OPENED = "meeting.opened"
MEETING_ADJOURNED = "meeting.adjourned"
MEETING_ENTRUSTED = "meeting.entrusted"
TOPIC_SUBMITTED = "topic.submitted"
TOPIC_REFERRED = "topic.referred"
TOPIC_DEFERRED = "topic.deferred"
TOPIC_ON_AGENDA = "topic.on_agenda"
DEFERRAL_REASONS = ("late", "overflow", "not_ready", "at_meeting")
MINUTES_DRAFTED = "minutes.drafted"
MINUTES_SIGNED = "minutes.signed"
MEETING_COUNTS = (
    ("topic.returned", "topics_returned"),
    ("topic.escalated", "topics_escalated"),
)
"""Meeting activities counted after the warm-up, with their KPI names (before the kinds)."""
MEETING_LATE_COUNTS = (
    ("minutes.reviewed", "minutes_reviewed"),
    ("go.implementation_report", "implementation_reports"),
    ("meeting.standing_item", "standing_items"),
)
"""Meeting activities counted after the warm-up, with their KPI names (after the minutes)."""

ENGAGED = ENGAGED_ACTS  # a leader's block away from the desk (K28), from the log's schema
