"""Property tests of the document rules (A55–A63; RULES §8.2 INV-D01 … D17, INV-O01 … O11,
INV-N01, N03): hypothesis generates scenarios with countersign, intake defects, direct
channels, drafts, normative documents and contracts; every log must keep every invariant,
and no document may be lost or duplicated. Then each rule function is broken on purpose
(monkeypatched) and the invariants must catch it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govsim.model.countersign as countersign
import govsim.model.documents as documents
import govsim.model.drafts as drafts
from factory import durations, fixed, make_scenario
from govsim.checks import check_log
from govsim.kpis import CASE_TYPES, replication_kpis
from govsim.model.world import simulate
from govsim.rules.signing import SigningClass, SigningPlan
from test_meetings_properties import busy_meetings_raw, meeting_scenarios
from test_properties import busy_raw, scenarios

TOPICS = [
    "other",
    "to_province",
    "major_policy",
    "motion_to_npc",
    "personnel",
    "overseas_approval",
    "routine_approval",
    "go_business",
    "go_daily",
]


@st.composite
def document_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A generated scenario (as in test_properties) with every document section switched on
    at random strengths."""
    return add_documents(draw, draw(scenarios()))


@st.composite
def document_meeting_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """The document sections on top of generated leave, substitution and executive meetings
    (test_meetings_properties)."""
    return add_documents(draw, draw(meeting_scenarios()))


def add_documents(draw: st.DrawFn, raw: dict[str, Any]) -> dict[str, Any]:
    """``raw`` with [countersign], [intake], [drafts], [legality] and leader_work knobs drawn."""
    depts = [d["id"] for d in raw["departments"] if d.get("kind", "department") == "department"]
    p = st.floats(0.0, 1.0)
    small = st.floats(0.0, 0.12)
    lo = draw(st.integers(1, 5))
    raw["countersign"] = {
        "p_cross_dept_request": draw(p),
        "p_cross_dept_draft": draw(p),
        "n_codepts_weights": draw(st.lists(st.floats(0.1, 1.0), min_size=1, max_size=3)),
        "working_days": draw(st.integers(1, 5)),
        "p_complex": draw(p),
        "complex_limit": draw(st.sampled_from(["5wd", "7cd"])),
        "p_lead_limit": draw(p),
        "lead_limit_working_days": [lo, lo + draw(st.integers(0, 4))],
        "response": draw(durations("days", 0.2, 6.0)),
        "p_object": draw(p),
        "p_extension": draw(p),
        "p_extension_agreed": draw(p),
        "extension_working_days": draw(st.integers(1, 5)),
        "deemed_consent": draw(st.booleans()),
        "deemed_after_extension": draw(st.booleans()),
        "negotiation": draw(durations("days", 0.1, 3.0)),
        "p_resolved": draw(p),
        "dissent_drafting": draw(durations("hours", 0.5, 8.0)),
        "recountersign_dissent": draw(st.booleans()),
        "p_joint": draw(st.floats(0.0, 0.5)),
    }
    raw["intake"] = {
        **{
            f"p_{name}": draw(small)
            for name in (
                "non_submitting_body",
                "skip_level",
                "multi_addressee",
                "dept_scope",
                "informal_form",
                "unsigned",
                "multi_matter",
                "embedded_request",
            )
        },
        "dept_scope_policy": draw(st.sampled_from(["redirect", "return"])),
        "direct_channels": {
            name: draw(st.floats(0.0, 0.1))
            for name in (
                "leader_assigned",
                "classified_direct",
                "major_emergency",
                "foreign_affairs_partial",
            )
        },
    }
    chosen = draw(st.lists(st.sampled_from(TOPICS), min_size=1, max_size=5, unique=True))
    raw["drafts"] = {
        "per_dept_per_week": draw(st.floats(0.0, 3.0)),
        "topics": {t: draw(st.floats(0.1, 1.0)) for t in chosen},
        "p_meeting_decided": draw(p),
        "p_urgent": draw(p),
        "p_wide_ranging": draw(p),
        "p_poor_quality": draw(st.floats(0.0, 0.3)),
        "p_redundant": draw(st.floats(0.0, 0.3)),
        "p_dept_scope": draw(st.floats(0.0, 0.3)),
        "drafting": draw(durations("days", 0.1, 3.0)),
        "vetting": draw(durations("hours", 0.2, 3.0)),
        "revise": draw(durations("days", 0.2, 3.0)),
        "p_mayor_authorises": draw(p),
        "max_resubmissions": draw(st.integers(0, 3)),
    }
    raw["legality"] = {
        "justice_bureau": draw(st.sampled_from(depts)),
        "reviewers": draw(st.integers(1, 3)),
        "review": draw(durations("days", 0.2, 4.0)),
        "p_pass": draw(p),
        "revise": draw(durations("days", 0.2, 3.0)),
        "max_resubmissions": draw(st.integers(0, 3)),
        "normative_per_week": draw(st.floats(0.0, 2.0)),
        "p_gov_rule": draw(p),
        "evaluation": draw(durations("days", 0.2, 4.0)),
        "comment_period_days": draw(st.integers(1, 15)),
        "decision_day": draw(st.integers(1, 28)),
        "contract_per_week": draw(st.floats(0.0, 2.0)),
    }
    raw["leader_work"].update(
        {
            "co_review": draw(durations("minutes", 5, 60)),
            "sign": draw(durations("minutes", 5, 60)),
            "co_review_upward": draw(st.booleans()),
        }
    )
    return raw


