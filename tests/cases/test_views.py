import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cases():
    return {
        "jane": CaseFactory(person=PersonFactory(given_name="Jane", family_name="Austen", nhs_number="9434765919")),
        "john": CaseFactory(person=PersonFactory(given_name="John", family_name="Smith", la_person_id="LA-77")),
        "mary": CaseFactory(person=PersonFactory(given_name="Mary", family_name="Smithson")),
    }


def search(client, text):
    response = client.get(reverse("cases:case-list"), {"q": text})
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Austen", {"jane"}),
        ("austen", {"jane"}),
        ("Jane Austen", {"jane"}),
        ("Smith", {"john", "mary"}),
        ("John Smith", {"john"}),
        ("943 476 5919", {"jane"}),
        ("9434765919", {"jane"}),
        ("la-77", {"john"}),
        ("", {"jane", "john", "mary"}),
        ("Nobody", set()),
    ],
)
def test_case_search_by_name_nhs_number_and_person_id(client, practitioner, three_cases, text, expected):
    assert search(signed_in(client, practitioner), text) == {three_cases[key].pk for key in expected}


def test_case_search_by_case_number(client, practitioner, three_cases):
    mary = three_cases["mary"]
    signed_in(client, practitioner)
    assert search(client, mary.case_number) == {mary.pk}
    assert search(client, mary.case_number.lower()) == {mary.pk}
    assert search(client, str(mary.pk)) == {mary.pk}


def test_case_list_shows_client_and_formatted_nhs_number(client, practitioner, three_cases):
    response = signed_in(client, practitioner).get(reverse("cases:case-list"))
    html = response.content.decode()
    assert "Jane Austen" in html
    assert "943 476 5919" in html
    assert three_cases["jane"].case_number in html


def test_case_list_paginates_at_25(client, practitioner):
    CaseFactory.create_batch(30)
    signed_in(client, practitioner)
    first = client.get(reverse("cases:case-list"))
    second = client.get(reverse("cases:case-list"), {"page": 2})
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.content.decode()


def test_case_list_wrong_method(client, practitioner):
    assert signed_in(client, practitioner).post(reverse("cases:case-list")).status_code == 405


@pytest.mark.parametrize("count", [5, 50])
def test_case_list_query_count_does_not_grow(client, practitioner, django_assert_num_queries, count):
    CaseFactory.create_batch(count)
    signed_in(client, practitioner)
    # the session, the user, count, one page of cases with person, team and user joined
    with django_assert_num_queries(4):
        response = client.get(reverse("cases:case-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_case_record_query_count_does_not_grow(client, practitioner, django_assert_num_queries, count):
    cases = CaseFactory.create_batch(count)
    signed_in(client, practitioner)
    # the session, the user, the case with its person and team, the people a carer cares for, the person's code values,
    # and the access log's row (cases/access.py)
    with django_assert_num_queries(6):
        response = client.get(reverse("cases:case-detail", args=[cases[-1].pk]))
    assert response.status_code == 200


def test_case_record_shows_person_and_related_items_menu(client, practitioner):
    case = CaseFactory(person=PersonFactory(given_name="Ada", family_name="Lovelace", nhs_number="4010232137"))
    html = signed_in(client, practitioner).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    for text in (
        "Ada Lovelace",
        "401 023 2137",
        case.case_number,
        "Related Items",
        "Forms (Case)",
        "WF1 2EB",
        "Physical Support: Personal care support",
        "Owner occupier or shared ownership scheme",
    ):
        assert text in html
    assert reverse("forms:case-forms", args=[case.pk]) in html


def test_case_record_unknown_case_is_404(client, practitioner):
    assert signed_in(client, practitioner).get(reverse("cases:case-detail", args=[999999])).status_code == 404


def test_forms_case_page_lists_the_case(client, practitioner):
    case = CaseFactory()
    response = signed_in(client, practitioner).get(reverse("forms:case-forms", args=[case.pk]))
    assert response.status_code == 200
    assert "Forms (Case)" in response.content.decode()
