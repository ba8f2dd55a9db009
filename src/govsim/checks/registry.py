"""The register of checks: each invariant with its id, article and rule family.

A check is a function of a :class:`~govsim.checks.context.LogContext` returning
:class:`~govsim.checks.context.Violation` s; :func:`invariant` registers it under its RULES
§8.2 id. Several invariants restated in one pass over the log (the submission problems of
A55–A56, the countersign rounds of A56/A59, the A61 signing matrix) register one finder for
all their ids with :func:`invariant_group`; each id then reads its share of the findings.
:data:`INVARIANTS` keeps the ids in the order of RULES §8.2's families, whatever order the
modules are imported in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from govsim.checks.context import Check, LogContext, Violation

# Family → the module holding it and the id prefix its invariants carry (RULES §8.2).
FAMILIES: dict[str, str] = {
    "documents": "INV-D",
    "countersign": "INV-D",
    "signing": "INV-O",
    "legality": "INV-N",
    "ledger": "INV-S",
    "engineering": "INV-E",
    "leave": "INV-L",
    "meetings": "INV-M",
    "desks": "INV-U",
}
_PREFIX_ORDER = ("INV-D", "INV-O", "INV-N", "INV-S", "INV-E", "INV-L", "INV-M", "INV-U")

NOT_YET_CHECKED = (
    "INV-O10 (seals, A64), INV-O12…O15 (publication, interpretation, A62 documents)",
    "INV-N02, N04…N07 (registry uniqueness and validity, major decisions)",
    "INV-M11 (department meetings, A54: not modelled); INV-M10 plenaries per year (A44)",
    "INV-S02, S03 (supervision activities, A71–A72: not modelled yet)",
    "INV-S06, S07 (instruction and meeting items; commendation and criticism: partly modelled)",
)


@dataclass(frozen=True)
class InvariantSpec:
    """One registered invariant: its id, the article it restates, its family and its check
    (``module``: where the check is written)."""

    id: str
    article: str
    family: str
    check: Check
    module: str
    doc: str = ""

    def __call__(self, ctx: LogContext) -> list[Violation]:
        return self.check(ctx)


INVARIANTS: dict[str, InvariantSpec] = {}


def _order(key: str) -> tuple[int, int]:
    prefix, number = key[:5], key[5:]
    return _PREFIX_ORDER.index(prefix), int(number)


def _register(spec: InvariantSpec) -> None:
    if spec.family not in FAMILIES:
        raise ValueError(f"{spec.id}: unknown family {spec.family}")
    if not spec.id.startswith(FAMILIES[spec.family]):
        raise ValueError(f"{spec.id} does not belong to the {spec.family} family")
    if spec.id in INVARIANTS:
        raise ValueError(f"{spec.id} registered twice")
    merged = {**INVARIANTS, spec.id: spec}
    INVARIANTS.clear()
    INVARIANTS.update(sorted(merged.items(), key=lambda kv: _order(kv[0])))


def invariant(inv: str, *, article: str, family: str) -> Callable[[Check], Check]:
    """Register the decorated function as the check of ``inv`` (e.g. ``@invariant("INV-D14",
    article="A57", family="documents")``)."""

    def register(check: Check) -> Check:
        _register(InvariantSpec(inv, article, family, check, check.__module__, check.__doc__ or ""))
        return check

    return register


def findings(ctx: LogContext, finder: Check) -> list[Violation]:
    """``finder(ctx)``, computed once per log (several invariants share one pass)."""
    return ctx.cached(f"{finder.__module__}.{finder.__qualname__}", lambda: finder(ctx))


def findings_of(ctx: LogContext, finder: Check, inv: str) -> list[Violation]:
    """The findings of ``finder`` that breach ``inv``."""
    return [v for v in findings(ctx, finder) if v.invariant == inv]


def invariant_group(ids: Mapping[str, tuple[str, str]], *, family: str) -> Callable[[Check], Check]:
    """Register one finder for several invariants (``ids``: id → (article, docstring)); the
    finder runs once per log and each id reports the findings that carry it."""

    def register(finder: Check) -> Check:
        for inv, (article, doc) in ids.items():

            def check(ctx: LogContext, inv: str = inv) -> list[Violation]:
                return findings_of(ctx, finder, inv)

            check.__doc__ = doc
            check.__module__ = finder.__module__
            _register(InvariantSpec(inv, article, family, check, finder.__module__, doc))
        return finder

    return register
