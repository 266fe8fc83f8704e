import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.models import Case
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_person_nhs_number_stored_without_spaces_and_shown_grouped():
    person = PersonFactory(nhs_number="943 476 5919")
    person.refresh_from_db()
    assert person.nhs_number == "9434765919"
    assert person.nhs_number_display == "943 476 5919"


def test_person_full_clean_refuses_wrong_nhs_check_digit():
    person = PersonFactory.build(nhs_number="943 476 5918")
    with pytest.raises(ValidationError) as raised:
        person.full_clean(
            exclude=[
                "gender",
                "ethnicity",
                "client_type",
                "primary_support_reason",
                "accommodation_status",
                "has_unpaid_carer",
            ]
        )
    assert "nhs_number" in raised.value.message_dict


def test_person_postcode_normalised_on_save():
    person = PersonFactory(postcode="wf17ab")
    person.refresh_from_db()
    assert person.postcode == "WF1 7AB"


def test_person_two_people_cannot_share_an_nhs_number():
    PersonFactory(nhs_number="9434765919")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(nhs_number="9434765919")


def test_person_many_people_may_have_no_nhs_number():
    PersonFactory(nhs_number="")
    PersonFactory(nhs_number="")


@pytest.mark.parametrize(
    ("born", "died", "field"),
    [
        (datetime.date(2999, 1, 1), None, "date_of_birth"),
        (datetime.date(1950, 1, 1), datetime.date(1949, 12, 31), "date_of_death"),
        (datetime.date(1950, 1, 1), datetime.date(2999, 1, 1), "date_of_death"),
    ],
)
def test_person_dates_checked(born, died, field):
    person = PersonFactory.build(date_of_birth=born, date_of_death=died)
    with pytest.raises(ValidationError) as raised:
        person.clean()
    assert field in raised.value.message_dict


def test_person_death_before_birth_refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(date_of_birth=datetime.date(1950, 1, 1), date_of_death=datetime.date(1940, 1, 1))


def test_case_number_generated_from_id_and_unique():
    first, second = CaseFactory(), CaseFactory()
    assert first.case_number == f"CAS-{first.pk:06d}"
    assert second.case_number != first.case_number
    assert Case.objects.get(pk=first.pk).case_number == first.case_number
    assert first.history.first().case_number == first.case_number


def test_case_closed_needs_an_end_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(status=Case.Status.CLOSED, end_date=None)


def test_person_age():
    person = PersonFactory.build(date_of_birth=datetime.date(1950, 6, 15))
    assert person.age_on(datetime.date(2026, 6, 14)) == 75
    assert person.age_on(datetime.date(2026, 6, 15)) == 76
