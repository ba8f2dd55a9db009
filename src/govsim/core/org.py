"""The organisation: leaders, units, portfolios (分管) and substitutes (补位), immutable.

Built once from a validated scenario. Actor codes index :attr:`Organisation.actors`, which is
also the actor vocabulary of the event log: the General Office first, then leaders, then units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core imports nothing above it: the scenario is only read, duck-typed
    from govsim.scenario.models import Scenario

GO = "GO"


@dataclass(frozen=True)
class Organisation:
    """Who is who (A6–A10), who is in charge of what (A8, A57), who stands in for whom (A8)."""

    actors: tuple[str, ...]
    leader_roles: dict[str, str]
    unit_kinds: dict[str, str]
    portfolio_owner: dict[str, str]
    substitute: dict[str, str]
    mayor: str
    executive_vice_mayor: str
    secretary_general: str
    code: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "code", {name: i for i, name in enumerate(self.actors)})

    @classmethod
    def from_scenario(cls, sc: Scenario) -> Organisation:
        """Build from a scenario whose cross-references are already checked."""
        roles = {ld.id: ld.role for ld in sc.leaders}

        def only(role: str) -> str:
            return next(i for i, r in roles.items() if r == role)

        return cls(
            actors=(GO, *roles, *(d.id for d in sc.departments)),
            leader_roles=roles,
            unit_kinds={d.id: d.kind for d in sc.departments},
            portfolio_owner={dept: ld.id for ld in sc.leaders for dept in ld.portfolio},
            substitute={ld.id: ld.substitute for ld in sc.leaders if ld.substitute},
            mayor=only("mayor"),
            executive_vice_mayor=only("executive_vice_mayor"),
            secretary_general=only("secretary_general"),
        )

    @property
    def leaders(self) -> tuple[str, ...]:
        """Leader ids in scenario order."""
        return tuple(self.leader_roles)

    @property
    def units(self) -> tuple[str, ...]:
        """Unit ids (departments, counties, dispatched agencies) in scenario order."""
        return tuple(self.unit_kinds)

    @property
    def departments(self) -> tuple[str, ...]:
        """Units of kind ``department`` — the ones that hold portfolios' matters."""
        return tuple(u for u, k in self.unit_kinds.items() if k == "department")

    def is_leader(self, actor: str) -> bool:
        """True for the mayor, vice mayors, the secretary-general and deputies."""
        return actor in self.leader_roles
