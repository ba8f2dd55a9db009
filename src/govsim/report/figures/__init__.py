"""Figure providers of the report, one module per family; every module here is imported when a
report is built, so a new module registers its figures with
:func:`govsim.report.registry.report_figure` and needs no other change."""
