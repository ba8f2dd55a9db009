"""``[meetings]``: the four government meetings and the topic pipeline (A43–A53; RULES §3.5, §5).

Major requests the mayor refers to the executive meeting (A7, A27) become topics: the lead
department researches them, the vice mayor in charge confirms, the mayor agrees (A48), the
materials reach the General Office at least 5 working days before the meeting unless special
(A49) and the vice mayor signs them off (A49, AMB-41); the GO proposes the agenda, the
secretary-general reviews it and the mayor fixes it (A50). Meetings are held on a cadence
(K39) and ad hoc (K40), open with a valid chair (A45, AMB-40) and a quorum (A45, K46), and
their minutes are signed by the mayor (A52, AMB-10, K49). The plenary (A44) meets on fixed
months, the mayor's office meeting (A46) on demand when the mayor takes matters to it, and a
vice mayor convenes special-topic meetings (A47) on disagreements inside the portfolio; what
they cannot settle goes up to the executive meeting (A45(六), A46(二), A47(三)). Without the
section (or with ``enabled = false``) none of this exists and a run is exactly what it was
before.

Every field documents its unit and its article or knob; the same text is in
``docs/scenario.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from govsim.core.distributions import Distribution
from govsim.scenario.types import Probability, Strict, dist


class ExecutiveMeetings(Strict):
    """``[meetings.executive]``: cadence, agenda size, chair and quorum (A45, A50; K39–K48)."""

    cadence: Literal["monthly", "fortnightly"] = Field(
        default="monthly",
        description="monthly: the `week_of_month`-th `weekday` of each month (A45 「原则上每月"
        "召开1次」, K39); "
        "fortnightly: every second `weekday` from the first one in the horizon (for comparison).",
    )
    weekday: int = Field(
        default=3, ge=0, le=4, description="0 = Monday … 4 = Friday; default Thursday (K39)."
    )
    week_of_month: Literal[-1, 1, 2, 3, 4] = Field(
        default=-1,
        description="monthly: which `weekday` of the month — 1 … 4, or -1 for the last (K39).",
    )
    holiday_shift: Literal["next_working_day", "earlier", "later"] = Field(
        default="next_working_day",
        description="monthly: where a planned day that is not a working day goes — the next "
        "working day (K39 as catalogued, possibly into the next month), or the nearest working "
        "day `earlier` or `later` inside its own month, else the other way inside the month "
        "(A45 「原则上每月召开1次」, ASSUMPTION).",
    )
    capacity: int = Field(default=8, ge=1, le=100, description="Topics per agenda (K43).")
    base_minutes: float = Field(
        default=30.0, ge=0.0, le=480.0, description="Length of a meeting besides its topics."
    )
    topic_minutes: float = Field(
        default=20.0, ge=0.0, le=240.0, description="Length per topic (K43, A54 「开短会」)."
    )
    arrangement_working_days: int = Field(
        default=3,
        ge=1,
        le=4,
        description="The GO proposes the agenda at the office opening of this working day "
        "before the meeting (after the A49 cut-off).",
    )
    adhoc_urgent_topics: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Convene an ad-hoc meeting when this many urgent topics are ready and "
        "no meeting is planned soon (A45 「可以随时召开」, K40); 0 = never.",
    )
    adhoc_max_wait_working_days: int = Field(
        default=0,
        ge=0,
        le=60,
        description="… or when an urgent topic ready this many working days ago is still on no "
        "agenda and no meeting is planned soon (K40); 0 = never.",
    )
    adhoc_lead_working_days: int = Field(
        default=2, ge=1, le=10, description="Working days from the decision to the ad-hoc meeting."
    )
    entrust_when_mayor_away: bool = Field(
        default=True,
        description="The mayor, away on the day, entrusts the executive vice mayor with the "
        "meeting (an explicit meeting.entrusted, A45, AMB-40); false: the meeting is postponed.",
    )
    standing_item_every: int = Field(
        default=0,
        ge=0,
        le=12,
        description="A45(七) 「定期研究安全生产、生态环保等重点事项」: every n-th regular meeting "
        "studies a standing key matter, which takes one agenda slot and `topic_minutes` and is "
        "decided there (K39 table, RULES §5.6); 0 = none.",
    )
    standing_item_owners: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Departments that carry out the standing items' decisions (e.g. the "
        "emergency management and the ecology bureaus), in turn (A53).",
    )
    quorum_base: Literal["roster", "roster_minus_leave"] = Field(
        default="roster",
        description="「应到人数」: the whole roster, or the roster minus members on leave (K46).",
    )


class Topics(Strict):
    """``[meetings.topics]``: the A48–A49 pipeline of a topic (RULES §5.1; K44, K45, K52)."""

    p_refer: Probability = Field(
        default=0.5,
        description="Share of major requests the mayor refers to the executive meeting instead "
        "of deciding them alone (A7, A27).",
    )
    p_special: Probability = Field(
        default=0.05, description="Share of topics that are special cases (A49, AMB-12, K45)."
    )
    urgent_special: bool = Field(
        default=True, description="Urgent requests are special cases too (AMB-12)."
    )
    lead_working_days: int = Field(
        default=5, ge=1, le=30, description="A49 「会前5个工作日报送」 (K44, AMB-45)."
    )
    merge_vm_steps: bool = Field(
        default=False,
        description="One VM act instead of confirm (A48) and sign-off (A49) (K52, AMB-41).",
    )
    research: Distribution = Field(
        default=dist(dist="lognormal", mean_days=10, cv=0.5),
        description="Working time the lead department needs to research the topic (A48 "
        "「提前充分研究论证」).",
    )
    coordinate: Distribution = Field(
        default=dist(dist="lognormal", mean_days=3, cv=0.5),
        description="Working time to agree it with the related departments (A48 "
        "「与相关部门协调一致」; a topic not consulted is not submitted).",
    )
    compliance_review: Distribution = Field(
        default=dist(dist="lognormal", mean_days=2, cv=0.5),
        description="Working time of the legality and compliance review (A48 "
        "「经合法合规性审查后」; by the justice bureau, ASSUMPTION).",
    )
    p_defer_at_meeting: Probability = Field(
        default=0.0,
        description="Share of discussed topics the meeting defers to a later meeting instead "
        "of deciding (RULES §5.1 row 14, ASSUMPTION).",
    )
    p_return_at_meeting: Probability = Field(
        default=0.0,
        description="Share of discussed topics the meeting returns to the lead department for "
        "rework; they go through the A48 pipeline again (RULES §5.1 row 14, ASSUMPTION).",
    )
    rework: Distribution = Field(
        default=dist(dist="lognormal", mean_days=5, cv=0.5),
        description="Working time the lead department needs to rework a returned topic.",
    )

    @model_validator(mode="after")
    def _shares_at_the_meeting(self) -> Topics:
        """A topic discussed is deferred, returned or decided: the two shares add up to ≤ 1."""
        if self.p_defer_at_meeting + self.p_return_at_meeting > 1.0:
            raise ValueError(
                "p_defer_at_meeting + p_return_at_meeting must be at most 1 (the rest is decided)"
            )
        return self

    confirm: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.5),
        description="VM in charge's effort to confirm the topic (A48).",
    )
    agree: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.5),
        description="Mayor's effort to agree to the topic (A48).",
    )
    sign_off: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.5),
        description="VM in charge's effort to sign the materials off (A49).",
    )


class Agenda(Strict):
    """``[meetings.agenda]``: the A50 arrangement, GO → SG → mayor."""

    propose: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=2, cv=0.3),
        description="GO effort to propose the agenda (A50 「提出安排意见」).",
    )
    review: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=1, cv=0.3),
        description="SG effort to review it (A50 「审定」).",
    )
    fix: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.3),
        description="Mayor's effort to fix it (A50 「确定」).",
    )


class Minutes(Strict):
    """``[meetings.minutes]``: drafting and signing (A52; AMB-10, AMB-51, K49)."""

    draft: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=4, cv=0.3),
        description="GO effort to draft the minutes (AMB-51).",
    )
    sign: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.3),
        description="Signer's effort to sign them (A52).",
    )
    exec_vm_may_sign_when_entrusted: bool = Field(
        default=False,
        description="The executive VM who chaired by entrustment signs (K49); default: the "
        "mayor signs, waiting while away (A52, AMB-10).",
    )


class Plenary(Strict):
    """``[meetings.plenary]``: the plenary meeting (全体会议, A44; RULES §3.5, §5.6)."""

    months: list[Annotated[int, Field(ge=1, le=12)]] = Field(
        default=[1],
        max_length=2,
        description="Months of the year with a plenary (A44 「一般每年召开1—2次」; K41, AMB-39: "
        "once in January, after the People's Congress; add 7 for a second); [] = none.",
    )
    day_of_month: int = Field(
        default=15,
        ge=1,
        le=28,
        description="The plenary is on the first working day on or after this day of the month.",
    )
    capacity: int = Field(
        default=4, ge=0, le=100, description="Topics it decides besides its other tasks (A44(二))."
    )
    base_minutes: float = Field(
        default=120.0, ge=0.0, le=480.0, description="Length besides its topics (A44(一), (三))."
    )
    topic_minutes: float = Field(default=20.0, ge=0.0, le=240.0, description="Length per topic.")
    arrangement_working_days: int = Field(
        default=5,
        ge=1,
        le=20,
        description="The GO proposes the agenda this many working days before; the mayor fixes "
        "it (agenda procedure not stated, ASSUMPTION).",
    )
    entrust_when_mayor_away: bool = Field(
        default=False,
        description="AMB-26: the text names no stand-in for the mayor (A44 「会议由市长召集和"
        "主持」); true lets the mayor entrust the executive VM, false postpones.",
    )


class MayorOffice(Strict):
    """``[meetings.mayor_office]``: the mayor's office meeting (市长办公会议, A46; RULES §5.6)."""

    p_take: Probability = Field(
        default=0.2,
        description="Share of the major requests the mayor does not refer to the executive "
        "meeting that the mayor takes to a mayor's office meeting instead of deciding alone "
        "(A46(三); ASSUMPTION, 0 = never).",
    )
    trigger_topics: int = Field(
        default=3,
        ge=1,
        le=50,
        description="Convene when this many topics wait (on demand, RULES §5.6, ASSUMPTION).",
    )
    max_wait_working_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="… or when the oldest has waited this many working days.",
    )
    lead_working_days: int = Field(
        default=2, ge=1, le=10, description="Working days from the decision to the meeting."
    )
    base_minutes: float = Field(
        default=30.0, ge=0.0, le=480.0, description="Length besides topics."
    )
    topic_minutes: float = Field(default=20.0, ge=0.0, le=240.0, description="Length per topic.")
    p_escalate: Probability = Field(
        default=0.2,
        description="Share of its topics it sends to the executive meeting (A46(二) 「研究处理需"
        "提交市政府常务会议解决的重要问题」); they go through the A48 pipeline.",
    )
    entrust_when_mayor_away: bool = Field(
        default=False,
        description="AMB-26 as for the plenary (A46 「由市长召集和主持」): false postpones.",
    )