def violations_of(world) -> list:
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    return check_log(ev, cases, world.org, world.cal, scenario=world.sc)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=document_scenarios(), replication=st.integers(0, 3))
def test_generated_document_scenarios_keep_every_invariant(
    raw: dict[str, Any], replication: int
) -> None:
    world = simulate(make_scenario(raw), replication)
    found = violations_of(world)
    assert found == [], "\n".join(map(str, found[:10]))

    # Never lost, never duplicated: one row per case, events only of known cases, at most
    # one ending each, and every case closed, withdrawn or open at the horizon.
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    assert cases["case"].is_unique and set(ev["case"]) == set(cases["case"])
    ends = ev.loc[ev["activity"].isin(["doc.closed", "doc.withdrawn"])]
    assert ends["case"].is_unique
    kpis = replication_kpis(ev, cases, world.cal, list(world.org.leaders), 1)
    for ctype in CASE_TYPES:
        assert kpis[f"arrived_{ctype}"] == (
            kpis[f"done_{ctype}"] + kpis[f"withdrawn_{ctype}"] + kpis[f"open_{ctype}"]
        )
        assert kpis[f"open_{ctype}"] >= 0
    documents = cases.loc[cases["case_type"].isin(CASE_TYPES)]
    assert sum(kpis[f"arrived_{c}"] for c in CASE_TYPES) == len(documents)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=document_meeting_scenarios(), replication=st.integers(0, 3))
def test_documents_with_leave_and_meetings_keep_every_invariant(
    raw: dict[str, Any], replication: int
) -> None:
    """Principal heads and leaders away, 补位, and the executive meeting deliberating major
    requests, normative documents and meeting-decided drafts (A21, A45, A61(6))."""
    world = simulate(make_scenario(raw), replication)
    found = violations_of(world)
    assert found == [], "\n".join(map(str, found[:10]))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=document_scenarios())
def test_same_seed_same_document_log(raw: dict[str, Any]) -> None:
    sc = make_scenario(raw)
    a, b = simulate(sc, 2), simulate(sc, 2)
    pd.testing.assert_frame_equal(a.log.to_frame(), b.log.to_frame())
    pd.testing.assert_frame_equal(a.log.cases_frame(), b.log.cases_frame())


# ------------------------------------------------------------ broken rules must be caught


