"""The audit's tests may use the test WordPress (tests/wordpress/conftest.py)."""

from tests.wordpress.conftest import wordpress

__all__ = ["wordpress"]
