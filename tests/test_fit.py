"""``govsim fit``: maximum-likelihood efforts with censoring, exact intervals, the fitted
file (validates, every value commented, the rest kept from the base), and bad logs (one
line, exit code 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import govsim
from factory import short_default_scenario
from govsim.cli import main
from govsim.fit.families import fit_duration
from govsim.fit.fitting import clopper_pearson, garwood
from govsim.fit.order import first_out_of_order

ROOT = Path(__file__).resolve().parents[1]


def _lognormal(rng: np.random.Generator, mean: float, cv: float, n: int) -> np.ndarray:
    s2 = np.log1p(cv**2)
    return rng.lognormal(np.log(mean) - s2 / 2, np.sqrt(s2), n)


def test_censored_work_is_counted_not_dropped() -> None:
    # Work open at the log's end took at least as long as it has run: with a quarter of the
    # sample cut at 100 minutes, the mean of what finished is far below the whole sample's,
    # while the censored likelihood's interval holds the fit of the whole sample.
    x = _lognormal(np.random.default_rng(7), 80.0, 0.6, 3000)
    whole = fit_duration(x)
    cut = 100.0
    fitted = fit_duration(x[x < cut], np.full(int((x >= cut).sum()), cut))
    assert whole is not None and fitted is not None and fitted.n_censored > 500
    assert x[x < cut].mean() < 65
    assert fitted.family == "lognormal"
    assert fitted.mean_ci[0] < whole.mean < fitted.mean_ci[1]
    assert fitted.cv_ci is not None and fitted.cv_ci[0] < whole.cv < fitted.cv_ci[1]  # type: ignore[operator]


@pytest.mark.parametrize("family", ["exponential", "gamma", "lognormal"])
def test_the_information_criterion_finds_the_family(family: str) -> None:
    rng = np.random.default_rng(3)
    draw = {
        "exponential": lambda: rng.exponential(30.0, 3000),
        "gamma": lambda: rng.gamma(4.0, 7.5, 3000),  # mean 30, cv 0.5
        "lognormal": lambda: _lognormal(rng, 30.0, 0.5, 3000),
    }[family]
    fitted = fit_duration(draw())
    assert fitted is not None and fitted.family == family
    assert fitted.mean_ci[0] < 30.0 < fitted.mean_ci[1]
    assert fitted.criteria().startswith(f"AIC: {family}; ")


def test_bic_penalises_the_shape_parameter_by_log_n() -> None:
    # 40 exponential draws: the two-parameter gamma fits a little better, enough for AIC
    # (penalty 2 per parameter) but not for BIC (log 40 = 3.69 per parameter).
    x = np.random.default_rng(2).exponential(30.0, 40)
    aic, bic = fit_duration(x), fit_duration(x, criterion="bic")
    assert aic is not None and bic is not None
    assert (aic.family, bic.family) == ("gamma", "exponential")
    assert bic.criteria().startswith("BIC: exponential; gamma +0.1")
    for f in aic.fits.values():
        assert f.bic - f.aic == pytest.approx(len(f.theta) * (np.log(40) - 2))
    with pytest.raises(ValueError, match="criterion"):
        fit_duration(x, criterion="hqc")


def test_too_little_or_no_variation_is_not_fitted() -> None:
    assert fit_duration(np.array([5.0])) is None
    assert fit_duration(np.full(50, 30.0)) is None  # a fixed duration


def test_exact_intervals_by_hand() -> None:
    # Clopper-Pearson 0/10: upper 1 - 0.025^(1/10) = 0.3085; Garwood 0: upper -ln(0.025).
    assert clopper_pearson(0, 10) == pytest.approx((0.0, 0.30850), abs=1e-5)
    assert clopper_pearson(10, 10)[1] == 1.0
    low, high = garwood(np.array([0, 10]))
    assert high[0] == pytest.approx(3.68888, abs=1e-5)
    assert (low[1], high[1]) == pytest.approx((4.79539, 18.39036), abs=1e-4)


def test_out_of_order_position() -> None:
    frame = pd.DataFrame({"case": [0, 1, 0, 1], "time": [5.0, 1.0, 6.0, 0.5]})
    assert first_out_of_order(frame) == 3
    assert first_out_of_order(frame.iloc[:3]) is None


# -- the command --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Sixty days of the default scenario, its log exported as CSV."""
    base = tmp_path_factory.mktemp("fit")
    scenario = short_default_scenario(base, 60)
    sim = govsim.simulate(scenario)
    csv = govsim.export_log(sim, base / "log.csv", format="csv")
    return {"scenario": scenario, "csv": csv, "base": base}


