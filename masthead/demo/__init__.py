"""The demo: The Alder Falls Courier, its logins, plans, ads and traffic, and ``load_demo``.

Nothing in the running site imports this package. It sits on top of the other apps and
builds the demo through their models and public functions, in the order that
``manage.py load_demo`` calls its modules.
"""
