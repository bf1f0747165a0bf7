"""Masthead in front of an origin CMS (WordPress): the gateway and its leak firewall.

Nothing is imported here at package import time: ``asgi.py`` is the server's entry point,
``source.py`` the content source the access check reads, ``proxy.py`` the proxy. The
firewall (``firewall``, ``firewall_doors``, ``firewall_store``, ``firewall_events``)
needs nothing from Django except for recording its hits as events; ``filtering.py``
wires it into the proxy and the sync.
"""
