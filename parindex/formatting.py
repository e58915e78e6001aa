"""The one number formatter for Vietnamese figures: 90,30 (comma decimals, dot thousands)."""

from decimal import ROUND_HALF_UP, Decimal


def format_vi(value: Decimal | int | None, places: int = 2, thousands: bool = False) -> str:
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = format(
        Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP), f"{',' if thousands else ''}.{places}f"
    )
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
