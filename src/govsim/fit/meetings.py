"""Meeting shares from the log: referral, and what befalls a topic at a meeting (A7, A27,
A45–A47).

Where the base holds meetings and the log their topics:

* ``meetings.topics.p_refer`` — major requests the mayor refers to the executive meeting
  (``topic.referred`` ``executive``, A7, A27) among the major requests handled (referred to
  any meeting, or decided by a leader: ``leader.approved``); ``meetings.mayor_office.p_take``
  — those taken to the mayor's office meeting (A46(三)) among the major requests not
  referred to the executive one;
* ``meetings.topics.p_defer_at_meeting``, ``p_return_at_meeting`` — at plenary and
  executive meetings each topic discussed is decided (``meeting.decision``), deferred to a
  later meeting (``topic.deferred`` ``at_meeting``) or returned for rework
  (``topic.returned``): one draw, three outcomes, each share with its exact binomial
  interval;
* ``meetings.mayor_office.p_escalate``, ``meetings.special_topic.p_escalate`` — topics a
  mayor's office or special-topic meeting sends up to the executive meeting
  (``topic.escalated``, A46(二), A47(三)) among those it discussed.

A topic event names its meeting (``value`` = the meeting's case), whose kind is the outcome
of its ``meeting.planned``. The meetings' calendars, lengths, quorums, the topics' pipeline
efforts and the minutes stay the base's.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from govsim.fit.estimate import LogView

__all__ = ["MEETING_SHARES", "has_meetings"]


def has_meetings(view: LogView) -> bool:
    """Whether meeting shares are read: the base has meetings and the log plans some."""
    mt = view.scenario.meetings
    planned = (view.events["activity"] == "meeting.planned").any()
    return mt is not None and mt.enabled and bool(planned)


def _at_meetings(view: LogView) -> pd.DataFrame:
    """What befell each topic discussed: activity and the kind of its meeting."""
    ev = view.events
    kinds = ev.loc[ev["activity"] == "meeting.planned"].drop_duplicates("case")
    kind_of = pd.Series(kinds["outcome"].astype(str).to_numpy(), index=kinds["case"].to_numpy())
    acts = ("meeting.decision", "topic.deferred", "topic.returned", "topic.escalated")
    rows = ev.loc[ev["activity"].isin(acts)]
    rows = rows.loc[(rows["activity"] != "topic.deferred") | (rows["outcome"] == "at_meeting")]
    meeting = rows["value"].to_numpy(dtype=float).astype("int64")
    return pd.DataFrame(
        {"activity": rows["activity"].astype(str).to_numpy(),
         "kind": kind_of.reindex(meeting).to_numpy()}
    )  # fmt: skip


def _befell(activity: str, kinds: tuple[str, ...]) -> Callable[[LogView], tuple[int, int]]:
    """Topics discussed at meetings of ``kinds`` to which ``activity`` befell."""

    def count(view: LogView) -> tuple[int, int]:
        rows = _at_meetings(view)
        rows = rows.loc[rows["kind"].isin(kinds)]
        return int((rows["activity"] == activity).sum()), len(rows)

    return count


def _majors(view: LogView) -> tuple[pd.Series, int]:
    """Where each major request handled went (``topic.referred``'s meeting, or ``leader``)."""
    cases = view.upward_cases("request")
    major = pd.Index(cases.loc[cases["major"].astype(bool), "case"])
    ev = view.events.loc[view.events["case"].isin(major)]
    referred = ev.loc[ev["activity"] == "topic.referred"].drop_duplicates("case")
    decided = ev.loc[ev["activity"] == "leader.approved", "case"].unique()
    went = pd.Series(referred["outcome"].astype(str).to_numpy(), index=referred["case"])
    alone = pd.Index(decided).difference(went.index)
    return went, len(alone)


def _refer(view: LogView) -> tuple[int, int]:
    went, alone = _majors(view)
    return int((went == "executive").sum()), len(went) + alone


def _take(view: LogView) -> tuple[int, int]:
    went, alone = _majors(view)
    return int((went == "mayor_office").sum()), int((went != "executive").sum()) + alone


REGULAR = ("plenary", "executive")
MEETING_SHARES: dict[str, Callable[[LogView], tuple[int, int]]] = {
    "meetings.topics.p_refer": _refer,
    "meetings.mayor_office.p_take": _take,
    "meetings.topics.p_defer_at_meeting": _befell("topic.deferred", REGULAR),
    "meetings.topics.p_return_at_meeting": _befell("topic.returned", REGULAR),
    "meetings.mayor_office.p_escalate": _befell("topic.escalated", ("mayor_office",)),
    "meetings.special_topic.p_escalate": _befell("topic.escalated", ("special_topic",)),
}
"""Meeting shares (Clopper–Pearson), read only when the log holds meetings."""
