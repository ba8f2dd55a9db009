"""The activity names (and case types) the checks read, in one place.

Every tuple of activity names a check filters the log by is named here, so the checks and the
log's vocabulary (``govsim.log.eventlog.ACTIVITIES``, docs/event-log.md) can be compared at a
glance. Also the actor each activity is done by (INV-E03) and the supervision ledger's step
machine (INV-S01), which are tables over the same names.
"""

from __future__ import annotations

from govsim.log import schema as _schema
from govsim.log import vocabulary as _vocabulary
from govsim.log.schema import (
    DECISION_ACTS,
    HANDOVER_ACTS,
    UPWARD_LEADER_ACTS,
)

LEDGER_STEPS = _schema.LEDGER_STEPS  # the ledger's steps (A73), from the log's schema
LEDGER_MARKS = _schema.LEDGER_MARKS  # the ledger's marks (A70, A74), from the log's schema

# -- case types ---------------------------------------------------------------------------
UPWARD = _vocabulary.UPWARD_CASE_TYPES  # from the log's schema
OUTGOING = _vocabulary.OUTGOING_CASE_TYPES  # from the log's schema

# -- whole-case ---------------------------------------------------------------------------
TERMINAL = ("doc.closed", "doc.withdrawn", "ledger.closed")
WORKING_DAY_DEADLINES = (
    "go.transferred",
    "instruction.overdue",
    "dept.replied",
    "cs.requested",  # A59 limits, counted in working days (AMB-45; 7 calendar days end on one)
    "cs.extension_agreed",
    "cs.deemed",
)

# -- intake and leaders' acts on documents (A55, A57, A59, A63) ---------------------------
LEADER_ACTS = UPWARD_LEADER_ACTS  # from the log's schema
# Reaching a leader through the GO (A55): routing, co-review and the leaders' acts.
REACH_LEADER = ("doc.routed", "doc.co_review_signed", *LEADER_ACTS)
# A leader's act on a document, which the GO's review comes before (A57 「由市政府办公室审核」,
# A59 「不直接签批未经市政府办公室审理的公文文稿」).
LEADER_DOCUMENT_ACTS = (*LEADER_ACTS, "doc.co_review_signed", "sign.authorized", "doc.signed")
# Everything that hands a document to a leader or is a leader's act on it: after the GO's
# review passed it (A57, A59), outside A55's direct channels.
AFTER_GO_REVIEW = (
    *REACH_LEADER,
    "doc.rerouted",
    "doc.sent_for_review",
    "doc.sent_for_signature",
    "sign.authorized",
    "doc.signed",
    "gov.consented",
)
SUBMISSION_ACTS = ("doc.submitted", "go.received", "go.reviewed", "doc.closed")
ROUTINGS = ("doc.routed", "doc.rerouted")
UPWARD_DECISIONS = (*LEADER_ACTS, "meeting.decision", "doc.closed")
APPROVAL_ACTS = ("leader.approved", "meeting.decision")
READING_ACTS = ("leader.circle_read", "leader.instructed")
DELIBERATION = ("meeting.deliberated", "meeting.decision")

# -- countersign (A56, A59) ----------------------------------------------------------------
CS_ACTS = (
    "doc.involves",
    "cs.requested",
    "cs.cannot_meet",
    "cs.extension_agreed",
    "cs.extension_refused",
    "cs.replied",
    "cs.deemed",
    "cs.replied_late",
    "cs.negotiated",
    "cs.dissent_documented",
    "cs.handling_proposed",
    "cs.joint_signed",
    "doc.countersigned",
    "doc.submitted",
)
# Acts between the parties as a whole, outside any request round.
CS_PARTY_ACTS = (
    "cs.negotiated",
    "cs.dissent_documented",
    "cs.handling_proposed",
    "cs.joint_signed",
)
# Round acts naming the co-department as target (the others name it as actor).
CS_TO_DEPARTMENT = ("cs.requested", "cs.extension_agreed", "cs.extension_refused", "cs.deemed")
CS_CONSENTS = ("cs.replied", "cs.joint_signed")

