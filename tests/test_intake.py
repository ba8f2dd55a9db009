"""The GO catches and counts every kind of non-compliant submission (A55, A56, A59, A63;
RULES R01–R11, R15, §4.1 rows 7–9, INV-D01 … D06, D13, O03; AMB-17, K19, K20, K69).

Each test makes every first submission carry one defect and checks that the GO returns (or
redirects) each with that reason, that the revised resubmission passes, that the KPI
counts them, and that the log satisfies every invariant.
"""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd
import pytest

from factory import BASE, fixed, make_scenario
from govsim.checks import check_log
from govsim.kpis import replication_kpis
from govsim.model.world import simulate


def busy(**sections: Any) -> dict[str, Any]:
    raw = copy.deepcopy(BASE)
    raw["load"].update(
        {"poisson": True, "request_per_dept_per_week": 4.0, "report_per_dept_per_week": 4.0}
    )
    raw["general_office"]["review"] = fixed(minutes=20)
    raw["general_office"]["revise"] = fixed(hours=4)
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return raw


def run(raw: dict[str, Any]) -> tuple[Any, pd.DataFrame, dict[str, float]]:
    world = simulate(make_scenario(raw))
    ev, cases = world.log.to_frame(), world.log.cases_frame()
    found = check_log(ev, cases, world.org, world.cal, scenario=world.sc)
    assert found == [], "\n".join(map(str, found[:10]))
    kpis = replication_kpis(ev, cases, world.cal, list(world.org.leaders), 1)
    return world, ev, kpis


def reviews_after(ev: pd.DataFrame, reason: str) -> pd.DataFrame:
    """For each submission carrying ``reason``, the GO review that followed it."""
    rows = []
    for _, case_ev in ev.groupby("case"):
        case_ev = case_ev.reset_index(drop=True)
        subs = case_ev.index[
            (case_ev["activity"] == "doc.submitted") & (case_ev["reason"] == reason)
        ]
        for i in subs:
            nxt = case_ev.loc[i + 1 :]
            rows.append(nxt.loc[nxt["activity"] == "go.reviewed"].iloc[0])
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("field", "reason", "senders", "kind"),
    [
        ("p_non_submitting_body", "non_submitting_body", {"d_a", "d_b"}, None),  # A56
        ("p_skip_level", "skip_level", {"c1"}, None),  # A55 越级行文
        ("p_multi_addressee", "multi_addressee", None, None),  # A55 多头主送
        ("p_informal_form", "informal_form", None, None),  # A56 参阅件 …
        ("p_unsigned", "unsigned", None, None),  # A56 主要负责人签发
        ("p_multi_matter", "multi_matter", None, "request"),  # A56 一文一事
        ("p_embedded_request", "embedded_request", None, "report"),  # A56 夹带请示
    ],
)
def test_each_defect_is_returned_with_its_reason_and_counted(
    field: str, reason: str, senders: set[str] | None, kind: str | None
) -> None:
    world, ev, kpis = run(busy(intake={field: 1.0}))
    cases = world.log.cases_frame().set_index("case")
    first = ev.loc[ev["activity"] == "doc.submitted"].groupby("case").head(1)
    carrying = first.loc[first["reason"] == reason]
    expected = cases.loc[first["case"]]
    if senders is not None:
        expected = expected.loc[expected["sender"].isin(senders)]
    if kind is not None:
        expected = expected.loc[expected["case_type"] == kind]
    assert len(carrying) == len(expected) > 5  # exactly the documents it applies to
    reviews = reviews_after(ev, reason)
    assert (reviews["outcome"] == "return").all() and (reviews["reason"] == reason).all()
    assert kpis[f"go_return_{reason}"] == len(reviews) == len(carrying)
    assert kpis["go_returns"] == len(reviews)
    # The revision removes the defect: every resubmission is clean and passes.
    subs = ev.loc[(ev["activity"] == "doc.submitted") & ev["case"].isin(carrying["case"])]
    again = subs.groupby("case").nth(1)
    assert len(again) > 0 and again["reason"].isna().all()
    passed = ev.loc[(ev["activity"] == "go.reviewed") & (ev["outcome"] == "pass")]
    assert set(again["case"]) <= set(passed["case"])


