"""The event log's vocabularies and columns, as data (the activities are in
:mod:`govsim.log.schema`).

Codes are positions in these tuples (:mod:`govsim.log.eventlog` stores them as small
integers), so new names go at the end. Importing this module loads no third-party package.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- actor roles --------------------------------------------------------------------------------

ACTOR_KINDS: tuple[str, ...] = (
    "GO",
    "mayor",
    "executive_vice_mayor",
    "vice_mayor",
    "secretary_general",
    "deputy_secretary_general",
    "department",
    "county",
    "dispatched_agency",
)
"""What an actor is: the General Office, a leader's role (A6–A9) or a unit's kind."""

LEADER_KINDS = ACTOR_KINDS[1:6]
UNIT_KINDS = ACTOR_KINDS[6:]


@dataclass(frozen=True)
class Role:
    """Who may be the actor of an act: a description and the actor kinds it admits."""

    name: str
    kinds: tuple[str, ...]
    description: str


ROLES: dict[str, Role] = {
    r.name: r
    for r in (
        Role("go", ("GO",), "the GO (市政府办公室)"),
        Role("leader", LEADER_KINDS, "a leader (A6–A9)"),
        Role("mayor", ("mayor",), "the mayor"),
        Role(
            "mayor_or_stand_in",
            ("mayor", "executive_vice_mayor"),
            "the mayor, or the executive VM for the mayor (A6, A45)",
        ),
        Role("chair", LEADER_KINDS, "the chair (A44–A47)"),
        Role("unit", UNIT_KINDS, "the unit (department, county, zone)"),
        Role("department", ("department",), "a department"),
        Role(
            "principal_head",
            ("department",),
            "the department's principal head (A56, A59)",
        ),
        Role("justice_bureau", ("department",), "the justice bureau (A20, A21, A60)"),
        Role("drafter", ("GO", "department"), "the drafting department, or the GO (A59)"),
        Role("person", (*LEADER_KINDS, *UNIT_KINDS), "the absent person (a leader or unit head)"),
    )
}
"""Actor roles by name (:attr:`ActivitySpec.actor`)."""


DEFECTS: tuple[str, ...] = (
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
)
"""Submission defects, in the GO's order of checks (A55, A56, A63; RULES R02–R11, R15)."""
SIGNING_CLASSES: tuple[str, ...] = (
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
"""The A61 signing classes (RULES §3.3.1, SigningClass)."""
LEAVE_REASONS: tuple[str, ...] = (
    "out_of_city",
    "visit",
    "vacation",
    "study",
    "family_visit",
    "medical",
)
"""Reasons of an absence (A80), the outcome of ``absence.start``."""
COLOURS: tuple[str, ...] = ("blue", "yellow", "red")
"""Ledger colours 蓝黄红 (A70)."""
MEETING_KINDS: tuple[str, ...] = ("executive", "plenary", "mayor_office", "special_topic")
"""The four government meetings (A44–A47), the outcome of ``meeting.planned``."""

# -- outcomes, reasons and the other vocabularies ------------------------------------------------

OUTCOMES: tuple[str, ...] = (
    "pass",
    "return",
    "on_time",
    "late",
    *LEAVE_REASONS,
    "fail",  # a failed verification (核查), AMB-16; a failed legality review (A21, A60)
    *COLOURS,  # 蓝黄红, A70
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
    "extended",  # a countersign limit extended before a warm start's cut (A59)
)
"""The outcome vocabulary, in code order."""

DESK_JOB_KINDS: tuple[str, ...] = (
    "submission",  # drafting a request or report before the head signs it (A56)
    "revision",  # revising a returned submission or draft (A63)
    "reply",  # the formal reply to an instruction (A57)
    "countersign",  # a co-department's answer to a countersign request, or joint signing (A59)
    "negotiation",  # the lead negotiating an objection (A56)
    "dissent",  # writing up an unresolved dissent with each side's grounds (A56)
    "drafting",  # drafting a document for the government's name, a contract (A59, A60)
    "evaluation",  # a normative document's evaluation (评估论证, A21)
    "research",  # a meeting topic's research, coordination and review (A48)
    "ledger",  # a sitting of work on a ledger item (承办, A70–A73)
)
"""Kinds of job a unit's desk does (``reason`` of the ``desk.job_*`` events)."""

ENGAGEMENT_KINDS: tuple[str, ...] = ("research", "reception", "external_meeting", "event")
"""Kinds of a leader's block away from the desk while on duty (K28; A41, A89, A90)."""

REASONS: tuple[str, ...] = (
    *DEFECTS,
    "redirected",  # a case closed by a redirect to the competent department
    "dissent_version",  # second countersign round, on the version listing the dissent (A56)
    *SIGNING_CLASSES,
    *DESK_JOB_KINDS,
    *(k for k in ENGAGEMENT_KINDS if k not in DESK_JOB_KINDS),  # research: one code for both
)
"""Codes qualifying an act (``reason``), in code order."""

CASE_TYPES: tuple[str, ...] = (
    "request",  # 请示
    "report",  # 报告
    "absence",  # a leave, with its substitution events
    "ledger_item",  # a supervision ledger item (A73)
    "ledger_cadence",  # one per department or leader: its 周盘点 / 旬推进 / 月调度 (A70)
    "meeting",  # one meeting (A44–A52)
    "draft",  # 代拟文稿 (A59)
    "normative",  # 规范性文件 (A21)
    "contract",  # A60
    "go_reports",  # the GO's periodic reports on meeting decisions (A53), one case
    "desk",  # one job at a unit's desk; a desk's first also logs its staff (A57, A59, A63)
    "engagement",  # one per leader: the leader's blocks away from the desk (K28)
)
"""Case types, in code order."""
DOCUMENT_CASE_TYPES: tuple[str, ...] = ("request", "report", "draft", "normative", "contract")
"""Case types that are documents (公文)."""
UPWARD_CASE_TYPES: tuple[str, ...] = ("request", "report")
"""Documents sent up to the city government (A55–A57)."""
OUTGOING_CASE_TYPES: tuple[str, ...] = ("draft", "normative")
"""Documents drafted for the government's or the GO's name (A59, A21)."""

LEDGER_SOURCES: tuple[str, ...] = ("instruction", "key_task", "audit", "meeting")
"""Where a ledger item comes from (A53, A57, A69)."""

CHANNELS: tuple[str, ...] = (
    "go",  # through the General Office (A55 「公文一律送市政府办公室」)
    # A55's exceptions, sent directly to a leader (RULES R01, K20)
    "leader_assigned",  # 市政府领导同志直接交办事项
    "classified_direct",  # 确需直接报送的涉密事项
    "major_emergency",  # 重大突发事件
    "foreign_affairs_partial",  # 部分涉外事项
)
"""How a document reached the city government (A55)."""

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
"""What an outgoing document is (A61 items, A21, A60)."""


# -- columns ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the events or the case table: its name, dtype and meaning; whether a log
    read from disk must have it; the default when it is absent (None: missing/NaN)."""

    name: str
    dtype: str
    meaning: str
    required: bool = False
    default: object = None


EVENT_COLUMN_SPECS: tuple[Column, ...] = (
    Column("time", "float64", "simulation clock, minutes since the scenario start's midnight"),
    Column("case", "int32", "case id", required=True),
    Column("case_type", "category", "the case's type, from the case table"),
    Column("activity", "category", "one of ACTIVITIES", required=True),
    Column("actor", "category", "who acted: GO, a leader id or a unit id", required=True),
    Column("on_behalf", "category", "the leader an act was done for (补位, A8)"),
    Column("target", "category", "who the act is addressed to"),
    Column("outcome", "category", "one of the activity's allowed outcomes"),
    Column("deadline", "float64", "a deadline set by the act (clock minutes)"),
    Column("start", "float64", "for completed work: the clock when work on it began"),
    Column("value", "float64", "the activity's value (ActivitySpec.value)"),
    Column("reason", "category", "a code from REASONS qualifying the act"),
)
"""Columns of :meth:`govsim.log.EventLog.to_frame`, in order (``time`` may be given as an
ISO-8601 ``timestamp`` instead in a file)."""

CASE_COLUMN_SPECS: tuple[Column, ...] = (
    Column("case", "int32", "case id", required=True),
    Column("case_type", "category", "one of CASE_TYPES", required=True),
    Column("sender", "category", "who submitted or raised it", required=True),
    Column("matter", "category", "the department whose portfolio holds it (A57)", required=True),
    Column("major", "bool", "a major matter (重大事项, A57)", required=True),
    Column("poor_quality", "bool", "poor quality at first submission (A63)", default=False),
    Column("mayor_only", "bool", "an A61(2)–(4) item only the mayor signs", default=False),
    Column("created", "float64", "when the case was created (default: its first event)"),
    Column("source", "category", "a ledger item's source (LEDGER_SOURCES)"),
    Column("parent", "int32", "the case a ledger item comes from; −1 if none", default=-1),
    Column("channel", "category", "go, or the A55 direct channel (CHANNELS)", default="go"),
    Column("complex", "bool", "特别复杂的事项 (A59)", default=False),
    Column("lead_limit_wd", "int16", "the lead's countersign limit, working days (A59)", default=0),
    Column("topic", "category", "what an outgoing document is (TOPICS)", default="none"),
    Column("meeting_decided", "bool", "decided at a government meeting (A61(6))", default=False),
    Column("urgent", "bool", "special or urgent (A61(7))", default=False),
    Column("wide_ranging", "bool", "涉及面广 (A61(5))", default=False),
    Column("carried", "bool", "open at a warm start's cut and carried into the run", default=False),
)
"""Columns of :meth:`govsim.log.EventLog.cases_frame`, in order."""

EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMN_SPECS)
CASE_COLUMNS: tuple[str, ...] = tuple(c.name for c in CASE_COLUMN_SPECS)
CASE_ATTRIBUTES: tuple[str, ...] = CASE_COLUMNS[2:]
"""Case columns that a joined (one-file) log repeats on every event row."""
REQUIRED_EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENT_COLUMN_SPECS if c.required)
REQUIRED_CASE_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in CASE_COLUMN_SPECS if c.required and c.name != "case"
)
"""Case columns a log must give (besides ``case``)."""
CASE_VOCABULARIES: dict[str, tuple[str, ...]] = {
    "case_type": CASE_TYPES,
    "source": LEDGER_SOURCES,
    "channel": CHANNELS,
    "topic": TOPICS,
}
"""The vocabulary of each categorical case column that is not an actor."""
