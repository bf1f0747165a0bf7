"""Masthead in front of an origin CMS (WordPress): the gateway and its leak firewall.

The firewall (``firewall``, ``firewall_doors``, ``firewall_store``, ``firewall_events``)
needs nothing from Django except for recording its hits as events.
"""
