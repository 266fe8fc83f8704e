"""caredirector.statements: a queryset compiled once gives what the ORM's values_list() gives, for any values."""

import datetime

import pytest
from django.db.models import DateField, IntegerField
from django.utils import timezone

from caredirector.statements import Param, Statement
from forms_engine.models import Form
from tests.factories import FormTypeFactory, UserFactory, bulk_forms

pytestmark = pytest.mark.django_db

COLUMNS = ("id", "status", "completed_at", "closed_on", "form_type__name", "case__person__family_name")


def orm(user, since):
    return list(
        Form.objects.filter(responsible_user=user, closed_on__gte=since)
        .order_by("-completed_at", "id")
        .values_list(*COLUMNS)
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

    statement = Statement(build)
    today = timezone.localdate()
    for user in forms:
        for days in (0, 2, 5, 10, 31):
            since = today - datetime.timedelta(days=days)
            rows = statement.run(user=user.pk, since=since)
            assert rows == orm(user, since)
            # converted as the ORM converts: aware datetimes and dates, whatever the database returns
            assert all(timezone.is_aware(row[2]) and isinstance(row[3], datetime.date) for row in rows)
    assert len(built) == 1
    assert statement.run(user=forms[0].pk, since=today - datetime.timedelta(days=31))  # not vacuous


def test_a_run_is_sliced_by_limit_and_offset(forms):
    statement = Statement(
        lambda: Form.objects.filter(responsible_user_id=Param("user", IntegerField())).order_by("id").values_list("id")
    )
    everything = statement.run(user=forms[0].pk)
    assert len(everything) == 11
    assert statement.run(user=forms[0].pk, limit=4, offset=0) == everything[:4]
    assert statement.run(user=forms[0].pk, limit=4, offset=8) == everything[8:]
    with pytest.raises(ValueError, match="offset needs a limit"):
        statement.run(user=forms[0].pk, offset=3)


def test_a_statement_is_not_sliced_when_built():
    with pytest.raises(ValueError, match="sliced when it runs"):
        Statement(lambda: Form.objects.values_list("id")[:5]).compiled()


def test_a_missing_value_is_an_error_not_a_null(forms):
    statement = Statement(
        lambda: Form.objects.filter(responsible_user_id=Param("user", IntegerField())).values_list("id")
    )
    with pytest.raises(KeyError):
        statement.run()
