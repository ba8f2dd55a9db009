"""The 补位 study's table and figure on a hand-made KPI table (paired differences exact)."""

from __future__ import annotations

import pandas as pd
import pytest

from govsim.plots.substitution import headline, text_table, tradeoff


def kpis() -> pd.DataFrame:
    rows = []
    for rep, noise in enumerate((0.0, 1.0, 2.0)):
        for variant, sign, hours in (("baseline", 6.0, 300.0), ("none", 7.0, 0.0)):
            rows.append({"variant": variant, "point": "load.scale=1.0", "replication": rep,
                         "cycle_request_mean_wd": sign + noise, "sub_load_hours": hours + noise,
                         "absent_wait_items": 10.0, "sign_wait_mean_hours": 1.0,
                         "instr_overdue": 0.0})  # fmt: skip
    return pd.DataFrame(rows)


def test_paired_difference_is_exact_when_the_noise_is_common():
    table = headline(kpis()).set_index(["variant", "metric"])
    row = table.loc[("none", "cycle_request_mean_wd")]
    assert row["mean"] == pytest.approx(8.0)
    assert (row["diff"], row["diff_hw"]) == (pytest.approx(1.0), pytest.approx(0.0))
    assert "Δ +1 ± 0" in text_table(headline(kpis()))


def test_tradeoff_figure_has_one_point_per_policy_but_the_reference():
    fig = tradeoff(kpis())
    (ax,) = fig.axes  # one panel: one load
    assert len(ax.lines) + len(ax.containers) >= 1
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["baseline"]
