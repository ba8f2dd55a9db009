"""The target search (``[search]``, ``govsim search``): the least setting of an integer knob
whose mean KPI stays at or below a threshold with a stated confidence.

On the M/M/c reduction of the flow (``scenarios/mmc.toml``: the GO alone, 24/7, Poisson
requests, exponential reviews) the answer is known in closed form: the least number of
reviewers ``c`` whose Erlang-C mean wait is under the threshold. The search must find it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from factory import mmc_day
from govsim.cli import main
from govsim.cli_analyse import _describe
from govsim.experiment.search import bound_count, target_search
from govsim.queueing import mmc_mean_wait
from govsim.scenario.load import ScenarioError, parse_scenario

LAM, MU = 0.5, 0.2  # per minute: a = 2.5 Erlangs, as in mmc.toml, with 5× fewer events
THRESHOLD_MINUTES = 0.5

# One day of the M/M/c office: λ = request_per_dept_per_week / 7200 per minute.
MMC_SEARCH = (
    mmc_day("mmc-search")
    + f"""

[general_office]
review = {{ dist = "exponential", mean_minutes = {1 / MU} }}

[load]
request_per_dept_per_week = {LAM * 7200}

[search]
knob = "general_office.reviewers"
low = 3
high = 8
kpi = "go_wait_mean_hours"
threshold = {THRESHOLD_MINUTES / 60}
confidence = 0.9
initial_replications = 4
step = 4
max_replications = 16
"""
)


def erlang_answer(threshold_minutes: float) -> int:
    """The least c > a whose M/M/c mean wait is at or below the threshold."""
    c = math.floor(LAM / MU) + 1
    while mmc_mean_wait(LAM, MU, c) > threshold_minutes:
        c += 1
    return c


def test_search_finds_the_reviewers_erlang_c_says_are_least() -> None:
    expected = erlang_answer(THRESHOLD_MINUTES)
    assert expected == 5  # W(4) = 1.07 min, W(5) = 0.26 min
    result = target_search(parse_scenario(MMC_SEARCH))
    assert result.best == expected
    best, lower = result.settings[expected], result.next_lower
    assert best.decision == "meets" and best.high <= result.spec.threshold
    assert lower is not None and lower.value == expected - 1 and lower.decision == "fails"
    # the intervals hold the theoretical means (in hours)
    for setting in (best, lower):
        assert setting.low <= mmc_mean_wait(LAM, MU, setting.value) / 60 <= setting.high
    diff = result.paired_difference()
    assert diff is not None and diff[1] > 0  # c − 1 waits longer, replication by replication
    # bisection: 8 first, then the middle of what is left; never more than M settings
    looks, settings = bound_count(result.spec)
    assert (looks, settings) == (4, 4)
    assert set(result.settings) <= {3, 4, 5, 6, 7, 8} and len(result.settings) <= settings
    assert result.alpha_per_bound == pytest.approx(0.1 / (2 * looks * settings))
    assert result.replications == sum(len(s.samples) for s in result.settings.values())
    lines = _describe(result)  # what `govsim search` prints under its table
    assert lines[1].startswith("least general_office.reviewers: 5\n  mean ")
    assert lines[2].startswith("next lower, 4: fails (mean ")
    assert lines[3].startswith("  4 − 5, paired on common random numbers: +")
    assert lines[4].startswith(f"replications spent: {result.replications} over ")


def test_no_setting_meets_an_unreachable_target() -> None:
    text = MMC_SEARCH.replace(f"threshold = {THRESHOLD_MINUTES / 60}", "threshold = 0.0")
    result = target_search(parse_scenario(text.replace("high = 8", "high = 4")))
    assert result.best is None and list(result.settings) == [4]
    assert result.settings[4].decision == "fails"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("low = 3", "low = 9"), "search: low (9) must be below high (8)"),
        (("max_replications = 16", "max_replications = 3"), "max_replications must be at least"),
        (("general_office.reviewers", "general_office.staff"), "unknown key (in search)"),
        (("low = 3", "low = 0"), "greater than or equal to 1 (in search)"),
    ],
)
def test_bad_searches_give_one_line_and_exit_2(tmp_path: Path, edit, message) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(MMC_SEARCH.replace(*edit), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        parse_scenario(bad.read_text(encoding="utf-8"), str(bad))
    assert len(err.value.problems) == 1 and message in err.value.problems[0]
    out = CliRunner().invoke(main, ["search", str(bad)])
    assert out.exit_code == 2 and "Traceback" not in out.output


def test_an_unknown_kpi_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        MMC_SEARCH.replace('"go_wait_mean_hours"', '"go_wiat"').replace("high = 8", "high = 4"),
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["search", str(bad), "--workers", "1"])
    assert out.exit_code == 2
    assert out.output.strip().endswith("search.kpi: 'go_wiat' is not a KPI of this scenario")