# -- outgoing documents, signing, contracts, normative documents (A20, A21, A59–A61) -------
SIGNING_ACTS = (
    "doc.involves",
    "doc.co_review_signed",
    "sign.authorized",
    "meeting.deliberated",
    "meeting.decision",
    "doc.signed",
)
VETTING_ACTS = ("go.reviewed", "doc.signed")
SIGN_OFF_ACTS = ("doc.principal_signed", "go.received")
CONTRACT_ACTS = ("justice.legality_reviewed", "gov.consented", "contract.signed")
RULE_REVIEW_ACTS = ("justice.legality_reviewed", *DELIBERATION)
NORMATIVE_CHAIN = (
    ("evaluation", "norm.evaluated", None),
    ("public comment", "norm.consulted", None),
    ("legality review", "justice.legality_reviewed", "pass"),
    ("deliberation", "meeting.deliberated", None),
    ("publication", "doc.published", None),
)

# -- supervision ledger (A70, A73) ---------------------------------------------------------
# 立项 → 交办 → 承办 → 反馈 → 核查 → 销号, with 核查 failing back to 承办 (A73, AMB-16).
LEDGER_NEXT: dict[str | None, tuple[str, ...]] = {
    None: ("ledger.registered",),
    "ledger.registered": ("ledger.assigned",),
    "ledger.assigned": ("ledger.undertaken",),
    "ledger.undertaken": ("ledger.feedback",),
    "ledger.feedback": ("ledger.verified",),
    "verified:fail": ("ledger.undertaken",),
    "verified:pass": ("ledger.closed",),
    "ledger.closed": (),
    # carried across a warm start's cut: any step after 立项 may come next (A73)
    "case.carried": ("ledger.assigned", "ledger.undertaken", "ledger.feedback", "ledger.verified"),
}
# Done by the item's owner department, or (the push) its leader in charge (A8, A73).
ITEM_OWNER_ACTS = ("ledger.undertaken", "ledger.feedback", "ledger.colour", "ledger.pushed")

# -- leave and substitution (A6, A8, A80) --------------------------------------------------
BACK_ON_POST = ("absence.end", "absence.on_post")
SUBSTITUTABLE_ACTS = DECISION_ACTS  # from the log's schema
HAND_OVERS = HANDOVER_ACTS  # from the log's schema
ON_BEHALF_ACTS = _schema.ON_BEHALF_ACTS  # acts that may be done for another (from the schema)
MAYOR_ONLY_ACTS = ("leader.approved", "leader.circle_read")
SUBSTITUTION_MARKS = ("substitution.start", "substitution.end")
# What an absent person does not do (A6, A8, A80; principal heads' signatures, A56, A59): every
# activity the log's schema marks as done in person, so a new activity cannot escape.
PERSONAL_ACTS = _schema.IN_PERSON_ACTS

# -- meetings (A44–A53) ---------------------------------------------------------------------
A48_STEPS = (
    "topic.researched",
    "topic.coordinated",
    "topic.compliance_reviewed",
    "topic.vm_confirmed",
    "topic.mayor_agreed",
)
# A50: the GO proposes the agenda, the SG reviews it (executive meeting), the mayor fixes it.
AGENDA_ACTS = ("go.arrangement_proposed", "sg.arrangement_reviewed", "mayor.agenda_fixed")
MINUTES_BY_MAYOR = ("minutes.reviewed", "minutes.signed")
DECISIONS_TO_SUPERVISE = ("meeting.decision", "meeting.standing_item")

