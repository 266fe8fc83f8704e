import pytest
from django.urls import reverse
from markupsafe import escape

from forms_engine.models import Form
from tests.factories import FormTypeFactory, bulk_forms, make_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def my_set(practitioner, practitioner2, manager):
    """A hand-built set: 2 in progress, 1 returned, 3 awaiting, 2 closed lately, 1 closed long ago (and others')."""
    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(2, status="in_progress", form_type=form_type, responsible_user=practitioner)
    bulk_forms(1, status="in_progress", form_type=form_type, responsible_user=practitioner, returned=True)
    bulk_forms(3, status="complete", form_type=form_type, responsible_user=practitioner, completed_days_ago=1)
    bulk_forms(2, status="closed", form_type=form_type, responsible_user=practitioner, completed_days_ago=5)
    bulk_forms(1, status="closed", form_type=form_type, responsible_user=practitioner, completed_days_ago=90)
    bulk_forms(4, status="in_progress", form_type=form_type, responsible_user=practitioner2)  # someone else's
    return form_type


@pytest.mark.parametrize(
    ("show", "count"),
    [("all", 9), ("in_progress", 2), ("returned", 1), ("awaiting", 3), ("closed_recently", 2)],
)
def test_my_forms_counts_and_filters(client, practitioner, my_set, show, count):
    client.force_login(practitioner)
    response = client.get(reverse("dashboards:my-forms"), {"show": show})
    tabs = {key: number for key, _label, number in response.context["tabs"]}
    assert tabs == {"all": 9, "in_progress": 2, "returned": 1, "awaiting": 3, "closed_recently": 2}
    assert len(response.context["page"].object_list) == count
    mine = set(Form.objects.filter(responsible_user=practitioner).values_list("pk", flat=True))
    assert {form.id for form in response.context["page"].object_list} <= mine


def test_unknown_filter_shows_all(client, practitioner, my_set):
    client.force_login(practitioner)
    assert client.get(reverse("dashboards:my-forms"), {"show": "nonsense"}).context["chosen"] == "all"


def test_returned_form_stands_out_with_reason(client, practitioner, manager):
    form = make_form(status="complete", responsible_user=practitioner)
    client.force_login(manager)
    client.post(
        form.get_absolute_url(),
        {"revision": form.revision, "status": "in_progress", "return_reason": "Add the GP's details."},
    )
    client.force_login(practitioner)
    html = client.get(reverse("dashboards:my-forms")).content.decode()
    assert 'class="table-warning"' in html and "Returned for amendment" in html
    assert "Manager's reason:</strong> Add the GP&#39;s details." in html


def test_my_forms_rows_link_with_edit_or_view_icons_and_name_case_and_client(client, practitioner, manager):
    open_form = make_form(responsible_user=practitioner)
    closed = make_form(status="closed", responsible_user=practitioner, manager=manager)
    client.force_login(practitioner)
    html = client.get(reverse("dashboards:my-forms")).content.decode()
    assert f"Edit: {open_form.form_type} {open_form.reference}" in html
    assert f"View Only: {closed.form_type} {closed.reference}" in html
    # as the page writes it (a random name may be O'Connor: &#39;)
    assert open_form.case.case_number in html and escape(open_form.case.person.full_name) in html


def test_my_forms_newest_first_and_paginated(client, practitioner):
    form_type = FormTypeFactory(multiple_open_allowed=True)
    forms = bulk_forms(30, status="in_progress", form_type=form_type, responsible_user=practitioner)
    client.force_login(practitioner)
    first = client.get(reverse("dashboards:my-forms")).context["page"]
    second = client.get(reverse("dashboards:my-forms"), {"page": 2}).context["page"]
    assert [f.id for f in first.object_list][:3] == [f.pk for f in reversed(forms)][:3]
    assert len(first.object_list) == 25 and len(second.object_list) == 5 and first.paginator.num_pages == 2


@pytest.mark.parametrize("count", [10, 1000])
def test_my_forms_query_count_does_not_grow(client, practitioner, django_assert_num_queries, count):
    form_type = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(count, status="in_progress", form_type=form_type, responsible_user=practitioner)
    client.force_login(practitioner)
    # the session, the user with their roles and teams, the user's forms in each state with those closed recently
    # (PostgreSQL: the tallies and that count in one statement; elsewhere two counts), one page of forms
    from django.db import connection

    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 5):
        assert client.get(reverse("dashboards:my-forms")).status_code == 200
