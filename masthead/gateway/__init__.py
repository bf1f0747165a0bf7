"""The gateway: Masthead's paywall in front of an existing CMS (WordPress first).

Nothing is imported here at package import time: ``asgi.py`` is the entry point of the
server, ``source.py`` the content source the access check reads.
"""
