"""The awaiting-sign-off tallies the chart reads on PostgreSQL always equal a count of the forms themselves."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards import queries as dashboard_queries
from forms_engine import actions
from forms_engine.models import AwaitingByDay, AwaitingByOwner, Form
from tests.factories import CaseFactory, FormTypeFactory, UserFactory, bulk_forms, make_form

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the tallies are kept by a PostgreSQL trigger")


def tallies():
    owners = Counter(
        {(row.form_type_id, row.responsible_user_id): row.count for row in AwaitingByOwner.objects.all() if row.count}
    )
    days = Counter({row.day: row.count for row in AwaitingByDay.objects.all() if row.count})
    return owners, days


def counted():
    awaiting = Form.objects.filter(status=Form.Status.COMPLETE)
    owners = Counter((form.form_type_id, form.responsible_user_id) for form in awaiting)
    days = Counter(timezone.localdate(form.completed_at) for form in awaiting)
    return owners, days


def test_every_kind_of_change_keeps_the_tallies_exact():
    alice, bob = UserFactory(roles=["Practitioner"]), UserFactory(roles=["Practitioner"])
    manager = UserFactory(roles=["Manager"])
    review, plan = FormTypeFactory(multiple_open_allowed=True), FormTypeFactory(multiple_open_allowed=True)
    case = CaseFactory()
    bulk_forms(30, status="complete", form_type=review, responsible_user=alice, case=case, completed_days_ago=4)
    bulk_forms(20, status="complete", form_type=plan, responsible_user=bob, case=case, completed_days_ago=12)
    bulk_forms(10, status="in_progress", form_type=plan, responsible_user=bob, case=case)
    assert tallies() == counted()
    # through the actions: complete, close, return for amendment
    done = make_form(status="complete", form_type=review, responsible_user=alice, case=case)
    closed = make_form(status="closed", form_type=plan, responsible_user=bob, case=case, manager=manager)
    assert tallies() == counted()
    actions.return_form(form=done, revision=done.revision, by=manager, reason="Add the outcome.")
    first = Form.objects.filter(status="complete", form_type=review).first()
    actions.close_form(form=first, revision=first.revision, by=manager, closed_on=timezone.localdate(), name="M")
    assert tallies() == counted()
    # behind the app's back: bulk updates of owner, type and completion time, and deletes
    moved = list(Form.objects.filter(status="complete", form_type=plan).values_list("pk", flat=True)[:5])
    Form.objects.filter(pk__in=moved).update(responsible_user=alice)
    ids = list(Form.objects.filter(status="complete", form_type=review).values_list("pk", flat=True)[:7])
    Form.objects.filter(pk__in=ids).update(form_type=plan)
    Form.objects.filter(pk__in=ids[:3]).update(completed_at=timezone.now() - datetime.timedelta(days=40))
    Form.objects.filter(pk__in=ids[3:5]).delete()
    Form.objects.filter(status="in_progress", form_type=plan).update(
        status="complete", completed_at=timezone.now() - datetime.timedelta(days=1)
    )
    assert tallies() == counted()
    assert closed.pk and sum(tallies()[0].values()) == Form.objects.filter(status="complete").count() > 0


def test_band_counts_from_the_tally_match_the_forms(monkeypatch):
    worker, form_type = UserFactory(), FormTypeFactory(multiple_open_allowed=True)
    for days in (0, 2, 3, 5, 6, 10, 11, 400):
        bulk_forms(days + 1, status="complete", form_type=form_type, responsible_user=worker, completed_days_ago=days)
    today = timezone.localdate()
    tallied = dashboard_queries.band_counts(today)
    monkeypatch.setattr(dashboard_queries, "tallied", lambda: False)  # count the forms themselves, as on SQLite
    assert (
        tallied == dashboard_queries.band_counts(today) == {"0-2": 1 + 3, "3-5": 4 + 6, "6-10": 7 + 11, "11+": 12 + 401}
    )


def test_sign_off_list_totals_come_exact_from_the_tallies_without_counting_forms(client, monkeypatch):
    """Beyond the 10,000 a count would stop at, the list still says how many forms wait: the tallies know."""
    import dashboards.queries

    alice, bob, manager = UserFactory(), UserFactory(), UserFactory(roles=["Head of service"])  # every team's
    review, plan = FormTypeFactory(multiple_open_allowed=True), FormTypeFactory(multiple_open_allowed=True)
    case = CaseFactory()
    bulk_forms(30, status="complete", form_type=review, responsible_user=alice, case=case, completed_days_ago=2)
    bulk_forms(12, status="complete", form_type=plan, responsible_user=alice, case=case, completed_days_ago=20)
    bulk_forms(7, status="complete", form_type=plan, responsible_user=bob, case=case, completed_days_ago=9)
    bulk_forms(9, status="in_progress", form_type=review, responsible_user=bob, case=case)
    monkeypatch.setattr(dashboards.queries, "COUNT_CAP", 5)  # a count would stop at 5 and say "5+"
    client.force_login(manager)
    for query, expected in (
        ({"type": review.pk}, 30),
        ({"type": plan.pk}, 19),
        ({"user": alice.pk}, 42),
        ({"user": bob.pk}, 7),
        ({"age": "0-2"}, 30),
        ({"age": "3-5"}, 0),
        ({"age": "6-10"}, 7),
        ({"age": "11+"}, 12),
        ({}, 49),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboards:sign-off-list"), query)
        assert (response.context["total"], response.context["capped"]) == (expected, False), query
        assert f"{expected} form{'' if expected == 1 else 's'} awaiting sign-off" in response.content.decode()
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "forms_engine_form" in q["sql"]]
        assert counts == [], counts


def my_forms_tallies():
    from forms_engine.models import MyFormsTally

    return Counter(
        {(row.responsible_user_id, row.bucket): row.count for row in MyFormsTally.objects.all() if row.count}
    )


def my_forms_counted():
    def bucket(form):
        return "returned" if form.status == "in_progress" and form.returned_reason else form.status

    return Counter((form.responsible_user_id, bucket(form)) for form in Form.objects.all())


def test_my_forms_tallies_stay_exact_through_every_kind_of_change():
    alice, bob = UserFactory(roles=["Practitioner"]), UserFactory(roles=["Practitioner"])
    manager = UserFactory(roles=["Manager"])
    review = FormTypeFactory(multiple_open_allowed=True)
    case = CaseFactory()
    bulk_forms(8, status="in_progress", form_type=review, responsible_user=alice, case=case)
    bulk_forms(3, status="in_progress", form_type=review, responsible_user=bob, case=case, returned=True)
    bulk_forms(5, status="complete", form_type=review, responsible_user=bob, case=case, completed_days_ago=2)
    bulk_forms(6, status="closed", form_type=review, responsible_user=alice, case=case, completed_days_ago=40)
    assert my_forms_tallies() == my_forms_counted()
    # through the actions: create, return for amendment, close
    done = make_form(status="complete", form_type=review, responsible_user=alice, case=case)
    actions.return_form(form=done, revision=done.revision, by=manager, reason="Add the outcome.")
    assert my_forms_tallies()[(alice.pk, "returned")] == 1
    actions.create_form(case=CaseFactory(), form_type=review, responsible_user=bob, by=manager)
    first = Form.objects.filter(status="complete").first()
    actions.close_form(form=first, revision=first.revision, by=manager, closed_on=timezone.localdate(), name="M")
    assert my_forms_tallies() == my_forms_counted()
    # behind the app's back: reassignment, a reason cleared, a state changed in bulk, deletes
    moved = list(Form.objects.filter(responsible_user=alice, status="in_progress").values_list("pk", flat=True)[:4])
    Form.objects.filter(pk__in=moved).update(responsible_user=bob)
    Form.objects.filter(responsible_user=bob, returned_reason__gt="").update(returned_reason="")
    Form.objects.filter(pk__in=moved[:2]).update(returned_reason="Again.", responsible_user=alice)
    Form.objects.filter(status="complete").update(
        status="closed", closed_on=timezone.localdate(), closed_at=timezone.now(), closed_by_name="Bulk"
    )
    Form.objects.filter(pk__in=moved[2:]).delete()
    assert my_forms_tallies() == my_forms_counted()
    assert sum(my_forms_tallies().values()) == Form.objects.count() > 0


def test_my_forms_tabs_come_from_the_tallies_and_match_a_count_of_the_forms(client, monkeypatch):
    """The tabs' numbers are the same as counting the forms; only "Closed recently" reads forms, by its index."""
    alice = UserFactory(roles=["Practitioner"])
    review = FormTypeFactory(multiple_open_allowed=True)
    bulk_forms(4, status="in_progress", form_type=review, responsible_user=alice)
    bulk_forms(2, status="in_progress", form_type=review, responsible_user=alice, returned=True)
    bulk_forms(3, status="complete", form_type=review, responsible_user=alice, completed_days_ago=1)
    for days in (0, 29, 30, 31, 200):
        bulk_forms(1, status="closed", form_type=review, responsible_user=alice, completed_days_ago=days)
    bulk_forms(5, status="closed", form_type=review, responsible_user=UserFactory(), completed_days_ago=2)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboards:my-forms"))
    tabs = {key: count for key, _label, count in response.context["tabs"]}
    monkeypatch.setattr(dashboard_queries, "tallied", lambda: False)  # count the forms themselves, as on SQLite
    counted = dashboard_queries.my_forms_counts(alice, timezone.localdate())
    assert tabs == counted == {"all": 14, "in_progress": 4, "returned": 2, "awaiting": 3, "closed_recently": 3}
    counting = [q["sql"] for q in queries if "COUNT(" in q["sql"] and '"forms_engine_form"' in q["sql"]]
    # one statement: the tallies, and the forms closed recently counted by their partial index
    assert len(counting) == 1 and "'closed'" in counting[0] and '"forms_engine_myformstally"' in counting[0], counting
    assert counting[0].index('"forms_engine_myformstally"') < counting[0].index("UNION ALL")
