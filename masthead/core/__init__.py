"""What every Masthead app shares: small, dependency-free building blocks.

``core`` sits at the bottom of the house with ``access``: it imports no other Masthead
app, and any app may import it.
"""
