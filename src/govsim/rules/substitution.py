"""Who handles work that arrives for an absent leader (补位; A6, A8; RULES §6.2, AMB-07…09).

A pure decision: given the owner of an item, the moment, who is away and why, and the
scenario's policy, return the leader who handles it — or None, meaning the item waits for
the owner. The model calls this when it routes an item (and, with ``move_queued``, again for
items still waiting when their handler's absence starts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from govsim.core.org import Organisation
from govsim.scenario.availability_models import SUBSTITUTION_TRIGGERS, Substitution

VICE_MAYOR_ROLES = ("executive_vice_mayor", "vice_mayor")


@dataclass(frozen=True)
class ItemNeeds:
    """What the item asks of its handler."""

    decision: bool  # a request needing approval (not only reading, A57)
    mayor_only: bool  # A61(2)–(4): only the mayor signs (K60: waits while the mayor is away)
    reserved: bool = False  # A61 names who signs (not the leader in charge): waits (AMB-55)
    kind: str = "documents"  # the kind of act, for the scope of 补位 (K59, ACT_KINDS)


def triggers_substitution(policy: Substitution, reason: str) -> bool:
    """A8 「副市长出市（出访）、休假期间」 / A6 「因公出市（出访）、休假期间」 — by default only
    these reasons activate 补位; other absences make the item wait (AMB-07, K58)."""
    triggers = SUBSTITUTION_TRIGGERS if policy.triggers is None else policy.triggers
    return triggers == "any" or reason in triggers


def in_scope(policy: Substitution, kind: str) -> bool:
    """K59 (AMB-55): whether 补位 hands over this kind of act (A8 「代为处理有关工作」)."""
    return bool(getattr(policy.scope, kind))


def acts_while_away(policy: Substitution) -> bool:
    """K61 (AMB-46): whether a reachable absent leader may act from afar (A80); by default
    an absent person does not act (A6, A8)."""
    return policy.remote_acts == "all"


def handler_for(
    owner: str,
    needs: ItemNeeds,
    org: Organisation,
    policy: Substitution,
    away: Callable[[str], str | None],
    inbox: Callable[[str], int],
) -> str | None:
    """The leader who handles an item owned by ``owner`` now, or None to wait for ``owner``.

    ``away(person)`` gives the reason ``person`` is absent now (None if on post) and
    ``inbox(person)`` the number of items they hold (for ``least_loaded``).
    """
    reason = away(owner)
    if reason is None:
        return owner
    if policy.policy == "none" or not triggers_substitution(policy, reason):
        return None
    if needs.decision and not policy.substitute_may_approve:
        return None
    if needs.reserved or not in_scope(policy, needs.kind):
        return None
    if owner == org.mayor:
        # A6: the executive VM presides over overall work while the mayor is away; items the
        # rules reserve to the mayor wait (AMB-09, K60), as does everything if the exec VM is
        # away too (AMB-08).
        if needs.mayor_only:
            return None
        evm = org.executive_vice_mayor
        return evm if away(evm) is None else None
    candidates: list[str]
    if policy.policy == "designated":
        sub = org.substitute.get(owner)
        candidates = [sub] if sub else []
        if policy.fallback == "executive_vice_mayor":
            candidates.append(org.executive_vice_mayor)
        elif policy.fallback == "mayor":
            candidates.append(org.mayor)
    elif policy.policy == "chain":
        candidates = list(policy.chains.get(owner, []))
    else:  # least_loaded — beyond the text, for comparison
        pool = [
            leader
            for leader, role in org.leader_roles.items()
            if role in VICE_MAYOR_ROLES and leader != owner and away(leader) is None
        ]
        return min(pool, key=lambda leader: (inbox(leader), pool.index(leader))) if pool else None
    for candidate in candidates:
        if candidate != owner and away(candidate) is None:
            return candidate
    return None
