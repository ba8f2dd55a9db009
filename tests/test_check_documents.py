"""`govsim check` on the default scenario's log (countersign, intake, drafts, contracts): one
injected violation per document invariant (INV-D02…D12, D15, O01…O09, O11, N01, N03; A20,
A21, A55–A61, A63), each reported exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from govsim.core.calendar import build_calendar
from govsim.scenario.load import load_scenario
from test_check import invoke, reported, short_scenario, write

Inject = Callable[[pd.DataFrame, set[str], Path], pd.DataFrame]


@pytest.fixture(scope="module")
def docs_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The default scenario over 45 days, one replication, exported as CSV."""
    base = tmp_path_factory.mktemp("check_documents")
    scenario = short_scenario(base)
    out = base / "results"
    result = invoke(
        "run", scenario, "--reps", "1", "--seed", "11", "--out", out, "--workers", "1",
        "--events", "all", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in (out / "jining").iterdir() if p.is_dir())
    csv = base / "clean.csv"
    assert invoke("export", folder, "--format", "csv", "--out", csv).exit_code == 0
    return {"scenario": scenario, "csv": csv}


@pytest.fixture
def docs_frame(docs_run: dict[str, Path]) -> pd.DataFrame:
    return pd.read_csv(docs_run["csv"], dtype=str, keep_default_na=False)


