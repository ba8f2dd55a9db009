"""What the text says of each kind of government meeting, as one table (RULES §3.5, §5):
members and observers (A44–A47, A51), who convenes (A44–A47), who may chair in the
convener's stead (A45, A47; AMB-26), how the agenda is settled (A50; AMB-24) and who signs
the minutes (A52; AMB-10). The meeting checks read :data:`KINDS`; none branches on a kind's
name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from govsim.core.org import Organisation
from govsim.scenario.models import Scenario

People = Callable[[Organisation], set[str]]


def _roles(org: Organisation, *roles: str) -> set[str]:
    return {ld for ld, role in org.leader_roles.items() if role in roles}


def roster(org: Organisation) -> set[str]:
    """A45 「由市长、副市长、市政府秘书长组成」 — deputies are not members (AMB-11)."""
    return _roles(org, "mayor", "executive_vice_mayor", "vice_mayor", "secretary_general")


def _dsgs(org: Organisation) -> set[str]:
    return _roles(org, "deputy_secretary_general")


def _nobody(org: Organisation) -> set[str]:
    return set()


def _knob(part: str) -> Callable[[Scenario | None], bool]:
    """The AMB-26 knob of a meeting part: may a stand-in chair it while the mayor is away."""

    def allowed(sc: Scenario | None) -> bool:
        if sc is None or sc.meetings is None:
            return False
        return bool(getattr(sc.meetings, part).entrust_when_mayor_away)

    return allowed


def _always(sc: Scenario | None) -> bool:
    return True


@dataclass(frozen=True)
class MeetingKind:
    """One kind of meeting.

    ``article``: the article that constitutes it; ``mayors``: convened by the mayor alone
    (A44–A46; a special topic by the mayor or a vice mayor, A47); ``members`` and
    ``observers`` (A44–A47, A51); ``stand_ins``: the roles that may chair in the convener's
    stead and ``stand_in``: whether the scenario lets them (A45, A47; AMB-26);
    ``agenda_article``, ``sg_reviews_agenda``: how its agenda is settled (A50; AMB-24);
    ``convener_signs``: the convening vice mayor may sign the minutes (A52, special topics);
    ``entrusted_signs``: the executive VM who chaired by entrustment may, under K49 (AMB-10);
    ``convene_article``: who decides to convene it (A45 「由市长决定召开」, A47)."""

    article: str
    mayors: bool
    members: People
    observers: People
    stand_ins: tuple[str, ...]
    stand_in: Callable[[Scenario | None], bool]
    agenda_article: str
    sg_reviews_agenda: bool = False
    convener_signs: bool = False
    entrusted_signs: bool = False
    convene_article: str = "A45"


_EVM = ("executive_vice_mayor",)
_SGS = ("secretary_general", "deputy_secretary_general")

KINDS: dict[str, MeetingKind] = {
    # A44 「市政府全体会议由市长、副市长、秘书长和市政府组成部门主要负责人组成」
    "plenary": MeetingKind(
        "A44", True, roster, lambda org: _dsgs(org) | set(org.departments), _EVM,
        _knob("plenary"), "A44",
    ),
    # A45 「市政府常务会议由市长、副市长、秘书长组成」; A50 the agenda
    "executive": MeetingKind(
        "A45", True, roster, _dsgs, _EVM, _always, "A50", sg_reviews_agenda=True,
        entrusted_signs=True,
    ),
    # A46 「由市长、副市长组成，市政府秘书长和市政府副秘书长列席」
    "mayor_office": MeetingKind(
        "A46", True, lambda org: roster(org) - {org.secretary_general},
        lambda org: _dsgs(org) | {org.secretary_general}, _EVM, _knob("mayor_office"), "A46",
    ),
    # A47 「由市长、副市长或市长委托的秘书长、副秘书长召集」
    "special_topic": MeetingKind(
        "A47", False, _nobody, _nobody, _SGS, _always, "A47", convener_signs=True,
        convene_article="A47",
    ),
}  # fmt: skip
MAYORS_MEETINGS = tuple(k for k, spec in KINDS.items() if spec.mayors)
# A kind the log names but the text does not: no members, no stand-in but the SG's, the
# strictest knob.
_OTHER = MeetingKind("A47", False, _nobody, _nobody, _SGS, _knob("mayor_office"), "A46")


def kind_of(name: str | None) -> MeetingKind:
    """The table's entry for a kind (:data:`_OTHER` for a kind the text does not name)."""
    return KINDS.get(name or "", _OTHER)


def stand_in_allowed(sc: Scenario | None, kind: str) -> bool:
    """Whether a stand-in may chair a ``kind`` meeting: always by entrustment for the executive
    meeting (A45) and a special topic (A47); for the plenary and the mayor's office meeting
    only if the scenario's AMB-26 knob says so (R53: the text names none)."""
    return kind_of(kind).stand_in(sc)
