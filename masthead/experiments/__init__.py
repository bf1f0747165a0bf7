"""Experiments on the paywall: sequential statistics, a reader simulator, what-if estimates.

Nothing here is stored yet: the statistics are pure functions on counts, the simulator
keeps its own in-memory logs, and the what-if estimator reads those logs. Other apps are
reached only through ``masthead.access``'s public API.
"""
