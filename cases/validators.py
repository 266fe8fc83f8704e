"""NHS number and UK postcode rules: normalise what people type, refuse what cannot be right."""

import re

from django.core.exceptions import ValidationError

_NHS_WEIGHTS = range(10, 1, -1)  # weights 10..2 for the first nine digits
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_nhs_number(value):
    """Drop the spaces and hyphens people type in an NHS number."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_check_digit(first_nine):
    """Return the Modulus 11 check digit for nine digits, or None when no valid number can end them."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def validate_nhs_number(value):
    """Accept ten digits whose last is the Modulus 11 check digit of the first nine."""
    digits = normalise_nhs_number(value)
    if not (digits.isascii() and digits.isdigit()) and digits:
        raise ValidationError("An NHS number contains only digits.", code="nhs_not_digits")
    if len(digits) != 10:
        raise ValidationError(
            "An NHS number has 10 digits; this has %(count)d.", code="nhs_length", params={"count": len(digits)}
        )
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            "This is not a valid NHS number: its check digit is wrong. Check for a typing error.", code="nhs_check"
        )


def format_nhs_number(value):
    """Show a stored NHS number as NNN NNN NNNN."""
    if not value or len(value) != 10:
        return value or ""
    return f"{value[:3]} {value[3:6]} {value[6:]}"


def normalise_postcode(value):
    """Return a postcode in capitals with one space before the inward code, e.g. 'wf11aa' -> 'WF1 1AA'."""
    compact = re.sub(r"\s", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value):
    """Accept a full UK postcode in any spacing or case."""
    if not _POSTCODE.match(re.sub(r"\s", "", value or "").upper()):
        raise ValidationError("Enter a full UK postcode, like WF1 2EB.", code="postcode")


_ODS_PRACTICE = re.compile(r"^[A-Z][0-9]{5}$")


def validate_gp_practice_code(value):
    """Accept a GP practice's ODS code: one capital letter and five digits."""
    if value and not _ODS_PRACTICE.match(value):
        raise ValidationError("A GP practice code is a capital letter and five digits, like B82018.", code="ods")
