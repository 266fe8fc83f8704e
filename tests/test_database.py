"""Database connection settings that the pages' speed depends on (PostgreSQL)."""

import pytest
from django.db import connection

from forms_engine.models import Form

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_query_run_again_on_a_connection_is_prepared_not_planned_again():
    """Django leaves psycopg's preparing off unless prepare_threshold is set; planning cost 1-4 ms a page query."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's: set DATABASE_URL to run it")
    query = Form.objects.filter(status="complete", responsible_user_id=0).order_by("-completed_at", "-id")[:25]
    for _ in range(6):
        list(query.all())
    prepared = [
        statement for statement in prepared_statements() if '"forms_engine_form"."completed_at" DESC' in statement
    ]
    assert len(prepared) == 1, prepared_statements()
    assert "$1" in prepared[0]  # parameters bound apart from the text, so one statement serves every user


def test_status_is_writes_only_a_status_into_the_sql():
    awaiting = Form.objects.filter(status__is=Form.Status.COMPLETE)
    sql, params = awaiting.query.sql_with_params()
    assert "= 'complete'" in sql and "complete" not in params
    with pytest.raises(ValueError, match="takes a status"):
        str(Form.objects.filter(status__is="complete' OR '1'='1").query)