def documents_raw() -> dict[str, Any]:
    """A busy scenario in which every document rule is exercised."""
    raw = busy_raw()
    raw["departments"].append({"id": "jus"})
    raw["leaders"][2]["portfolio"].append("jus")
    raw["countersign"] = {
        "p_cross_dept_request": 0.6,
        "p_cross_dept_draft": 0.6,
        "p_object": 0.3,
        "p_extension": 0.5,
        "p_lead_limit": 0.2,
        "p_complex": 0.3,
        "p_joint": 0.1,
    }
    raw["intake"] = {
        name: 0.05
        for name in (
            "p_non_submitting_body",
            "p_skip_level",
            "p_multi_addressee",
            "p_dept_scope",
            "p_informal_form",
            "p_unsigned",
            "p_multi_matter",
            "p_embedded_request",
        )
    }
    raw["drafts"] = {
        "per_dept_per_week": 2.0,
        "p_urgent": 0.2,
        "p_wide_ranging": 0.3,
        "p_meeting_decided": 0.2,
        "drafting": fixed(days=1),
    }
    raw["legality"] = {
        "justice_bureau": "jus",
        "normative_per_week": 2.0,
        "contract_per_week": 2.0,
        "comment_period_days": 5,
        "review": fixed(days=1),
        "evaluation": fixed(days=1),
    }
    raw["scenario"]["horizon_days"] = 90
    return raw


@pytest.fixture(scope="module")
def clean_world():
    return simulate(make_scenario(documents_raw()))


def test_clean_documents_scenario_has_no_violation(clean_world) -> None:
    ev = clean_world.log.to_frame()
    acts = set(ev["activity"].astype(str))
    assert {
        "cs.deemed",
        "cs.extension_agreed",
        "cs.dissent_documented",
        "cs.joint_signed",
        "doc.co_review_signed",
        "sign.authorized",
        "doc.signed",
        "justice.legality_reviewed",
        "meeting.deliberated",
        "contract.signed",
        "norm.registered",
    } <= acts
    assert violations_of(clean_world) == []


def broken(monkeypatch: pytest.MonkeyPatch, module, name: str, fake) -> set[str]:
    """Invariants violated when ``module.name`` is replaced by ``fake``."""
    monkeypatch.setattr(module, name, fake)
    return {v.invariant for v in violations_of(simulate(make_scenario(documents_raw())))}


def test_wrong_countersign_limit_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Everything gets 4 working days instead of A59's 3 / a week / the lead's own limit.
    found = broken(
        monkeypatch,
        countersign,
        "countersign_deadline",
        lambda cal, t, **kw: cal.add_working_days(t, 4),
    )
    assert "INV-D10" in found


def test_deeming_too_eagerly_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Deems every countersign at the deadline, even where the reply came in time.
    found = broken(monkeypatch, countersign, "deemed_no_objection", lambda *a, **k: True)
    assert "INV-D08" in found


def test_never_deeming_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Waits for every reply although deemed consent is on: 「逾期不回复视为无不同意见」 ignored.
    found = broken(monkeypatch, countersign, "deemed_no_objection", lambda *a, **k: False)
    assert "INV-D09" in found


def test_extension_that_shortens_the_limit_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    found = broken(monkeypatch, countersign, "extended_deadline", lambda cal, d, n: d - 60.0)
    assert "INV-D10" in found


def test_skipping_coordination_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_coordination(w, case, lead, plan, allow_joint=True):
        yield w.env.timeout(0)
        return "consensus"

    assert "INV-D07" in broken(monkeypatch, documents, "coordinate", no_coordination)


def test_go_passing_everything_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    found = broken(monkeypatch, documents, "intake_decision", lambda problem, policy: "pass")
    assert {"INV-D02", "INV-D03", "INV-D04", "INV-D05", "INV-D06", "INV-D13"} <= found


