"""Planning: from checking a plan to proposing one (docs/ARCHITECTURE.md, stage ``planning``).

:func:`~planner.planning.resolve.resolve_plan` finds the smallest change of times that clears
every cap finding (``relos resolve``, ``Plan.resolve``); :func:`~planner.planning.compare.
compare` sets two plans side by side (``relos compare``, ``planner.compare``).
"""
