"""Efforts of revisions, co-reviews, signatures and outgoing documents (A21, A59–A61, A63).

A unit's desk logs each job as a case of its own (``desk.job_queued``, ``desk.job_done``
with the effort in ``value`` and the kind as ``reason``), not on the document's case. A job
is tied to the act that caused it by the unit and the clock: a revision is queued at the
very moment the GO returns the document (``go.reviewed`` ``return``) or the justice bureau
fails it (``justice.legality_reviewed`` ``fail``), to the unit returned to; a draft is
finished (``doc.drafted``) the moment its drafting job is done. So each revision's effort is
attributed to its parameter — the GO's returns of 请示 and 报告 (``general_office.revise``),
of drafts (``drafts.revise``), the legality review's of contracts (``legality.revise``; a
normative document's revisions may be either, so they are left out). The jobs of a kind
queued after the first one still open at the log's end are left out (:func:`settled`).

Without desks, a revision is a plain delay in working time from the return to the next
submission (``doc.submitted``, ``legality.submitted``): that span is the effort (the
principal head's absence before signing the resubmission, A56, A80, would add to it); one
not resubmitted by the log's end is right-censored there, unless the document was withdrawn.

A leader's co-review (审签, ``doc.co_review_signed``, A61(5)) and signature (签发,
``doc.signed``, A61) log the occupied time, effort ÷ ``leader_work.document_share``; the GO's
vetting of drafts (审理, A59) and the justice bureau's review (A21, A60) log their efforts.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from govsim.fit.estimate import UPWARD, LogView, Sample

__all__ = ["LEGALITY", "WORK_EFFORTS", "desk_jobs", "drafting_jobs", "settled"]

DRAFTS = ("draft", "normative")
LEGALITY = "legality"
"""Scenario keys are built from their section's name: a literal ``ledger.…`` or
``legality.…`` reads like an activity to the schema's check of names in the code."""


def _rows(view: LogView, activity: str, types: tuple[str, ...] | None = None) -> pd.DataFrame:
    ev = view.events
    rows = ev.loc[ev["activity"] == activity]
    return rows if types is None else rows.loc[rows["case_type"].isin(types)]


def _logged(
    activity: str, types: tuple[str, ...] | None, share: bool
) -> Callable[[LogView], Sample]:
    """The effort an act logs in ``value`` on documents of ``types`` (all when None); a
    leader's is occupied time, multiplied back by ``leader_work.document_share``."""

    def sample(view: LogView) -> Sample:
        values = _rows(view, activity, types)["value"].to_numpy(dtype=float)
        factor = view.scenario.leader_work.document_share if share else 1.0
        return values[np.isfinite(values)] * factor, np.empty(0)

    return sample


def desk_jobs(view: LogView, kind: str) -> pd.DataFrame:
    """Jobs of ``kind`` at the units' desks: unit, when queued, its deadline (NaN: none),
    when done and the effort (NaN while not done at the log's end)."""
    ev = view.events
    jobs = ev.loc[ev["reason"].astype(str) == kind]
    queued = jobs.loc[jobs["activity"] == "desk.job_queued"]
    done = jobs.loc[jobs["activity"] == "desk.job_done"]
    frame = pd.DataFrame(
        {"job": queued["case"].to_numpy(), "unit": queued["actor"].astype(str).to_numpy(),
         "queued": queued["time"].to_numpy(dtype=float),
         "deadline": queued["deadline"].to_numpy(dtype=float)}
    )  # fmt: skip
    ends = pd.DataFrame(
        {"job": done["case"].to_numpy(), "done": done["time"].to_numpy(dtype=float),
         "effort": done["value"].to_numpy(dtype=float)}
    )  # fmt: skip
    return frame.merge(ends, on="job", how="left")


def settled(jobs: pd.DataFrame) -> pd.DataFrame:
    """The jobs queued before the first one still unfinished at the log's end: all done.

    Dropping only the unfinished jobs would bias the efforts down, since a long job is more
    likely to be under way at the end (and its start, hence a censoring bound, is not
    logged); dropping every job queued after the first unfinished one selects by queueing
    time instead, whatever the effort."""
    open_at_end = jobs.loc[jobs["effort"].isna(), "queued"]
    if open_at_end.empty:
        return jobs
    return jobs.loc[jobs["queued"] < open_at_end.min()]