class SpecialTopic(Strict):
    """``[meetings.special_topic]``: special-topic meetings (专题会议, A47, A52; RULES §4.4)."""

    p_convene_on_dissent: Probability = Field(
        default=0.3,
        description="Share of non-major requests countersigned with dissent that the leader in "
        "charge takes to a special-topic meeting instead of deciding alone (A47(二) 「协调解决"
        "分管部门之间有意见分歧的问题」; ASSUMPTION, 0 = never).",
    )
    lead_working_days: int = Field(
        default=3,
        ge=1,
        le=20,
        description="Working days from the first waiting topic to the meeting, which takes "
        "every topic of that leader waiting then (on demand per leader, RULES §5.6).",
    )
    base_minutes: float = Field(
        default=30.0, ge=0.0, le=480.0, description="Length besides topics."
    )
    topic_minutes: float = Field(default=30.0, ge=0.0, le=240.0, description="Length per topic.")
    entrust_when_away: bool = Field(
        default=True,
        description="A47 「或…委托市政府秘书长、副秘书长等有关负责同志召集和主持」: a convener "
        "away on the day entrusts the secretary-general (else a deputy on post); false "
        "postpones.",
    )
    p_escalate: Probability = Field(
        default=0.1,
        description="Share of its topics it cannot settle and sends to the executive meeting "
        "(A47(三), A45(六)); they go through the A48 pipeline.",
    )
    signer: Literal["convener", "mayor"] = Field(
        default="convener",
        description="A52 「专题会议纪要由市长或分管有关工作的副市长签发」: the leader in charge "
        "who convened it, or always the mayor.",
    )
    p_important: Probability = Field(
        default=0.2,
        description="Share of its minutes on important matters, which the mayor reviews before "
        "they are issued (A52 「须经市长审定后印发」).",
    )
    review: Distribution = Field(
        default=dist(dist="lognormal", mean_minutes=30, cv=0.3),
        description="Mayor's effort to review important minutes (A52).",
    )


class Meetings(Strict):
    """``[meetings]``: the government's meetings and their topics (A43–A53)."""

    enabled: bool = Field(default=True, description="false ignores the section.")
    implementation_report: Literal["monthly", "none"] = Field(
        default="monthly",
        description="A53 「定期将会议决定事项的落实情况向市政府领导同志报告」: the GO reports "
        "on the meeting decisions on the first working day of each month (K53, AMB-42), once "
        "a decision has been issued; none: no reports.",
    )
    report: Distribution = Field(
        default=dist(dist="lognormal", mean_hours=2, cv=0.3),
        description="GO effort to prepare one report (A53).",
    )
    postpone_working_days: int = Field(
        default=1,
        ge=1,
        le=20,
        description="A meeting without a chair or a quorum is tried again this many working "
        "days later, until it can open (K50, AMB-56).",
    )
    executive: ExecutiveMeetings = ExecutiveMeetings()
    topics: Topics = Topics()
    agenda: Agenda = Agenda()
    minutes: Minutes = Minutes()
    plenary: Plenary = Plenary()
    mayor_office: MayorOffice = MayorOffice()
    special_topic: SpecialTopic = SpecialTopic()
