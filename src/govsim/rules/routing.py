"""Routing of upward documents after GO review (A57; RULES R13, INV-D14)."""

from __future__ import annotations

from govsim.core.org import Organisation


def route_upward(org: Organisation, matter: str, major: bool, mayor_only: bool = False) -> str:
    """The leader a reviewed document goes to.

    A57: 「由市政府办公室审核后根据市政府领导同志分工呈送审批，重大事项报市长审批」 — the
    leader in charge of the matter's department (分工), or the mayor when the matter is major.
    Items only the mayor may sign (A61(3) 「市政府人事任免公文，由市长签发」, A61(4) overseas
    trips of county and department heads) go to the mayor as well. Substitution for an absent
    leader (A8, A6) is applied by the caller.
    """
    if major or mayor_only:
        return org.mayor
    return org.portfolio_owner[matter]


def upward_co_reviewers(
    org: Organisation, decider: str, matter: str, involved: tuple[str, ...]
) -> tuple[str, ...]:
    """Leaders asked to co-review an upward request before ``decider`` decides it.

    AMB-43: A57 routes by 分工 but does not say what happens when a request touches several
    portfolios (A61(5) covers only outgoing documents). Default: the leaders in charge of the
    matter's department and of every department whose powers it touches (A56 countersigned
    departments), other than the decider, review it in roster order first — the A61(5)
    practice 「需请其他市政府领导同志审签」 carried over (ASSUMPTION).
    """
    touched = {org.portfolio_owner[d] for d in (matter, *involved)}
    return tuple(ld for ld in org.leaders if ld in touched and ld != decider)
