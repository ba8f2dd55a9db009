"""``general_office.close_after_review``: upward documents end when they pass the GO's review
(the M/M/c configuration's single stage), and the log stays consistent for ``govsim check``.

The tiny deterministic scenario of :mod:`factory` (one GO reviewer, review 2 h, revision 1
working day, approval 60 min, all fixed; office hours 08:30–12:00, 13:30–17:30) on Monday
2024-09-23.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from factory import make_scenario
from govsim.checks import check_log
from govsim.model.world import simulate
from govsim.scenario.load import parse_scenario
from test_bad_scenarios import SMALL, edit, line_of, validate_cli
from test_check import invoke
from test_deterministic import at, events_of

ROOT = Path(__file__).resolve().parents[1]


def scheduled(raw: dict[str, Any]) -> dict[str, Any]:
    raw["load"]["scheduled"] = [
        # Doc 0: a request at 09:00, reviewed 09:00–11:00.
        {"at": "2024-09-23T09:00:00", "kind": "request", "sender": "d_a"},
        # Doc 1: a poor report from the county at 10:00, waits for the reviewer until 11:00,
        # reviewed 11:00–12:00 + 13:30–14:30 and returned; revised in one working day
        # (14:30 → 14:30 next day) and passed 14:30–16:30.
        {
            "at": "2024-09-23T10:00:00",
            "kind": "report",
            "sender": "c1",
            "matter": "d_b",
            "poor_quality": True,
        },
        # Doc 2: a major request at 10:30, reviewed 14:30–16:30 after doc 1's first review.
        {"at": "2024-09-23T10:30:00", "kind": "request", "sender": "d_b", "major": True},
    ]
    return raw


def test_documents_close_at_their_passed_review(base_raw):
    raw = scheduled(base_raw)
    raw["general_office"]["close_after_review"] = True
    world = simulate(make_scenario(raw))
    assert events_of(world, 0) == [
        ("doc.submitted", "d_a", None, at("2024-09-23 09:00")),
        ("go.received", "GO", None, at("2024-09-23 09:00")),
        ("go.reviewed", "GO", "pass", at("2024-09-23 11:00")),
        ("doc.closed", "GO", None, at("2024-09-23 11:00")),
    ]
    assert events_of(world, 1) == [
        ("doc.submitted", "c1", None, at("2024-09-23 10:00")),
        ("go.received", "GO", None, at("2024-09-23 10:00")),
        ("go.reviewed", "GO", "return", at("2024-09-23 14:30")),
        ("doc.submitted", "c1", None, at("2024-09-24 14:30")),
        ("go.received", "GO", None, at("2024-09-24 14:30")),
        ("go.reviewed", "GO", "pass", at("2024-09-24 16:30")),
        ("doc.closed", "GO", None, at("2024-09-24 16:30")),
    ]
    assert events_of(world, 2) == [
        ("doc.submitted", "d_b", None, at("2024-09-23 10:30")),
        ("go.received", "GO", None, at("2024-09-23 10:30")),
        ("go.reviewed", "GO", "pass", at("2024-09-23 16:30")),
        ("doc.closed", "GO", None, at("2024-09-23 16:30")),
    ]
    ev = world.log.to_frame()
    closed = ev.loc[ev["activity"] == "doc.closed"]
    assert closed["target"].isna().all() and closed["reason"].isna().all()
    # Nothing reached a leader.
    assert not ev["actor"].isin(["mayor", "vm_exec", "sg"]).any()
    assert check_log(ev, world.log.cases_frame(), world.org, world.cal, scenario=world.sc) == []


def test_without_the_knob_the_same_documents_go_on_to_leaders(base_raw):
    """The GO's part is the same; the leader stage follows (the knob's default is off)."""
    off = simulate(make_scenario(scheduled(copy.deepcopy(base_raw))))
    raw = scheduled(base_raw)
    raw["general_office"]["close_after_review"] = True
    on = simulate(make_scenario(raw))
    go_acts = ("doc.submitted", "go.received", "go.reviewed")
    for case in (0, 1, 2):
        assert [e for e in events_of(off, case) if e[0] in go_acts] == events_of(on, case)[:-1]
    # Doc 0 is routed to vm_exec (d_a's portfolio) and approved in 60 min, 11:00–12:00.
    assert events_of(off, 0)[3:] == [
        ("doc.routed", "GO", None, at("2024-09-23 11:00")),
        ("leader.approved", "vm_exec", None, at("2024-09-23 12:00")),
        ("doc.closed", "GO", None, at("2024-09-23 12:00")),
    ]


def test_the_checker_reads_the_knob_from_the_scenario(base_raw):
    """A log closed at the GO's review is a breach of A57 for a scenario with leaders (closed
    unapproved, unread), and a log with leaders is one for a scenario without them."""
    off = simulate(make_scenario(scheduled(copy.deepcopy(base_raw))))
    raw = scheduled(base_raw)
    raw["general_office"]["close_after_review"] = True
    on = simulate(make_scenario(raw))

    def check(world, sc):
        ev, cases = world.log.to_frame(), world.log.cases_frame()
        return sorted(
            (v.invariant, v.case, v.message)
            for v in check_log(ev, cases, world.org, world.cal, scenario=sc)
        )

    assert check(on, off.sc) == [
        ("INV-D15", 0, "request closed unapproved"),
        ("INV-D15", 1, "report closed unread"),
        ("INV-D15", 2, "request closed unapproved"),
    ]
    boundary = "passed the GO's review but not closed at it (general_office.close_after_review)"
    assert check(off, on.sc) == [("INV-D15", case, boundary) for case in (0, 1, 2)]


def test_countersigned_dissent_closes_at_the_review_too(base_raw):
    """A request countersigned with a dissent (A56) ends at the GO's review like any other:
    the decision lies beyond the model's boundary, so INV-D12 does not ask for one."""
    raw = base_raw
    raw["general_office"]["close_after_review"] = True
    raw["load"] = {
        "poisson": True,
        "request_per_dept_per_week": 3.0,
        "report_per_dept_per_week": 1.0,
        "p_poor_quality": 0.2,
        "p_poor_after_revision": 0.3,
        "p_major": 0.2,
    }
    raw["countersign"] = {"p_cross_dept_request": 1.0, "p_object": 1.0, "p_resolved": 0.0}
    raw["intake"] = {"p_dept_scope": 0.1, "p_unsigned": 0.1}
    world = simulate(make_scenario(raw))
    ev = world.log.to_frame()
    acts = set(ev["activity"].astype(str))
    assert {"doc.countersigned", "doc.closed", "go.reviewed"} <= acts
    assert not acts & {"doc.routed", "doc.sent_for_review", "leader.approved"}
    dissent = ev.loc[(ev["activity"] == "doc.countersigned") & (ev["outcome"] == "dissent")]
    passed = ev.loc[(ev["activity"] == "go.reviewed") & (ev["outcome"] == "pass"), "case"]
    assert set(dissent["case"]) & set(passed), "no dissenting request passed the review"
    # every passed review is followed at once by its document's closure (late countersign
    # replies are logged whenever they come and ignored, AMB-19)
    ev = ev.loc[ev["activity"] != "cs.replied_late"]
    for case in passed:
        tail = ev.loc[ev["case"] == case, "activity"].astype(str).tolist()[-2:]
        assert tail == ["go.reviewed", "doc.closed"]
    full = world.log.to_frame()
    assert check_log(full, world.log.cases_frame(), world.org, world.cal, scenario=world.sc) == []


