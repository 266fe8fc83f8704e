import pytest
from django.core.exceptions import ValidationError

from cases.validators import (
    format_nhs_number,
    nhs_check_digit,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137", "9990000018"])
def test_nhs_number_valid(number):
    validate_nhs_number(number)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("9434765918", "nhs_check"),  # last digit off by one
        ("9434765910", "nhs_check"),
        ("943476591", "nhs_length"),
        ("94347659190", "nhs_length"),
        ("", "nhs_length"),
        ("94347659I9", "nhs_not_digits"),  # letter I for digit 1
        ("ABCDEFGHIJ", "nhs_not_digits"),
        ("９４３４７６５９１９", "nhs_not_digits"),  # full-width digits are not ASCII
    ],
)
def test_nhs_number_invalid(number, code):
    with pytest.raises(ValidationError) as raised:
        validate_nhs_number(number)
    assert raised.value.code == code


def test_nhs_check_digit_ten_means_no_valid_number():
    # 1000000001 -> weighted sum 10 + 2 = 12, 11 - 1 = 10: no number can end these nine digits.
    assert nhs_check_digit("100000001") is None


def test_nhs_check_digit_eleven_becomes_zero():
    # weighted sum 11 -> remainder 0 -> 11 -> check digit 0
    assert nhs_check_digit("010000001") == 0  # 9*1 + 2*1 = 11


def test_nhs_number_display():
    assert format_nhs_number("9434765919") == "943 476 5919"
    assert format_nhs_number("") == ""


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("wf1 2eb", "WF1 2EB"),
        ("WF12EB", "WF1 2EB"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("ec1a1bb", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("cr2 6xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
    ],
)
def test_postcode_normalised(typed, normal):
    assert normalise_postcode(typed) == normal
    validate_postcode(typed)


@pytest.mark.parametrize("postcode", ["WF1", "12345", "WF1 2E", "QA1 1AA", "WF1 2CB", "WF1 2EBX", "", "W1 @@@"])
def test_postcode_invalid(postcode):
    with pytest.raises(ValidationError):
        validate_postcode(postcode)
