"""cld 0012 gives forms set Complete before the CLD block kept its event's values the values the action now keeps: on
the demo data, with every kept value taken away, the migration puts back the same extract file."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cld.events import Period
from cld.extract import run_extract

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("cld", "0011_seed_event_dates_and_carer_events"), ("forms_engine", "0015_person_as_at_the_event")]
KEPT = ["cld_client_type_id", "cld_adults_cared_for", "cld_linked_person_1", "cld_linked_person_2"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def extract():
    buffer = io.StringIO(newline="")
    run_extract(Period(datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)), 2, csv_file=buffer)
    return list(csv.reader(io.StringIO(buffer.getvalue())))


def kept():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(KEPT)} FROM forms_engine_form WHERE status <> 'in_progress' ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def test_the_migration_keeps_what_the_action_keeps_on_the_demo_data(settings, reference_data):
    settings.DEBUG = True  # seed_demo refuses to run in production
    settings.CLD_LA_CODE = "384"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    file, values = extract(), kept()
    assert len(file) > 40 and any(row[KEPT.index("cld_client_type_id") + 1] for row in values)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        with connection.cursor() as cursor:  # as forms completed before the values were kept
            cursor.execute("UPDATE forms_engine_form SET cld_person_as_at_id = NULL, cld_event_end = NULL")
            cursor.execute("SELECT min(id) FROM cases_person")
            unrecorded = cursor.fetchone()[0]  # a person loaded without history
            cursor.execute("DELETE FROM cases_historicalperson WHERE id = %s", [unrecorded])
    finally:
        migrate(leaves)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM forms_engine_form f JOIN forms_engine_formtype t ON t.id = f.form_type_id "
            "WHERE t.has_cld_section AND f.status <> 'in_progress' AND (f.cld_person_as_at_id IS NULL "
            "OR f.cld_event_end IS NULL OR f.cld_client_type_id IS NULL)"
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM cases_historicalperson WHERE id = %s", [unrecorded])
        assert cursor.fetchone()[0] == 1
    assert kept() == values
    assert extract() == file