# -- who does what (INV-E03; A20, A21, A44–A61, A70–A74, A80) ------------------------------
# Activity → the role key of its actors (resolved against the organisation in engineering.py).
ACTOR_ROLES: dict[str, str] = {
    **dict.fromkeys(
        (
            "go.received",
            "go.reviewed",
            "doc.routed",
            "go.transferred",
            "doc.closed",
            "instruction.overdue",
        ),
        "go",
    ),
    **dict.fromkeys(LEADER_ACTS, "leaders"),
    **dict.fromkeys(("doc.submitted", "doc.withdrawn", "dept.replied"), "units"),
    # Supervision ledger (A70, A73, A74): the GO registers, assigns, verifies, closes and
    # criticises; the owner department undertakes, reports and takes stock; leaders push;
    # the mayor dispatches.
    "doc.rerouted": "go",
    "leave.requested": "units",
    "leave.reported": "leaders_but_mayor",
    "leave.filed": "leaders_but_mayor",
    "leave.approved": "leaders",
    "absence.start": "people",
    "absence.end": "people",
    "absence.on_post": "people",
    "absence.recall": "mayor_evm_or_sg",  # the SG when both are away (A6, A9)
    "substitution.start": "go",
    "substitution.end": "go",
    **dict.fromkeys(
        (
            "ledger.registered",
            "ledger.assigned",
            "ledger.verified",
            "ledger.closed",
            "outcome.criticise",
        ),
        "go",
    ),
    **dict.fromkeys(
        ("ledger.undertaken", "ledger.feedback", "ledger.colour", "cadence.stocktake"),
        "departments",
    ),
    "ledger.pushed": "leaders",
    "cadence.dekad_push": "leaders",
    # the mayor's, or the executive VM's for the absent mayor (A6; AMB-09)
    "cadence.monthly_dispatch": "mayor_or_evm",
    "outcome.supervise": "mayor_or_evm",
    "outcome.admonish": "mayor_or_evm",
    # Meetings (A44–A52): the GO plans, arranges, records and issues; the mayor (a VM for
    # a special topic, A47) decides to convene and entrusts; the mayor agrees and fixes the
    # agenda; the SG reviews it; leaders refer, confirm, sign off, chair and sign (who
    # exactly: INV-M01, M02, M04, M08); departments research, coordinate and (the justice
    # bureau or the lead) review compliance (A48).
    "meeting.planned": "go",
    "meeting.convene_decided": "leaders",
    "meeting.entrusted": "leaders",
    "topic.coordinated": "departments",
    "topic.compliance_reviewed": "departments",
    "topic.returned": "leaders",
    "topic.escalated": "leaders",
    "go.leave_summary": "go",
    "go.implementation_report": "go",
    "meeting.standing_item": "leaders",
    "minutes.reviewed": "mayor",
    "topic.referred": "leaders",
    "topic.researched": "departments",
    "topic.vm_confirmed": "leaders",
    "topic.mayor_agreed": "mayor_or_evm",  # A48; the executive VM for the absent mayor (A6)
    "topic.submitted": "departments",
    "topic.signed_off": "leaders",
    "topic.deferred": "go",
    "topic.on_agenda": "go",
    "go.arrangement_proposed": "go",
    "sg.arrangement_reviewed": "sg",
    "mayor.agenda_fixed": "mayor_or_evm",
    "meeting_leave.requested": "people",
    "meeting.postponed": "go",
    "meeting.opened": "leaders",
    "meeting.decision": "leaders",
    "meeting.adjourned": "leaders",
    "minutes.drafted": "go",
    "minutes.signed": "leaders",
    "minutes.issued": "go",
    # A56, A59: countersigns are between the lead and departments, by principal heads.
    "doc.involves": "units",
    "cs.requested": "units",
    "cs.cannot_meet": "departments",
    "cs.extension_agreed": "units",
    "cs.extension_refused": "units",
    "cs.replied": "departments",
    "cs.deemed": "units",
    "cs.replied_late": "departments",
    "cs.negotiated": "units",
    "cs.dissent_documented": "units",
    "cs.handling_proposed": "units",
    "cs.joint_signed": "departments",
    "doc.countersigned": "units",
    # A58–A61: drafted by departments (the GO for its own daily work), vetted, sent for
    # review and signature, issued by the GO; reviewed, authorised, signed by leaders.
    "doc.drafted": "departments_and_go",
    "doc.principal_signed": "departments",
    "doc.sent_for_review": "go",
    "doc.co_review_signed": "leaders",
    "sign.authorized": "leaders",
    "doc.sent_for_signature": "go",
    "doc.signed": "leaders",
    "doc.issued": "go",
    # A20, A21, A60: legality review by the justice bureau (a department).
    "norm.evaluated": "departments",
    "norm.consulted": "departments",
    "legality.submitted": "departments",
    "justice.legality_reviewed": "departments",
    "meeting.deliberated": "leaders",
    "norm.registered": "departments",
    "doc.published": "go",
    "norm.filed": "go",
    "gov.consented": "leaders",
    "contract.signed": "departments",
    # Each unit's desk (A57, A59, A63).
    **dict.fromkeys(("desk.staffed", "desk.job_queued", "desk.job_done"), "units"),
}
ENGAGED = _schema.ENGAGED_ACTS  # a leader's block away from the desk (K28), from the schema
LEADER_WORK = _schema.LEADER_WORK_ACTS  # a leader's own desk work with its start (schema)
