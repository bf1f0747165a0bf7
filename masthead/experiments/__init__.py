"""Experiments on the paywall: arms, stored assignment, per-arm reading, Stop and Ship.

Also the statistics (``stats``), the reader simulator (``simulator``) and what-if
estimates (``whatif``). Other apps are reached through ``masthead.access``'s public API
and its ``PAYWALL_EXPERIMENT_ARMS`` port, ``masthead.core.events`` and, for plan prices,
``masthead.billing``.
"""