def _triggers(view: LogView, activity: str, outcome: str, types: tuple[str, ...]) -> pd.DataFrame:
    """The acts that send a document back for revision: case, unit sent back to, clock."""
    rows = _rows(view, activity, types)
    rows = rows.loc[rows["outcome"].astype(str) == outcome]
    return pd.DataFrame(
        {"case": rows["case"].to_numpy(), "unit": rows["target"].astype(str).to_numpy(),
         "time": rows["time"].to_numpy(dtype=float)}
    )  # fmt: skip


def _span_to_next(view: LogView, back: pd.DataFrame, resubmit: str) -> Sample:
    """Working time from each return to the document's next ``resubmit`` (no desks);
    right-censored at the log's end unless the document was withdrawn at its return."""
    ev = view.events
    nxt = ev.loc[ev["activity"] == resubmit, ["case", "time"]].rename(columns={"time": "next"})
    gone = ev.loc[ev["activity"] == "doc.withdrawn", ["case", "time"]]
    gone = gone.rename(columns={"time": "gone"}).drop_duplicates("case")
    pairs = pd.merge_asof(
        back.sort_values("time"), nxt.sort_values("next"), left_on="time", right_on="next",
        by="case", direction="forward", allow_exact_matches=False,
    ).merge(gone, on="case", how="left")  # fmt: skip
    pairs = pairs.loc[~(pairs["gone"] <= pairs["time"])]
    start = view.work(pairs["time"].to_numpy())
    done = pairs["next"].notna().to_numpy()
    observed = view.work(pairs["next"].to_numpy()[done]) - start[done]
    return observed, view.work(np.full((~done).sum(), view.end)) - start[~done]


def _revision(
    activity: str, outcome: str, types: tuple[str, ...], resubmit: str
) -> Callable[[LogView], Sample]:
    """A revision's effort after ``activity`` with ``outcome`` on documents of ``types``:
    the desk job queued then by the unit sent back to, else the span to ``resubmit``."""

    def sample(view: LogView) -> Sample:
        back = _triggers(view, activity, outcome, types)
        jobs = desk_jobs(view, "revision")
        if jobs.empty:
            return _span_to_next(view, back, resubmit)
        jobs = settled(jobs).drop(columns="deadline")
        matched = back.merge(jobs, left_on=["unit", "time"], right_on=["unit", "queued"])
        effort = matched["effort"].to_numpy(dtype=float)
        return effort[np.isfinite(effort)], np.empty(0)

    return sample


def drafting_jobs(view: LogView, types: tuple[str, ...] = DRAFTS) -> pd.DataFrame:
    """The drafting jobs (A59) of documents of ``types``: a desk job done by the unit at the
    moment the document opens (``doc.drafted``); unit, queued, done, effort."""
    drafted = _rows(view, "doc.drafted", types)
    opened = pd.DataFrame(
        {"unit": drafted["actor"].astype(str).to_numpy(),
         "done": drafted["time"].to_numpy(dtype=float)}
    )  # fmt: skip
    jobs = settled(desk_jobs(view, "drafting")).drop(columns=["deadline", "job"])
    return opened.merge(jobs, on=["unit", "done"])


def _drafting(view: LogView) -> Sample:
    """A draft's or normative document's drafting (A59): the desk job done as it opens."""
    return drafting_jobs(view)["effort"].to_numpy(dtype=float), np.empty(0)


def _evaluation(view: LogView) -> Sample:
    """A normative document's evaluation (评估论证, A21): its desk jobs' efforts."""
    return settled(desk_jobs(view, "evaluation"))["effort"].to_numpy(dtype=float), np.empty(0)


WORK_EFFORTS: dict[str, Callable[[LogView], Sample]] = {
    "general_office.revise": _revision("go.reviewed", "return", UPWARD, "doc.submitted"),
    "leader_work.co_review": _logged("doc.co_review_signed", None, share=True),
    "leader_work.sign": _logged("doc.signed", None, share=True),
    "drafts.drafting": _drafting,
    "drafts.vetting": _logged("go.reviewed", DRAFTS, share=False),
    "drafts.revise": _revision("go.reviewed", "return", ("draft",), "doc.submitted"),
    f"{LEGALITY}.review": _logged("justice.legality_reviewed", None, share=False),
    f"{LEGALITY}.revise": _revision(
        "justice.legality_reviewed", "fail", ("contract",), "legality.submitted"
    ),
    f"{LEGALITY}.evaluation": _evaluation,
}
"""Efforts of revisions, co-reviews, signatures and outgoing documents (module text)."""