def test_department_matters_are_redirected_and_end() -> None:
    # A55 「凡属市政府部门职责范围内的事项 … 不得报市政府」; AMB-17 default: redirect.
    world, ev, kpis = run(busy(intake={"p_dept_scope": 1.0}))
    reviews = reviews_after(ev, "dept_scope")
    assert len(reviews) > 5 and (reviews["outcome"] == "redirect").all()
    assert kpis["go_redirect_dept_scope"] == len(reviews)
    assert kpis["redirected_request"] + kpis["redirected_report"] == len(reviews)
    assert not (ev["activity"] == "doc.routed").any()
    closed = ev.loc[ev["activity"] == "doc.closed"]
    assert (closed["reason"] == "redirected").all()
    # Redirected to the department whose matter it is.
    cases = world.log.cases_frame().set_index("case")
    assert (
        closed["target"].astype(str).to_numpy()
        == cases.loc[closed["case"], "matter"].astype(str).to_numpy()
    ).all()


def test_department_matters_returned_under_the_return_policy() -> None:
    _, ev, kpis = run(busy(intake={"p_dept_scope": 1.0, "dept_scope_policy": "return"}))
    reviews = reviews_after(ev, "dept_scope")
    assert len(reviews) > 5 and (reviews["outcome"] == "return").all()
    assert kpis["go_return_dept_scope"] == len(reviews) and kpis["go_redirect_dept_scope"] == 0


def test_poor_quality_is_returned_with_its_reason() -> None:
    # A63 「要一律退回」, on every submission still of poor quality.
    raw = busy()
    raw["load"].update({"p_poor_quality": 0.5, "p_poor_after_revision": 0.5})
    _, ev, kpis = run(raw)
    reviews = reviews_after(ev, "poor_quality")
    assert len(reviews) > 5 and (reviews["outcome"] == "return").all()
    assert kpis["go_return_poor_quality"] == len(reviews) == kpis["go_returns"]


def test_direct_channels_skip_the_go_and_only_they_may() -> None:
    # A55's exceptions: 直接交办、涉密、重大突发事件、部分涉外 reach a leader directly; the
    # resulting instruction still goes through the GO (A57).
    raw = busy(
        intake={"direct_channels": {"leader_assigned": 0.3, "major_emergency": 0.2}},
        instructions={"p_request": 1.0},
    )
    world, ev, _ = run(raw)
    cases = world.log.cases_frame()
    direct = set(cases.loc[cases["channel"] != "go", "case"])
    assert direct and set(cases.loc[cases["channel"] == "major_emergency", "case"])
    in_direct = ev.loc[ev["case"].isin(direct)]
    assert not in_direct["activity"].isin(["go.received", "go.reviewed", "doc.routed"]).any()
    assert in_direct["activity"].isin(["leader.approved", "leader.circle_read"]).any()
    assert (in_direct.loc[in_direct["activity"] == "go.transferred", "actor"] == "GO").all()
    # INV-D01 allows the four channels only: call them "go" and the same log breaks it.
    relabelled = cases.assign(channel=pd.Categorical(["go"] * len(cases)))
    found = check_log(ev, relabelled, world.org, world.cal, only=["INV-D01"])
    assert found and {v.invariant for v in found} == {"INV-D01"}


def test_outgoing_drafts_vetting_reasons() -> None:
    # A59 department matters go back to the department (redirect); A63 redundant drafts are
    # returned and dropped; poor drafts are returned and revised.
    raw = busy(
        drafts={
            "per_dept_per_week": 6.0,
            "p_dept_scope": 0.2,
            "p_redundant": 0.2,
            "p_poor_quality": 0.3,
            "drafting": fixed(hours=4),
            "vetting": fixed(minutes=30),
        }
    )
    raw["load"].update({"request_per_dept_per_week": 0.0, "report_per_dept_per_week": 0.0})
    _, ev, kpis = run(raw)
    assert kpis["go_redirect_dept_scope"] > 0 and kpis["redirected_draft"] > 0
    assert kpis["go_return_redundant"] > 0 and kpis["go_return_poor_quality"] > 0
    redundant = reviews_after(ev, "redundant")
    after = ev.loc[ev["case"].isin(redundant["case"])].groupby("case").tail(1)
    assert (after["activity"] == "doc.withdrawn").all()  # 「一律不制发文件」
    assert kpis["arrived_draft"] == (
        kpis["done_draft"] + kpis["withdrawn_draft"] + kpis["open_draft"]
    )