def _fit(short: dict[str, Path], log: Path, out: Path, *extra: str):
    args = ["fit", str(log), "--scenario", str(short["scenario"]), "--out", str(out), *extra]
    return CliRunner().invoke(main, args)


def test_fit_writes_a_commented_scenario_that_validates(short: dict[str, Path]) -> None:
    out = short["base"] / "fitted" / "fitted.toml"
    out.parent.mkdir()
    result = _fit(short, short["csv"], out, "--no-compare")
    assert result.exit_code == 0, result.output
    fitted = govsim.load_scenario(out)
    base = govsim.load_scenario(short["scenario"])
    # kept from the base: what the log cannot tell, e.g. capacity and the countersign rules
    assert fitted.general_office.reviewers == base.general_office.reviewers
    assert fitted.countersign.negotiation == base.countersign.negotiation
    assert fitted.countersign.extension_working_days == base.countersign.extension_working_days
    assert fitted.drafts.topics == base.drafts.topics  # drafts' rate and efforts are fitted
    assert fitted.drafts.p_meeting_decided == base.drafts.p_meeting_decided
    assert fitted.scenario.name == "jining-fitted"
    assert "kept from the base" in result.stdout and "[drafts]" in result.stdout
    text = out.read_text(encoding="utf-8")
    fitted_names = {
        "load": ("p_major", "p_poor_quality"),
        "instructions": ("p_request", "p_report", "p_urgent", "reply", "urgent_reply"),
        "general_office": ("review", "transfer", "revise"),
        "leader_work": ("approve", "read", "co_review"),
        "countersign": ("p_extension", "p_extension_agreed", "p_complex", "p_lead_limit"),
        "drafts": ("per_dept_per_week", "vetting"),
    }
    commented = _section_lines(text, fitted_names)
    # (the same names in other tables — [drafts] p_urgent — are not fitted)
    assert sum("# n=" in line for line in commented) == sum(map(len, fitted_names.values()))
    units = [line for line in text.splitlines() if "request_per_week = " in line]
    assert len(units) == len(base.departments)
    assert all("# request n=" in line and "; report n=" in line for line in units)
    months = [line for line in text.splitlines() if line.lstrip().split(",")[0][:1].isdigit()]
    assert sum("(Garwood)" in line for line in months) == 2  # January, February
    table = result.stdout.split("kept from the base")[0].splitlines()[1:]
    assert max(len(line) for line in table) <= 80
    assert fitted.general_office.review.dist in ("exponential", "lognormal", "gamma")


def _section_lines(text: str, names: dict[str, tuple[str, ...]]) -> list[str]:
    """The lines of the fitted file that set one of ``names`` of their section."""
    section, out = "", []
    for line in text.splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif line.split(" = ")[0] in names.get(section, ()):
            out.append(line)
    return out


def test_bic_is_chosen_by_the_option(short: dict[str, Path]) -> None:
    # --criterion bic: every effort's comment ranks the families by BIC, and the header says
    # so; the scenario still validates (read back before the command ends).
    out = short["base"] / "bic.toml"
    result = _fit(short, short["csv"], out, "--no-compare", "--criterion", "bic")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "family by BIC" in text
    assert "AIC: " not in text and "censored), BIC: " in text
    bad = _fit(short, short["csv"], out, "--no-compare", "--criterion", "hqc")
    assert bad.exit_code == 2 and "hqc" in bad.output


