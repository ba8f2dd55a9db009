"""Deadlines the regulation sets or leaves to the scenario (A57; AMB-13, AMB-45)."""

from __future__ import annotations

from govsim.calendar import WorkCalendar


def instruction_reply_deadline(
    cal: WorkCalendar, transferred_at: float, working_days: int
) -> float:
    """Deadline of a department's formal reply to a transferred instruction.

    A57: 「各部门应当在规定时限内办理完毕并以正式报告形式回复办理结果」. The text gives no
    number (AMB-13); the GO sets ``working_days`` at transfer. Counted like every working-day
    limit (AMB-45): the day of transfer is not counted and the limit ends at the close of
    office on the last working day.
    """
    return cal.add_working_days(transferred_at, working_days)
