"""Prices as readers read them: "$15.00", "€6.00", "£4.50", otherwise "15.00 CHF"."""

from __future__ import annotations

# Only currencies whose symbol is unambiguous to our readers get one; "$" alone would be
# wrong for CAD or AUD, so those keep their code.
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_money(amount_minor: int, currency: str) -> str:
    """Return ``amount_minor`` (cents or the like) in ``currency`` as "$15.00" or "15.00 CHF"."""
    code = currency.upper()
    sign = "-" if amount_minor < 0 else ""
    whole, cents = divmod(abs(amount_minor), 100)
    number = f"{whole:,}.{cents:02d}"
    symbol = _SYMBOLS.get(code)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {code}"
