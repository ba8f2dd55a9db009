"""govsim — a discrete-event simulator of a city government's administrative flow.

The model follows the 济宁市人民政府工作规则 (2022); see ``RULES.md`` in the shared design
folder for the article-by-article catalogue that the code cites.
"""

__version__ = "0.1.0"
