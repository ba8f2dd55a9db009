"""Sampled designs (``[design]``): Latin hypercube, Sobol' (Saltelli) and Morris points over
named knobs — how many points, within which bounds, of which types — and the one-line errors
of a bad design. Replication r of every design point runs on the same random numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from factory import mmc_day
from govsim.cli import main
from govsim.experiment.runner import Task, replicate
from govsim.scenario.design_models import Design, Knob
from govsim.scenario.expand import expand
from govsim.scenario.load import ScenarioError, parse_scenario
from govsim.scenario.sampling import design_values, knob_value

DESIGN = (
    mmc_day("mmc-design")
    + """

[load]
request_per_dept_per_week = 720.0

[design]
kind = "KIND"
samples = SAMPLES
knobs."general_office.reviewers" = { type = "integer", low = 3, high = 6 }
knobs."load.scale" = { low = 0.5, high = 1.0 }
knobs."substitution.policy" = { type = "categorical", values = ["none", "designated", "chain"] }
"""
)


def design(kind: str, samples: int) -> str:
    return DESIGN.replace("KIND", kind).replace("SAMPLES", str(samples))


@pytest.mark.parametrize(
    ("kind", "samples", "points"),
    [("lhs", 12, 12), ("sobol", 8, 8 * (3 + 2)), ("morris", 4, 4 * (3 + 1))],
)
def test_design_point_counts_bounds_and_types(kind: str, samples: int, points: int) -> None:
    sc = parse_scenario(design(kind, samples))
    expanded = expand(sc)
    assert len(expanded) == points
    assert len({p.point for p in expanded}) == points  # labels unique even on equal values
    reviewers = [p.scenario.general_office.reviewers for p in expanded]
    scales = [p.scenario.load.scale for p in expanded]
    policies = [p.scenario.substitution.policy for p in expanded]
    assert all(type(r) is int and 3 <= r <= 6 for r in reviewers)
    assert all(type(s) is float and 0.5 <= s <= 1.0 for s in scales)
    assert set(policies) <= {"none", "designated", "chain"}
    if kind == "lhs":  # one point per twelfth of each range: every level is hit
        assert set(reviewers) == {3, 4, 5, 6} and set(policies) == {"none", "designated", "chain"}
        strata = np.floor((np.asarray(scales) - 0.5) / 0.5 * samples)
        assert sorted(strata) == list(range(samples))
    assert [p.overrides["general_office.reviewers"] for p in expanded] == reviewers


def test_the_same_file_gives_the_same_points() -> None:
    a, b = expand(parse_scenario(design("sobol", 4))), expand(parse_scenario(design("sobol", 4)))
    assert [p.point for p in a] == [p.point for p in b]
    other = parse_scenario(design("sobol", 4).replace("[design]", "[design]\nseed = 7"))
    assert [p.point for p in expand(other)] != [p.point for p in a]


@given(
    low=st.integers(-50, 50),
    span=st.integers(1, 20),
    u=st.floats(0.0, 1.0),
)
def test_knob_values_stay_in_bounds(low: int, span: int, u: float) -> None:
    integer = Knob(type="integer", low=low, high=low + span)
    value = knob_value(integer, u)
    assert type(value) is int and low <= value <= low + span
    cont = Knob(low=low, high=low + span)
    assert low <= knob_value(cont, u) <= low + span
    cat = Knob(type="categorical", values=list(range(span + 1)))
    assert knob_value(cat, u) in range(span + 1)


def test_integer_levels_are_equally_likely() -> None:
    knob = Knob(type="integer", low=1, high=4)
    values = [knob_value(knob, u) for u in (np.arange(400) + 0.5) / 400]
    assert np.bincount(values)[1:].tolist() == [100, 100, 100, 100]


BAD = [
    (
        ("low = 3, high = 6", "low = 6, high = 3"),
        'design.knobs."general_office.reviewers": low (6)',
    ),
    (("general_office.reviewers", "general_office.reviewrs"), "reviewrs: unknown key (in design)"),
    (
        ('values = ["none", "designated", "chain"]', "low = 1, high = 3"),
        "low must not be given for a categorical knob",
    ),
    (("low = 3, high = 6", "low = 0, high = 6"), "greater than or equal to 1 (in design)"),
    (("samples = 8", "samples = 6"), "samples must be a power of 2"),
    (
        ('{ type = "integer", low = 3, high = 6 }', "{ low = 3, high = 6 }"),
        "reviewers: input should be a valid integer, got a float",
    ),
    (("[design]", '[sweep]\n"load.scale" = [1.0]\n\n[design]'), "sweep must be empty"),
]


@pytest.mark.parametrize(("edit", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_designs_give_one_line_and_exit_2(tmp_path: Path, edit, message) -> None:
    bad = tmp_path / "bad.toml"
    text = design("sobol", 8).replace(*edit)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text, str(bad))
    (line,) = err.value.problems
    assert message in line
    first = edit[1].split("\n")[0]
    changed = next(i for i, row in enumerate(text.splitlines(), 1) if first in row)
    assert line.startswith(f"{bad}:{changed}: ")
    out = CliRunner().invoke(main, ["validate", str(bad)])
    assert out.exit_code == 2 and out.output.strip() == line


def test_replication_r_has_the_same_random_numbers_at_every_design_point() -> None:
    """Common random numbers: the runner seeds replication r alike at every point, so two
    points that differ only in staffing see the same arrivals (and a new replication does
    not)."""
    text = design("lhs", 2).replace('knobs."load.scale" = { low = 0.5, high = 1.0 }', "")
    points = expand(parse_scenario(text))
    r0, r1 = (p.scenario.general_office.reviewers for p in points)
    assert {r0 <= 4, r1 <= 4} == {True, False}  # one point in each half of the range

    def arrivals(p: int, rep: int) -> float:
        task = Task(0, p, "baseline", points[p].point, rep, 11, points[p].scenario, False, Path())
        return replicate(task)["kpis"]["arrived_request"].iloc[0]

    assert arrivals(0, 0) == arrivals(1, 0)
    assert arrivals(0, 1) == arrivals(1, 1) != arrivals(0, 0)


def test_the_doc_examples_validate_on_top_of_the_minimal_scenario() -> None:
    from test_scenario_docs import snippet

    sc = parse_scenario(snippet("minimal") + "\n" + snippet("design"))
    assert len(expand(sc)) == 8 * (3 + 2)
    sc = parse_scenario(snippet("minimal") + "\n" + snippet("search"))
    assert sc.search is not None and sc.search.set == {"load.scale": 1.3}


EXPECTED_POINTS = {
    "lhs": lambda n, k: n,
    "sobol": lambda n, k: n * (k + 2),
    "morris": lambda n, k: n * (k + 1),
}


@settings(max_examples=25, deadline=None)
@given(
    kind=st.sampled_from(sorted(EXPECTED_POINTS)),
    log_n=st.integers(1, 5),
    specs=st.lists(
        st.one_of(
            st.tuples(st.just("continuous"), st.floats(-1e3, 1e3), st.floats(1e-3, 1e3)),
            st.tuples(st.just("integer"), st.integers(-20, 20), st.integers(1, 30)),
            st.tuples(st.just("categorical"), st.just(0), st.integers(2, 6)),
        ),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(0, 2**31),
)
def test_any_design_has_its_point_count_and_stays_in_bounds(kind, log_n, specs, seed) -> None:
    knobs: dict[str, dict[str, object]] = {}
    for i, (kind_of_knob, low, span) in enumerate(specs):
        if kind_of_knob == "categorical":
            knobs[f"k{i}"] = {"type": "categorical", "values": [f"v{j}" for j in range(span)]}
        else:
            knobs[f"k{i}"] = {"type": kind_of_knob, "low": low, "high": low + span}
    design = Design.model_validate(
        {"kind": kind, "samples": 2**log_n, "seed": seed, "knobs": knobs}
    )
    values = design_values(design)
    assert len(values) == EXPECTED_POINTS[kind](2**log_n, len(specs))
    for point in values:
        for name, value in point.items():
            knob = design.knobs[name]
            if knob.type == "categorical":
                assert value in (knob.values or [])
            else:
                assert knob.low <= value <= knob.high  # type: ignore[operator]
                assert (type(value) is int) == (knob.type == "integer")