def num(f: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(f[column], errors="coerce")


def of_case(f: pd.DataFrame, case: str) -> pd.DataFrame:
    return f.loc[f["case"] == case]


def free(f: pd.DataFrame, used: set[str], **match: str) -> pd.DataFrame:
    """Rows matching every ``column=value`` whose case is not used yet."""
    mask = ~f["case"].isin(used)
    for column, value in match.items():
        mask &= f[column] == value
    return f.loc[mask]


def pass_problem(problem: str) -> Inject:
    """The GO passes a submission that carries ``problem`` (A55, A56, A59, A63)."""

    def inject(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
        for row in free(f, used, activity="doc.submitted", reason=problem).index:
            case = f.at[row, "case"]
            if f.loc[f["case"] == case, "poor_quality"].iat[0] == "True":
                continue
            later = of_case(f, case)
            review = later.loc[(later.index > row) & (later["activity"] == "go.reviewed")].index
            used.add(case)
            f.loc[review[0], ["outcome", "reason"]] = ["pass", ""]
            return f
        raise AssertionError(f"no {problem} submission to pass")

    inject.__doc__ = f"The GO passes a submission carrying {problem}."
    return inject


def skip_countersign(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """The lead submits without asking one involved department (A56)."""
    for row in free(f, used, activity="cs.replied", outcome="agree").index:
        case, dept = f.at[row, "case"], f.at[row, "actor"]
        mine = of_case(f, case)
        asked = mine.loc[(mine["activity"] == "cs.requested") & (mine["target"] == dept)]
        if len(asked) == 1 and not (mine["activity"] == "cs.negotiated").any():
            used.add(case)
            return f.drop(index=[row, asked.index[0]])
    raise AssertionError("no countersign to drop")


def deem_early(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """Consent deemed a minute before the deadline (A59)."""
    row = free(f, used, activity="cs.deemed").index[0]
    used.add(f.at[row, "case"])
    f.at[row, "time"] = repr(float(f.at[row, "time"]) - 1.0)
    return f.iloc[num(f, "time").argsort(kind="stable")].reset_index(drop=True)


def deem_late(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """Consent deemed a minute after the deadline (A59); what the lead did at that instant
    (countersign done, submission) moves with it."""
    row = free(f, used, activity="cs.deemed").index[0]
    case, t = f.at[row, "case"], float(f.at[row, "time"])
    used.add(case)
    same = (f["case"] == case) & (num(f, "time") == t) & (f.index >= row)
    f.loc[same, "time"] = repr(t + 1.0)
    return f.iloc[num(f, "time").argsort(kind="stable")].reset_index(drop=True)


def wrong_limit(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A countersign limit one working day longer than A59's (a reply came in time)."""
    cal = build_calendar(load_scenario(scenario))
    for row in free(f, used, activity="cs.requested").index:
        case, dept = f.at[row, "case"], f.at[row, "target"]
        mine = of_case(f, case)
        acts = mine.loc[(mine["target"] == dept) | (mine["actor"] == dept), "activity"]
        if set(acts) == {"cs.requested", "cs.replied", "doc.involves"}:
            used.add(case)
            f.at[row, "deadline"] = repr(cal.add_working_days(float(f.at[row, "deadline"]), 1))
            return f
    raise AssertionError("no countersign replied in time")


def no_negotiation(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """An objection never negotiated by the lead's principal head (A56)."""
    row = free(f, used, activity="cs.negotiated").index[0]
    used.add(f.at[row, "case"])
    return f.drop(index=row)


def no_decision(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A request countersigned with a dissent closes with no leader's decision (A56, A57)."""
    for row in free(f, used, activity="doc.countersigned", outcome="dissent").index:
        case = f.at[row, "case"]
        mine = of_case(f, case)
        decided = mine.loc[mine["activity"] == "leader.approved"]
        if (
            mine["case_type"].iat[0] == "request"
            and len(decided)
            and (mine["activity"] == "doc.closed").any()
        ):
            used.add(case)
            return f.drop(index=decided.index)
    raise AssertionError("no closed dissent request")


def unread_report(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A report closed without being read (A57 圈阅)."""
    for row in free(f, used, activity="leader.circle_read").index:
        case = f.at[row, "case"]
        if set(of_case(f, case)["activity"]) & {"leader.instructed", "doc.co_review_signed"}:
            continue
        used.add(case)
        return f.drop(index=row)
    raise AssertionError("no report to unread")


def unvetted(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A leader signs a draft the GO never vetted (A59)."""
    row = free(f, used, activity="doc.signed").index[0]
    case = f.at[row, "case"]
    used.add(case)
    mine = of_case(f, case)
    return f.drop(index=mine.index[mine["activity"] == "go.reviewed"])


def no_signoff(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A department's draft reaches the GO without its principal head's 签批单 (A59)."""
    row = free(f, used, activity="doc.principal_signed").index[0]
    used.add(f.at[row, "case"])
    return f.drop(index=row)


def clear_of_blocks(f: pd.DataFrame, rows: pd.DataFrame, who: object) -> pd.DataFrame:
    """The ``rows`` whose work does not overlap one of ``who``'s blocks away from the desk
    (``leader.engaged``), so that making ``who`` the actor breaks only the invariant meant."""
    if not isinstance(who, str):
        return rows
    blocks = f.loc[(f["activity"] == "leader.engaged") & (f["actor"] == who)]
    number = pd.to_numeric  # the CSV's clock columns: minutes since the start
    b0, b1 = number(blocks["start"]), number(blocks["time"])
    t1 = number(rows["time"])
    t0 = number(rows["start"].where(rows["start"] != "", rows["time"]))
    ok = [not ((b0 < e) & (b1 > s)).any() for s, e in zip(t0, t1, strict=True)]
    return rows.loc[ok]


def resign(cls: str, signer: str | Callable[[pd.DataFrame], str]) -> Inject:
    """A document of class ``cls`` signed by someone else."""

    def inject(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
        found = clear_of_blocks(f, free(f, used, activity="doc.signed", reason=cls), signer)
        if found.empty:
            # None in this log: make an ordinary government-name draft one (its topic is the
            # class's own, A61 items (1)–(4), (6) routine, (8)).
            plain = free(f, used, activity="doc.signed", reason="other_gov")
            plain = plain.loc[(plain["meeting_decided"] == "False") & (plain["urgent"] == "False")]
            plain = clear_of_blocks(f, plain, signer)
            row = plain.index[0]
            f.loc[f["case"] == f.at[row, "case"], "topic"] = cls
            f.at[row, "reason"] = cls
        else:
            row = found.index[0]
        used.add(f.at[row, "case"])
        who = signer(of_case(f, f.at[row, "case"])) if callable(signer) else signer
        assert who != f.at[row, "actor"]
        f.loc[row, ["actor", "on_behalf"]] = [who, ""]
        return f

    inject.__doc__ = f"A {cls} document signed by the wrong leader."
    return inject


def unauthorised(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """The SG signs an urgent document nobody authorised (A61(7))."""
    row = free(f, used, activity="sign.authorized", reason="special_urgent").index[0]
    used.add(f.at[row, "case"])
    return f.drop(index=row)


def no_consent(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A contract signed without the government's consent (A60)."""
    row = free(f, used, activity="gov.consented").index[0]
    used.add(f.at[row, "case"])
    return f.drop(index=row)


def published_unprepared(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A normative document published with no evaluation, comment or legality review (A21)."""
    row = free(f, used, activity="doc.issued").index[0]
    case = f.at[row, "case"]
    used.add(case)
    f.loc[f["case"] == case, "case_type"] = "normative"
    published = f.loc[[row]].assign(activity="doc.published")
    return pd.concat([f.loc[:row], published, f.loc[row + 1 :]], ignore_index=True)


def rule_unreviewed(f: pd.DataFrame, used: set[str], scenario: Path) -> pd.DataFrame:
    """A government rule deliberated without the justice bureau's review (A20); signed by the
    mayor as A61(2) requires, so only the review is missing."""
    row = free(f, used, activity="meeting.deliberated").index[0]
    case = f.at[row, "case"]
    used.add(case)
    mine = of_case(f, case)
    f.loc[f["case"] == case, "topic"] = "gov_rule"
    signed = mine.index[mine["activity"] == "doc.signed"]
    f.loc[signed, ["actor", "on_behalf", "reason"]] = ["mayor", "", "gov_rule"]
    return f.drop(index=mine.index[mine["activity"] == "sign.authorized"])


def other_gov_owner(case_rows: pd.DataFrame) -> str:
    """A vice mayor who is neither the signer nor in charge of anything the document touches."""
    touched = set(case_rows["actor"]) | set(case_rows["target"]) | set(case_rows["on_behalf"])
    return next(v for v in ("vm_6", "vm_5", "vm_4", "vm_3") if v not in touched)


DOCUMENT_INJECTIONS: dict[str, tuple[Inject, set[str]]] = {
    "INV-D02": (pass_problem("multi_addressee"), {"INV-D02"}),
    "INV-D03": (pass_problem("non_submitting_body"), {"INV-D03"}),
    "INV-D04": (pass_problem("unsigned"), {"INV-D04"}),
    "INV-D05": (pass_problem("multi_matter"), {"INV-D05"}),
    "INV-D06": (pass_problem("dept_scope"), {"INV-D06"}),
    "INV-D07": (skip_countersign, {"INV-D07"}),
    "INV-D08": (deem_early, {"INV-D08"}),
    "INV-D09": (deem_late, {"INV-D09"}),
    "INV-D10": (wrong_limit, {"INV-D10"}),
    "INV-D11": (no_negotiation, {"INV-D11"}),
    # A request closed undecided also breaks A57's 「应签署明确意见」 (INV-D15).
    "INV-D12": (no_decision, {"INV-D12", "INV-D15"}),
    "INV-D15": (unread_report, {"INV-D15"}),
    # A draft signed unvetted also reached its leaders before the GO's review passed it (A57).
    "INV-O01": (unvetted, {"INV-O01", "INV-D01"}),
    "INV-O02": (no_signoff, {"INV-O02"}),
    "INV-O03": (pass_problem("redundant"), {"INV-O03"}),
    "INV-O04": (resign("overseas_approval", "vm_exec"), {"INV-O04"}),
    "INV-O05": (resign("to_province", "vm_2"), {"INV-O05"}),
    "INV-O06": (resign("other_gov", other_gov_owner), {"INV-O06"}),
    "INV-O07": (resign("routine_approval", "vm_6"), {"INV-O07"}),
    "INV-O08": (unauthorised, {"INV-O08"}),
    "INV-O09": (resign("go_daily", "mayor"), {"INV-O09"}),
    "INV-O11": (no_consent, {"INV-O11"}),
    "INV-N01": (published_unprepared, {"INV-N01"}),
    "INV-N03": (rule_unreviewed, {"INV-N03"}),
}


@pytest.mark.parametrize("invariant", sorted(DOCUMENT_INJECTIONS))
def test_injected_document_violation_is_reported(
    invariant: str, docs_run: dict[str, Path], docs_frame: pd.DataFrame, tmp_path: Path
) -> None:
    inject, expected = DOCUMENT_INJECTIONS[invariant]
    used: set[str] = set()
    path = write(inject(docs_frame, used, docs_run["scenario"]), tmp_path / "bad.csv")
    result = invoke("check", path, "--scenario", docs_run["scenario"])
    assert result.exit_code == 1, result.output
    found = reported(result.stdout)
    assert {inv for inv, _, _ in found} == expected, result.stdout
    assert {case for _, _, case in found} <= used
    assert re.search(
        rf"^{len(found)} violation\(s\) of {len(expected)} invariant", result.stdout, re.M
    )


# -- INV-D01: the GO's review comes before any leader (A55, A57, A59) ---------------------------

AFTER_REVIEW = {
    "doc.routed", "doc.rerouted", "doc.sent_for_review", "doc.sent_for_signature",
    "doc.co_review_signed", "sign.authorized", "doc.signed", "gov.consented",
    "leader.approved", "leader.circle_read", "leader.instructed",
}  # fmt: skip


def reviewed_request(f: pd.DataFrame) -> tuple[str, pd.Index]:
    """A routed request that passed the GO's review once: its case and that review's row."""
    for case, rows in f.loc[f["case_type"] == "request"].groupby("case", sort=False):
        passes = rows.index[(rows["activity"] == "go.reviewed") & (rows["outcome"] == "pass")]
        if len(passes) == 1 and (rows["activity"] == "doc.routed").any():
            return str(case), passes
    raise AssertionError("no routed request in the log")


def test_d01_reports_exactly_the_case_whose_review_is_gone(
    docs_run: dict[str, Path], docs_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """Deleting the passed review of a routed request: INV-D01 (A57) for each act that followed
    it on that case — routing, the leader's act — and nothing else new (the log was clean)."""
    assert invoke("check", docs_run["csv"], "--scenario", docs_run["scenario"]).exit_code == 0
    case, review = reviewed_request(docs_frame)
    acts = docs_frame.loc[docs_frame["case"] == case, "activity"]
    expected = int(acts.isin(AFTER_REVIEW).sum())
    path = write(docs_frame.drop(index=review), tmp_path / "bad.csv")
    result = invoke("check", path, "--scenario", docs_run["scenario"])
    assert result.exit_code == 1, result.output
    assert reported(result.stdout) == [("INV-D01", "A57", case)] * expected, result.stdout
    lines = [s for s in result.stdout.splitlines() if s.startswith("INV-")]
    assert all("before the GO's review passed it" in s for s in lines)
    assert any(s.split(": ", 1)[1].startswith("doc.routed ") for s in lines)


def test_d01_direct_channel_needs_no_review(
    docs_run: dict[str, Path], docs_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """A55's direct channels reach the leader without the GO: the same request, its review
    gone, on a direct channel breaches nothing."""
    case, review = reviewed_request(docs_frame)
    f = docs_frame.drop(index=review)
    f.loc[f["case"] == case, "channel"] = "leader_assigned"
    result = invoke("check", write(f, tmp_path / "direct.csv"), "--scenario", docs_run["scenario"])
    assert result.exit_code == 0, result.output
    assert reported(result.stdout) == []


def test_d01_returned_review_is_not_a_pass(
    docs_run: dict[str, Path], docs_frame: pd.DataFrame, tmp_path: Path
) -> None:
    """A review that returned the document does not open the way to the leader (A57 审核)."""
    case, review = reviewed_request(docs_frame)
    f = docs_frame.copy()
    f.loc[review, "outcome"] = "return"
    f.loc[review, "reason"] = "poor_quality"
    result = invoke("check", write(f, tmp_path / "bad.csv"), "--scenario", docs_run["scenario"])
    assert {inv for inv, _, c in reported(result.stdout) if c == case} >= {"INV-D01"}
