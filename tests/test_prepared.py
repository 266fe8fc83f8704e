"""caredirector.prepared: a queryset compiled once gives what values_list(named=True) gives, for any values."""

import datetime

import pytest
from django.db.models import DateField, IntegerField
from django.utils import timezone

from caredirector.prepared import Param, Prepared
from forms_engine.models import Form
from tests.factories import FormTypeFactory, UserFactory, bulk_forms

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "status", "completed_at", "closed_on", "answers", "single_open", "form_type__name")


def orm(user, since):
    return list(
        Form.objects.filter(responsible_user=user, closed_on__gte=since)
        .order_by("-completed_at", "id")
        .values_list(*COLUMNS, named=True)
    )


@pytest.fixture
def forms():
    alice, bob = UserFactory(), UserFactory()
    form_type = FormTypeFactory(multiple_open_allowed=True)
    for days in (1, 4, 9, 30):
        bulk_forms(2, status="closed", form_type=form_type, responsible_user=alice, completed_days_ago=days)
        bulk_forms(1, status="closed", form_type=form_type, responsible_user=bob, completed_days_ago=days)
    bulk_forms(3, status="in_progress", form_type=form_type, responsible_user=alice)
    return alice, bob


def test_rows_are_the_orms_for_every_value_and_the_queryset_is_built_once(forms):
    built = []

    def build():
        built.append(1)
        return (
            Form.objects.filter(
                responsible_user_id=Param("user", IntegerField()), closed_on__gte=Param("since", DateField())
            )
            .order_by("-completed_at", "id")
            .values_list(*COLUMNS)
        )

    prepared = Prepared(build)
    today = timezone.localdate()
    for user in forms:
        for days in (0, 2, 5, 10, 31):
            since = today - datetime.timedelta(days=days)
            rows = prepared.rows(user=user.pk, since=since)
            assert rows == orm(user, since) and [row._fields for row in rows[:1]] == [COLUMNS][: len(rows[:1])]
            # converted as the ORM converts: aware datetimes, dates, JSON, booleans, whatever the database returns
            assert all(timezone.is_aware(row.completed_at) and isinstance(row.closed_on, datetime.date) for row in rows)
            assert all(row.answers == {} and row.single_open is False for row in rows)
    assert len(built) == 1
    assert prepared.rows(user=forms[0].pk, since=today - datetime.timedelta(days=31))  # not vacuous


def test_a_slice_is_compiled_once_each(forms):
    prepared = Prepared(
        lambda: Form.objects.filter(responsible_user_id=Param("user", IntegerField())).order_by("id").values_list("id")
    )
    everything = prepared.rows(user=forms[0].pk)
    assert len(everything) == 11
    assert prepared.rows(user=forms[0].pk, limit=4, offset=0) == everything[:4]
    assert prepared.rows(user=forms[0].pk, limit=4, offset=8) == everything[8:]
    assert prepared.rows(user=forms[1].pk, limit=4, offset=0) != everything[:4]


def test_a_missing_value_is_an_error_not_a_null(forms):
    user = Param("user", IntegerField())
    prepared = Prepared(lambda: Form.objects.filter(responsible_user_id=user).values_list("id"))
    with pytest.raises(KeyError):
        prepared.rows()