def test_fit_api_compares_against_the_noise_floor(short: dict[str, Path]) -> None:
    outcome = govsim.fit_log(short["csv"], short["scenario"], short["base"] / "api.toml")
    d = outcome.distances
    assert set(d["case_type"]) >= {"request", "report"}
    assert d["floor"].notna().any()
    keys = set(outcome.estimates()["key"])
    assert {"load.p_major", "general_office.review.mean_minutes"} <= keys


def _tamper(short: dict[str, Path], change) -> Path:
    frame = pd.read_csv(short["csv"], dtype=str, keep_default_na=False)
    path = short["base"] / "bad.csv"
    change(frame).to_csv(path, index=False)
    return path


def _swap_times(frame: pd.DataFrame) -> pd.DataFrame:
    case = frame["case"].iloc[0]
    rows = frame.index[frame["case"] == case][[0, -1]]
    for col in ("time", "timestamp"):
        frame.loc[rows, col] = frame.loc[rows[::-1], col].to_numpy()
    return frame


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.drop(columns=["activity"]), "missing column 'activity'"),
        (
            lambda f: f.assign(activity=f["activity"].where(f.index != 3, "doc.lost")),
            "is not a known activity",
        ),
        (_swap_times, "timestamps out of order"),
    ],
    ids=["missing-column", "unknown-activity", "out-of-order"],
)
def test_bad_logs_give_one_line_and_exit_2(short: dict[str, Path], change, message: str) -> None:
    result = _fit(short, _tamper(short, change), short["base"] / "never.toml", "--no-compare")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (short["base"] / "never.toml").exists()


def test_an_optional_attribute_the_log_never_sets_keeps_the_base(short: dict[str, Path]) -> None:
    # An OA export without the ``urgent`` and ``channel`` columns reads as all false / "go":
    # the base's p_urgent and direct channels are kept, not replaced by zero.
    frame = pd.read_csv(short["csv"], dtype=str, keep_default_na=False)
    path = short["base"] / "no_urgent.csv"
    frame.drop(columns=["urgent", "channel"]).to_csv(path, index=False)
    out = short["base"] / "u.toml"
    outcome = govsim.fit_log(path, short["scenario"], out, compare=False, criterion="bic")
    assert "family by BIC" in out.read_text(encoding="utf-8")  # the API's criterion is used
    base = govsim.load_scenario(short["scenario"])
    assert outcome.scenario.instructions.p_urgent == base.instructions.p_urgent
    assert outcome.scenario.intake.direct_channels == base.intake.direct_channels
    assert any(k.startswith("instructions.p_urgent (never set") for k in outcome.fit.kept)


def test_absence_profiles_from_the_leave_in_the_log(tmp_path: Path) -> None:
    # Half a year of the substitution scenario (A6, A8, A80): vice mayors 14 absences a year,
    # department heads 6, lengths uniform over 1–6 and 1–5 working days.
    text = (ROOT / "scenarios" / "substitution.toml").read_text(encoding="utf-8")
    text = text.replace(
        'base = "meetings.toml"', f'base = "{(ROOT / "scenarios" / "meetings.toml").as_posix()}"'
    )
    base = tmp_path / "leave.toml"
    base.write_text(text.replace("[scenario]", "[scenario]\nhorizon_days = 182", 1), "utf-8")
    sc = govsim.load_scenario(base)
    outcome = govsim.fit_log(govsim.simulate(sc), base, tmp_path / "fitted.toml", compare=False)
    est = outcome.estimates().set_index("key")
    for role, per_year in (("vice_mayor", 14.0), ("department_head", 6.0)):
        row = est.loc[f"leave.profiles.{role}.per_year"]
        assert row["low"] < per_year < row["high"], (role, row)
    mean = est.loc["leave.profiles.department_head.duration.mean_minutes"]
    wmpd = govsim.work_calendar(sc).working_minutes_per_day
    assert mean["low"] < 3.0 * wmpd < mean["high"]
    fitted = outcome.scenario.leave.profiles["department_head"]
    assert set(fitted.reasons) <= set(sc.leave.profiles["department_head"].reasons)
    assert sum(fitted.reasons.values()) == pytest.approx(1.0, abs=1e-4)
    assert fitted.holiday_affinity == sc.leave.profiles["department_head"].holiday_affinity
