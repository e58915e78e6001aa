"""The one number formatter for Vietnamese figures: 90,30 (comma decimals, dot thousands); and the one
way to write a moment: 09:53 28/11/2026."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language, gettext


def format_vi(value: Decimal | int | None, places: int = 2, thousands: bool = False) -> str:
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = rounded.copy_abs()  # -0.004 rounds to zero, which has no sign: "0,00", never "-0,00"
    text = format(rounded, f"{',' if thousands else ''}.{places}f")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_vi_exact(value: Decimal | int | None) -> str:
    """A configured figure (a floor, a threshold) exactly as configured, Vietnamese style, without
    trailing zeros: 92.50 → "92,5", 90.00 → "90", 100 → "100". Never rounded: a floor of 92.5 is not
    "93" (an index of 92,50 meets it)."""
    if value is None:
        return ""
    return format_vi(value, _places(Decimal(value)))


def _places(number: Decimal) -> int:
    """The decimal places `number` needs to keep every significant digit (2.50 → 1, 90.00 → 0)."""
    return max(0, -int(number.normalize().as_tuple().exponent))


def decimal_scale(number: Decimal) -> tuple[int, int]:
    """(decimal places, digits before the point) of a finite number without its trailing zeros, read
    from its exponent, so that "1e999999999" is never written out: 1.50 → (1, 1), 1e3 → (0, 4), zero →
    (0, 0). What bounds a typed or imported number before it is stored or computed with."""
    _sign, digits, exponent = number.as_tuple()
    if not isinstance(exponent, int):  # NaN or an infinity: no scale to read
        raise ValueError(f"{number} is not a finite number")
    kept = len(digits)
    while kept and digits[kept - 1] == 0:
        kept -= 1
    if not kept:
        return 0, 0
    exponent += len(digits) - kept
    return max(0, -exponent), max(0, kept + exponent)


def number_text(value) -> str:
    """A number as a person reads it, in the page's language, every significant digit kept (at most
    4 places): Decimal("2.0000") → "2", "1.50" → "1,5" (English "1.5")."""
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    vietnamese = (get_language() or "vi").startswith("vi")
    try:
        text = format_vi(number, min(4, _places(number)))
    except ArithmeticError:  # more digits than a Decimal context holds: 1e+308 in a refused file
        text = None
    if text is None or (number and not Decimal(text.replace(".", "").replace(",", "."))):
        # Too large to write out, or so small that 4 places would show 0: as the number was written.
        text = str(number).lower()
        return text.replace(".", ",") if vietnamese else text
    return text if vietnamese else text.replace(",", ".")


def _param_text(value):
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return number_text(value)
    if hasattr(value, "template") and hasattr(value, "params"):
        return message_text(value)
    return value


def message_text(message) -> str:
    """An engine or format Message in the page's language, its numbers written as people read them
    ("điểm 3 nằm ngoài khoảng 0…2", not "2.0000"). A parameter that is itself a Message (a rule's
    reason inside an import problem) is written the same way."""
    params = {key: _param_text(value) for key, value in dict(message.params).items()}
    template = gettext(message.template)
    return template % params if params else template


def moment_text(moment: datetime, *, end: bool = False, seconds: bool = False) -> str:
    """A moment in local time as the decisions write it, whatever the language: 08:00 25/12/2022 (with
    `seconds`, 08:00:05 25/12/2022). With `end`, a moment at midnight reads 24:00 of the day before (a
    window's last day counts to its end). Every page writes moments this way (the `moment` filter)."""
    local = timezone.localtime(moment)
    if end and local.hour == local.minute == local.second == local.microsecond == 0:
        return f"24:00 {local - timedelta(days=1):%d/%m/%Y}"
    return f"{local:{'%H:%M:%S' if seconds else '%H:%M'} %d/%m/%Y}"
