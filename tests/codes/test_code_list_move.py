"""The code lists moved from cld to codes (codes 0001-0002): on the demo data, every row and every reference stays."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

# table -> the columns that refer to a code value (or, for the values themselves, to their list and successor)
REFERRING = {
    "cases_person": [
        "gender_id",
        "ethnicity_id",
        "client_type_id",
        "primary_support_reason_id",
        "accommodation_status_id",
        "employment_status_id",
        "has_unpaid_carer_id",
        "autism_id",
        "visual_impairment_id",
        "hearing_impairment_id",
        "dementia_id",
        "client_funding_status_id",
    ],
    "forms_engine_form": [
        "cld_event_type_id",
        "cld_event_outcome_id",
        "cld_assessment_type_id",
        "cld_eligible_needs_id",
        "cld_method_id",
        "cld_route_of_access_id",
        "cld_review_reason_id",
        "cld_review_outcomes_id",
    ],
    "cld_cldfieldrule": ["event_type_id", "default_value_id"],
    "cld_cldconditionalrule": ["when_value_id"],
}
HISTORY = {"cases_historicalperson": "cases_person", "forms_engine_historicalform": "forms_engine_form"}


def rows(table, columns, where="1 = 1"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where} ORDER BY 1, 2")  # noqa: S608 - above
        return cursor.fetchall()


def fingerprint(prefix):
    """Every code list and value, and every reference to them, as the database holds them under `prefix`_ tables."""
    found = {
        "lists": rows(f"{prefix}_codelist", ["id", "key", "name", "description"]),
        "values": rows(
            f"{prefix}_codevalue",
            ["id", "code_list_id", "label", '"order"', "in_release_1", "in_release_2", "replaced_by_id", "selectable"],
        ),
    }
    for table, columns in REFERRING.items():
        # the national rules (cld 0009) come after the move: going back removes them, coming forward adds them again
        found[table] = rows(
            table, ["id", *columns], "form_type_id IS NOT NULL" if table == "cld_cldfieldrule" else "1 = 1"
        )
    for table, model_table in HISTORY.items():
        found[table] = rows(table, ["history_id", "id", *REFERRING[model_table]])
    return found


def referenced_tables():
    """The table each foreign-key column of REFERRING points at, as the database's own constraints say."""
    targets = {}
    with connection.cursor() as cursor:
        for table in REFERRING:
            for relation in connection.introspection.get_relations(cursor, table).items():
                column, (_target_column, target_table) = relation
                targets[(table, column)] = target_table
    return targets


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_the_move_keeps_every_row_and_reference_of_the_demo_data(settings, reference_data):
    settings.DEBUG = True  # seed_demo refuses to run in production
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = fingerprint("codes")
    assert len(after["values"]) > 200 and len(after["cases_person"]) == 60 and len(after["forms_engine_form"]) > 60
    assert sum(1 for row in after["forms_engine_form"] if row[1]) > 60  # forms hold CLD codes
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate([("codes", None)])  # back to before the move: the tables are the cld app's again
        assert fingerprint("cld") == after
        assert set(referenced_tables().values()) >= {"cld_codevalue"}
        assert "codes_codevalue" not in set(referenced_tables().values())
    finally:
        migrate(leaves)
    assert fingerprint("codes") == after
    targets = referenced_tables()
    code_columns = {(table, column) for table, columns in REFERRING.items() for column in columns}
    assert {targets[key] for key in code_columns} == {"codes_codevalue"}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            assert cursor.execute("PRAGMA foreign_key_check").fetchall() == []
