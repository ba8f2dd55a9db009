"""Scenario sections for documents ([countersign], [intake], [drafts], [legality]): optional,
defaults change nothing, mistakes reported at their line; the deemed-consent knob's effect
is measurable on common random numbers."""

from __future__ import annotations

import copy
import textwrap

import pandas as pd
import pytest

from factory import BASE, fixed, make_scenario
from govsim.kpis import replication_kpis
from govsim.model.world import simulate
from govsim.scenario.load import ScenarioError, load_scenario, parse_scenario

HEAD = """
[scenario]
name = "t"
start = 2025-03-03
horizon_days = 20

[[leaders]]
id = "mayor"
role = "mayor"
portfolio = ["d_a", "d_b"]

[[leaders]]
id = "vx"
role = "executive_vice_mayor"

[[leaders]]
id = "sg"
role = "secretary_general"

[[departments]]
id = "d_a"

[[departments]]
id = "d_b"

[general_office]
reviewers = 1
review = { dist = "fixed", value_hours = 1 }
transfer = { dist = "fixed", value_hours = 1 }
revise = { dist = "fixed", value_hours = 1 }

[leader_work]
approve = { dist = "fixed", value_hours = 1 }
read = { dist = "fixed", value_hours = 1 }

[instructions]
p_request = 0.0
p_report = 0.0
reply = { dist = "fixed", value_days = 1 }
"""


def problems(tail: str) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(HEAD + textwrap.dedent(tail), "s.toml")
    return err.value.problems


def line_of(tail: str, text: str) -> int:
    """The line of the scenario HEAD + tail on which ``text`` is written."""
    return (HEAD + tail).splitlines().index(text) + 1


def test_sections_are_optional() -> None:
    sc = parse_scenario(HEAD, "s.toml")
    assert sc.countersign.p_cross_dept_request == 0.0 and sc.countersign.working_days == 3
    assert sc.countersign.complex_limit == "5wd" and sc.countersign.deemed_consent
    assert sc.intake.dept_scope_policy == "redirect"
    assert sc.drafts.per_dept_per_week == 0.0 and sc.legality.justice_bureau is None


def test_justice_bureau_must_be_a_department() -> None:
    tail = '\n[legality]\njustice_bureau = "nobody"\n'
    n = line_of(tail, 'justice_bureau = "nobody"')
    assert problems(tail) == [f"s.toml:{n}: legality.justice_bureau: 'nobody' is not a department"]


def test_justice_bureau_needed_for_legality_work() -> None:
    tail = "\n[legality]\nnormative_per_week = 1.0\n"
    (line,) = problems(tail)
    assert line.startswith(f"s.toml:{line_of(tail, '[legality]')}: legality: justice_bureau must")


def test_intake_shares_cannot_exceed_one() -> None:
    tail = "\n[intake]\np_unsigned = 0.6\np_informal_form = 0.6\n"
    (line,) = problems(tail)
    assert line.startswith(f"s.toml:{line_of(tail, '[intake]')}: intake:")
    assert "add up to more than 1" in line
    (line,) = problems("\n[intake.direct_channels]\nleader_assigned = 0.7\nmajor_emergency = 0.7\n")
    assert "intake.direct_channels" in line and "more than 1" in line


def test_countersign_knobs_checked_at_their_line() -> None:
    tail = "\n[countersign]\nlead_limit_working_days = [4, 2]\n"
    (line,) = problems(tail)
    n = line_of(tail, "lead_limit_working_days = [4, 2]")
    assert line.startswith(f"s.toml:{n}: countersign.lead_limit_working_days:")
    tail = '\n[countersign]\ncomplex_limit = "2weeks"\n'
    (line,) = problems(tail)
    n = line_of(tail, 'complex_limit = "2weeks"')
    assert line.startswith(f"s.toml:{n}: countersign.complex_limit:")
    (line,) = problems("\n[countersign]\nn_codepts_weights = [0, 0]\n")
    assert "must not all be zero" in line


def test_default_jining_enables_the_document_parts() -> None:
    sc = load_scenario("scenarios/jining.toml")
    assert sc.countersign.p_cross_dept_request > 0 and sc.drafts.per_dept_per_week > 0
    assert sc.legality.justice_bureau == "sfj"
    assert sc.intake.p_unsigned > 0 and sc.legality.normative_per_week > 0


def test_deemed_consent_shortens_countersigning() -> None:
    """A59 「逾期不回复视为无不同意见」 against "wait for every reply", on the same documents and
    the same response times (common random numbers)."""
    raw = copy.deepcopy(BASE)
    raw["scenario"]["horizon_days"] = 60
    raw["load"].update(
        {"poisson": True, "request_per_dept_per_week": 3.0, "report_per_dept_per_week": 0.0}
    )
    raw["countersign"] = {
        "p_cross_dept_request": 1.0,
        "response": {"dist": "exponential", "mean_days": 3.0},
        "p_object": 0.0,
    }
    raw["leader_work"]["co_review"] = fixed(minutes=10)
    off = copy.deepcopy(raw)
    off["countersign"]["deemed_consent"] = False
    rows = []
    for r in (raw, off):
        w = simulate(make_scenario(r), 0)
        ev, cases = w.log.to_frame(), w.log.cases_frame()
        rows.append(replication_kpis(ev, cases, w.cal, list(w.org.leaders), 1))
    on_k, off_k = pd.Series(rows[0]), pd.Series(rows[1])
    assert on_k["cs_requests"] == off_k["cs_requests"] > 10  # the same documents
    assert on_k["cs_deemed"] > 0 and off_k["cs_deemed"] == 0
    assert on_k["cs_duration_mean_wd"] < off_k["cs_duration_mean_wd"]
    # Deeming caps coordination at the limit: the rest of the day of the request (not
    # counted, AMB-45) plus 3 working days.
    assert on_k["cs_duration_p90_wd"] <= 4.0 + 1e-9 < off_k["cs_duration_p90_wd"]
