"""The access log: one append-only row for every view of a person's data (cases/access.py)."""

import datetime
import logging

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import AccessLogPruning, AccessLogRefused, RecordAccess
from tests.factories import CaseFactory, UserFactory, make_form

pytestmark = pytest.mark.django_db
Kind = RecordAccess.Kind


@pytest.fixture
def form(practitioner, manager):
    return make_form(status="closed", responsible_user=practitioner, manager=manager)


def logged():
    return list(RecordAccess.objects.order_by("id").values_list("kind", "person_id", "case_id", "object_id", "user_id"))


def sections_of(form):
    return [section["id"] for section in form.version.sections]


@pytest.mark.parametrize(
    "kind, route, on",
    [
        (Kind.CASE_RECORD, "cases:case-detail", "case"),
        (Kind.CASE_FORMS, "forms:case-forms", "case"),
        (Kind.FORM, "forms:form-edit", "form"),
        (Kind.FORM_HISTORY, "forms:form-history", "form"),
        (Kind.PRINT_HISTORY, "forms:print-history", "form"),
        (Kind.PRINT_PAGE, "forms:form-print", "form"),
    ],
)
def test_each_page_of_a_persons_data_writes_one_row(client, practitioner, form, kind, route, on):
    client.force_login(practitioner)
    target = form.case if on == "case" else form
    response = client.get(reverse(route, args=[target.pk]), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert logged() == [(kind, form.case.person_id, form.case_id, target.pk, practitioner.pk)]
    row = RecordAccess.objects.get()
    assert row.address == "192.0.2.7" and timezone.now() - row.at < datetime.timedelta(minutes=1)


def test_a_word_download_writes_its_own_row(client, practitioner, form):
    client.force_login(practitioner)
    response = client.post(reverse("forms:form-print", args=[form.pk]), {"sections": sections_of(form)})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert logged() == [(Kind.WORD, form.case.person_id, form.case_id, form.pk, practitioner.pk)]


def test_a_page_that_shows_no_record_writes_none(client, practitioner, form):
    client.force_login(practitioner)
    assert client.get(reverse("cases:case-detail", args=[form.case_id + 1000])).status_code == 404
    assert client.get(reverse("forms:form-edit", args=[form.pk + 1000])).status_code == 404
    assert client.get(reverse("dashboards:my-forms")).status_code == 200  # lists: not a view of one record
    assert logged() == []


def test_the_log_is_one_insert_a_request(client, practitioner, form, django_assert_num_queries):
    client.force_login(practitioner)
    client.get(reverse("cases:case-detail", args=[form.case_id]))  # the session refreshed, once
    with django_assert_num_queries(6) as captured:  # Case Record's five, and the log's one INSERT
        client.get(reverse("cases:case-detail", args=[form.case_id]))
    assert captured.captured_queries[-1]["sql"].startswith('INSERT INTO "cases_recordaccess"')


def test_a_log_that_cannot_be_written_does_not_block_the_page_but_is_reported(
    client, practitioner, form, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr(RecordAccess, "save", broken)
    client.force_login(practitioner)
    with caplog.at_level(logging.CRITICAL, logger="caredirector.access"):
        response = client.get(reverse("forms:form-edit", args=[form.pk]))
    assert response.status_code == 200 and form.reference in response.content.decode()
    [record] = [record for record in caplog.records if record.name == "caredirector.access"]
    assert record.levelno == logging.CRITICAL and "ACCESS LOG NOT WRITTEN" in record.getMessage()
    assert f"/forms/{form.pk}/" in record.getMessage() and str(practitioner.pk) in record.getMessage()


def test_requests_run_in_autocommit_so_a_failed_insert_touches_nothing_else(settings):
    assert not settings.DATABASES["default"].get("ATOMIC_REQUESTS")


# --- Append-only ----------------------------------------------------------------------------------------------------


@pytest.fixture
def row(form, practitioner):
    return RecordAccess.objects.create(
        person_id=form.case.person_id, case_id=form.case_id, kind=Kind.FORM, object_id=form.pk, user=practitioner
    )


def test_no_row_can_be_changed_or_deleted_through_the_model(row):
    row.kind = Kind.WORD
    with pytest.raises(AccessLogRefused):
        row.save()
    with pytest.raises(AccessLogRefused):
        row.delete()
    with pytest.raises(AccessLogRefused):
        RecordAccess.objects.filter(pk=row.pk).update(kind=Kind.WORD)
    with pytest.raises(AccessLogRefused):
        RecordAccess.objects.all().delete()
    assert RecordAccess.objects.get().kind == Kind.FORM


@pytest.mark.postgres
def test_the_database_refuses_a_change_or_delete_from_anywhere(row):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    for statement in ("UPDATE cases_recordaccess SET kind = 'word'", "DELETE FROM cases_recordaccess"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
    assert RecordAccess.objects.get().kind == Kind.FORM


def test_the_admin_shows_the_log_but_changes_nothing(client, row):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    changelist = client.get(reverse("admin:cases_recordaccess_changelist"))
    assert changelist.status_code == 200 and "Form" in changelist.content.decode()
    change = reverse("admin:cases_recordaccess_change", args=[row.pk])
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page and "Delete" not in page  # shown read-only
    assert client.post(change, {"kind": Kind.WORD}).status_code == 403
    assert client.post(reverse("admin:cases_recordaccess_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:cases_recordaccess_add")).status_code == 403
    bulk_delete = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    client.post(reverse("admin:cases_recordaccess_changelist"), bulk_delete)
    assert RecordAccess.objects.get().kind == Kind.FORM


# --- Retention ------------------------------------------------------------------------------------------------------


def test_the_retention_command_removes_only_old_rows_and_records_that_it_did(settings, capsys):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    person = CaseFactory().person
    now = timezone.now()
    for days in (400, 31, 29, 0):
        RecordAccess.objects.create(person=person, kind=Kind.CASE_RECORD, at=now - datetime.timedelta(days=days))
    call_command("prune_access_log")
    kept = sorted((now - at).days for at in RecordAccess.objects.values_list("at", flat=True))
    assert kept == [0, 29]
    run = AccessLogPruning.objects.get()
    assert run.removed == 2 and run.retention_days == 30
    assert abs(run.removed_before - (now - datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    assert "Removed 2 access log rows" in capsys.readouterr().out
    call_command("prune_access_log", "--days", "10")
    assert RecordAccess.objects.count() == 1 and AccessLogPruning.objects.count() == 2
