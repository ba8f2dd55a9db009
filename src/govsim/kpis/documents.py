"""Document KPIs (the core family): arrivals, closures and cycle times per document type, the
GO's review (A55, A56, A59, A63), instructions and replies (A57), utilisation, log size.

KPIs cover documents *created* at or after the warm-up (the view's ``kept`` rows);
utilisation covers the work logged after it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from govsim.kpis import vocab as v
from govsim.kpis.helpers import cycle_stats, lookup, started_waits, working_days
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("documents", rank=10)
def document_kpis(view: LogView) -> dict[str, float]:
    """Per document type (:data:`~govsim.kpis.vocab.CASE_TYPES`): arrived, done (closed),
    redirected (A55: sent to the competent department), withdrawn, still open, and the cycle
    times of handled documents (created to closed) in calendar and in working days; then the
    GO's review."""
    cal = view.cal
    created = view.cases["created"].to_numpy()
    kept = view.kept_mask
    case, created = view.cases["case"].to_numpy()[kept], created[kept]
    type_codes = view.codes("case_type", "cases")[0][kept]
    closing = view.at(v.CLOSED, "kept")
    c_case, c_time = closing["case"], closing["time"]
    done = np.isin(case, c_case)
    redirected = np.isin(case, c_case[closing.equals("reason", v.REDIRECTED)])
    withdrawn = np.isin(case, view.at(v.WITHDRAWN, "kept")["case"])
    out: dict[str, float] = {}
    for ctype in v.CASE_TYPES:
        mine = type_codes == view.code("case_type", ctype, "cases")
        n, n_done = int(mine.sum()), int((mine & done).sum())
        n_withdrawn = int((mine & withdrawn).sum())
        out[f"arrived_{ctype}"] = n
        out[f"done_{ctype}"] = n_done
        out[f"redirected_{ctype}"] = int((mine & done & redirected).sum())
        out[f"withdrawn_{ctype}"] = n_withdrawn
        out[f"open_{ctype}"] = n - n_done - n_withdrawn
        handled = mine & done & ~redirected  # cycle times of handled documents
        t0 = created[handled]
        t1 = lookup(c_case, c_time, case[handled])
        out.update(cycle_stats(f"cycle_{ctype}", (t1 - t0) / 1440.0, working_days(cal, t0, t1)))
    out.update(_go_review(view))
    return out


def _go_review(view: LogView) -> dict[str, float]:
    """The GO's review of submissions (A55, A56, A59, A63): reviews, returns by reason,
    redirections, and the mean wait before a reviewer starts (clock hours)."""
    reviews = view.at(v.GO_REVIEWED, "kept")
    returned = reviews.equals("outcome", "return")
    n_return = int(returned.sum())
    out: dict[str, float] = {
        "go_reviews": len(reviews),
        "go_returns": n_return,
        "go_return_rate": n_return / len(reviews) if len(reviews) else math.nan,
    }
    waits = started_waits(view.at(v.GO_RECEIVED, "kept"), reviews)
    out["go_wait_mean_hours"] = float(waits.mean() / 60.0) if len(waits) else math.nan
    for reason in v.RETURN_REASONS:
        out[f"go_return_{reason}"] = int((returned & reviews.equals("reason", reason)).sum())
    out["go_redirect_dept_scope"] = int(reviews.equals("outcome", "redirect").sum())
    return out


@kpi_family("instructions", rank=50)
def instruction_kpis(view: LogView) -> dict[str, float]:
    """Leaders' instructions transferred by the GO and the departments' replies (A57): on
    time, late, overdue and still open past the deadline, and the breach rate."""
    transferred = view.at(v.GO_TRANSFERRED, "kept")
    replies = view.at(v.DEPT_REPLIED, "kept")
    n_overdue_open = int(
        (
            (transferred["deadline"] < view.horizon)
            & ~np.isin(transferred["case"], replies["case"])
        ).sum()
    )
    late = int(replies.equals("outcome", "late").sum())
    due = len(replies) + n_overdue_open
    return {
        "instructions": len(transferred),
        "instr_replied_on_time": int(replies.equals("outcome", "on_time").sum()),
        "instr_replied_late": late,
        "instr_overdue_open": n_overdue_open,
        "instr_overdue": view.count(v.INSTRUCTION_OVERDUE, "kept"),
        "instr_breach_rate": (late + n_overdue_open) / due if due else math.nan,
    }


@kpi_family("utilisation", rank=60)
def utilisation_kpis(view: LogView) -> dict[str, float]:
    """Share of office time after the warm-up spent on timed work: the GO's reviews and
    transfers per reviewer, each leader's acts (A55, A57, A61)."""
    cal = view.cal
    office = cal.work_elapsed(view.horizon) - cal.work_elapsed(view.warm)
    go_work = pd.Series(view.at(v.GO_WORK, "after")["value"]).sum()
    out = {"util_go": float(go_work / (office * view.setting.go_reviewers)) if office else math.nan}
    acts = view.at(v.LEADER_ACTS, "after")  # acting ones count for the actor
    per_leader = pd.Series(acts["value"]).groupby(acts["actor"]).sum()
    for leader in view.setting.leaders:
        out[f"util_{leader}"] = float(per_leader.get(leader, 0.0) / office) if office else math.nan
    return out


@kpi_family("log", rank=90)
def log_kpis(view: LogView) -> dict[str, float]:
    """The number of events logged (the whole horizon)."""
    return {"events": len(view.events)}
