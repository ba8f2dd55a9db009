"""Outgoing documents (A59, A61; RULES kpi.sign.wait): signatures, co-reviews, authorisations,
and the clock hours a document waits for its authorised signer once sent for signature."""

from __future__ import annotations

from govsim.kpis import vocab as v
from govsim.kpis.helpers import mean, p90, started_waits
from govsim.kpis.registry import kpi_family
from govsim.kpis.view import LogView


@kpi_family("signing", rank=30)
def signing_kpis(view: LogView) -> dict[str, float]:
    """Documents created after the warm-up: signed, co-reviewed (审签), authorisations to sign,
    and the wait from being sent for signature to the signer starting (clock hours)."""
    sent = view.at(v.SENT_FOR_SIGNATURE, "kept")
    signed = view.at(v.SIGNED, "kept")
    waits = started_waits(sent, signed) / 60.0
    return {
        "signed": len(signed),
        "co_reviews": view.count(v.CO_REVIEW_SIGNED, "kept"),
        "sign_authorisations": view.count(v.SIGN_AUTHORIZED, "kept"),
        "sign_wait_mean_hours": mean(waits),
        "sign_wait_p90_hours": p90(waits),
    }