def test_govsim_check_passes_on_the_mmc_log(tmp_path: Path) -> None:
    """``scenarios/mmc.toml`` sets the knob; a run's log passes ``govsim check``."""
    text = (ROOT / "scenarios" / "mmc.toml").read_text(encoding="utf-8")
    assert "\nclose_after_review = true\n" in text
    path = tmp_path / "mmc.toml"
    path.write_text(text.replace("horizon_days = 10", "horizon_days = 2"), encoding="utf-8")
    out = tmp_path / "results"
    result = invoke(
        "run", path, "--reps", "1", "--out", out, "--workers", "1", "--events", "all", "--quiet"
    )
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in (out / "mmc").iterdir() if p.is_dir())
    result = invoke("check", folder)
    assert result.exit_code == 0, result.output


KNOB = (
    'revise = { dist = "fixed", value_days = 1 }\n',
    'revise = { dist = "fixed", value_days = 1 }\nclose_after_review = true\n',
)


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        (
            (("p_request = 0.5", "p_request = 0.5  #!"),),
            "instructions.p_request",
            "must be 0: instructions (批示, A57) cannot happen when "
            "general_office.close_after_review ends documents at the GO's review",
        ),
        (
            (
                ("p_request = 0.5", "p_request = 0.0"),
                ("[load]\n", "[intake.direct_channels]\nmajor_emergency = 0.1  #!\n\n[load]\n"),
            ),
            "intake.direct_channels.major_emergency",
            "must be 0: a direct channel to a leader (A55) skips the GO's review",
        ),
        (
            (
                ("p_request = 0.5", "p_request = 0.0"),
                (
                    "poisson = false\n",
                    "poisson = false\n\n[[load.scheduled]]\nat = 2025-03-04T09:00:00\n"
                    'kind = "request"\nsender = "fin"\ninstruction = true  #!\n',
                ),
            ),
            "load.scheduled[0].instruction",
            "must not be true: an instruction cannot happen",
        ),
    ],
    ids=["instructions", "direct-channel", "scheduled-instruction"],
)
def test_what_needs_a_leader_stage_is_refused(changes, path, message, tmp_path: Path) -> None:
    text = edit(SMALL, KNOB, *changes)
    file = tmp_path / "bad.toml"
    file.write_text(text, encoding="utf-8")
    lines = validate_cli(file)  # exit code 2, one well-formed line per problem
    assert len(lines) == 1, lines
    prefix = f"{file}:{line_of(text, '#!')}: {path}: "
    assert lines[0].startswith(prefix), lines
    assert message in lines[0]


def test_the_knob_is_off_by_default_and_small_is_valid_with_it() -> None:
    assert parse_scenario(SMALL).general_office.close_after_review is False
    ok = edit(SMALL, KNOB, ("p_request = 0.5", "p_request = 0.0"))
    assert parse_scenario(ok).general_office.close_after_review is True
