"""govsim — a discrete-event simulator of a city government's administrative flow.

The model follows the 济宁市人民政府工作规则 (2022); ``docs/`` describes what is modelled,
article by article. The public Python API (:mod:`govsim.api`) is available from the package
itself — ``govsim.load_scenario``, ``simulate``, ``run``, ``load_results``, ``load_log``,
``check``, ``export_log``, ``summary_table``, ``paired_differences``, ``build_report``,
``work_calendar``, ``compare_logs``, ``fit_log``, ``sensitivity_indices``,
``target_search``, ``read_snapshot`` (a warm start's backlog) — with :mod:`govsim.plots` for
figures; it is imported on first use, so ``import govsim`` stays light.
"""

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "build_report",
    "check",
    "compact_summary",
    "compare_logs",
    "design_points",
    "export_log",
    "fit_log",
    "headline_table",
    "load_log",
    "load_results",
    "load_scenario",
    "paired_differences",
    "parse_scenario",
    "read_snapshot",
    "run",
    "sensitivity_indices",
    "simulate",
    "summary_table",
    "target_search",
    "work_calendar",
]


def __getattr__(name: str) -> Any:
    """The API's functions, imported when first asked for (PEP 562)."""
    if name in __all__:
        from govsim import api

        return getattr(api, name)
    raise AttributeError(f"module 'govsim' has no attribute {name!r}")