def test_go_blind_to_one_defect_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = documents.first_problem

    def blind(defect, poor, *a):  # does not see bodies that may not submit (A56)
        return real(None if defect == "non_submitting_body" else defect, poor, *a)

    assert broken(monkeypatch, documents, "first_problem", blind) == {"INV-D03"}


def test_wrong_signer_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # The executive VM signs everything.
    def exec_vm_signs(cls, org, matter, **kw):
        return SigningPlan(org.executive_vice_mayor)

    found = broken(monkeypatch, drafts, "signing_plan", exec_vm_signs)
    assert {"INV-O04", "INV-O07", "INV-O08", "INV-O09"} <= found


def test_misclassified_documents_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ignores AMB-29: every document treated as "other" (A61(5)).
    found = broken(monkeypatch, drafts, "signing_class", lambda *a, **k: SigningClass.OTHER_GOV)
    assert {"INV-O04", "INV-O05", "INV-O07", "INV-O09"} <= found


def test_missing_co_review_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    found = broken(monkeypatch, drafts, "co_reviewers", lambda *a, **k: ())
    assert found == {"INV-O06"}


def test_signing_unvetted_drafts_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_vetting(w, case, d, priority, resume=None):
        yield w.env.timeout(0)
        return True

    found = broken(monkeypatch, drafts, "_vetting", no_vetting)
    assert "INV-O01" in found


def test_skipping_legality_review_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_review(w, case, lead, resume=None):
        yield w.env.timeout(0)
        return True

    found = broken(monkeypatch, drafts, "legality_review", no_review)
    assert {"INV-N01", "INV-N03", "INV-O11"} <= found


def test_normative_documents_go_through_the_executive_meeting() -> None:
    """With [meetings], a normative document is a topic of the executive meeting (A21, A48,
    A49) and is signed only after its decision; with leave and 补位 every invariant holds."""
    raw = documents_raw()
    extra = busy_meetings_raw()
    raw["leave"], raw["meetings"] = extra["leave"], extra["meetings"]
    raw["legality"]["normative_per_week"] = 3.0
    raw["scenario"]["horizon_days"] = 150
    world = simulate(make_scenario(raw))
    assert violations_of(world) == []
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    normative = set(cases.loc[cases["case_type"] == "normative", "case"])
    decided = ev.loc[(ev["activity"] == "meeting.decision") & ev["case"].isin(normative)]
    assert len(decided) > 0
    assert not (ev["activity"] == "meeting.deliberated").any()  # no fixed decision date
    signed = 0
    for case in decided["case"]:
        acts = list(ev.loc[ev["case"] == case, "activity"].astype(str))
        assert acts.index("justice.legality_reviewed") < acts.index("topic.submitted")
        if "doc.signed" in acts:
            signed += 1
            assert acts.index("meeting.decision") < acts.index("doc.signed")
    assert signed > 0
    # Substitutes signed for the leader in charge while away (A8, A61(5)).
    assert ev.loc[ev["activity"] == "doc.signed", "on_behalf"].notna().any()


def test_tampered_logs_are_caught(clean_world) -> None:
    """Edits of a clean log that each break one rule."""
    ev, cases = clean_world.log.to_frame(), clean_world.log.cases_frame()
    org, cal = clean_world.org, clean_world.cal

    def found(events: pd.DataFrame) -> set[str]:
        return {v.invariant for v in check_log(events, cases, org, cal, scenario=clean_world.sc)}

    deemed = ev.index[ev["activity"] == "cs.deemed"]
    assert "INV-D09" in found(ev.drop(index=deemed[:1]))  # a deeming that never happened
    early = ev.copy()
    early.loc[deemed[0], "time"] -= 1.0  # a minute early
    assert "INV-D08" in found(early.sort_values("time", kind="stable"))
    signed = ev.index[(ev["activity"] == "doc.signed") & (ev["reason"] == "personnel")]
    forged = ev.copy()
    forged.loc[signed[:1], "actor"] = org.secretary_general
    assert {"INV-O04", "INV-O08"} <= found(forged)
